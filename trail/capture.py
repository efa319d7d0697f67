"""Capture every write of every AuditedModel into the trail.

Model signals are the one place that sees every write: pages, API, imports, the admin and
cascading deletes alike (see docs/decisions.md). Domain flow never hangs on signals; only
this recorder does.
"""

import datetime
import decimal
import uuid

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save

from trail import chain
from trail.context import current_actor
from trail.models import Action, AuditedModel, AuditEntry

MASK = "••••••"


def _plain(value):
    """A JSON-safe, stable form of a field value."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):  # an uploaded file is recorded by its stored name
        return value.name or ""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _concrete_fields(instance: models.Model):
    return [f for f in instance._meta.concrete_fields if not f.primary_key]


def snapshot(instance: AuditedModel) -> dict:
    return {f.attname: _plain(f.value_from_object(instance)) for f in _concrete_fields(instance)}


def _loaded(instance: AuditedModel) -> dict | None:
    loaded = getattr(instance, "_trail_loaded", None)
    if loaded is None:
        return None
    attnames = {f.attname for f in _concrete_fields(instance)}
    return {name: _plain(value) for name, value in loaded.items() if name in attnames}


def _mask(instance: AuditedModel, changes: dict) -> dict:
    for name in instance.TRAIL_SECRET_FIELDS:
        if name in changes:
            changes[name] = [MASK, MASK] if isinstance(changes[name], list) else MASK
    return changes


def _entry(instance: AuditedModel, action: str, changes: dict) -> AuditEntry:
    actor = current_actor()
    return AuditEntry(
        actor_id=actor.user_id,
        actor_label=actor.label[:254],
        source=actor.source,
        organisation_id=instance.trail_organisation_id(),
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=_mask(instance, changes),
    )


def on_save(sender, instance: AuditedModel, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # fixtures loading
        return
    after = snapshot(instance)
    if created:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "", [], {})}
        chain.append([_entry(instance, Action.CREATE, changes)])
    else:
        before = _loaded(instance) or {}
        changes = {
            name: [before.get(name), value]
            for name, value in after.items()
            if _plain(before.get(name)) != value and name not in instance.TRAIL_IGNORED_FIELDS
        }
        if changes:
            chain.append([_entry(instance, Action.UPDATE, changes)])
    instance._trail_loaded = {f.attname: f.value_from_object(instance) for f in _concrete_fields(instance)}


def on_delete(sender, instance: AuditedModel, **kwargs) -> None:
    before = snapshot(instance)
    changes = {name: [value, None] for name, value in before.items() if value not in (None, "", [], {})}
    chain.append([_entry(instance, Action.DELETE, changes)])


def on_m2m(sender, instance, action: str, model, pk_set, reverse: bool, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    if not isinstance(instance, AuditedModel):
        return
    field = next(f for f in instance._meta.many_to_many if f.remote_field.through is sender)
    key = "added" if action == "post_add" else "removed"
    if action == "post_clear":
        key, pk_set = "cleared", set()
    elif not pk_set:
        # Django passes only the links that really were added or removed: adding a link that
        # exists already changes nothing, so nothing is written (load_demo run twice).
        return
    chain.append([_entry(instance, Action.UPDATE, {field.name: {key: sorted(pk_set or [])}})])


def connect_all() -> None:
    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            post_save.connect(on_save, sender=model, dispatch_uid=f"trail-save-{model._meta.label}")
            post_delete.connect(on_delete, sender=model, dispatch_uid=f"trail-delete-{model._meta.label}")
            for field in model._meta.many_to_many:
                m2m_changed.connect(on_m2m, sender=field.remote_field.through,
                                    dispatch_uid=f"trail-m2m-{model._meta.label}-{field.name}")


def bulk_entries(instances: list[AuditedModel]) -> list[AuditEntry]:
    """Trail entries for rows inserted with bulk_create (generated data, large imports)."""
    return chain.append([
        _entry(obj, Action.CREATE, {k: [None, v] for k, v in snapshot(obj).items() if v not in (None, "", [], {})})
        for obj in instances
    ])
