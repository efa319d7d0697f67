"""Automatic findings from the supplier register: contracts that lack the checklist's security areas."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.findings import SHORT, Evidence, Rule
from suppliers import checklist


def contracts_lacking_areas(tenant, *, today):
    """One finding per supplier whose contracts in force leave checklist areas uncovered (4 queries)."""
    found = []
    for entry in checklist.organisation_gaps(tenant=tenant, today=today):
        contract = checklist.primary_contract(entry.contracts)
        gaps = entry.gaps
        areas = ", ".join(str(g.area) for g in gaps[:4]) + (" …" if len(gaps) > 4 else "")
        label = _("Contract: %(title)s (%(supplier)s), %(count)d of %(total)d security areas not covered: %(areas)s") % {
            "title": contract.title, "supplier": entry.supplier.name, "count": len(gaps),
            "total": len(entry.areas), "areas": areas}
        found.append(Evidence(key=f"suppliers.contract:{contract.pk}", label=label, url=contract.get_absolute_url()))
    return found


RULES = [
    Rule(
        key="suppliers.contract_lacks_security_areas",
        theme="contract_requirements",
        title=gettext_lazy("A supplier contract does not cover the security areas a contract with an IT supplier "
                           "should at least cover"),
        citation=gettext_lazy("ISO/IEC 27001:2022 A.5.20; the second seed's observation 4.1: security policy and "
                              "governing documents, security routines in production, incident handling, "
                              "communication and availability, confidentiality, access, continuity planning and "
                              "its tests, access to process descriptions and audit rights"),
        priority=SHORT,
        recommendation=gettext_lazy("Include the security areas of the contract checklist in the current rework "
                                    "of the contract and service descriptions, and let the procurement instruction "
                                    "list them for every new IT supplier."),
        check=contracts_lacking_areas,
    ),
]
