"""Writes of the KPI module: definitions, reports (with corrections), verdicts and their actions."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import VersionConflict
from core.tenancy import Tenant
from kpis.models import (
    NEEDS_COMMENT,
    KpiCorrection,
    KpiDefinition,
    KpiReport,
    KpiValue,
    KpiVerdict,
    check_in_range,
    is_period_start,
    period_end,
    period_label,
    period_start,
)
from organisations.roles import Perm
from trail.capture import bulk_entries

DEFINITION_FIELDS = ("name", "service", "description", "unit", "direction", "target", "period", "report_due_days",
                     "reported_from", "active")


class VerdictConflict(VersionConflict):
    message = _("Someone else in your organisation changed this verdict after you opened it.")


def _require_reporter(tenant: Tenant) -> None:
    if not tenant.can(Perm.SUPPLIER_REPORT) or not tenant.can_edit(KpiReport):
        raise PermissionDenied


def definition_save(*, tenant: Tenant, definition: KpiDefinition | None, data: dict) -> KpiDefinition:
    """Create or change a KPI definition of the active (supplier) organisation."""
    _require_reporter(tenant)
    with transaction.atomic():
        obj = definition or tenant.new(KpiDefinition)
        for name in DEFINITION_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        if obj.reported_from and obj.period:
            # The first period is named by any day in it; it is stored as the period's first day.
            obj.reported_from = period_start(obj.period, obj.reported_from)
        obj.full_clean()
        if "shared_with" in data or definition is None:
            wanted = list(data.get("shared_with") or [])
            if definition is not None:
                # A former customer keeps a definition it was addressed to; only new ones are checked.
                before = set(definition.shared_with.values_list("pk", flat=True))
                new = [o for o in wanted if o.pk not in before]
                if not wanted:
                    tenant.check_addressees([])
                if new:
                    tenant.check_addressees(new)
            else:
                tenant.check_addressees(wanted)
        obj.save()
        if "shared_with" in data or definition is None:
            obj.shared_with.set(wanted)
    return obj


@dataclass(frozen=True)
class ValueIn:
    definition: KpiDefinition
    value: Decimal
    comment: str = ""


def check_period(kind: str, start: datetime.date, today: datetime.date, *, field: str = "period_start") -> None:
    if not is_period_start(kind, start):
        raise ValidationError({field: _("A period starts on the first day of a month or a quarter "
                                         "(January, April, July, October).")})
    if period_end(kind, start) >= today:
        raise ValidationError({field: _("The period %(period)s has not ended yet; report it once it has.")
                               % {"period": period_label(kind, start)}})


def check_values(*, kind: str, customer_ids: set[int], values: list[ValueIn], applies: dict[int, set[int]],
                 field: str = "values") -> list[str]:
    """Messages for values that do not fit (definition period, addressees, unit range, duplicates)."""
    errors, seen = [], set()
    for item in values:
        d = item.definition
        if d.pk in seen:
            errors.append(_("%(kpi)s is reported twice.") % {"kpi": d})
        seen.add(d.pk)
        if d.period != kind:
            errors.append(_("%(kpi)s is reported per %(period)s.") % {"kpi": d, "period": d.get_period_display().lower()})
        if not customer_ids <= applies.get(d.pk, set()):
            errors.append(_("%(kpi)s does not apply to every organisation the report is addressed to.") % {"kpi": d})
        message = check_in_range(d.unit, item.value)
        if message:
            errors.append(f"{d}: {message}")
    return errors


def _applies(definitions) -> dict[int, set[int]]:
    through = KpiDefinition.shared_with.through
    applies: dict[int, set[int]] = {}
    for def_id, org_id in through.objects.filter(kpidefinition_id__in=[d.pk for d in definitions]).values_list(
            "kpidefinition_id", "organisation_id"):
        applies.setdefault(def_id, set()).add(org_id)
    return applies


def _supersede(tenant: Tenant, report: KpiReport, customer_ids: set[int], definition_ids: set[int]) -> None:
    """Record which (customer, KPI) pairs of earlier reports of the same period this report corrects.

    Only those pairs: an earlier report addressed to A and B that is re-reported for A stays
    current for B. It is marked superseded (as a whole) once every pair of it is corrected.
    """
    through = KpiReport.shared_with.through
    # The earlier reports are locked first, so two corrections at once cannot record one pair twice.
    earlier_ids = set(tenant.editable(KpiReport).select_for_update().filter(
        period_kind=report.period_kind, period_start=report.period_start, superseded_by__isnull=True,
    ).exclude(pk=report.pk).values_list("pk", flat=True))
    if not earlier_ids:
        return
    addressed = set(through.objects.filter(kpireport_id__in=earlier_ids, organisation_id__in=customer_ids)
                    .values_list("kpireport_id", "organisation_id"))
    values = set(KpiValue.objects.filter(report_id__in=earlier_ids, definition_id__in=definition_ids)
                 .values_list("report_id", "definition_id"))
    done = set(KpiCorrection.objects.filter(earlier_id__in=earlier_ids).values_list(
        "earlier_id", "definition_id", "customer_id"))
    rows = [KpiCorrection(organisation=tenant.organisation, report=report, earlier_id=rid, definition_id=did,
                          customer_id=cid)
            for rid, did in sorted(values) for r2, cid in sorted(addressed) if r2 == rid
            and (rid, did, cid) not in done]
    if not rows:
        return
    KpiCorrection.objects.bulk_create(rows)
    bulk_entries(rows)
    done |= {(r.earlier_id, r.definition_id, r.customer_id) for r in rows}
    touched = {r.earlier_id for r in rows}
    all_pairs = defaultdict(set)
    for rid, did in KpiValue.objects.filter(report_id__in=touched).values_list("report_id", "definition_id"):
        all_pairs[rid].add(did)
    customers = defaultdict(set)
    for rid, cid in through.objects.filter(kpireport_id__in=touched).values_list("kpireport_id", "organisation_id"):
        customers[rid].add(cid)
    for old in tenant.editable(KpiReport).select_for_update().filter(pk__in=touched):
        if all((old.pk, did, cid) in done for did in all_pairs[old.pk] for cid in customers[old.pk]):
            old.superseded_by = report
            old.save(update_fields=["superseded_by", "updated_at"])


def report_create(*, tenant: Tenant, period_kind: str, period_start: datetime.date, customers, values: list[ValueIn],
                  comment: str = "", today: datetime.date | None = None, checked: bool = False,
                  at: datetime.datetime | None = None) -> KpiReport:
    """Report one period's values to one or more customers, in one transaction.

    `at` is when it was submitted: now, except for the demo's year of history.

    A period already reported for one of these customers and KPIs is corrected for exactly those
    (customer, KPI) pairs: the earlier report stays, current for the others (_supersede).
    """
    _require_reporter(tenant)
    today = today or timezone.localdate()
    customers = list(customers)
    tenant.check_addressees(customers)
    check_period(period_kind, period_start, today)
    if not values:
        raise ValidationError({"values": _("Enter at least one value.")})
    own = set(tenant.editable(KpiDefinition).filter(pk__in=[v.definition.pk for v in values])
              .values_list("pk", flat=True))
    if any(v.definition.pk not in own for v in values):
        raise ValidationError({"values": _("Report only your organisation's own KPIs.")})
    customer_ids = {c.pk for c in customers}
    if not checked:
        errors = check_values(kind=period_kind, customer_ids=customer_ids, values=values,
                              applies=_applies([v.definition for v in values]))
        if errors:
            raise ValidationError({"values": errors})
    with transaction.atomic():
        report = tenant.new(KpiReport, period_kind=period_kind, period_start=period_start, comment=comment,
                            submitted_by=tenant.user, submitted_at=at or timezone.now())
        report.full_clean()
        report.save()
        report.shared_with.set(customers)
        rows = [KpiValue(organisation=tenant.organisation, report=report, definition=v.definition, value=v.value,
                         comment=v.comment) for v in values]
        for row in rows:
            row.full_clean(exclude=["report", "definition", "organisation"], validate_unique=False)
        KpiValue.objects.bulk_create(rows, batch_size=500)
        bulk_entries(rows)
        _supersede(tenant, report, customer_ids, {v.definition.pk for v in values})
    return report


def verdict_set(*, tenant: Tenant, report: KpiReport, verdict: str, comment: str = "",
                version: int | None = None, at: datetime.datetime | None = None) -> KpiVerdict:
    """The active municipality's own verdict on a report addressed to it (one, changeable);
    `at` is when it was decided (now, except for the demo's history)."""
    comment = (comment or "").strip()
    if verdict in NEEDS_COMMENT and not comment:
        raise ValidationError({"comment": _("Explain the remarks or why the report is not approved.")})
    with transaction.atomic():
        obj = tenant.my_responses(KpiVerdict).select_for_update().filter(report=report).first()
        if obj is None:
            obj = tenant.respond(KpiVerdict, report, perm=Perm.SUPPLIER_FOLLOW_UP)
        else:
            tenant.respond(KpiVerdict, report, perm=Perm.SUPPLIER_FOLLOW_UP)  # the same checks
            if version is not None and version != obj.version:
                raise VerdictConflict(obj)
            obj.version += 1
        obj.verdict = verdict
        obj.comment = comment
        obj.decided_by = tenant.user
        obj.decided_at = at or timezone.now()
        obj.full_clean()
        obj.save()
    return obj


def verdict_to_action(*, tenant: Tenant, verdict: KpiVerdict):
    """The remarks of a verdict as one action in the municipality's own plan (never twice)."""
    from actions.services import action_create

    tenant.require(Perm.SUPPLIER_FOLLOW_UP)
    tenant.require(Perm.ACTION_EDIT)
    with transaction.atomic():
        current = tenant.editable(KpiVerdict).select_for_update().get(pk=verdict.pk)
        if current.verdict not in NEEDS_COMMENT:
            raise ValidationError({"verdict": _("Only remarks or a report not approved become an action.")})
        if current.action_id:
            raise ValidationError({"verdict": _("These remarks are already in the action plan.")})
        report = current.report
        action = action_create(
            tenant=tenant, source=current, due_date=timezone.localdate() + datetime.timedelta(days=30),
            title=_("Follow up KPI report %(period)s") % {"period": report.period_label},
            description=current.comment,
            source_label=_("KPI verdict %(period)s") % {"period": report.period_label},
        )
        current.action = action
        current.save(update_fields=["action", "updated_at"])
    return action
