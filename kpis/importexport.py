"""Import of KPI values by XLSX/CSV, and export of values with met/missed (PRODUCT.md C6).

One row per KPI value: period, KPI, customer (short name or name; empty for every customer the
KPI is addressed to), value, comment. Every row is checked before anything is saved (lookups
are loaded once: no per-row queries); the rows then become one report per (period, set of
customers), each through services.report_create, all in one transaction.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular import Column, ImportFileError, RowError, read_headers, read_table, xlsx_bytes
from core.tenancy import Tenant
from kpis import selectors, services
from kpis.models import KpiDefinition, PeriodKind, check_in_range, period_label
from organisations.roles import Perm

__all__ = ["ImportFileError", "RowError", "ImportResult", "values_import", "COLUMNS", "export_xlsx"]

COLUMNS: tuple[Column, ...] = (
    Column("period", gettext_lazy("Period"), "text", 12),
    Column("kpi", gettext_lazy("KPI"), "text", 40),
    Column("customer", gettext_lazy("Customer"), "text", 24),
    Column("value", gettext_lazy("Value"), "text", 12),
    Column("comment", gettext_lazy("Comment"), "text", 40),
)
EXPORT_COLUMNS: tuple[Column, ...] = COLUMNS[:4] + (
    Column("target", gettext_lazy("Target"), "text", 12),
    Column("met", gettext_lazy("Target met"), "text", 10),
    Column("current", gettext_lazy("Current"), "text", 10),
)

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
QUARTER = re.compile(r"^(\d{4})\s*[-\s]?\s*[KQ]([1-4])$", re.IGNORECASE)


def parse_period(text: str) -> tuple[str, datetime.date] | None:
    """"2026-03" (a month) or "2026 K1" / "2026-Q1" (a quarter) → (kind, first day)."""
    text = text.strip()
    if m := MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return PeriodKind.MONTH, datetime.date(year, month, 1)
        return None
    if m := QUARTER.match(text):
        return PeriodKind.QUARTER, datetime.date(int(m[1]), 3 * (int(m[2]) - 1) + 1, 1)
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return (PeriodKind.MONTH, day) if day.day == 1 else None


def parse_value(text: str) -> Decimal | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".").rstrip("%")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass
class ImportResult:
    reports: int = 0
    values: int = 0
    errors: list[RowError] = field(default_factory=list)


def values_import(*, tenant: Tenant, file, today: datetime.date | None = None) -> ImportResult:
    tenant.require(Perm.SUPPLIER_REPORT)
    services._require_reporter(tenant)
    today = today or timezone.localdate()
    rows = read_table(file)
    result = ImportResult()
    if not rows:
        raise ImportFileError(_("The file is empty."))
    number, cells = rows[0]
    found = read_headers(COLUMNS, cells, number, result.errors)
    missing = [str(c.header) for c in COLUMNS[:4] if c.field not in {col.field for col, _t in found.values()}]
    if missing:
        raise ImportFileError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if result.errors:
        return result
    headings = {col.field: text for col, text in found.values()}
    definitions = list(tenant.editable(KpiDefinition).prefetch_related("shared_with"))
    by_name: dict[str, list[KpiDefinition]] = {}
    for d in definitions:
        for key in (d.name, str(d), f"{d.service} {d.name}", f"{d.name} ({d.service})"):
            by_name.setdefault(key.casefold(), []).append(d)
    customers = {}
    for org in tenant.customers():
        customers[org.slug.casefold()] = org
        customers[org.name.casefold()] = org
        if getattr(org, "short_name", ""):
            customers[org.short_name.casefold()] = org
    applies = {d.pk: {o.pk for o in d.shared_with.all()} for d in definitions}
    groups: dict[tuple, dict] = {}
    for number, cells in rows[1:]:
        data = {col.field: (cells[pos].strip() if pos < len(cells) else "") for pos, (col, _t) in found.items()}

        def error(name, message, number=number):
            result.errors.append(RowError(number, headings.get(name, name), message))

        period = parse_period(data.get("period", ""))
        if period is None:
            error("period", _("Write the period as 2026-03 (a month) or 2026 K1 (a quarter)."))
        elif services.period_end(*period) >= today:
            error("period", _("The period %(period)s has not ended yet.") % {"period": period_label(*period)})
            period = None
        matches = list(dict.fromkeys(by_name.get(data.get("kpi", "").casefold(), [])))
        definition = None
        if not matches:
            error("kpi", _("No KPI of your organisation has this name."))
        elif len(matches) > 1:
            error("kpi", _("Several KPIs have this name; write it as “service: name”."))
        else:
            definition = matches[0]
        customer_text = data.get("customer", "")
        targets = None
        if customer_text:
            org = customers.get(customer_text.casefold())
            if org is None:
                error("customer", _("Not an organisation your organisation serves."))
            elif definition is not None and org.pk not in applies[definition.pk]:
                error("customer", _("This KPI is not addressed to this organisation."))
            else:
                targets = frozenset({org.pk})
        elif definition is not None:
            targets = frozenset(o for o in applies[definition.pk] if o in {c.pk for c in customers.values()})
            if not targets:
                error("customer", _("This KPI is not addressed to any organisation you serve."))
                targets = None
        value = parse_value(data.get("value", ""))
        if value is None:
            error("value", _("Enter a number, e.g. 99,5."))
        elif definition is not None and (message := check_in_range(definition.unit, value)):
            error("value", message)
        if definition is not None and period is not None and definition.period != period[0]:
            error("period", _("This KPI is reported per %(period)s.") % {"period": definition.get_period_display().lower()})
            period = None
        if period is None or definition is None or targets is None or value is None:
            continue
        group = groups.setdefault((period, targets), {})
        if definition.pk in group:
            error("kpi", _("This KPI appears twice for the same period and customers (row %(row)d).")
                  % {"row": group[definition.pk][0]})
            continue
        group[definition.pk] = (number, services.ValueIn(definition, value, data.get("comment", "")))
    if result.errors:
        return result
    if not groups:
        raise ImportFileError(_("The file has no values."))
    orgs = {o.pk: o for o in customers.values()}
    with transaction.atomic():
        for ((kind, start), targets), items in groups.items():
            services.report_create(tenant=tenant, period_kind=kind, period_start=start,
                                   customers=[orgs[pk] for pk in targets],
                                   values=[value for _n, value in items.values()], today=today, checked=True,
                                   comment=_("Imported from a file."))
            result.reports += 1
            result.values += len(items)
    return result


def export_rows(*, tenant: Tenant, definitions):
    yield [str(c.header) for c in EXPORT_COLUMNS]
    from kpis.models import KpiValue

    values = (tenant.scope(KpiValue).filter(definition__in=definitions)
              .select_related("definition", "report").prefetch_related("report__shared_with")
              .order_by("definition__service", "definition__name", "report__period_start", "report_id"))
    for v in values.iterator(chunk_size=2000):
        for org in v.report.shared_with.all():
            yield [period_label(v.report.period_kind, v.report.period_start), str(v.definition), org.name,
                   f"{v.value.normalize():f}".replace(".", ","), f"{v.definition.target.normalize():f}".replace(".", ","),
                   _("Yes") if v.met else _("No"), _("Yes") if v.report.is_current else _("No")]


def export_xlsx(*, tenant: Tenant, definitions) -> bytes:
    return xlsx_bytes(_("KPI values"), EXPORT_COLUMNS, export_rows(tenant=tenant, definitions=definitions))


def validation_messages(exc: ValidationError) -> list[str]:
    return exc.messages
