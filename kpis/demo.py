"""Demo KPIs of the shared IT company: a year of reports to three of its four customers.

Lindö (reference case 2) gets none: the auditor found no KPI reporting for IT there. The other
municipalities get monthly and quarterly reports with some missed targets, one correction, one
KPI whose latest periods are not delivered, and their coordinators' verdicts (one remark turned
into an action).
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from core.tenancy import Tenant
from kpis import services
from kpis.models import KpiCorrection, KpiDefinition, KpiVerdict, last_ended_start, next_period, period_end
from organisations.models import Membership
from trail.context import acting_as

DEFINITIONS = [
    # name, service, unit, direction, target, period, description
    ("Tillgänglighet IT-arbetsplats", "IT-arbetsplats", "percent", "higher", "99.5", "month",
     "Andel av överenskommen servicetid då inloggning, e-post och filtjänster fungerar."),
    ("Tillgänglighet Nät", "Nät", "percent", "higher", "99.5", "month",
     "Andel av servicetiden då stadsnät och trådlöst nät i kommunens lokaler fungerar."),
    ("Tillgänglighet Datacenter", "Datacenter", "percent", "higher", "99.5", "month",
     "Andel av tiden då driftmiljön i datacentret är tillgänglig, planerade fönster undantagna."),
    ("Incidenter lösta inom måltid", "Servicedesk", "percent", "higher", "90", "month",
     "Andel incidenter som lösts inom avtalad tid för sin prioritet."),
    ("Säkerhetsincidenter", "Informationssäkerhet", "count", "lower", "2", "month",
     "Antal inträffade informationssäkerhetsincidenter i leveransen under perioden."),
    ("Kritiska säkerhetsuppdateringar inom 30 dagar", "Informationssäkerhet", "percent", "higher", "95", "month",
     "Andel kritiska uppdateringar som installerats inom 30 dagar från publicering."),
    ("Genomförda återläsningstester", "Datacenter", "count", "higher", "1", "quarter",
     "Antal dokumenterade tester av återläsning från säkerhetskopia under kvartalet."),
    ("Öppna ärenden äldre än 30 dagar", "Servicedesk", "count", "lower", "20", "month",
     "Antal ärenden som varit öppna i mer än 30 dagar vid periodens slut."),
]
# The KPI whose two latest months are missing (the oldest of them is past its due date).
LATE = "Öppna ärenden äldre än 30 dagar"
# Values for the months (index from the first) where a target is missed.
MISSES = {("Tillgänglighet Nät", 4): "99.1", ("Incidenter lösta inom måltid", 7): "86.5",
          ("Säkerhetsincidenter", 2): "3", ("Kritiska säkerhetsuppdateringar inom 30 dagar", 9): "91"}


def _value(rng, name, unit, target, index):
    if (name, index) in MISSES:
        return Decimal(MISSES[(name, index)])
    target = Decimal(target)
    if unit == "percent" and target >= 99:
        return Decimal(str(round(rng.uniform(99.55, 99.98), 2)))
    if unit == "percent":
        return Decimal(str(round(rng.uniform(float(target) + 0.5, min(99.5, float(target) + 7)), 1)))
    if name == "Säkerhetsincidenter":
        return Decimal(rng.choice([0, 0, 1, 1, 2]))
    if name == "Genomförda återläsningstester":
        return Decimal(rng.choice([1, 2]))
    return Decimal(rng.randint(8, 19))


def _tenant(user, org) -> Tenant:
    return Tenant(Membership.objects.select_related("organisation", "user").get(organisation=org, user=user))


def load_supplier(*, supplier, customers, users):
    """KPIs, a year of reports and verdicts (idempotent: nothing is added when KPIs exist)."""
    if KpiDefinition.objects.filter(organisation=supplier).exists():
        return
    manager = users.get("service_manager")
    if manager is None:
        return
    addressed = [c for c in customers if c.slug != "lindo"]
    rng = random.Random(2016)
    today = timezone.localdate()
    last_month = last_ended_start("month", today)
    first_month = datetime.date(last_month.year - 1, last_month.month, 1)
    first_month = next_period("month", first_month)
    supplier_tenant = _tenant(manager, supplier)
    with acting_as(manager, source="cli"):
        definitions = {}
        for name, service, unit, direction, target, period, description in DEFINITIONS:
            definitions[name] = services.definition_save(tenant=supplier_tenant, definition=None, data={
                "name": name, "service": service, "unit": unit, "direction": direction, "target": Decimal(target),
                "period": period, "report_due_days": 10, "reported_from": first_month, "active": True,
                "description": description, "shared_with": addressed})
        reports = []
        month, index = first_month, 0
        while month <= last_month:
            values = [services.ValueIn(d, _value(rng, name, d.unit, d.target, index))
                      for name, d in definitions.items()
                      if d.period == "month" and not (name == LATE and month >= _minus(last_month))]
            reports.append(services.report_create(
                tenant=supplier_tenant, period_kind="month", period_start=month, customers=addressed, values=values,
                today=today, comment="Månadsrapport enligt avtalets bilaga om tjänstenivåer.",
                at=_after_end("month", month, 6)))
            month, index = next_period("month", month), index + 1
        quarter = definitions["Genomförda återläsningstester"]
        start = quarter.reported_from
        while period_end("quarter", start) < today:
            services.report_create(tenant=supplier_tenant, period_kind="quarter", period_start=start,
                                   customers=addressed, today=today, at=_after_end("quarter", start, 8),
                                   values=[services.ValueIn(quarter, Decimal(rng.choice([1, 2])))])
            start = next_period("quarter", start)
        # One correction: Ekholma's data-centre availability three months ago was measured wrongly.
        corrected = reports[-4]
        ekholma = [c for c in addressed if c.slug == "ekholma"]
        if ekholma:
            services.report_create(
                tenant=supplier_tenant, period_kind="month", period_start=corrected.period_start, customers=ekholma,
                today=today, comment="Rättelse: avbrottet i datacentret räknades felaktigt som planerat.",
                at=_after_end("month", corrected.period_start, 40),
                values=[services.ValueIn(definitions["Tillgänglighet Datacenter"], Decimal("99.21"))])
    _verdicts(addressed, reports[:-1])


def _after_end(kind: str, start: datetime.date, days: int) -> datetime.datetime:
    """A morning `days` after the period ended (Stockholm time), never later than now."""
    day = period_end(kind, start) + datetime.timedelta(days=days)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    return min(moment, timezone.now())


def _minus(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def _decided(report) -> datetime.datetime:
    """A verdict about two weeks after the report came in, never later than now."""
    return min(report.submitted_at + datetime.timedelta(days=13, hours=4), timezone.now())


def _verdicts(customers, reports):
    """Each coordinator decides on the reports (not the latest): mostly approved, some remarks."""
    for org in customers:
        membership = (Membership.objects.select_related("organisation", "user")
                      .filter(organisation=org, user__email=f"samordnare@{org.slug}.example").first())
        if membership is None:
            continue
        tenant = Tenant(membership)
        with acting_as(membership.user, source="cli"):
            for i, report in enumerate(reports):
                report.refresh_from_db()
                if report.superseded_by_id or KpiCorrection.objects.filter(earlier=report, customer=org).exists():
                    continue  # corrected for this municipality: it decides on the correction
                missed = [v for v in report.values.select_related("definition") if not v.met]
                if missed and org.slug in ("bjorkvik", "granas"):
                    names = ", ".join(v.definition.name for v in missed)
                    services.verdict_set(tenant=tenant, report=report, verdict="remarks", at=_decided(report),
                                         comment=f"Målet nåddes inte för {names}. Leverantören ska redovisa orsak "
                                                 "och åtgärd till nästa uppföljningsmöte.")
                else:
                    services.verdict_set(tenant=tenant, report=report, verdict="approved", at=_decided(report))
        if org.slug == "bjorkvik":
            verdict = tenant.my_responses(KpiVerdict).filter(verdict="remarks").order_by("-report__period_start").first()
            if verdict is not None:
                with acting_as(membership.user, source="cli"):
                    services.verdict_to_action(tenant=tenant, verdict=verdict)
