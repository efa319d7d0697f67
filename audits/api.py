"""Audits through the API: the automatic findings, audits, maturity assessments, observations and
recommendations, with the same services, rules and permissions as the pages."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from audits import documents, engine, maturity, selectors, services
from audits.models import Audit, AuditKind, AuditStatus, Framework, FrameworkRequirement, Observation, Recommendation
from core import documents as shared_documents
from core.api import InputSchema, RecordId
from organisations.roles import SHARED_ONLY_ROLES

router = Router(tags=["audits"])


def _tenant(request):
    """Like the pages: the audits are the organisation's own, never a supplier-role user's."""
    tenant = request.tenant
    if tenant.role in SHARED_ONLY_ROLES:
        raise Http404
    return tenant


def _page(qs, number):
    paginator = Paginator(qs, 50)
    page = paginator.get_page(number)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


# --- Automatic findings -------------------------------------------------------------------------


class EvidenceOut(Schema):
    key: str
    label: str
    url: str


class AuditFindingOut(Schema):
    rule: str
    title: str
    citation: str
    priority: str
    recommendation: str
    evidence: list[EvidenceOut]


class ThemeOut(Schema):
    theme: str
    title: str
    priority: str
    priority_label: str
    citations: list[str]
    recommendations: list[str]
    findings: list[AuditFindingOut]


def _theme(group: engine.ThemeGroup) -> dict:
    return {"theme": group.key, "title": str(group.title), "priority": group.priority,
            "priority_label": str(group.priority_label), "citations": group.citations,
            "recommendations": group.recommendations,
            "findings": [{"rule": f.rule.key, "title": str(f.rule.title), "citation": str(f.rule.citation),
                          "priority": f.rule.priority, "recommendation": str(f.rule.recommendation),
                          "evidence": [{"key": e.key, "label": e.label, "url": e.url} for e in f.evidence]}
                         for f in group.findings]}


@router.get("/findings", response=list[ThemeOut],
            summary="The organisation's automatic findings now, one group (observation) per theme")
def list_findings(request):
    tenant = _tenant(request)
    return [_theme(g) for g in engine.current(tenant.organisation, today=timezone.localdate())]


class FindingRecordOut(Schema):
    id: int
    rule: str
    theme: str
    evidence_key: str
    label: str
    url: str
    first_seen: datetime.date
    last_seen: datetime.date
    resolved_on: datetime.date | None


class FindingRecordPage(Schema):
    count: int
    page: int
    pages: int
    results: list[FindingRecordOut]


class HistoryFilters(InputSchema):
    open: bool | None = Field(None, description="true: only findings still there; false: only resolved ones")
    page: int = Field(1, ge=1)


@router.get("/findings/history", response=FindingRecordPage,
            summary="When each finding appeared and went (recorded nightly and on adoption; 50 a page)")
def finding_history(request, filters: Query[HistoryFilters]):
    qs = selectors.finding_history(tenant=_tenant(request))
    if filters.open is not None:
        qs = qs.filter(resolved_on__isnull=filters.open)
    return _page(qs, filters.page)


# --- Audits -------------------------------------------------------------------------------------


class AuditRowOut(Schema):
    id: int
    kind: str
    title: str
    reference: str
    status: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    report_date: datetime.date | None
    observation_count: int = 0


class AuditPage(Schema):
    count: int
    page: int
    pages: int
    results: list[AuditRowOut]


class RecommendationOut(Schema):
    id: int
    number: int
    text: str
    action_id: int | None
    action_status: str | None = None
    action_owner: str | None = None
    action_due_date: datetime.date | None = None

    @staticmethod
    def resolve_action_status(obj):
        return obj.action.status if obj.action_id else None

    @staticmethod
    def resolve_action_owner(obj):
        return obj.action.owner.email if obj.action_id and obj.action.owner_id else None

    @staticmethod
    def resolve_action_due_date(obj):
        return obj.action.due_date if obj.action_id else None


class ObservationOut(Schema):
    id: int
    audit_id: int
    number: int
    theme: str
    title: str
    description: str
    priority: str
    risk: str
    evidence: list[dict]
    response: str
    responded_at: datetime.datetime | None
    recommendations: list[RecommendationOut] = []

    @staticmethod
    def resolve_recommendations(obj):
        return list(obj.recommendations.all())


class AuditAreaOut(Schema):
    framework: str
    area: str
    level: float
    assessed: int
    previous: float | None


class AuditRecordOut(AuditRowOut):
    commissioned_by: str
    background: str
    purpose: str
    criteria: str
    questions: list[str]
    answers: list[str]
    scope: str
    method: str
    summary: str
    review: str
    sources: str
    auditors: list[str]
    framework_ids: list[int]
    observations: list[ObservationOut]
    maturity: list[AuditAreaOut]
    overall_maturity: float | None
    previous_overall_maturity: float | None


def _audit_out(tenant, audit: Audit) -> dict:
    areas, overall, previous = maturity.for_audit(tenant=tenant, audit=audit)
    observations = list(audit.observations.all())
    data = {name: getattr(audit, name) for name in (
        "id", "kind", "title", "reference", "status", "period_start", "period_end", "report_date", "commissioned_by",
        "background", "purpose", "criteria", "scope", "method", "summary", "review", "sources")}
    data.update(questions=audit.question_list, answers=audit.answer_list, observation_count=len(observations),
                auditors=sorted(u.email for u in audit.auditors.all()),
                framework_ids=sorted(f.pk for f in audit.frameworks.all()), observations=observations,
                maturity=[{"framework": a.framework, "area": a.name, "level": a.level, "assessed": a.assessed,
                           "previous": a.previous} for a in areas],
                overall_maturity=overall, previous_overall_maturity=previous)
    return data


class AuditFilters(InputSchema):
    page: int = Field(1, ge=1)


@router.get("/audits", response=AuditPage, summary="The organisation's audits and self-assessments (50 a page)")
def list_audits(request, filters: Query[AuditFilters]):
    return _page(selectors.audit_list(tenant=_tenant(request)), filters.page)


@router.get("/audits/{int:audit_id}", response=AuditRecordOut,
            summary="One audit with its observations, recommendations and maturity per area")
def get_audit(request, audit_id: int):
    tenant = _tenant(request)
    return _audit_out(tenant, selectors.audit_detail(tenant=tenant, pk=audit_id))


class AuditRecordIn(InputSchema):
    kind: AuditKind = AuditKind.AUDIT
    title: str = Field(..., min_length=1, max_length=300)
    reference: str = Field("", max_length=100)
    commissioned_by: str = Field("", max_length=200)
    background: str = ""
    purpose: str = ""
    criteria: str = ""
    questions: list[str] = Field([], description="The audit questions, in order")
    answers: list[str] = Field([], description="One answer per question, in the same order")
    scope: str = ""
    method: str = ""
    summary: str = ""
    review: str = ""
    sources: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    report_date: datetime.date | None = None
    status: AuditStatus = AuditStatus.PLANNED
    auditors: list[str] = Field([], description="E-mails of members who carry out the audit (default: you)")
    framework_ids: list[RecordId] = []


def _one_line(items: list[str], field: str) -> str:
    if any("\n" in item for item in items):
        raise ValidationError({field: _("Each question and each answer is one line.")})
    return "\n".join(item.strip() for item in items if item.strip())


def _audit_data(tenant, payload: AuditRecordIn) -> dict:
    data = payload.dict()
    data["questions"] = _one_line(data["questions"], "questions")
    data["answers"] = _one_line(data["answers"], "answers")
    emails = [e.strip().lower() for e in data.pop("auditors") if e.strip()]
    auditors = list(tenant.users().filter(email__in=emails))
    if len({u.email.lower() for u in auditors}) != len(set(emails)):
        raise ValidationError({"auditors": _("The auditors must be members of the audited organisation.")})
    # None keeps the audit's auditors (a new audit is the caller's).
    data["auditors"] = auditors or None
    ids = data.pop("framework_ids")
    frameworks = list(tenant.scope(Framework).filter(pk__in=ids))
    if len(frameworks) != len(set(ids)):
        raise ValidationError({"framework_ids": _("Choose frameworks your organisation can read.")})
    data["frameworks"] = frameworks
    return data


@router.post("/audits", response={201: AuditRecordOut}, summary="Start an audit or a self-assessment")
def create_audit(request, payload: AuditRecordIn):
    tenant = _tenant(request)
    tenant.new(Audit)
    audit = services.audit_save(tenant=tenant, audit=None, data=_audit_data(tenant, payload))
    return Status(201, _audit_out(tenant, selectors.audit_detail(tenant=tenant, pk=audit.pk)))


@router.put("/audits/{int:audit_id}", response=AuditRecordOut, summary="Change an audit (its auditors only)")
def update_audit(request, audit_id: int, payload: AuditRecordIn):
    tenant = _tenant(request)
    audit = tenant.get(Audit, audit_id, write=True)
    services.audit_save(tenant=tenant, audit=audit, data=_audit_data(tenant, payload))
    return _audit_out(tenant, selectors.audit_detail(tenant=tenant, pk=audit_id))


@router.post("/audits/{int:audit_id}/adopt", response={201: list[ObservationOut]},
             summary="Adopt the current automatic findings: one observation per theme not yet in the audit")
def adopt_findings(request, audit_id: int):
    tenant = _tenant(request)
    audit = tenant.get(Audit, audit_id, write=True)
    created = services.adopt_findings(tenant=tenant, audit=audit)
    return Status(201, [selectors.observation_detail(tenant=tenant, pk=o.pk) for o in created])


class ReportFormat(InputSchema):
    format: str = Field("docx", pattern="^(docx|pdf)$")


@router.get("/audits/{int:audit_id}/report", response={200: None},
            summary="The audit report (granskningsrapport) as DOCX or PDF")
def audit_report(request, audit_id: int, query: Query[ReportFormat]):
    tenant = _tenant(request)
    audit = selectors.audit_detail(tenant=tenant, pk=audit_id)
    return shared_documents.response(documents.report(tenant=tenant, audit=audit), query.format,
                                     filename=documents.filename(audit))


class MaturityAssessmentOut(Schema):
    id: int
    audit_id: int
    requirement_id: int
    level: int
    comment: str
    evidence: list[dict]
    assessed_at: datetime.datetime | None


class EvidenceIn(InputSchema):
    label: str = Field(..., min_length=1, max_length=300)
    url: str = Field(..., min_length=1, max_length=500, description="A link within Tillit, starting with /")


class AssessmentBody(InputSchema):
    requirement_id: RecordId
    level: int
    comment: str = ""
    evidence: list[EvidenceIn] = []


@router.post("/audits/{int:audit_id}/assessments", response={201: MaturityAssessmentOut},
             summary="Assess one requirement of the audit's frameworks on the maturity scale")
def assess(request, audit_id: int, payload: AssessmentBody):
    tenant = _tenant(request)
    audit = tenant.get(Audit, audit_id, write=True)
    requirement = tenant.scope(FrameworkRequirement).filter(pk=payload.requirement_id).first()
    if requirement is None:
        raise ValidationError({"requirement_id": _("Choose a requirement of the audit's frameworks.")})
    row = services.assessment_save(tenant=tenant, audit=audit, requirement=requirement, level=payload.level,
                                   comment=payload.comment, evidence=[e.dict() for e in payload.evidence])
    return Status(201, row)


# --- Observations and recommendations -----------------------------------------------------------


class ObservationIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Field(..., min_length=1)
    priority: str = Field("", description="short, medium or long (term)")
    risk: str = ""
    recommendations: list[str] = Field([], description="Numbered in this order")


@router.post("/audits/{int:audit_id}/observations", response={201: ObservationOut},
             summary="Write an observation of the audit (its auditors only)")
def create_observation(request, audit_id: int, payload: ObservationIn):
    tenant = _tenant(request)
    audit = tenant.get(Audit, audit_id, write=True)
    if any(not str(text).strip() for text in payload.recommendations):
        raise ValidationError({"recommendations": _("Write the recommendation.")})
    obs = services.observation_save(tenant=tenant, audit=audit, observation=None, data=payload.dict())
    return Status(201, selectors.observation_detail(tenant=tenant, pk=obs.pk))


@router.get("/observations/{int:observation_id}", response=ObservationOut, summary="One observation")
def get_observation(request, observation_id: int):
    return selectors.observation_detail(tenant=_tenant(request), pk=observation_id)


@router.put("/observations/{int:observation_id}", response=ObservationOut,
            summary="Change an observation; its recommendations follow the list, in order (its auditors only)")
def update_observation(request, observation_id: int, payload: ObservationIn):
    tenant = _tenant(request)
    observation = tenant.get(Observation, observation_id, write=True)
    if not services.is_auditor(tenant, observation.audit):
        raise PermissionDenied(services.NOT_AUDITOR)
    services.observation_update(tenant=tenant, observation=observation, data=payload.dict())
    return selectors.observation_detail(tenant=tenant, pk=observation_id)


@router.delete("/observations/{int:observation_id}", response={204: None},
               summary="Remove an observation none of whose recommendations is in the plan (its auditors only)")
def delete_observation(request, observation_id: int):
    tenant = _tenant(request)
    services.observation_delete(tenant=tenant, observation=tenant.get(Observation, observation_id, write=True))
    return Status(204, None)


class ResponseIn(InputSchema):
    response: str = Field(..., max_length=10000)


@router.post("/observations/{int:observation_id}/response", response=ObservationOut,
             summary="The audited organisation's response to an observation")
def respond(request, observation_id: int, payload: ResponseIn):
    tenant = _tenant(request)
    observation = tenant.get(Observation, observation_id)
    services.respond(tenant=tenant, observation=observation, response=payload.response)
    return selectors.observation_detail(tenant=tenant, pk=observation_id)


class RecommendationIn(InputSchema):
    text: str = Field(..., max_length=5000)


@router.post("/observations/{int:observation_id}/recommendations", response={201: RecommendationOut},
             summary="Add the next numbered recommendation to an observation (its audit's auditors only)")
def add_recommendation(request, observation_id: int, payload: RecommendationIn):
    tenant = _tenant(request)
    observation = tenant.get(Observation, observation_id, write=True,
                             queryset=Observation.objects.select_related("audit"))
    rec = services.recommendation_add(tenant=tenant, observation=observation, text=payload.text)
    return Status(201, rec)


class AuditActionIn(InputSchema):
    owner: str | None = Field(None, max_length=254, description="E-mail of a member of the audited organisation")
    due_date: datetime.date | None = None
    title: str = Field("", max_length=300, description="Default: the recommendation's text")


class AuditActionCreatedOut(Schema):
    action_id: int
    title: str
    owner: str
    due_date: datetime.date


@router.post("/recommendations/{int:recommendation_id}/action", response={201: AuditActionCreatedOut},
             summary="Turn a recommendation into an action of the audited organisation's plan (once)")
def recommendation_action(request, recommendation_id: int, payload: AuditActionIn):
    tenant = _tenant(request)
    recommendation = tenant.get(Recommendation, recommendation_id)
    owner = None
    if payload.owner:
        owner = tenant.users().filter(email__iexact=payload.owner.strip()).first()
        if owner is None:
            raise ValidationError({"owner": services.OWNER_NOT_MEMBER})
    action = services.recommendation_to_action(tenant=tenant, recommendation=recommendation, owner=owner,
                                               due_date=payload.due_date, title=payload.title.strip())
    return Status(201, {"action_id": action.pk, "title": action.title, "owner": action.owner.email,
                        "due_date": action.due_date})
