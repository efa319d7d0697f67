"""Reads of the KPI module: lists, due and missing periods, trends. All through the tenant."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q

from core.tenancy import Tenant
from kpis.models import (
    KpiCorrection,
    KpiDefinition,
    KpiReport,
    KpiValue,
    KpiVerdict,
    last_ended_start,
    next_period,
    period_end,
    period_label,
)
from organisations.models import Organisation


def definition_list(*, tenant: Tenant):
    return (tenant.scope(KpiDefinition).select_related("organisation")
            .prefetch_related(Prefetch("shared_with", queryset=Organisation.objects.only("pk", "name", "slug")))
            .order_by("service", "name", "pk"))


def report_list(*, tenant: Tenant):
    """Reports the tenant reads, with addressees and the verdicts it may see (4 queries a page).

    `partly_corrected`: some (customer, KPI) pair of it was reported again (superseded_by is set
    only once every pair is)."""
    return (tenant.scope(KpiReport).select_related("submitted_by", "organisation", "superseded_by")
            .annotate(partly_corrected=Exists(KpiCorrection.objects.filter(earlier=OuterRef("pk"))))
            .prefetch_related(
                Prefetch("shared_with", queryset=Organisation.objects.only("pk", "name", "slug")),
                Prefetch("verdicts", queryset=tenant.scope(KpiVerdict).select_related("organisation")),
            ).order_by("-period_start", "-pk"))


def addressed_reports(*, tenant: Tenant, awaiting: bool = False):
    """Reports addressed to the active municipality; `awaiting`: current ones it has no verdict on.

    Whether a report is corrected is the municipality's own fact: `corrected_for_me` (some of its
    values were reported again for this municipality) and `current_for_me` (some were not)."""
    me = tenant.membership.organisation_id
    mine = KpiCorrection.objects.filter(earlier=OuterRef(OuterRef("pk")), customer_id=me).values("definition_id")
    qs = (tenant.addressed_to_me(KpiReport).select_related("organisation", "submitted_by")
          .annotate(corrected_for_me=Exists(KpiCorrection.objects.filter(earlier=OuterRef("pk"), customer_id=me)),
                    current_for_me=Exists(KpiValue.objects.filter(report=OuterRef("pk"))
                                          .exclude(definition_id__in=mine)))
          .prefetch_related(Prefetch("verdicts", queryset=tenant.my_responses(KpiVerdict), to_attr="my_verdicts"))
          .order_by("-period_start", "-pk"))
    if awaiting:
        qs = qs.filter(current_for_me=True).exclude(
            pk__in=tenant.my_responses(KpiVerdict).values("report_id"))
    return qs


def report_corrections(*, tenant: Tenant, report: KpiReport):
    """(corrected, corrects): the corrections of this report's pairs and those it makes, as the
    tenant may see them (a municipality only its own pairs), 2 queries."""
    rows = tenant.scope(KpiCorrection).select_related("report", "earlier", "definition", "customer")
    if not tenant.owns(report):
        rows = rows.filter(customer_id=tenant.membership.organisation_id)
    return (list(rows.filter(earlier=report).order_by("definition__name", "customer__name", "pk")),
            list(rows.filter(report=report).order_by("earlier__submitted_at", "definition__name", "customer__name")))


@dataclass(frozen=True)
class Expected:
    definition: KpiDefinition
    customer: Organisation
    period_start: datetime.date
    due: datetime.date
    overdue: bool

    @property
    def label(self) -> str:
        return period_label(self.definition.period, self.period_start)


def expected_periods(definition: KpiDefinition, today: datetime.date):
    """The periods from the first reported one to the last one that has ended."""
    last = last_ended_start(definition.period, today)
    start = definition.reported_from
    while start <= last:
        yield start
        start = next_period(definition.period, start)


def missing(*, definitions, today: datetime.date, customer_ids: set[int] | None = None) -> list[Expected]:
    """Expected periods with no report for each active definition and customer, in at most 2 queries.

    `definitions` must have `shared_with` prefetched. A period after its due date is overdue
    ("not delivered"); one before it is due soon. `customer_ids` limits the customers (a
    municipality sees only its own).

    The database counts the delivered periods of each (KPI, customer) within its expected
    periods; only the pairs delivered in part have their periods read, so the work does not grow
    with the months of history that are complete (at scale 1 every value ever reported was read).
    """
    definitions = [d for d in definitions if d.active]
    if not definitions:
        return []
    expected = {d.pk: list(expected_periods(d, today)) for d in definitions}
    window = Q()
    for kind in {d.period for d in definitions}:
        window |= Q(definition__period=kind, report__period_start__lte=last_ended_start(kind, today))
    delivered_values = KpiValue.objects.filter(window, definition_id__in=[d.pk for d in definitions],
                                               report__period_start__gte=F("definition__reported_from"))
    if customer_ids is not None:
        delivered_values = delivered_values.filter(report__shared_with__in=customer_ids)
    counts = {(def_id, org_id): n for def_id, org_id, n in (
        delivered_values.values_list("definition_id", "report__shared_with")
        .annotate(n=Count("report__period_start", distinct=True)).order_by())}
    partly = {def_id for (def_id, org_id), n in counts.items() if 0 < n < len(expected[def_id])}
    delivered = set(
        delivered_values.filter(definition_id__in=partly)
        .values_list("definition_id", "report__period_start", "report__shared_with")
    ) if partly else set()
    found = []
    for d in definitions:
        for customer in d.shared_with.all():
            if customer_ids is not None and customer.pk not in customer_ids:
                continue
            n = counts.get((d.pk, customer.pk), 0)
            if n >= len(expected[d.pk]):
                continue
            for start in expected[d.pk]:
                if n and (d.pk, start, customer.pk) in delivered:
                    continue
                due = period_end(d.period, start) + datetime.timedelta(days=d.report_due_days)
                found.append(Expected(d, customer, start, due, due < today))
    return sorted(found, key=lambda e: (e.due, e.definition.service, e.definition.name, e.customer.name))


@dataclass(frozen=True)
class Point:
    period_start: datetime.date
    label: str
    value: Decimal
    met: bool
    report_id: int


def trends(*, tenant: Tenant, definition: KpiDefinition, customer_ids: set[int] | None = None
           ) -> dict[Organisation, list[Point]]:
    """Current values per customer and period (a correction replaces the earlier value), in 2 queries."""
    return trends_of(tenant=tenant, definitions=[definition], customer_ids=customer_ids).get(definition.pk, {})


def trends_of(*, tenant: Tenant, definitions, customer_ids: set[int] | None = None
              ) -> dict[int, dict[Organisation, list[Point]]]:
    """Trends of several definitions at once (definition id → trends()), in 2 queries whatever
    the number of definitions and periods: one for every value, one for the customers' names."""
    by_pk = {d.pk: d for d in definitions}
    if not by_pk:
        return {}
    rows = (tenant.scope(KpiValue).filter(definition_id__in=list(by_pk)).values_list("definition_id", "report__shared_with", "report__period_start", "value", "report_id")
            .order_by("report__period_start", "report__submitted_at", "report_id"))
    latest: dict[tuple[int, int, datetime.date], tuple] = {}
    for def_id, org_id, start, value, report_id in rows:
        if org_id is None or (customer_ids is not None and org_id not in customer_ids):
            continue
        latest[(def_id, org_id, start)] = (value, report_id)  # later reports overwrite earlier ones
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in={k[1] for k in latest}).only("pk", "name", "slug")}
    result: dict[int, dict[Organisation, list[Point]]] = {}
    for (def_id, org_id, start), (value, report_id) in sorted(
            latest.items(), key=lambda kv: (kv[0][0], orgs[kv[0][1]].name, kv[0][2])):
        d = by_pk[def_id]
        series = result.setdefault(def_id, defaultdict(list))
        series[orgs[org_id]].append(Point(start, period_label(d.period, start), value, d.is_met(value), report_id))
    return {def_id: dict(series) for def_id, series in result.items()}


def report_values(*, tenant: Tenant, report: KpiReport):
    return tenant.scope(KpiValue).filter(report=report).select_related("definition").order_by(
        "definition__service", "definition__name")


def supplier_organisations(*, tenant: Tenant):
    """The supplier organisations that have addressed KPIs to the active municipality."""
    ids = tenant.addressed_to_me(KpiDefinition).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")
