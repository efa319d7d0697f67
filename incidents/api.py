"""Incidents through the API: the same services and rules as the pages."""

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from core.api import InputSchema, RecordId
from incidents import documents, rules, selectors, services
from incidents.models import Category, Incident, IncidentCase, Review, Severity, Stage, Status as CaseStatus
from inventory.models import InformationType, System
from organisations.models import Organisation
from organisations.roles import Perm
from risk.models import Risk
from suppliers.models import Supplier

router = Router(tags=["incidents"])


def _all_found(qs, ids, field, message):
    found = list(qs.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: message})
    return found


def _own(tenant, model):
    return tenant.scope(model).filter(organisation_id=tenant.organisation.pk)


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A time without a zone is read as Swedish time."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, rules.STOCKHOLM)
    return value


class IncidentClockOut(Schema):
    stage: str
    title: str
    due: datetime.datetime | None
    submitted_at: datetime.datetime | None
    state: str
    state_label: str
    provisional: bool
    recipient: str | None
    citation: str

    @staticmethod
    def resolve_stage(obj) -> str:
        return obj.stage.key

    @staticmethod
    def resolve_title(obj) -> str:
        return str(obj.stage.title)

    @staticmethod
    def resolve_recipient(obj) -> str | None:
        return obj.recipient.name if obj.recipient else None

    @staticmethod
    def resolve_citation(obj) -> str:
        return str(obj.stage.citation)


class StageSubmissionOut(Schema):
    id: int
    stage: str
    submitted_at: datetime.datetime
    recipient: str
    reference: str
    content: dict
    late_reason: str


class IncidentCaseOut(Schema):
    id: int
    incident_id: int
    reference: str = Field(..., alias="incident.reference")
    title: str = Field(..., alias="incident.title")
    organisation: str = Field(..., alias="organisation.name")
    reported_by_organisation: str = Field(..., alias="incident.organisation.name")
    aware_at: datetime.datetime
    status: str
    severity: str | None
    manager: str | None = Field(None, alias="manager.email")
    significant: bool | None
    significance_reason: str
    malicious: bool | None
    cross_border: bool | None
    breach: bool | None
    breach_notifiable: bool | None
    breach_reason: str
    handling_ended_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    closed_without_review: bool
    review_required: bool
    next_deadline: datetime.datetime | None
    next_stage: str
    version: int
    clocks: list[IncidentClockOut] = []

    @staticmethod
    def resolve_severity(obj) -> str | None:
        return str(obj.severity) if obj.severity_id else None

    @staticmethod
    def resolve_clocks(obj):
        return getattr(obj, "clocks", [])


class IncidentCaseDetailOut(IncidentCaseOut):
    submissions: list[StageSubmissionOut] = []
    system_ids: list[int] = []
    information_type_ids: list[int] = []
    risk_ids: list[int] = []

    @staticmethod
    def resolve_submissions(obj):
        return list(obj.submissions.all())

    @staticmethod
    def resolve_system_ids(obj):
        return sorted(s.pk for s in obj.systems.all())

    @staticmethod
    def resolve_information_type_ids(obj):
        return sorted(i.pk for i in obj.information_types.all())

    @staticmethod
    def resolve_risk_ids(obj):
        return sorted(r.pk for r in obj.risks.all())


class IncidentCasePage(Schema):
    count: int
    page: int
    pages: int
    results: list[IncidentCaseOut]


class IncidentCaseFilters(InputSchema):
    q: str = Field("", max_length=100)
    state: str = Field("", pattern="^(|open|closed)$")
    significant: bool = False
    breach: bool = False
    due: bool = Field(False, description="A deadline within 24 hours or passed")
    without_review: bool = False
    page: int = Field(1, ge=1)


def _case(request, pk) -> IncidentCase:
    case = selectors.case_detail(tenant=request.tenant, pk=pk)
    return selectors.attach_clocks([case], timezone.now())[0]


@router.get("/cases", response=IncidentCasePage, summary="The organisation's incident cases with their clocks")
def list_cases(request, filters: Query[IncidentCaseFilters]):
    now = timezone.now()
    qs = selectors.case_list(tenant=request.tenant, q=filters.q, state=filters.state, significant=filters.significant,
                             breach=filters.breach, due_soon=filters.due, without_review=filters.without_review,
                             now=now)
    paginator = Paginator(selectors.with_submissions(qs), 50)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages,
            "results": selectors.attach_clocks(list(page), now)}


@router.get("/cases/{int:case_id}", response=IncidentCaseDetailOut, summary="One incident case")
def get_case(request, case_id: int):
    return _case(request, case_id)


class IncidentIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1)
    category: Category = Category.OTHER
    detected_at: datetime.datetime = Field(..., description="When the organisation became aware")
    occurred_at: datetime.datetime | None = None
    affected_services: str = ""
    possible_breach: bool = False
    system_ids: list[RecordId] = []
    information_type_ids: list[RecordId] = []
    supplier_ids: list[RecordId] = []
    addressee_ids: list[RecordId] = Field([], description="Organisations served that are affected")


class IncidentOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    category: str
    detected_at: datetime.datetime
    occurred_at: datetime.datetime | None
    affected_services: str
    possible_breach: bool
    addressed_at: datetime.datetime | None
    organisation: str = Field(..., alias="organisation.name")
    addressee_ids: list[int] = []
    cases: list[IncidentCaseOut] = []

    @staticmethod
    def resolve_addressee_ids(obj):
        return sorted(o.pk for o in obj.shared_with.all())

    @staticmethod
    def resolve_cases(obj):
        return getattr(obj, "visible_cases", [])


def _incident(request, pk) -> Incident:
    tenant = request.tenant
    incident = tenant.get(Incident, pk, queryset=Incident.objects.select_related("organisation"))
    incident.visible_cases = selectors.attach_clocks(
        list(selectors.cases_of_incident(tenant=tenant, incident=incident)), timezone.now())
    return incident


@router.post("/incidents", response={201: IncidentCaseDetailOut}, summary="Report an incident (and address it to those affected)")
def report_incident(request, payload: IncidentIn):
    tenant = request.tenant
    tenant.new(Incident)
    data = payload.dict()
    data["detected_at"], data["occurred_at"] = _aware(data["detected_at"]), _aware(data["occurred_at"])
    data["systems"] = _all_found(_own(tenant, System), data.pop("system_ids"), "system_ids",
                                 _("Choose systems of your organisation's inventory."))
    data["information_types"] = _all_found(_own(tenant, InformationType), data.pop("information_type_ids"),
                                           "information_type_ids", _("Choose information types of your organisation."))
    data["suppliers"] = _all_found(tenant.scope(Supplier), data.pop("supplier_ids"), "supplier_ids",
                                   _("Choose suppliers from your organisation's register."))
    ids = data.pop("addressee_ids")
    data["addressees"] = list(Organisation.objects.filter(pk__in=ids))
    if len(data["addressees"]) != len(set(ids)):
        raise ValidationError({"addressee_ids": _("You can only address organisations your organisation serves.")})
    case = services.incident_report(tenant=tenant, data=data)
    return Status(201, _case(request, case.pk))


@router.get("/incidents/{int:incident_id}", response=IncidentOut, summary="An incident as reported, with the cases you read")
def get_incident(request, incident_id: int):
    return _incident(request, incident_id)


class IncidentAddresseesIn(InputSchema):
    organisation_ids: list[RecordId] = Field(..., min_length=1)


@router.post("/incidents/{int:incident_id}/addressees", response=IncidentOut,
             summary="Tell more of the organisations served; their clocks start now")
def address_incident(request, incident_id: int, payload: IncidentAddresseesIn):
    tenant = request.tenant
    incident = tenant.get(Incident, incident_id, write=True)
    organisations = list(Organisation.objects.filter(pk__in=payload.organisation_ids))
    if len(organisations) != len(set(payload.organisation_ids)):
        raise ValidationError({"organisation_ids": _("You can only address organisations your organisation serves.")})
    services.incident_address(tenant=tenant, incident=incident, organisations=organisations)
    return _incident(request, incident_id)


class IncidentTextIn(InputSchema):
    text: str = Field(..., min_length=1)
    at: datetime.datetime | None = None


@router.post("/incidents/{int:incident_id}/updates", response={201: dict},
             summary="A timeline update for every organisation told")
def add_update(request, incident_id: int, payload: IncidentTextIn):
    incident = request.tenant.get(Incident, incident_id)
    update = services.incident_update_add(tenant=request.tenant, incident=incident, text=payload.text,
                                          at=_aware(payload.at))
    return Status(201, {"id": update.pk, "at": update.at.isoformat(), "text": update.text})


class CaseAssessmentIn(InputSchema):
    version: int | None = Field(None, description="The version you read; a newer one is a conflict (409)")
    severity_id: RecordId | None = None
    manager: str | None = Field(None, description="E-mail of a member")
    significant: bool | None = None
    significance_reason: str = ""
    malicious: bool | None = None
    cross_border: bool | None = None
    breach: bool | None = None
    breach_notifiable: bool | None = None
    breach_reason: str = ""
    system_ids: list[RecordId] | None = None
    information_type_ids: list[RecordId] | None = None
    risk_ids: list[RecordId] | None = None


@router.post("/cases/{int:case_id}/assessment", response=IncidentCaseDetailOut,
             summary="The organisation's own assessment: severity, significance, breach")
def assess_case(request, case_id: int, payload: CaseAssessmentIn):
    tenant = request.tenant
    case = tenant.get(IncidentCase, case_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "severity_id" in data:
        pk = data.pop("severity_id")
        data["severity"] = Severity.objects.filter(pk=pk).first() if pk else None
        if pk and data["severity"] is None:
            raise ValidationError({"severity_id": _("Choose a step of your organisation's severity scale.")})
    if "manager" in data:
        email = data.pop("manager")
        data["manager"] = tenant.users().filter(email__iexact=email).first() if email else None
        if email and data["manager"] is None:
            raise ValidationError({"manager": _("Choose a member of your organisation.")})
    for key, model, message in (("system_ids", System, _("Choose systems of your organisation's inventory.")),
                                ("information_type_ids", InformationType,
                                 _("Choose information types of your organisation.")),
                                ("risk_ids", Risk, _("Choose risks of your organisation's register."))):
        if key in data:
            ids = data.pop(key)
            data[key.removesuffix("_ids") + "s" if key != "information_type_ids" else "information_types"] = (
                _all_found(_own(tenant, model), ids or [], key, message))
    try:
        services.case_assess(tenant=tenant, case=case, data=data, version=version)
    except services.CaseConflict as exc:
        raise HttpError(409, str(exc) + " " + _("Current version: %(v)d.") % {"v": exc.current.version})
    return _case(request, case_id)


class StageSubmissionIn(InputSchema):
    stage: Stage
    submitted_at: datetime.datetime
    reference: str = Field("", max_length=100)
    late_reason: str = ""
    content: dict = Field({}, description="The stage's content fields (see GET …/reports/{stage})")


@router.post("/cases/{int:case_id}/submissions", response={201: StageSubmissionOut},
             summary="Record a report submitted to the authority of its stage")
def submit_stage(request, case_id: int, payload: StageSubmissionIn):
    case = request.tenant.get(IncidentCase, case_id)
    allowed = {key for key, _label, _kind in documents.stage_fields(payload.stage)}
    unknown = set(payload.content) - allowed
    if unknown:
        raise ValidationError({"content": _("Unknown fields for this stage: %(fields)s.") % {
            "fields": ", ".join(sorted(unknown))}})
    submission = services.stage_submit(tenant=request.tenant, case=case, stage=payload.stage,
                                       submitted_at=_aware(payload.submitted_at), content=payload.content,
                                       reference=payload.reference, late_reason=payload.late_reason)
    return Status(201, submission)


@router.get("/cases/{int:case_id}/reports/{stage}", response=dict,
            summary="A stage's report in the authority's structure (submitted, or a draft)")
def stage_report(request, case_id: int, stage: str):
    if stage not in Stage.values:
        raise Http404
    case = selectors.case_detail(tenant=request.tenant, pk=case_id)
    submission = next((s for s in case.submissions.all() if s.stage == stage), None)
    return documents.payload(case, stage, submission)


@router.post("/cases/{int:case_id}/notes", response={201: dict}, summary="A note on the organisation's timeline")
def add_note(request, case_id: int, payload: IncidentTextIn):
    case = request.tenant.get(IncidentCase, case_id)
    note = services.note_add(tenant=request.tenant, case=case, text=payload.text, at=_aware(payload.at))
    return Status(201, {"id": note.pk, "at": note.at.isoformat(), "text": note.text})


class IncidentAtIn(InputSchema):
    at: datetime.datetime | None = None


@router.post("/cases/{int:case_id}/handling-ended", response=IncidentCaseDetailOut, summary="Handling of the incident has ended")
def end_handling(request, case_id: int, payload: IncidentAtIn):
    case = request.tenant.get(IncidentCase, case_id)
    services.case_end_handling(tenant=request.tenant, case=case, at=_aware(payload.at))
    return _case(request, case_id)


class IncidentReviewIn(InputSchema):
    held_on: datetime.date
    participants: str = Field(..., min_length=1)
    supplier_took_part: bool = False
    causes: str = Field(..., min_length=1)
    what_was_done: str = Field(..., min_length=1)
    went_well: str = ""
    went_badly: str = ""


class IncidentLessonOut(Schema):
    id: int
    text: str
    action_id: int | None
    risk_id: int | None


class IncidentReviewOut(Schema):
    held_on: datetime.date
    participants: str
    supplier_took_part: bool
    causes: str
    what_was_done: str
    went_well: str
    went_badly: str
    completed_at: datetime.datetime | None
    lessons: list[IncidentLessonOut] = []

    @staticmethod
    def resolve_lessons(obj):
        return list(obj.lessons.all())


def _review(request, case_id) -> Review:
    case = request.tenant.get(IncidentCase, case_id)
    review = Review.objects.filter(case=case).prefetch_related("lessons").first()
    if review is None:
        raise Http404
    return review


@router.get("/cases/{int:case_id}/review", response=IncidentReviewOut, summary="The post-incident review")
def get_review(request, case_id: int):
    return _review(request, case_id)


@router.put("/cases/{int:case_id}/review", response=IncidentReviewOut, summary="Write the post-incident review")
def put_review(request, case_id: int, payload: IncidentReviewIn):
    case = request.tenant.get(IncidentCase, case_id)
    services.review_save(tenant=request.tenant, case=case, data=payload.dict())
    return _review(request, case_id)


class IncidentLessonIn(InputSchema):
    text: str = Field(..., min_length=1)
    owner: str = Field(..., description="E-mail of the member who owns the action")
    due_date: datetime.date
    risk_id: RecordId | None = None
    new_risk: str = Field("", max_length=200, description="Title of a new risk for the register")


@router.post("/cases/{int:case_id}/review/lessons", response={201: IncidentLessonOut},
             summary="A lesson of the review; it becomes an action in the action plan")
def add_lesson(request, case_id: int, payload: IncidentLessonIn):
    tenant = request.tenant
    review = _review(request, case_id)
    owner = tenant.users().filter(email__iexact=payload.owner).first()
    if owner is None:
        raise ValidationError({"owner": _("Choose a member of your organisation.")})
    risk = None
    if payload.risk_id:
        risk = _own(tenant, Risk).filter(pk=payload.risk_id).first()
        if risk is None:
            raise ValidationError({"risk_id": _("Choose risks of your organisation's register.")})
    lesson = services.lesson_add(tenant=tenant, review=review, text=payload.text, owner=owner,
                                 due_date=payload.due_date, risk=risk, new_risk=payload.new_risk)
    return Status(201, lesson)


@router.post("/cases/{int:case_id}/review/complete", response=IncidentReviewOut, summary="Complete the review")
def complete_review(request, case_id: int):
    case = request.tenant.get(IncidentCase, case_id)
    services.review_save(tenant=request.tenant, case=case, data={}, complete=True)
    return _review(request, case_id)


class CaseCloseIn(InputSchema):
    note: str = ""
    without_review: bool = Field(False, description="Close without the required review, as a recorded deviation")


@router.post("/cases/{int:case_id}/close", response=IncidentCaseDetailOut, summary="Close the organisation's case")
def close_case(request, case_id: int, payload: CaseCloseIn):
    case = request.tenant.get(IncidentCase, case_id)
    services.case_close(tenant=request.tenant, case=case, note=payload.note, without_review=payload.without_review)
    return _case(request, case_id)


class IncidentPageIn(InputSchema):
    page: int = Field(1, ge=1)


@router.get("/clocks", response=IncidentCasePage, summary="Open cases with a running deadline, the most urgent first")
def list_clocks(request, query: Query[IncidentPageIn]):
    request.tenant.require(Perm.INCIDENT_HANDLE)
    paginator = Paginator(selectors.clock_overview(tenant=request.tenant), 50)
    page = paginator.get_page(query.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages,
            "results": selectors.attach_clocks(list(page), timezone.now())}


@router.get("/breaches", response=IncidentCasePage, summary="The breach log (GDPR art. 33(5))")
def list_breaches(request, query: Query[IncidentPageIn]):
    paginator = Paginator(selectors.breach_log(tenant=request.tenant), 50)
    page = paginator.get_page(query.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages,
            "results": selectors.attach_clocks(list(page), timezone.now())}
