"""Reading placement assessments, always through the tenant (core.tenancy)."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from classification.schemes import ASPECT_FIELDS, SCHEMES, Scheme
from core.tenancy import Tenant
from inventory.models import InformationType, System
from placement import analysis, integrations
from placement.models import Alternative, Assessment, CostItem, Mitigation, OslAssessment, Verdict


# The columns the list page and the API list show: the long texts (background, checklist,
# the decision and its snapshot) stay in the database.
LIST_FIELDS = ("organisation_id", "title", "service", "assessment_date", "status", "version_number",
               "responsible__full_name", "responsible__email", "decision__decided_on",
               "decision__registration_number")


def assessment_list(*, tenant: Tenant, status: str = "") -> QuerySet:
    """The organisation's assessments, newest first, with what the list shows (one query).

    The alternatives are counted in a subquery per row of the page: a join with GROUP BY
    would group every assessment of the organisation (and make the paginator's COUNT do the
    same) before the page is cut.
    """
    alternatives = (Alternative.objects.filter(assessment=OuterRef("pk")).order_by().values("assessment")
                    .annotate(n=Count("pk")).values("n"))
    qs = (tenant.scope(Assessment).select_related("responsible", "decision").only(*LIST_FIELDS)
          .annotate(alternative_count=Coalesce(Subquery(alternatives), 0)))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-assessment_date", "-pk")


def get_assessment(*, tenant: Tenant, pk, write: bool = False) -> Assessment:
    """One assessment the tenant may read (or change), with its decision and choice loaded."""
    queryset = Assessment.objects.select_related("decision", "chosen_alternative", "responsible", "case_officer",
                                                 "previous")
    return tenant.get(Assessment, pk, write=write, queryset=queryset)


def alternatives_of(*, tenant: Tenant, assessment: Assessment) -> list[Alternative]:
    """The alternatives with their costs, verdicts and appropriateness assessments (four queries)."""
    return list(
        tenant.scope(Alternative).filter(assessment=assessment).order_by("position", "pk").prefetch_related(
            Prefetch("costs", queryset=CostItem.objects.order_by("year", "pk")),
            Prefetch("verdicts", queryset=Verdict.objects.all()),
            Prefetch("osl_assessments", queryset=OslAssessment.objects.select_related("information_type")),
        )
    )


def information_types_of(*, assessment: Assessment) -> list[analysis.InfoType]:
    """The linked information types with their classification levels as they are now (one query)."""
    rows = assessment.information_types.select_related("classification").order_by("name")
    return [information_type_view(info) for info in rows]


def information_type_view(info: InformationType) -> analysis.InfoType:
    """One information type as the analysis reads it (its classification loaded with it)."""
    classification = getattr(info, "classification", None)
    levels = {a: (getattr(classification, f) if classification else None) for a, f in ASPECT_FIELDS.items()}
    scheme = classification.scheme if classification else Scheme.KLASSA
    return analysis.InfoType(info.pk, info.name, info.personal_data, levels, scheme)


def analysed_information_types(*, assessment: Assessment) -> list[analysis.InfoType]:
    """The information the analysis weighs: as it is now for a draft, and as it was at the
    decision for a decided assessment (the decision's snapshot), so a later change of a linked
    classification does not alter what was decided (issue 4) but shows as a warning
    (classification_changes). One query, plus the decision unless it was loaded with the assessment.
    """
    live = information_types_of(assessment=assessment)
    decision = getattr(assessment, "decision", None) if assessment.is_locked else None
    if decision is None:
        return live
    return decided_information_types(snapshot=decision.levels_snapshot or {}, live=live)


def decided_information_types(*, snapshot: dict, live: list[analysis.InfoType]) -> list[analysis.InfoType]:
    """The snapshot's information types with their levels at the decision.

    What a snapshot written before it held the scheme and personal data is taken from the
    information type as it is now; an information type linked after the decision (only the
    admin can, as the assessment is locked) has nothing to go by and is read as it is now.
    """
    current = {i.pk: i for i in live}
    infos = []
    for key, entry in snapshot.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            continue
        now = current.pop(pk, None)
        saved = entry.get("levels") or {}
        levels = {a: saved.get(a) for a in ASPECT_FIELDS}
        scheme = entry.get("scheme") or (now.scheme if now else Scheme.KLASSA)
        personal = entry.get("personal_data", now.personal_data if now else True)
        infos.append(analysis.InfoType(pk, entry.get("name") or (now.name if now else "–"), bool(personal), levels,
                                       scheme if scheme in SCHEMES else Scheme.KLASSA))
    infos += current.values()
    return sorted(infos, key=lambda i: (i.name, i.pk))


def _requirements(tenant: Tenant, infos) -> list:
    return integrations.applicable_requirements(tenant=tenant, levels=analysis.highest_levels(infos),
                                                scheme=infos[0].scheme if infos else Scheme.KLASSA)


def _mark_current(tenant: Tenant, assessment: Assessment, alternatives, requirements) -> None:
    current = next((alt for alt in alternatives if alt.current_placement), None)
    if current is not None:
        # One answer to one question: the current placement is what the systems' own requirement
        # list says, read live (never saved onto the alternative, so it cannot go stale).
        current.requirements_met = integrations.system_requirement_marks(
            tenant=tenant, systems=linked_systems(assessment=assessment), requirements=requirements)


def alternatives_as_shown(*, tenant: Tenant, assessment: Assessment, alternatives=None) -> list[Alternative]:
    """The alternatives (or the given ones of this assessment) with the current placement's
    requirement figures read live from its systems, as the pages and the decision state them."""
    alternatives = alternatives_of(tenant=tenant, assessment=assessment) if alternatives is None else alternatives
    if any(alt.current_placement for alt in alternatives):
        _mark_current(tenant, assessment, alternatives,
                      _requirements(tenant, analysed_information_types(assessment=assessment)))
    return alternatives


def assessment_analysis(*, tenant: Tenant, assessment: Assessment) -> analysis.Analysis:
    """Everything the four perspectives and the combined assessment need, computed.

    A decided assessment is analysed with the classification as it was at the decision.
    """
    alternatives = alternatives_of(tenant=tenant, assessment=assessment)
    infos = analysed_information_types(assessment=assessment)
    mitigations = list(tenant.scope(Mitigation).filter(assessment=assessment).order_by("pk"))
    requirements = _requirements(tenant, infos)
    _mark_current(tenant, assessment, alternatives, requirements)
    inputs = analysis.Inputs(
        assessment=assessment, alternatives=alternatives, information_types=infos, mitigations=mitigations,
        requirements=requirements, risks=integrations.raised_risks(tenant=tenant, alternatives=alternatives),
    )
    return analysis.analyse(inputs)


def linked_systems(*, assessment: Assessment) -> list[System]:
    return list(assessment.systems.order_by("name"))


def classification_changes(*, assessment: Assessment, infos: list[analysis.InfoType] | None = None) -> list[dict]:
    """Information types whose classification now differs from the snapshot taken at the decision.

    `infos` are the information types as they are now (loaded when not given). The decided
    assessment is not altered; the pages show these as a warning.
    """
    if not assessment.is_locked:
        return []
    decision = getattr(assessment, "decision", None)
    if decision is None:
        return []
    snapshot = decision.levels_snapshot or {}
    changes = []
    for info in information_types_of(assessment=assessment) if infos is None else infos:
        before = snapshot.get(str(info.pk))
        now = {a: info.levels.get(a) for a in ASPECT_FIELDS}
        if before is None:
            continue
        if {a: (before.get("levels") or {}).get(a) for a in ASPECT_FIELDS} != now:
            changes.append({"name": info.name, "before": before.get("label", "–"), "now": info.label})
    return changes


def level_snapshot(infos: list[analysis.InfoType]) -> dict:
    """{information type id: {"name", "levels", "label", "scheme", "personal_data"}} to store with a
    decision: what the decided assessment is read with from then on."""
    return {str(i.pk): {"name": i.name, "levels": dict(i.levels), "label": i.label, "scheme": str(i.scheme),
                        "personal_data": i.personal_data} for i in infos}


def own_choices(*, tenant: Tenant):
    """Systems and information types the assessment can link to: of those the tenant reads,
    only the organisation's own (a system shared by another organisation is not ours to assess)."""
    org = tenant.organisation
    return (tenant.scope(System).filter(organisation=org, archived_at__isnull=True).order_by("name"),
            tenant.scope(InformationType).filter(organisation=org).order_by("name"))
