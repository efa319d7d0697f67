"""Placement's links to the requirement catalogue (C3) and the risk register (C4).

Kept in one module so that the analysis itself stays free of the other modules' models.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.tenancy import Tenant
from placement.analysis import RaisedRisk as RaisedRiskView
from placement.analysis import RequirementRef
from placement.models import Alternative, Perspective, RaisedRisk, ResidualRisk


def applicable_requirements(*, tenant: Tenant, levels: dict, scheme: str) -> list[RequirementRef]:
    """The requirements of the catalogue (and the organisation's own) that apply at `levels`,
    the highest classification of the information in the assessment (requirements.rules)."""
    from requirements import rules as requirement_rules
    from requirements.selectors import active_requirements

    need = requirement_rules.klassa_need(levels, scheme)
    if not requirement_rules.is_classified(need):
        return []
    return [RequirementRef(r.pk, r.code, r.display_title) for r in active_requirements(tenant)
            if requirement_rules.applies(r.levels, need)]


def system_requirement_marks(*, tenant: Tenant, systems, requirements: list[RequirementRef]) -> dict[str, bool]:
    """The marks of the systems' current placement, from the systems' own requirement statuses:
    met (or not applicable) on every system → met; not met or partly met on any → not met;
    otherwise (some system has not assessed it) absent, i.e. not assessed."""
    from requirements.models import Status
    from requirements.selectors import effective_statuses

    statuses = effective_statuses(tenant=tenant, systems=systems, requirement_pks=[r.pk for r in requirements])
    if not statuses:
        return {}
    marks = {}
    for requirement in requirements:
        values = [per_system.get(requirement.pk) for per_system in statuses.values()]
        if any(v in (Status.NOT_MET, Status.PARTLY_MET) for v in values):
            marks[str(requirement.pk)] = False
        elif all(v in (Status.MET, Status.NOT_APPLICABLE) for v in values):
            marks[str(requirement.pk)] = True
    return marks


# The register's levels mapped onto the residual risk of a perspective ("very high" counts as high).
REGISTER_LEVELS = {"low": ResidualRisk.LOW, "medium": ResidualRisk.MEDIUM, "high": ResidualRisk.HIGH,
                   "very_high": ResidualRisk.HIGH}


def raised_risks(*, tenant: Tenant, alternatives: list[Alternative]) -> list[RaisedRiskView]:
    """The register's risks raised from these alternatives, with their residual level (two queries)."""
    from risk.selectors import matrix_for

    links = list(tenant.scope(RaisedRisk).filter(alternative__in=alternatives).select_related("risk")
                 .order_by("pk"))
    if not links:
        return []
    matrix = matrix_for(tenant)
    return [RaisedRiskView(link.risk_id, link.risk.title, link.alternative_id, link.perspective,
                           REGISTER_LEVELS.get(matrix.level(link.risk.residual_likelihood,
                                                            link.risk.residual_consequence) or "", ""),
                           link.risk.get_absolute_url())
            for link in links]


def risk_register_available() -> bool:
    try:
        from risk.services import risk_create  # noqa: F401
    except ImportError:
        return False
    return True


def risk_raise(*, tenant: Tenant, alternative: Alternative, perspective: str, title: str = ""):
    """Add a risk to the register from a perspective of an alternative, linked back to it.

    The risk names the assessment's systems and information types and carries the
    perspective's findings as its description; it is then analysed in the register.
    """
    from risk.services import risk_create

    from placement import selectors

    assessment = alternative.assessment
    if assessment.is_locked:
        raise ValidationError(_("This assessment has been decided and is locked. Start a new version to change it."))
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    cell = result.perspectives[perspective].cells[alternative.pk]
    label = Perspective(perspective).label
    title = title.strip() or _("%(alternative)s: %(perspective)s risk in %(assessment)s") % {
        "alternative": alternative.name, "perspective": str(label).lower(), "assessment": assessment.title}
    description = _("Raised from the placement assessment “%(assessment)s” (%(perspective)s).") % {
        "assessment": assessment.title, "perspective": label} + "\n" + cell.rationale
    with transaction.atomic():
        risk = risk_create(tenant=tenant, data={
            "title": title[:300], "description": description,
            "systems": list(assessment.systems.all()), "information_types": list(assessment.information_types.all()),
        })
        link = tenant.new(RaisedRisk, alternative=alternative, perspective=perspective, risk=risk)
        link.full_clean()
        link.save()
    return risk


def system_risk_counts(*, tenant: Tenant, systems) -> list[tuple[str, int]]:
    """(system name, number of risks) for each of the systems with risks in the register: the
    risk analyses a decision document lists among its basis for the decision."""
    if not systems or not risk_register_available():
        return []
    from django.db.models import Count

    from risk.models import RiskSystem

    counts = dict(tenant.scope(RiskSystem).filter(system__in=systems).values("system_id")
                  .annotate(n=Count("risk", distinct=True)).values_list("system_id", "n"))
    return [(system.name, counts[system.pk]) for system in systems if counts.get(system.pk)]
