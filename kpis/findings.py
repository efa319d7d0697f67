"""Automatic findings from supplier follow-up: a supplier in Tillit with no KPIs, periods not
reported, or reports nobody here has given a verdict on."""

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.findings import MEDIUM, Evidence, Rule
from kpis import selectors
from kpis.models import KpiDefinition
from organisations.models import Organisation
from suppliers.models import Supplier

# A report addressed to us that has waited this long for our verdict is not being followed up.
VERDICT_DAYS = 30


def _linked_suppliers(tenant):
    return list(tenant.scope(Supplier).filter(organisation_id=tenant.membership.organisation_id,
                                              tillit_organisation__isnull=False).order_by("name", "pk"))


def suppliers_without_follow_up(tenant, *, today):
    """At most six queries: the register, the KPIs addressed to us, the missing periods, the reports awaiting us."""
    me = tenant.membership.organisation_id
    suppliers = _linked_suppliers(tenant)
    if not suppliers:
        return []
    definitions = list(tenant.addressed_to_me(KpiDefinition).filter(active=True)
                       .prefetch_related(Prefetch("shared_with", queryset=Organisation.objects.only("pk", "name")))
                       .order_by("service", "name", "pk"))
    by_org: dict[int, list] = {}
    for d in definitions:
        by_org.setdefault(d.organisation_id, []).append(d)
    late = {}
    for expected in selectors.missing(definitions=definitions, today=today, customer_ids={me}):
        if expected.overdue:
            late.setdefault(expected.definition.pk, expected)
    cutoff = today - datetime.timedelta(days=VERDICT_DAYS)
    waiting = {}
    for report in selectors.addressed_reports(tenant=tenant, awaiting=True).filter(submitted_at__date__lt=cutoff):
        waiting.setdefault(report.organisation_id, report)
    found = []
    for supplier in suppliers:
        mine = by_org.get(supplier.tillit_organisation_id, [])
        if not mine:
            found.append(Evidence(
                key=f"suppliers.supplier:{supplier.pk}:no_kpis",
                label=_("No KPIs reported by %(supplier)s") % {"supplier": supplier.name},
                url=supplier.get_absolute_url()))
            continue
        for d in mine:
            if d.pk in late:
                found.append(Evidence(
                    key=f"kpis.kpidefinition:{d.pk}",
                    label=_("KPI not reported for the last period: %(name)s (%(supplier)s)") % {
                        "name": d.name, "supplier": supplier.name},
                    url=d.get_absolute_url()))
        report = waiting.get(supplier.tillit_organisation_id)
        if report is not None:
            found.append(Evidence(
                key=f"suppliers.supplier:{supplier.pk}:no_verdicts",
                label=_("Reports from %(supplier)s without our verdict for more than %(days)d days") % {
                    "supplier": supplier.name, "days": VERDICT_DAYS},
                url=reverse("kpis:report_detail", args=[report.pk])))
    return found


RULES = [
    Rule(key="kpis.supplier_without_follow_up", theme="delivery_follow_up",
         title=gettext_lazy("A supplier's delivery is not followed up: no KPIs, periods not reported or reports "
                            "without a verdict"),
         citation=gettext_lazy("ISO/IEC 27001:2022 A.5.22; the second seed's observation 4.3 (no decided parameters "
                               "for follow-up and reporting)"),
         priority=MEDIUM,
         recommendation=gettext_lazy("Specify what the supplier reports, how and how often (KPIs with targets), and "
                                     "give a verdict on each report in the follow-up forum."),
         check=suppliers_without_follow_up),
]
