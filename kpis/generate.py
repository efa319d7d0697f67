"""Generated KPI data for the large data set: ~200 definitions and ~50 000 values at scale 1.

Each generated IT company gets KPI definitions addressed to its generated customers and one
monthly report per customer with every KPI's value, the latest months without verdicts. Rows
are bulk-inserted with their trail entries (demo.generated.insert).
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from demo.generated import insert
from kpis.models import KpiDefinition, KpiReport, KpiValue, KpiVerdict, last_ended_start, next_period
from organisations.models import Membership, Organisation
from organisations.roles import Role

DEFINITIONS_AT_SCALE_1 = 200
VALUES_AT_SCALE_1 = 50_000
SERVICES = ("IT-arbetsplats", "Nät", "Datacenter", "Servicedesk", "Informationssäkerhet", "E-post", "Telefoni")
KINDS = (
    ("Tillgänglighet", "percent", "higher", Decimal("99.5")),
    ("Lösta inom måltid", "percent", "higher", Decimal("90")),
    ("Incidenter", "count", "lower", Decimal("3")),
    ("Svarstid", "hours", "lower", Decimal("4")),
    ("Ledtid beställning", "days", "lower", Decimal("5")),
)


def _value(rng, unit, direction, target):
    if unit == "percent":
        low = float(target) - 3
        return Decimal(str(round(rng.uniform(max(0, low), 100 if target < 99 else 99.99), 2)))
    spread = float(target) * 2 + 1
    return Decimal(str(round(rng.uniform(0, spread), 1 if unit != "count" else 0)))


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    counts: dict[str, int] = {}
    organisations = list(organisations)
    suppliers = list(Organisation.objects.filter(customers__in=organisations).distinct())
    if not suppliers:
        return counts
    ids = {o.pk for o in organisations}
    served = {s.pk: [c for c in s.customers.all() if c.pk in ids] for s in suppliers}
    suppliers = [s for s in suppliers if served[s.pk]]
    if not suppliers:
        return counts
    per_supplier = max(3, round(DEFINITIONS_AT_SCALE_1 * scale / len(suppliers)))
    customer_count = sum(len(served[s.pk]) for s in suppliers) / len(suppliers)
    months = max(3, min(36, round(VALUES_AT_SCALE_1 * scale / (per_supplier * len(suppliers) * customer_count))))
    today = timezone.localdate()
    last = last_ended_start("month", today)
    first = last
    for _ in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    coordinators = dict(Membership.objects.filter(organisation__in=organisations, role=Role.COORDINATOR)
                        .values_list("organisation_id", "user_id"))
    managers = dict(Membership.objects.filter(organisation__in=suppliers, role=Role.SERVICE_MANAGER)
                    .values_list("organisation_id", "user_id"))
    now = timezone.now()
    with transaction.atomic():
        for supplier in suppliers:
            _supplier(supplier, served[supplier.pk], per_supplier, first, last, rng, coordinators,
                      managers.get(supplier.pk), now, counts)
    return counts


def _supplier(supplier, customers, n, first, last, rng, coordinators, manager_id, now, counts):
    definitions = []
    for i in range(n):
        name, unit, direction, target = KINDS[i % len(KINDS)]
        service = SERVICES[(i // len(KINDS)) % len(SERVICES)]
        definitions.append(KpiDefinition(
            organisation=supplier, name=f"{name} {i + 1}", service=service, unit=unit, direction=direction,
            target=target, period="month", report_due_days=10, reported_from=first, active=True,
            description="Genererat nyckeltal."))
    insert(KpiDefinition, definitions, counts)
    through = KpiDefinition.shared_with.through
    through.objects.bulk_create([through(kpidefinition_id=d.pk, organisation_id=c.pk)
                                 for d in definitions for c in customers], batch_size=1000)
    reports, month = [], first
    while month <= last:
        for customer in customers:
            reports.append((KpiReport(organisation=supplier, period_kind="month", period_start=month,
                                      submitted_by_id=manager_id, submitted_at=now, comment=""), customer))
        month = next_period("month", month)
    insert(KpiReport, [r for r, _c in reports], counts)
    report_through = KpiReport.shared_with.through
    report_through.objects.bulk_create([report_through(kpireport_id=r.pk, organisation_id=c.pk) for r, c in reports],
                                       batch_size=1000)
    values = [KpiValue(organisation=supplier, report=r, definition=d, value=_value(rng, d.unit, d.direction, d.target))
              for r, _c in reports for d in definitions]
    insert(KpiValue, values, counts)
    verdicts = []
    for r, c in reports:
        if r.period_start >= last or c.pk not in coordinators or rng.random() < 0.3:
            continue
        verdict = rng.choices(["approved", "remarks", "not_approved"], weights=[85, 12, 3])[0]
        verdicts.append(KpiVerdict(organisation=c, report=r, verdict=verdict, decided_by_id=coordinators[c.pk],
                                   decided_at=now, comment="" if verdict == "approved" else "Avvikelse mot målet."))
    insert(KpiVerdict, verdicts, counts)
