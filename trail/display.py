"""Audit entries as people read them: field labels, choice labels, names instead of ids.

Display only: the stored entries, and so the hash chain, are never touched. An entry keeps the
attribute names and plain values it was written with (trail.capture); here they become the
field's verbose name, a choice's label, Yes/No, a local date, the linked record's name and a
summary of a JSON value. An entry about a model or field that no longer exists falls back to
the stored name and value.

The names of linked records are read for a whole page of entries at once, in one query (a
UNION over the linked models), and only through the tenant: a record the tenant may not read
shows as "#id", as does every link when no tenant is given.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast
from django.utils import dateformat, formats, timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, gettext_lazy

from core.countries import CODES, country_name
from trail.capture import MASK
from trail.models import Action, AuditedModel, AuditEntry

EMPTY = "–"
MAX_KEYS = 8  # keys of a JSON value named in the summary line; the rest are counted
MAX_DETAIL = 120  # characters of one value in the details of a JSON change

# The keys of a many-to-many change (trail.capture.on_m2m).
M2M_KEYS = {"added": gettext_lazy("added"), "removed": gettext_lazy("removed"), "cleared": gettext_lazy("cleared")}
YES, NO = gettext_lazy("Yes"), gettext_lazy("No")


@dataclass(frozen=True)
class ChangeRow:
    """One changed field of an entry: its label, the change as text, optional detail lines."""

    label: str
    text: str
    details: tuple[str, ...] = field(default=())


# --- Names of linked records ------------------------------------------------------------------

def _swedish() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("sv")


def _model_name(app_label: str, model: str) -> str:
    try:
        return capfirst(str(apps.get_model(app_label, model)._meta.verbose_name))
    except LookupError:
        return f"{app_label}.{model}"


@dataclass(frozen=True)
class Namer:
    """Which columns name a record (up to three; lookups across relations allowed) and how."""

    columns: tuple[str, ...]
    name: Callable[..., str]


def _first(*values) -> str:
    return next((str(v) for v in values if v), "")


# Models whose name is not simply their `name` or `title` column.
NAMERS: dict[str, Namer] = {
    settings.AUTH_USER_MODEL.lower(): Namer(("full_name", "email"), _first),
    "contenttypes.contenttype": Namer(("app_label", "model"), _model_name),
    "requirements.control": Namer(("number", "name_sv", "name_en"),
                                  lambda number, sv, en: f"{number} {sv if _swedish() else en or sv}"),
    "requirements.requirement": Namer(("code", "title", "title_en"),
                                      lambda code, sv, en: f"{code} {sv if _swedish() or not en else en}"),
    "risk.threat": Namer(("name", "name_en"), lambda sv, en: sv if _swedish() or not en else en),
    "classification.classification": Namer(("information_type__name",), str),
    # A step of the default severity scale has no name of its own: it is named in the reader's language.
    "incidents.severity": Namer(("name", "rank"), lambda name, rank: name or _default_severity(rank)),
}


def _default_severity(rank) -> str:
    from incidents.models import DEFAULT_SEVERITY_NAMES

    return str(DEFAULT_SEVERITY_NAMES.get(int(rank), rank)) if str(rank).isdigit() else str(rank)

# Reference data every signed-in member may read: resolved without a tenant scope.
PUBLIC = {"organisations.organisation", "contenttypes.contenttype", "requirements.control"}


def _namer(model: type[models.Model]) -> Namer | None:
    label = model._meta.label_lower
    if label in NAMERS:
        return NAMERS[label]
    names = {f.name for f in model._meta.concrete_fields}
    column = next((c for c in ("name", "title") if c in names), None)
    return Namer((column,), str) if column else None


def _readable(model: type[models.Model], tenant):
    """The records of `model` whose names the tenant may see, or None when it may see none."""
    if tenant is None:
        return None
    label = model._meta.label_lower
    if label == settings.AUTH_USER_MODEL.lower():
        return tenant.users()
    if label in PUBLIC:
        return model._default_manager.all()
    if issubclass(model, AuditedModel) and any(f.name == "organisation" for f in model._meta.concrete_fields):
        return tenant.scope(model)
    return None


def _ids(value) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str) and value.isdigit():
        return [int(value)]
    if isinstance(value, (list, tuple)):
        return [i for v in value for i in _ids(v)]
    if isinstance(value, dict):
        return [i for v in value.values() for i in _ids(v)]
    return []


def references(entries: Iterable[AuditEntry]) -> dict[type[models.Model], set[int]]:
    """The ids of linked records named in the entries, by the linked model."""
    refs: dict[type[models.Model], set[int]] = defaultdict(set)
    for entry in entries:
        model = entry_model(entry)
        if model is None or not isinstance(entry.changes, dict):
            continue
        for key, change in entry.changes.items():
            found = _field(model, key)
            if found is not None and found.is_relation and found.related_model is not None:
                refs[found.related_model].update(_ids(change))
    return refs


def resolve_names(refs: dict[type[models.Model], set[int]], *, tenant) -> dict[tuple[str, int], str]:
    """{(model label, id): name} for the linked records the tenant may read, in one query."""
    parts, namers = [], []
    for model, ids in refs.items():
        namer, readable = _namer(model), _readable(model, tenant)
        if not ids or namer is None or readable is None:
            continue
        columns = {
            # As text: the parts of the UNION must agree column by column (PostgreSQL refuses text
            # beside a number).
            f"trail_c{n}": Cast(F(namer.columns[n]), CharField()) if n < len(namer.columns)
            else Value("", output_field=CharField())
            for n in range(3)
        }
        parts.append(
            readable.filter(pk__in=sorted(ids)).order_by()
            .annotate(trail_model=Value(len(namers), output_field=IntegerField()), trail_pk=F("pk"), **columns)
            .values_list("trail_model", "trail_pk", "trail_c0", "trail_c1", "trail_c2")
        )
        namers.append((model._meta.label_lower, namer))
    if not parts:
        return {}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    names = {}
    for index, pk, *values in query:
        label, namer = namers[index]
        name = namer.name(*values[: len(namer.columns)])
        if name:
            names[(label, pk)] = name
    return names


# --- Fields and values --------------------------------------------------------------------------

def entry_model(entry: AuditEntry) -> type[models.Model] | None:
    try:
        return apps.get_model(entry.model)
    except (LookupError, ValueError):
        return None


def model_label(entry: AuditEntry) -> str:
    """The entry's record type as people say it ("System"), or the stored label."""
    model = entry_model(entry)
    return capfirst(str(model._meta.verbose_name)) if model else entry.model


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    """The field an entry's key names: a column's attname ("owner_id") or a many-to-many name."""
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if key in (f.attname, f.name):
            return f
    for f in model._meta.many_to_many:
        if key == f.name:
            return f
    return None


def _label(found: models.Field | None, key: str) -> str:
    if found is None:
        return key
    name = found.verbose_name
    if isinstance(name, Promise):
        return capfirst(str(name))
    # A field without its own verbose name gets its attribute name, which may be a msgid too;
    # a link without one is named by the model it links to ("System"), not by its attribute.
    translated = gettext(name)
    if translated == name and found.is_relation and found.related_model is not None:
        return capfirst(str(found.related_model._meta.verbose_name))
    return capfirst(translated)


# Bookkeeping no reader needs: optimistic-locking counters. A model names its own in
# TRAIL_HIDDEN_FIELDS (derived scores, a generic link's type and id when its name is kept beside).
HIDDEN_FIELDS = frozenset({"version", "revision"})


def _hidden(model, found: models.Field | None, key: str) -> bool:
    hidden = HIDDEN_FIELDS | getattr(model, "TRAIL_HIDDEN_FIELDS", frozenset())
    return key in hidden or (found is not None and found.name in hidden)


def _value_labeller(model, field_name: str):
    """`text(value, key=None)` for a value the field's type does not explain (a rule's key, a
    code in a JSON list), from the model's `trail_value_label(field, value, key)`; None → as stored."""
    hook = getattr(model, "trail_value_label", None)
    country = field_name in COUNTRY_FIELDS or field_name.endswith("_countries") or field_name == "countries"

    def text(value, key=None):
        label = hook(field_name, value, key) if hook else None
        if label is None and country and isinstance(value, str) and value in CODES:
            label = country_name(value)
        return str(label) if label is not None else None
    return text


# Fields holding one ISO 3166 code; lists of codes are the fields named "…countries".
COUNTRY_FIELDS = frozenset({"country", "provider_jurisdiction"})


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _scalar(value) -> str:
    """A value without a field to go by (removed field, JSON content)."""
    if _empty(value):
        return EMPTY
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _choices(found: models.Field) -> dict:
    return {value: label for value, label in found.flatchoices}


def _value(found: models.Field | None, value, names: dict) -> str:
    """One stored value as text, going by its field."""
    if _empty(value):
        return EMPTY
    if value == MASK:
        return MASK
    if found is None:
        return _scalar(value)
    if found.is_relation and found.related_model is not None:
        pk = int(value) if isinstance(value, str) and value.isdigit() else value
        return names.get((found.related_model._meta.label_lower, pk)) or f"#{value}"
    if found.choices:
        label = _choices(found).get(value)
        return str(label) if label is not None else str(value)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(found, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return dateformat.format(moment, "Y-m-d H:i")
    if isinstance(found, models.DateField):
        day = parse_date(value) if isinstance(value, str) else None
        return dateformat.format(day, "Y-m-d") if day else str(value)
    if isinstance(found, models.TimeField):
        moment = parse_time(value) if isinstance(value, str) else None
        return dateformat.time_format(moment, "H:i") if moment else str(value)
    if isinstance(found, models.DecimalField):
        return formats.number_format(value) if isinstance(value, (int, float, str)) else str(value)
    if isinstance(found, models.FileField):
        return os.path.basename(str(value))
    if isinstance(value, (dict, list)):
        return _scalar(value)
    return str(value)


def _named_value(found, value, names: dict, labeller) -> str:
    named = labeller(value) if not _empty(value) and value != MASK else None
    return named if named is not None else _value(found, value, names)


def _short(value, labeller=None, key=None) -> str:
    named = labeller(value, key) if labeller and not _empty(value) else None
    text = named if named is not None else _scalar(value)
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def _keys_text(keys: list[str]) -> str:
    shown = ", ".join(keys[:MAX_KEYS])
    if len(keys) > MAX_KEYS:
        shown += " " + gettext("and %(count)d more") % {"count": len(keys) - MAX_KEYS}
    return shown


def _is_scalar_list(value) -> bool:
    return value is None or (isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value))


def _arrow(action: str, before: str, after: str) -> str:
    if action == Action.CREATE and before == EMPTY:
        return after
    if action == Action.DELETE and after == EMPTY:
        return before
    return f"{before} → {after}"


def _json_row(label: str, action: str, before, after, key_label=None, labeller=None) -> ChangeRow:
    """A JSON value summarised: a list of plain values as a list, a dict by the keys that changed.

    `key_label(key)` names a dict's key for people (e.g. a questionnaire answer by its question);
    None keeps the key. `labeller(value, key)` names a value (a list's codes, an answer); None
    keeps it as stored.
    """
    records = [x for v in (before, after) if isinstance(v, list) for x in v]
    if labeller and all(isinstance(v, list) or v is None for v in (before, after)) and any(
            isinstance(x, dict) for x in records) and all(labeller(x) is not None for x in records):
        # A list of records the model names itself (e.g. the evidence of an observation by its labels).
        def named(v):
            return "; ".join(labeller(x) for x in v) if v else EMPTY
        return ChangeRow(label, _arrow(action, named(before), named(after)))
    if _is_scalar_list(before) and _is_scalar_list(after):
        def text(v):
            return ", ".join(_short(x, labeller) for x in v) if v else EMPTY
        return ChangeRow(label, _arrow(action, text(before), text(after)))
    if all(v is None or isinstance(v, dict) for v in (before, after)):
        old, new = before or {}, after or {}
        missing = object()
        keys = sorted((k for k in old.keys() | new.keys() if old.get(k, missing) != new.get(k, missing)), key=str)
        named = {k: (key_label(k) if key_label else None) or str(k) for k in keys}
        shown = [named[k] for k in keys]
        if action == Action.CREATE and not old:
            details = tuple(f"{named[k]}: {_short(new[k], labeller, k)}" for k in keys)
            return ChangeRow(label, _keys_text(shown), details)
        if action == Action.DELETE and not new:
            details = tuple(f"{named[k]}: {_short(old[k], labeller, k)}" for k in keys)
            return ChangeRow(label, _keys_text(shown), details)
        details = tuple(f"{named[k]}: {_short(old.get(k), labeller, k)} → {_short(new.get(k), labeller, k)}"
                        for k in keys)
        return ChangeRow(label, gettext("changed: %(keys)s") % {"keys": _keys_text(shown)} if keys else EMPTY, details)
    return ChangeRow(label, gettext("changed"), (f"{_short(before)} → {_short(after)}",))


def _m2m_text(found: models.Field | None, change: dict, names: dict) -> str:
    label = found.related_model._meta.label_lower if found is not None and found.related_model else None
    parts = []
    for key, ids in change.items():
        shown = [names.get((label, pk)) or f"#{pk}" for pk in (ids if isinstance(ids, list) else [ids])]
        parts.append(f"{M2M_KEYS.get(key, key)}: {', '.join(shown) or EMPTY}")
    return "; ".join(parts)


def change_rows(entry: AuditEntry, names: dict | None = None) -> list[ChangeRow]:
    """The readable rows of one entry; `names` from resolve_names (links show as #id without)."""
    names = names or {}
    model = entry_model(entry)
    secret = getattr(model, "TRAIL_SECRET_FIELDS", frozenset())
    changes = entry.changes if isinstance(entry.changes, dict) else {"": entry.changes}
    rows = []
    for key, change in changes.items():
        found = _field(model, key)
        if getattr(found, "auto_now", False) or getattr(found, "auto_now_add", False):
            continue  # a created/updated time repeats the entry's own time
        if _hidden(model, found, key):
            continue
        labeller = _value_labeller(model, found.name if found is not None else key)
        label = _label(found, key)
        if key in secret or (found is not None and found.name in secret):
            rows.append(ChangeRow(label, MASK))
        elif isinstance(change, dict):
            rows.append(ChangeRow(label, _m2m_text(found, change, names)))
        elif isinstance(change, list) and len(change) == 2:
            before, after = change
            if isinstance(found, models.JSONField) or (
                found is None and any(isinstance(v, (dict, list)) for v in change)
            ):
                key_hook = getattr(model, "trail_json_key_label", None)
                key_label = (lambda k, field=key: key_hook(field, k)) if key_hook else None
                rows.append(_json_row(label, entry.action, before, after, key_label, labeller))
            else:
                rows.append(ChangeRow(label, _arrow(entry.action, _named_value(found, before, names, labeller),
                                                    _named_value(found, after, names, labeller))))
        else:
            rows.append(ChangeRow(label, _named_value(found, change, names, labeller)))
    return rows


def describe(entries: Iterable[AuditEntry], *, tenant=None) -> list[tuple[AuditEntry, list[ChangeRow]]]:
    """Each entry with its readable rows; the linked records' names read once for all of them."""
    entries = list(entries)
    names = resolve_names(references(entries), tenant=tenant) if entries else {}
    return [(entry, change_rows(entry, names)) for entry in entries]
