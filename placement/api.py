"""Placement assessments through the API: assessments, alternatives, perspectives, the combined
assessment, the decision and the decision document."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from core import documents as shared_documents
from core.api import InputSchema, RecordId
from inventory.models import Hosting, InformationType, System
from placement import documents, integrations, selectors, services
from placement.models import (
    Alternative,
    Appropriateness,
    Assessment,
    CostCategory,
    CostKind,
    DecidingBody,
    Mitigation,
    Perspective,
    Redundancy,
    ResidualRisk,
    StaffCapacity,
    VerdictChoice,
)
from placement.starters import TEMPLATES

router = Router(tags=["placement assessments"])


# --- Schemas ----------------------------------------------------------------------------


class AssessmentRow(Schema):
    id: int
    title: str
    service: str
    assessment_date: datetime.date
    status: str
    version_number: int
    alternative_count: int


class AssessmentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[AssessmentRow]


class ListFilters(InputSchema):
    status: str = Field("", pattern="^(|draft|decided)$")
    page: int = Field(1, ge=1)


class CostOut(Schema):
    id: int
    category: str
    kind: str
    amount: Decimal = Field(..., description="SEK to the öre, as given (a string with two decimals)")
    year: int
    description: str
    upper_estimate: bool


class AlternativeOut(Schema):
    id: int
    position: int
    name: str
    description: str
    hosting: str
    provider: str
    storage_countries: list[str]
    access_countries: list[str]
    provider_jurisdiction: str
    dpf_certified: bool
    scc_signed: bool
    tia_done: bool
    technical_only: bool
    confidentiality_duty: bool
    customer_held_keys: bool
    current_placement: bool
    sla_percent: Decimal | None
    redundancy: str
    recovery_site: str
    end_of_life: datetime.date | None
    staff_capacity: str
    requirements_met: dict[str, bool]
    revision: int
    costs: list[CostOut]

    @staticmethod
    def resolve_costs(obj: Alternative):
        return list(obj.costs.all())


class RuleOut(Schema):
    id: int
    text: str
    max_confidentiality: int | None


class PlacementDecisionOut(Schema):
    body: str
    body_name: str
    registration_number: str
    decided_on: datetime.date
    alternative_id: int | None
    decision: str
    follow_up_date: datetime.date | None
    levels_snapshot: dict


class ClassificationChangeOut(Schema):
    """An information type whose classification changed after the decision (the decided
    assessment keeps the levels of the decision)."""

    name: str
    before: str
    now: str


class PlacementQuestionOut(Schema):
    perspective: str
    question: str
    answer: str


class PlacementAssessmentOut(Schema):
    id: int
    title: str
    service: str
    status: str
    assessment_date: datetime.date
    registration_number: str
    deciding_body: str
    deciding_body_name: str
    department: str
    case_officer: str | None = Field(None, description="E-mail of the case officer (handläggare)")
    case_officer_title: str
    recipients: str
    years: int
    discount_rate: Decimal
    background: str
    summary: str
    proposal: str
    weights: dict[str, int]
    chosen_alternative_id: int | None
    choice_justification: str
    version_number: int
    previous_id: int | None
    revision: int
    systems: list[int]
    information_types: list[int]
    checklist: list[PlacementQuestionOut]
    alternatives: list[AlternativeOut]
    rules: list[RuleOut]
    decision: PlacementDecisionOut | None
    classification_changes: list[ClassificationChangeOut]


class PlacementAssessmentIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    service: str = Field(..., min_length=1, max_length=200)
    assessment_date: datetime.date | None = None
    registration_number: str = Field("", max_length=60)
    deciding_body: DecidingBody = DecidingBody.EXECUTIVE_BOARD
    deciding_body_name: str = Field("", max_length=200)
    department: str = Field("", max_length=200, description="The förvaltning that writes the memorandum")
    case_officer: str | None = Field(None, description="E-mail of a member of the organisation: the handläggare")
    case_officer_title: str = Field("", max_length=200, description="The case officer's title in the memorandum")
    recipients: str = Field("", description="Where the decision is sent, one recipient a line")
    years: int = Field(3, ge=1, le=20)
    discount_rate: Decimal = Field(Decimal(0), ge=0, le=50)
    background: str = ""
    systems: list[RecordId] = []
    information_types: list[RecordId] = []
    responsible: str | None = Field(None, description="E-mail of a member of the organisation")


class AssessmentCreateIn(PlacementAssessmentIn):
    template: str = Field("", description="Start from a template: " + ", ".join(TEMPLATES))


class AssessmentUpdateIn(PlacementAssessmentIn):
    revision: int


class CostIn(InputSchema):
    category: CostCategory
    kind: CostKind = CostKind.ONE_OFF
    amount: Decimal = Field(..., description="SEK, not negative, at most two decimals (öre); kept exactly")
    year: int = Field(1, ge=1)
    description: str = Field("", max_length=200)
    upper_estimate: bool = False


class AlternativeIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    hosting: Hosting = Hosting.CLOUD
    provider: str = Field("", max_length=200)
    storage_countries: list[str] = Field([], description="ISO 3166 codes")
    access_countries: list[str] = Field([], description="ISO 3166 codes")
    provider_jurisdiction: str = Field("", max_length=2)
    dpf_certified: bool = False
    scc_signed: bool = False
    tia_done: bool = False
    technical_only: bool = False
    confidentiality_duty: bool = False
    customer_held_keys: bool = False
    current_placement: bool = Field(False, description="The systems' current placement: the requirements follow the "
                                                       "systems' own requirement assessment")
    sla_percent: Decimal | None = Field(None, ge=0, le=100)
    redundancy: Redundancy = Redundancy.SINGLE_SITE
    recovery_site: str = Field("", max_length=200)
    end_of_life: datetime.date | None = None
    staff_capacity: StaffCapacity = StaffCapacity.SUFFICIENT
    costs: list[CostIn] = []


class AlternativeUpdateIn(AlternativeIn):
    revision: int


class FindingOut(Schema):
    severity: str
    text: str


class PlacementCellOut(Schema):
    alternative_id: int
    computed_verdict: str
    verdict: str
    rationale: str
    residual_risk: str
    judged: bool
    findings: list[FindingOut]
    legal_outcome: str | None = Field(None, description="The law perspective only: lawful, "
                                      "lawful_with_residual_risks or not_lawful")


class PerspectiveOut(Schema):
    perspective: str
    label: str
    facts: list[list[str]]
    alternatives: list[PlacementCellOut]


class PlacementVerdictIn(InputSchema):
    perspective: Perspective
    verdict: VerdictChoice | None = Field(None, description="Leave out to use the computed verdict")
    rationale: str = ""
    residual_risk: ResidualRisk | None = None


class OslIn(InputSchema):
    information_type: RecordId
    outcome: Appropriateness | None = Field(None, description="Leave out to withdraw the assessment")
    reasoning: str = ""


class RequirementsIn(InputSchema):
    marks: dict[str, bool | None] = Field(..., description="Requirement id → met, not met, or null (not assessed)")


class RuleIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=300)
    max_confidentiality: int | None = Field(None, ge=0, le=4)


class CombinedOut(Schema):
    can_combine: bool
    message: str
    weights: dict[str, int]
    scores: dict[str, Decimal]
    recommended_alternative_id: int | None
    chosen_alternative_id: int | None
    facts: list[str]


class CombinedIn(InputSchema):
    weight_security: int = Field(1, ge=0, le=5)
    weight_legal: int = Field(1, ge=0, le=5)
    weight_technical: int = Field(1, ge=0, le=5)
    weight_economic: int = Field(1, ge=0, le=5)
    chosen_alternative: RecordId | None = None
    choice_justification: str = ""
    summary: str = ""
    proposal: str = ""
    revision: int


class PlacementDecisionIn(InputSchema):
    body: DecidingBody
    body_name: str = Field("", max_length=200)
    registration_number: str = Field(..., min_length=1, max_length=60)
    decided_on: datetime.date
    alternative: RecordId | None = Field(None, description="Defaults to the chosen or recommended alternative")
    decision: str = Field(..., min_length=1)
    follow_up_date: datetime.date | None = None


class PlacementRiskIn(InputSchema):
    perspective: Perspective
    title: str = Field("", max_length=300)


class PlacementRiskOut(Schema):
    id: int
    title: str


# --- Helpers ----------------------------------------------------------------------------


def _assessment(request, assessment_id: int, *, write: bool = False) -> Assessment:
    return selectors.get_assessment(tenant=request.tenant, pk=assessment_id, write=write)


def _alternative(request, alternative_id: int, *, write: bool = False) -> Alternative:
    return request.tenant.get(Alternative, alternative_id, write=write,
                              queryset=Alternative.objects.select_related("assessment"))


def _as_shown(request, alternative: Alternative) -> Alternative:
    """The alternative with the figures the pages show (the current placement's read live)."""
    return selectors.alternatives_as_shown(tenant=request.tenant, assessment=alternative.assessment,
                                           alternatives=[alternative])[0]


def _own(request, model, ids: list[int], field: str) -> list:
    """Records of the organisation itself by id, or a 422 naming the field."""
    found = list(request.tenant.scope(model).filter(organisation=request.tenant.organisation, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: _("Choose one of your organisation's own.")})
    return found


def _responsible(request, email, field: str = "responsible"):
    if not email:
        return None
    user = request.tenant.users().filter(email__iexact=email).first()
    if user is None:
        raise ValidationError({field: _("Choose a member of your organisation.")})
    return user


def _assessment_data(request, payload: PlacementAssessmentIn) -> dict:
    data = payload.dict(exclude={"systems", "information_types", "responsible", "case_officer", "template",
                                 "revision"})
    data["assessment_date"] = payload.assessment_date or timezone.localdate()
    data["systems"] = _own(request, System, payload.systems, "systems")
    data["information_types"] = _own(request, InformationType, payload.information_types, "information_types")
    data["responsible"] = _responsible(request, payload.responsible)
    data["case_officer"] = _responsible(request, payload.case_officer, "case_officer")
    return data


def _out(request, assessment_id: int) -> dict:
    """The full assessment, read back through the tenant."""
    tenant = request.tenant
    a = _assessment(request, assessment_id)
    decision = getattr(a, "decision", None)
    return {
        **{f: getattr(a, f) for f in ("id", "title", "service", "status", "assessment_date", "registration_number",
                                      "deciding_body", "deciding_body_name", "department", "case_officer_title",
                                      "recipients", "years", "discount_rate", "background",
                                      "summary", "proposal", "chosen_alternative_id", "choice_justification",
                                      "version_number", "previous_id", "revision", "checklist")},
        "case_officer": a.case_officer.email if a.case_officer else None,
        "weights": {str(k): v for k, v in a.weights.items()},
        "systems": sorted(a.systems.values_list("pk", flat=True)),
        "information_types": sorted(a.information_types.values_list("pk", flat=True)),
        "alternatives": selectors.alternatives_as_shown(tenant=tenant, assessment=a),
        "rules": list(tenant.scope(Mitigation).filter(assessment=a).order_by("pk")),
        "decision": decision,
        "classification_changes": selectors.classification_changes(assessment=a),
    }


def _save(call):
    """Run a service; a concurrent change answers 409, other refusals 422 (core.api)."""
    try:
        return call()
    except services.Conflict as exc:
        raise HttpError(409, " ".join(exc.messages))


# --- Assessments ------------------------------------------------------------------------


@router.get("", response=AssessmentPage, summary="List placement assessments (50 a page)")
def list_assessments(request, filters: Query[ListFilters]):
    paginator = Paginator(selectors.assessment_list(tenant=request.tenant, status=filters.status), 50)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


@router.post("", response={201: PlacementAssessmentOut}, summary="Start an assessment (optionally from a template)")
def create_assessment(request, payload: AssessmentCreateIn):
    request.tenant.new(Assessment)  # 403 before any lookup when the role may not create
    assessment = services.assessment_create(tenant=request.tenant, data=_assessment_data(request, payload),
                                            template=payload.template)
    return Status(201, _out(request, assessment.pk))


@router.get("/{int:assessment_id}", response=PlacementAssessmentOut, summary="One assessment with its alternatives")
def get_assessment(request, assessment_id: int):
    return _out(request, assessment_id)


@router.put("/{int:assessment_id}", response=PlacementAssessmentOut, summary="Change an assessment's fields")
def update_assessment(request, assessment_id: int, payload: AssessmentUpdateIn):
    assessment = _assessment(request, assessment_id, write=True)
    data = _assessment_data(request, payload)
    _save(lambda: services.assessment_update(tenant=request.tenant, assessment=assessment, data=data,
                                             revision=payload.revision))
    return _out(request, assessment_id)


# --- Alternatives -----------------------------------------------------------------------


def _alternative_data(payload: AlternativeIn) -> tuple[dict, list[dict]]:
    return payload.dict(exclude={"costs", "revision"}), [c.dict() for c in payload.costs]


@router.post("/{int:assessment_id}/alternatives", response={201: AlternativeOut}, summary="Add an alternative")
def create_alternative(request, assessment_id: int, payload: AlternativeIn):
    assessment = _assessment(request, assessment_id, write=True)
    data, costs = _alternative_data(payload)
    alternative = services.alternative_create(tenant=request.tenant, assessment=assessment, data=data, costs=costs)
    return Status(201, _as_shown(request, _alternative(request, alternative.pk)))


@router.put("/alternatives/{int:alternative_id}", response=AlternativeOut,
            summary="Change an alternative and replace its costs")
def update_alternative(request, alternative_id: int, payload: AlternativeUpdateIn):
    alternative = _alternative(request, alternative_id, write=True)
    data, costs = _alternative_data(payload)
    _save(lambda: services.alternative_update(tenant=request.tenant, alternative=alternative, data=data,
                                              revision=payload.revision, costs=costs))
    return _as_shown(request, _alternative(request, alternative_id))


@router.delete("/alternatives/{int:alternative_id}", response={204: None}, summary="Remove an alternative")
def delete_alternative(request, alternative_id: int):
    services.alternative_delete(tenant=request.tenant, alternative=_alternative(request, alternative_id, write=True))
    return Status(204, None)


# --- Perspectives -----------------------------------------------------------------------


def _legal_outcome(view, alternative_id: int) -> str | None:
    legal_alternative = view.details.get("alternatives", {}).get(alternative_id) if view.key == Perspective.LEGAL else None
    return legal_alternative.outcome.outcome if legal_alternative else None


@router.get("/{int:assessment_id}/perspectives", response=list[PerspectiveOut],
            summary="The four perspectives: computed facts and the verdict per alternative")
def get_perspectives(request, assessment_id: int):
    result = selectors.assessment_analysis(tenant=request.tenant, assessment=_assessment(request, assessment_id))
    return [{
        "perspective": key, "label": view.label, "facts": [[str(k), str(v)] for k, v in view.facts],
        "alternatives": [{"alternative_id": alt_id, "computed_verdict": c.computed_verdict, "verdict": c.verdict,
                          "rationale": c.rationale, "residual_risk": c.residual_risk, "judged": c.judged,
                          "findings": [{"severity": f.severity, "text": f.text} for f in c.findings],
                          "legal_outcome": _legal_outcome(view, alt_id)}
                         for alt_id, c in view.cells.items()],
    } for key, view in result.perspectives.items()]


@router.post("/alternatives/{int:alternative_id}/verdicts", response=PerspectiveOut,
             summary="Set the assessor's verdict for one perspective of an alternative")
def set_verdict(request, alternative_id: int, payload: PlacementVerdictIn):
    alternative = _alternative(request, alternative_id, write=True)
    services.verdict_save(tenant=request.tenant, alternative=alternative, perspective=payload.perspective,
                          verdict=payload.verdict or "", rationale=payload.rationale,
                          residual_risk=payload.residual_risk or "")
    views = get_perspectives(request, alternative.assessment_id)
    return next(v for v in views if v["perspective"] == payload.perspective)


@router.put("/alternatives/{int:alternative_id}/osl", response={200: dict},
            summary="Record the appropriateness assessment (OSL 10 kap. 2 a §) for an information type")
def set_osl(request, alternative_id: int, payload: OslIn):
    alternative = _alternative(request, alternative_id, write=True)
    information_type = request.tenant.get(InformationType, payload.information_type)
    row = services.osl_assessment_save(tenant=request.tenant, alternative=alternative,
                                       information_type=information_type, outcome=payload.outcome or "",
                                       reasoning=payload.reasoning)
    return {"information_type": information_type.pk, "outcome": row.outcome if row else None,
            "reasoning": row.reasoning if row else ""}


@router.put("/alternatives/{int:alternative_id}/requirements", response=AlternativeOut,
            summary="Record which requirements an alternative meets")
def set_requirements(request, alternative_id: int, payload: RequirementsIn):
    alternative = _alternative(request, alternative_id, write=True)
    services.requirements_mark(tenant=request.tenant, alternative=alternative, marks=payload.marks)
    return _alternative(request, alternative_id)


@router.post("/alternatives/{int:alternative_id}/risks", response={201: PlacementRiskOut},
             summary="Raise a risk into the risk register from a perspective of an alternative")
def raise_risk(request, alternative_id: int, payload: PlacementRiskIn):
    alternative = _alternative(request, alternative_id, write=True)
    risk = integrations.risk_raise(tenant=request.tenant, alternative=alternative, perspective=payload.perspective,
                                   title=payload.title)
    return Status(201, {"id": risk.pk, "title": risk.title})


@router.post("/{int:assessment_id}/rules", response={201: RuleOut}, summary="Adopt a mitigating rule")
def add_rule(request, assessment_id: int, payload: RuleIn):
    assessment = _assessment(request, assessment_id, write=True)
    return Status(201, services.mitigation_add(tenant=request.tenant, assessment=assessment, text=payload.text,
                                               max_confidentiality=payload.max_confidentiality))


@router.delete("/rules/{int:rule_id}", response={204: None}, summary="Remove a mitigating rule")
def remove_rule(request, rule_id: int):
    rule = request.tenant.get(Mitigation, rule_id, write=True, queryset=Mitigation.objects.select_related("assessment"))
    services.mitigation_remove(tenant=request.tenant, mitigation=rule)
    return Status(204, None)


# --- Combined, decision, versions, documents --------------------------------------------


def _combined(request, assessment: Assessment) -> dict:
    c = selectors.assessment_analysis(tenant=request.tenant, assessment=assessment).combined
    return {"can_combine": c.can_combine, "message": c.message, "weights": {str(k): v for k, v in c.weights.items()},
            "scores": {str(k): v for k, v in c.scores.items()}, "recommended_alternative_id": c.recommended_id,
            "chosen_alternative_id": c.chosen_id, "facts": c.facts}


@router.get("/{int:assessment_id}/combined", response=CombinedOut,
            summary="The combined assessment: scores, recommendation and choice")
def get_combined(request, assessment_id: int):
    return _combined(request, _assessment(request, assessment_id))


@router.put("/{int:assessment_id}/combined", response=CombinedOut,
            summary="Set weights, the choice (with a justification when it differs) and the summary")
def update_combined(request, assessment_id: int, payload: CombinedIn):
    assessment = _assessment(request, assessment_id, write=True)
    chosen = None
    if payload.chosen_alternative is not None:
        chosen = request.tenant.get(Alternative, payload.chosen_alternative)
    data = payload.dict(exclude={"chosen_alternative", "revision"})
    _save(lambda: services.combined_update(tenant=request.tenant, assessment=assessment, data=data, chosen=chosen,
                                           revision=payload.revision))
    return _combined(request, _assessment(request, assessment_id))


@router.post("/{int:assessment_id}/decision", response={201: PlacementDecisionOut},
             summary="Record the decision (locks the assessment)")
def record_decision(request, assessment_id: int, payload: PlacementDecisionIn):
    assessment = _assessment(request, assessment_id, write=True)
    alternative = request.tenant.get(Alternative, payload.alternative) if payload.alternative else None
    decision = services.decision_record(tenant=request.tenant, assessment=assessment, alternative=alternative,
                                        data=payload.dict(exclude={"alternative"}))
    return Status(201, decision)


@router.post("/{int:assessment_id}/versions", response={201: PlacementAssessmentOut},
             summary="Start a new version from a decided assessment")
def new_version(request, assessment_id: int):
    assessment = _assessment(request, assessment_id, write=True)
    copy = services.assessment_new_version(tenant=request.tenant, assessment=assessment, today=timezone.localdate())
    return Status(201, _out(request, copy.pk))


@router.get("/{int:assessment_id}/document.docx", summary="The decision document as DOCX",
            response={200: None})
def document_docx(request, assessment_id: int):
    doc = documents.build(tenant=request.tenant, assessment=_assessment(request, assessment_id))
    return shared_documents.response(documents.as_document(doc), "docx", filename=doc.filename)


@router.get("/{int:assessment_id}/document.pdf", summary="The decision document as PDF", response={200: None})
def document_pdf(request, assessment_id: int):
    doc = documents.build(tenant=request.tenant, assessment=_assessment(request, assessment_id))
    return shared_documents.response(documents.as_document(doc), "pdf", filename=doc.filename)

