"""Import and export of the risk register as XLSX (PRODUCT.md C4; reliability bar: all or nothing).

The export's columns are the import's, so an exported file can be edited in Excel and read
back: a row with an ID updates that risk, a row without one adds a risk, an unchanged row
changes nothing. Columns that only describe (levels, acceptance, deleted systems) are
written but ignored when read. Reading the file (type, size, zip bombs, CSV or XLSX) reuses
the inventory's reader; every row is checked before anything is saved, and any error leaves
the register as it was. Lookups are loaded once, so checking costs a fixed number of queries.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular import (
    ByName,
    Column,
    ImportFileError,
    RowError,
    choice_options,
    import_limits,
    plain_text,
    read_headers,
    read_table,
    xlsx_bytes,
)
from core.tenancy import Tenant
from inventory.models import InformationType, System
from risk import selectors, services
from risk.models import Risk, RiskMatrix, RiskStatus, Strategy, Threat
from risk.rules import Level
from suppliers.models import Supplier
from trail import chain
from trail.context import acting_as

__all__ = ["ImportFileError", "RowError", "ImportResult", "export_xlsx", "risks_import", "COLUMNS"]



class Kind:
    ID = "id"
    TEXT = "text"
    THREAT = "threat"
    SYSTEMS = "systems"
    INFOTYPES = "infotypes"
    SUPPLIERS = "suppliers"
    LIKELIHOOD = "likelihood"
    CONSEQUENCE = "consequence"
    USER = "user"
    CHOICE = "choice"
    DATE = "date"
    INFO = "info"  # written by the export, ignored by the import


COLUMNS: tuple[Column, ...] = (
    Column("id", gettext_lazy("ID"), Kind.ID, 8),
    Column("title", gettext_lazy("Title"), Kind.TEXT, 40),
    Column("description", gettext_lazy("Description"), Kind.TEXT, 48),
    Column("threat", gettext_lazy("Threat"), Kind.THREAT, 30),
    Column("vulnerability", gettext_lazy("Vulnerability"), Kind.TEXT, 36),
    Column("existing_controls", gettext_lazy("Existing controls"), Kind.TEXT, 36),
    Column("systems", gettext_lazy("Systems"), Kind.SYSTEMS, 36),
    Column("information_types", gettext_lazy("Information types"), Kind.INFOTYPES, 30),
    Column("suppliers", gettext_lazy("Suppliers"), Kind.SUPPLIERS, 30),
    Column("process", gettext_lazy("Process"), Kind.TEXT, 24),
    Column("inherent_likelihood", gettext_lazy("Likelihood before treatment"), Kind.LIKELIHOOD, 14),
    Column("inherent_consequence", gettext_lazy("Consequence before treatment"), Kind.CONSEQUENCE, 14),
    Column("residual_likelihood", gettext_lazy("Residual likelihood"), Kind.LIKELIHOOD, 14),
    Column("residual_consequence", gettext_lazy("Residual consequence"), Kind.CONSEQUENCE, 14),
    Column("owner", gettext_lazy("Risk owner (e-mail)"), Kind.USER, 30),
    Column("strategy", gettext_lazy("Treatment strategy"), Kind.CHOICE, 16, Strategy),
    Column("status", gettext_lazy("Status"), Kind.CHOICE, 14, RiskStatus),
    Column("review_date", gettext_lazy("Review date"), Kind.DATE, 14),
    Column("inherent_level", gettext_lazy("Inherent level"), Kind.INFO, 14),
    Column("residual_level", gettext_lazy("Residual level"), Kind.INFO, 14),
    Column("accepted_by", gettext_lazy("Accepted by"), Kind.INFO, 26),
    Column("accepted_at", gettext_lazy("Accepted"), Kind.INFO, 16),
    Column("acceptance_justification", gettext_lazy("Justification for accepting"), Kind.INFO, 40),
    Column("deleted_systems", gettext_lazy("Deleted systems"), Kind.INFO, 30),
)
_M2M = {Kind.SYSTEMS: "systems", Kind.INFOTYPES: "information_types", Kind.SUPPLIERS: "suppliers"}


# --- export -----------------------------------------------------------------------------------


def _export_queryset(*, tenant: Tenant, filters: selectors.RiskFilters, matrix: RiskMatrix):
    only_names = Prefetch("information_types", queryset=InformationType.objects.only("pk", "name"))
    suppliers = Prefetch("suppliers", queryset=Supplier.objects.only("pk", "name"))
    return selectors.risk_list(tenant=tenant, filters=filters, matrix=matrix).prefetch_related(only_names, suppliers)


def _cell(value) -> str:
    if value is None:
        return ""
    return str(value)


def export_rows(*, tenant: Tenant, filters: selectors.RiskFilters):
    """The heading row, then one row per risk of the (filtered) register."""
    matrix = selectors.matrix_for(tenant)
    yield [str(c.header) for c in COLUMNS]
    labels = {c.field: {v: str(label) for v, label in c.choices.choices} for c in COLUMNS if c.kind == Kind.CHOICE}
    levels = {v: str(label) for v, label in Level.choices}
    for risk in _export_queryset(tenant=tenant, filters=filters, matrix=matrix).iterator(chunk_size=1000):
        links = list(risk.system_links.all())
        values = {
            "id": risk.pk,
            "threat": risk.threat.display_name if risk.threat else "",
            "systems": "; ".join(sorted(link.system_name for link in links if link.system_id)),
            "deleted_systems": "; ".join(sorted(link.system_name for link in links if not link.system_id)),
            "information_types": "; ".join(sorted(i.name for i in risk.information_types.all())),
            "suppliers": "; ".join(sorted(s.name for s in risk.suppliers.all())),
            "owner": risk.owner.email if risk.owner else "",
            "strategy": labels["strategy"].get(risk.strategy, ""),
            "status": labels["status"].get(risk.status, risk.status),
            "review_date": risk.review_date.isoformat() if risk.review_date else "",
            "inherent_level": levels.get(matrix.level(risk.inherent_likelihood, risk.inherent_consequence), ""),
            "residual_level": levels.get(matrix.level(risk.residual_likelihood, risk.residual_consequence), ""),
            "accepted_by": risk.accepted_by.email if risk.accepted_by else "",
            "accepted_at": risk.accepted_at.date().isoformat() if risk.accepted_at else "",
        }
        yield [_cell(values[c.field] if c.field in values else getattr(risk, c.field)) for c in COLUMNS]


def export_filename(tenant: Tenant) -> str:
    return f"risks-{tenant.organisation.slug}-{timezone.localdate().isoformat()}.xlsx"


def export_xlsx(*, tenant: Tenant, filters: selectors.RiskFilters) -> bytes:
    """The (filtered) register as an Excel workbook with a bold, frozen heading row."""
    return xlsx_bytes(_("Risks"), COLUMNS, export_rows(tenant=tenant, filters=filters))


# --- import -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Lookups:
    matrix: RiskMatrix
    risks: dict[int, Risk]
    threats: ByName
    systems: ByName
    infotypes: ByName
    suppliers: ByName
    users: dict[str, Any]

    @classmethod
    def load(cls, tenant: Tenant, ids: list[int]) -> "_Lookups":
        own = tenant.membership.organisation_id
        threats = list(tenant.scope(Threat))
        risks = {}
        queryset = tenant.editable(Risk).select_for_update().prefetch_related(
            # Whole rows: a link may be deleted or renamed, and the trail records all its fields.
            "system_links",
            Prefetch("information_types", queryset=InformationType.objects.only("pk")),
            Prefetch("suppliers", queryset=Supplier.objects.only("pk")),
        )
        for start in range(0, len(ids), 500):  # within every database's parameter limit
            risks.update({r.pk: r for r in queryset.filter(pk__in=ids[start:start + 500])})
        return cls(
            matrix=services.matrix_ensure(tenant=tenant),
            risks=risks,
            # A threat is named by its code or by its name in either language.
            threats=ByName([(t.code, t) for t in threats] + [(t.name, t) for t in threats]
                           + [(t.name_en, t) for t in threats if t.name_en]),
            systems=ByName((s.name, s) for s in tenant.scope(System).filter(organisation_id=own).only("pk", "name",
                                                                                                       "organisation_id")),
            infotypes=ByName((i.name, i) for i in tenant.scope(InformationType).filter(organisation_id=own)),
            suppliers=ByName((s.name, s) for s in tenant.scope(Supplier).filter(organisation_id=own)),
            users={u.email.casefold(): u for u in tenant.users()},
        )


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


@dataclass
class _Row:
    number: int
    risk: Risk
    links: dict[str, list] = field(default_factory=dict)
    existing: bool = False


class _Checker:
    def __init__(self, tenant: Tenant, lookups: _Lookups, found: dict[int, tuple[Column, str]]):
        self.tenant = tenant
        self.lookups = lookups
        self.found = found
        self.errors: list[RowError] = []
        self.rows: list[_Row] = []
        self.seen_ids: dict[int, int] = {}
        self.options = {c.field: choice_options(c) for c in COLUMNS if c.kind == Kind.CHOICE}
        matrix = lookups.matrix
        self.scales = {
            Kind.LIKELIHOOD: (matrix.likelihood_size, matrix.likelihood_scale()),
            Kind.CONSEQUENCE: (matrix.consequence_size, matrix.consequence_scale()),
        }

    def check(self, number: int, cells: list[str]) -> None:
        values, links, risk = {}, {}, None
        row_errors: list[RowError] = []
        for position, (column, heading) in self.found.items():
            text = cells[position].strip() if position < len(cells) and cells[position] else ""
            try:
                if column.kind == Kind.ID:
                    risk = self._existing(number, text)
                elif column.kind in _M2M:
                    links[_M2M[column.kind]] = self._references(column.kind, text)
                elif column.field == "status" and not text:
                    continue  # an empty status keeps the current one (identified for a new risk)
                elif column.kind != Kind.INFO:
                    values[column.field] = self._value(column, text)
            except ValidationError as exc:
                row_errors.extend(RowError(number, heading, m) for m in exc.messages)
        headings = {column.field: heading for column, heading in self.found.values()}
        if not values.get("title") and (risk is None or "title" in values):
            row_errors.append(RowError(number, headings.get("title", "Title"), _("Every row needs a title.")))
        if row_errors:
            self.errors.extend(row_errors)
            return
        existing = risk is not None
        if risk is None:
            risk = self.tenant.new(Risk)
        try:
            services.apply_fields(risk, values)
            exclude = ["organisation", "threat", "owner", "session", "accepted_by"]
            risk.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.errors.extend(RowError(number, headings.get(name, headings.get("title", "")), m) for m in messages)
            return
        self.rows.append(_Row(number, risk, links, existing))

    def _existing(self, number: int, text: str) -> Risk | None:
        if not text:
            return None
        try:
            pk = int(text)
        except ValueError:
            raise ValidationError(_("An ID is a number from an export; leave it empty for a new risk.")) from None
        risk = self.lookups.risks.get(pk)
        if risk is None:
            raise ValidationError(_("Your organisation has no risk with ID %(id)s.") % {"id": text})
        if pk in self.seen_ids:
            raise ValidationError(_("The ID is also used on row %(row)d.") % {"row": self.seen_ids[pk]})
        self.seen_ids[pk] = number
        return risk

    def _references(self, kind: str, text: str) -> list:
        lookup, message = {
            Kind.SYSTEMS: (self.lookups.systems, _("Your organisation has no system named: %(names)s.")),
            Kind.INFOTYPES: (self.lookups.infotypes, _("Your organisation has no information type named: %(names)s.")),
            Kind.SUPPLIERS: (self.lookups.suppliers, _("Your organisation has no supplier named: %(names)s.")),
        }[kind]
        found = {name: lookup.find(name) for name in _split(text)}
        unknown = [name for name, obj in found.items() if obj is None]
        if unknown:
            raise ValidationError(message % {"names": "; ".join(unknown)})
        return list(found.values())

    def _value(self, column: Column, text: str):
        kind = column.kind
        if kind == Kind.TEXT:
            return text
        if kind == Kind.THREAT:
            if not text:
                return None
            threat = self.lookups.threats.find(text)
            if threat is None:
                raise ValidationError(_("No threat in the catalogue or your own has the code or name “%(name)s”.")
                                      % {"name": text})
            return threat
        if kind in (Kind.LIKELIHOOD, Kind.CONSEQUENCE):
            return self._level(kind, text)
        if kind == Kind.USER:
            if not text:
                return None
            user = self.lookups.users.get(text.casefold())
            if user is None:
                raise ValidationError(_("No member of your organisation has the e-mail address %(email)s.")
                                      % {"email": text})
            return user
        if kind == Kind.CHOICE:
            if not text:
                return ""
            value = self.options[column.field].get(text.casefold())
            if value is None:
                raise ValidationError(_("“%(value)s” is not one of: %(options)s.") % {
                    "value": text, "options": ", ".join(str(label) for label in column.choices.labels)})
            return value
        if kind == Kind.DATE:
            if not text:
                return None
            try:
                # openpyxl gives dates as "YYYY-MM-DD 00:00:00"; people type "YYYY-MM-DD".
                return datetime.date.fromisoformat(text[:10])
            except ValueError:
                raise ValidationError(_("Write the date as YYYY-MM-DD.")) from None
        raise AssertionError(kind)

    def _level(self, kind: str, text: str) -> int | None:
        if not text:
            return None
        size, labels = self.scales[kind]
        if text.isdigit() and 1 <= int(text) <= size:
            return int(text)
        by_label = {label.casefold(): i for i, label in enumerate(labels, start=1)}
        if text.casefold() in by_label:
            return by_label[text.casefold()]
        raise ValidationError(_("Write a level from 1 to %(n)d or its name (%(names)s).")
                              % {"n": size, "names": ", ".join(labels)})


def _unchanged(row: _Row) -> bool:
    risk = row.risk
    if not row.existing:
        return False
    loaded = getattr(risk, "_trail_loaded", {})
    for name in services.RISK_FIELDS:
        attname = Risk._meta.get_field(name).attname
        if _plain(loaded.get(attname)) != _plain(getattr(risk, attname)):
            return False
    if risk.accepted_at != loaded.get("accepted_at"):
        return False
    current = {
        "systems": {link.system_id for link in risk.system_links.all() if link.system_id},
        "information_types": {i.pk for i in risk.information_types.all()},
        "suppliers": {s.pk for s in risk.suppliers.all()},
    }
    return all({obj.pk for obj in objs} == current[name] for name, objs in row.links.items())


def _plain(value):
    return plain_text(value) if isinstance(value, str) else value


def _write(rows: list[_Row], result: ImportResult) -> None:
    for row in rows:
        if _unchanged(row):
            result.unchanged += 1
            continue
        if row.existing:
            row.risk.version += 1
            result.updated += 1
        else:
            result.created += 1
        row.risk.save()
        services.set_links(row.risk, row.links, created=not row.existing)


def risks_import(*, tenant: Tenant, file) -> ImportResult:
    """Create or update risks from an XLSX (or CSV) file: every row, or none if any has an error.

    Raises ImportFileError when the file itself cannot be read and PermissionDenied when the
    role may not edit risks.
    """
    if not tenant.can_edit(Risk):
        raise PermissionDenied
    # The non-empty rows as (row number as the spreadsheet shows it, cell texts).
    table = read_table(file)
    if not table:
        raise ImportFileError(_("The file is empty."))
    result = ImportResult()
    heading_row, heading_cells = table[0]
    found = read_headers(COLUMNS, heading_cells, heading_row, result.errors)
    if not any(column.field == "title" for column, _h in found.values()):
        result.errors.append(RowError(heading_row, str(COLUMNS[1].header), _("The file needs a column for the title.")))
    if result.errors:
        return result
    data_rows = table[1:]
    if not data_rows:
        raise ImportFileError(_("The file has no rows below the column headings."))
    max_rows = import_limits()[0]
    if len(data_rows) > max_rows:
        raise ImportFileError(_("The file has more than %(max)d rows; split it into smaller files.") % {"max": max_rows})
    id_position = next((p for p, (c, _h) in found.items() if c.kind == Kind.ID), None)
    ids = []
    if id_position is not None:
        ids = sorted({int(cells[id_position]) for _n, cells in data_rows
                      if id_position < len(cells) and cells[id_position].strip().isdigit()})
    # One transaction from the check to the last write: rows are checked against the state
    # they are written into (the matched risks are locked), and a failure leaves nothing.
    with transaction.atomic(), acting_as(tenant.user, source="import"), chain.deferred():
        checker = _Checker(tenant, _Lookups.load(tenant, ids), found)
        for number, cells in data_rows:
            checker.check(number, cells)
        if checker.errors:
            return ImportResult(errors=sorted(checker.errors, key=lambda e: e.row))
        _write(checker.rows, result)
    return result
