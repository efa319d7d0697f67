"""Automatic findings from the risk register: systems a supplier runs with no risk analysis, an
unfinished one, or one past its review date."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classification.findings import RECOMMENDATION, supplier_run_systems
from core.findings import SHORT, Evidence, Rule
from risk.models import RiskStatus, RiskSystem


def systems_without_risk_analysis(tenant, *, today):
    """Per supplier-run system: no risk analysed, only unassessed risks, or every risk past review (2 queries)."""
    systems = list(supplier_run_systems(tenant).order_by("name", "pk").only("pk", "name"))
    links = (tenant.scope(RiskSystem).filter(system__in=[s.pk for s in systems])
             .exclude(risk__status=RiskStatus.CLOSED)
             .values_list("system_id", "risk__inherent_score", "risk__review_date"))
    risks: dict[int, list] = {}
    for system_id, score, review in links:
        risks.setdefault(system_id, []).append((score, review))
    found = []
    for system in systems:
        rows = risks.get(system.pk, [])
        if not rows:
            label = _("No risk analysis: %(name)s") % {"name": system.name}
        elif all(score is None for score, _review in rows):
            label = _("Risk analysis not finished: %(name)s") % {"name": system.name}
        elif all(review is not None and review < today for _score, review in rows):
            label = _("Risk analysis past its review date: %(name)s") % {"name": system.name}
        else:
            continue
        found.append(Evidence(key=f"inventory.system:{system.pk}", label=label, url=reverse("inventory:system_detail", args=[system.pk])))
    return found


RULES = [
    Rule(key="risk.supplier_systems_without_analysis", theme="needs_based_requirements",
         title=gettext_lazy("Systems a supplier runs have no risk analysis, an unfinished one or one past review"),
         citation=gettext_lazy("MSB/MCF method for information security, step 3 (analyse risks); "
                               "ISO/IEC 27001:2022 6.1.2"),
         priority=SHORT, recommendation=RECOMMENDATION, check=systems_without_risk_analysis),
]
