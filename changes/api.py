"""/api/changes: requests for change, changes addressed to the affected municipalities, the CAB
papers, each municipality's decision, implementation steps under the separation of duties,
acceptance tests, closing reports and their answers. Same services, same rules as the pages."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from changes import selectors, services
from changes.models import (
    Change,
    ChangeRequest,
    ChangeSettings,
    Closing,
    Decision,
    Kind,
    Level,
    Separation,
    StandingApproval,
    StepKind,
    StepResult,
)
from core.api import InputSchema, RecordId
from inventory.models import System
from meetings.models import Meeting, MeetingKind
from organisations.roles import Perm

router = Router(tags=["changes"])


def _email(user) -> str | None:
    return user.email if user else None


class ChangeDecisionOut(Schema):
    id: int
    organisation: str
    decision: str
    conditions: str
    comment: str
    wants_acceptance_test: bool
    wants_test_environment: bool
    participation: str
    decided_by: str | None
    decided_at: datetime.datetime | None
    after_deployment: bool
    version: int

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return _email(obj.decided_by)


class StepOut(Schema):
    id: int
    kind: str
    performed_by: str
    performed_at: datetime.datetime
    result: str
    comment: str
    exception_reason: str
    exception_by: str | None
    exception_at: datetime.datetime | None

    @staticmethod
    def resolve_performed_by(obj) -> str:
        return obj.performed_by.email

    @staticmethod
    def resolve_exception_by(obj) -> str | None:
        return _email(obj.exception_by)


class AcceptanceOut(Schema):
    id: int
    organisation: str
    tested_by: str | None
    tested_at: datetime.datetime
    passed: bool
    comment: str
    version: int

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_tested_by(obj) -> str | None:
        return _email(obj.tested_by)


class AnswerOut(Schema):
    id: int
    organisation: str
    outcome: str
    comment: str
    decided_at: datetime.datetime | None
    action_id: int | None
    version: int

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug


class ChangeOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    reason: str
    kind: str
    standard_class: str
    it_company: str
    addressed_to: list[str]
    requested_date: datetime.date | None
    window_start: datetime.datetime | None
    window_end: datetime.datetime | None
    rollback_plan: str
    likelihood: int | None
    consequence: int | None
    risk_level: str
    status: str
    cab_meeting_id: int | None
    papers_sent_at: datetime.datetime | None
    request_id: int | None
    deployed_at: datetime.datetime | None
    separation_met: bool | None
    separation_excepted: bool
    acceptance_met: bool | None
    closing_report: str
    closed_at: datetime.datetime | None
    decisions: list[ChangeDecisionOut] = []

    @staticmethod
    def resolve_it_company(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_addressed_to(obj) -> list[str]:
        return [o.slug for o in getattr(obj, "visible_addressees", obj.shared_with.all())]

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(obj.decisions.all()) if hasattr(obj, "_prefetched_objects_cache") and \
            "decisions" in obj._prefetched_objects_cache else getattr(obj, "loaded_decisions", [])


class ChangeDetailOut(ChangeOut):
    systems: list[int] = []
    test_environment_for: list[str] = []
    steps: list[StepOut] = []
    acceptance_tests: list[AcceptanceOut] = []
    closing_answers: list[AnswerOut] = []

    @staticmethod
    def resolve_systems(obj) -> list[int]:
        return [s.pk for s in obj.detail["systems"]]

    @staticmethod
    def resolve_test_environment_for(obj) -> list[str]:
        visible = {o.pk: o.slug for o in obj.detail["addressees"]}
        return [visible[pk] for pk in obj.detail["test_environment_for"] if pk in visible]

    @staticmethod
    def resolve_steps(obj) -> list:
        return obj.detail["steps"]

    @staticmethod
    def resolve_acceptance_tests(obj) -> list:
        return obj.detail["tests"]

    @staticmethod
    def resolve_closing_answers(obj) -> list:
        return obj.detail["answers"]

    @staticmethod
    def resolve_decisions(obj) -> list:
        return obj.detail["decisions"]


class ChangePage(Schema):
    count: int
    page: int
    pages: int
    results: list[ChangeOut]


class ChangeIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    reason: str = ""
    kind: Kind = Kind.NORMAL
    standard_class: str = Field("", max_length=120)
    requested_date: datetime.date | None = None
    window_start: datetime.datetime | None = None
    window_end: datetime.datetime | None = None
    rollback_plan: str = ""
    likelihood: int | None = Field(None, ge=1, le=4)
    consequence: int | None = Field(None, ge=1, le=4)
    risk_level: Level = Level.MEDIUM
    systems: list[RecordId] = Field([], max_length=500)
    addressed_to: list[str] = Field([], max_length=100, description="Slugs of further affected municipalities")
    request_id: RecordId | None = None


class ScheduleIn(InputSchema):
    cab_meeting_id: RecordId


class ChangeDecisionIn(InputSchema):
    decision: Decision
    conditions: str = ""
    comment: str = ""
    wants_acceptance_test: bool = False
    wants_test_environment: bool = False
    participation: str = ""
    version: int | None = None


class StepIn(InputSchema):
    kind: StepKind
    performed_by: str = Field(min_length=1, max_length=254, description="E-mail of a member of your organisation")
    performed_at: datetime.datetime
    result: StepResult = StepResult.SUCCEEDED
    comment: str = ""
    exception_reason: str = ""


class TestEnvironmentIn(InputSchema):
    organisation: str = Field(min_length=1, max_length=100)
    provided: bool


class AcceptanceIn(InputSchema):
    tested_by: str = Field(min_length=1, max_length=254, description="E-mail of a member of your organisation")
    tested_at: datetime.datetime
    passed: bool
    comment: str = ""
    version: int | None = None


class ChangeCloseIn(InputSchema):
    closing_report: str = Field(min_length=1)


class ChangeAnswerIn(InputSchema):
    outcome: Closing
    comment: str = ""
    version: int | None = None


class RequestOut(Schema):
    id: int
    organisation: str
    addressed_to: str | None
    title: str
    description: str
    reason: str
    kind: str
    requested_date: datetime.date | None
    wants_acceptance_test: bool
    wants_test_environment: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_addressed_to(obj) -> str | None:
        return obj.addressed_to.slug if obj.addressed_to else None


class RequestIn(InputSchema):
    addressed_to: str = Field(min_length=1, max_length=100, description="Slug of the IT company")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    reason: str = ""
    kind: Kind = Kind.NORMAL
    requested_date: datetime.date | None = None
    systems: list[RecordId] = Field([], max_length=500)
    wants_acceptance_test: bool = False
    wants_test_environment: bool = False


class ApprovalOut(Schema):
    id: int
    organisation: str
    it_company: str | None
    change_class: str
    comment: str
    active: bool

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_it_company(obj) -> str | None:
        return obj.supplier.slug if obj.supplier else None


class ApprovalIn(InputSchema):
    it_company: str = Field(min_length=1, max_length=100)
    change_class: str = Field(min_length=1, max_length=120)
    comment: str = ""


class ChangeSettingsOut(Schema):
    papers_lead_days: int
    separation_high: str
    separation_medium: str
    separation_low: str


class ChangeSettingsIn(InputSchema):
    papers_lead_days: int = Field(5, ge=0, le=60)
    separation_high: Separation = Separation.ALL_DIFFERENT
    separation_medium: Separation = Separation.DEVELOPER_NOT_DEPLOYER
    separation_low: Separation = Separation.NONE


class CabOut(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    organiser: str
    changes: list[ChangeOut]


class PapersOut(Schema):
    sent: list[int]


class ChangeConflictOut(Schema):
    detail: str


def _page(qs, number: int) -> dict:
    paginator = Paginator(qs, 50)
    page = paginator.get_page(number)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


def _addressees_visible(tenant, changes):
    for change in changes:
        change.visible_addressees = (change.shared_with.all() if tenant.owns(change) else [tenant.organisation])
    return changes


def _detail(request, change_id: int):
    tenant = request.tenant
    change = tenant.get(Change, change_id, queryset=Change.objects.select_related("organisation"))
    change.detail = selectors.change_detail(tenant=tenant, change=change)
    change.visible_addressees = change.detail["addressees"]
    return change


def _member(tenant, email: str, field: str):
    user = tenant.users().filter(email__iexact=email).first()
    if user is None:
        raise ValidationError({field: _("Choose a member of your organisation.")})
    return user


def _orgs(tenant, slugs, field):
    found = list(tenant.customers().filter(slug__in=slugs))
    if len(found) != len(set(slugs)):
        raise ValidationError({field: _("You can only address organisations your organisation serves.")})
    return found


@router.get("", response=ChangePage, summary="Changes you read: your own or addressed to you (50 a page)")
def list_changes(request, page: int = Query(1, ge=1), status: str = "", kind: str = "", risk_level: str = "",
                 system: int | None = None, without_separation: bool = False):
    tenant = request.tenant
    answer = _page(selectors.change_list(tenant=tenant, filters={
        "status": status, "kind": kind, "risk_level": risk_level, "system": system,
        "without_separation": without_separation}), page)
    _addressees_visible(tenant, answer["results"])
    return answer


@router.get("/awaiting", response=ChangePage, summary="Open changes awaiting your organisation's decision")
def list_awaiting(request, page: int = Query(1, ge=1)):
    tenant = request.tenant
    qs = selectors.awaiting(tenant=tenant) if tenant.can(Perm.CHANGE_DECIDE) else Change.objects.none()
    answer = _page(qs, page)
    _addressees_visible(tenant, answer["results"])
    return answer


@router.get("/calendar", response=list[ChangeOut], summary="Changes with a planned window between two dates")
def calendar(request, start: datetime.date, end: datetime.date):
    if end <= start or (end - start).days > 93:
        raise ValidationError({"end": _("Give an end after the start, at most three months later.")})
    tenant = request.tenant
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    found = list(selectors.calendar(
        tenant=tenant, start=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        end=datetime.datetime.combine(end, datetime.time.min, tzinfo=zone))[:1000])
    return _addressees_visible(tenant, found)


@router.get("/{int:change_id}", response=ChangeDetailOut, summary="One change with its decisions, steps and tests")
def get_change(request, change_id: int):
    return _detail(request, change_id)


def _change_data(request, payload: ChangeIn) -> dict:
    tenant = request.tenant
    data = payload.dict(exclude={"systems", "addressed_to", "request_id"})
    systems = list(tenant.scope(System).filter(pk__in=payload.systems))
    if len(systems) != len(set(payload.systems)):
        raise ValidationError({"systems": _("Choose systems your organisation has or that are shared with it.")})
    data["systems"] = systems
    data["shared_with"] = _orgs(tenant, payload.addressed_to, "addressed_to")
    if payload.request_id is not None:
        data["request"] = tenant.get(ChangeRequest, payload.request_id)
    return data


@router.post("", response={201: ChangeDetailOut}, summary="Register a change (the IT company)")
def create_change(request, payload: ChangeIn):
    change = services.change_save(tenant=request.tenant, change=None, data=_change_data(request, payload))
    return Status(201, _detail(request, change.pk))


@router.put("/{int:change_id}", response=ChangeDetailOut, summary="Change a change not yet in progress")
def update_change(request, change_id: int, payload: ChangeIn):
    change = request.tenant.get(Change, change_id, write=True)
    services.change_save(tenant=request.tenant, change=change, data=_change_data(request, payload))
    return _detail(request, change_id)


@router.post("/{int:change_id}/cancel", response=ChangeDetailOut, summary="Cancel a change not yet deployed")
def cancel_change(request, change_id: int):
    services.change_cancel(tenant=request.tenant, change=request.tenant.get(Change, change_id, write=True))
    return _detail(request, change_id)


@router.post("/{int:change_id}/schedule", response=ChangeDetailOut, summary="Put a change on a coming CAB's agenda")
def schedule(request, change_id: int, payload: ScheduleIn):
    tenant = request.tenant
    change = tenant.get(Change, change_id, write=True)
    meeting = tenant.scope(Meeting).filter(pk=payload.cab_meeting_id).first()
    services.change_schedule(tenant=tenant, change=change, meeting=meeting)
    return _detail(request, change_id)


def _cab(request, meeting_id: int) -> Meeting:
    return request.tenant.get(Meeting, meeting_id, queryset=Meeting.objects.filter(kind=MeetingKind.CAB)
                              .select_related("organisation"))


@router.get("/cab/{int:meeting_id}", response=CabOut, summary="A CAB meeting's agenda of changes with the decisions")
def get_cab(request, meeting_id: int):
    tenant = request.tenant
    meeting = _cab(request, meeting_id)
    agenda = _addressees_visible(tenant, list(selectors.cab_agenda(tenant=tenant, meeting=meeting)))
    return {"id": meeting.pk, "title": meeting.title, "starts_at": meeting.starts_at,
            "organiser": meeting.organisation.slug, "changes": agenda}


@router.post("/cab/{int:meeting_id}/papers", response=PapersOut,
             summary="Send the CAB papers to every affected municipality (e-mail and in Tillit)")
def send_papers(request, meeting_id: int):
    tenant = request.tenant
    tenant.require(Perm.CHANGE_REQUEST)
    meeting = _cab(request, meeting_id)
    if not tenant.owns(meeting):
        raise PermissionDenied
    return {"sent": [c.pk for c in services.papers_send(tenant=tenant, meeting=meeting)]}


@router.put("/{int:change_id}/decision", response={200: ChangeDecisionOut, 409: ChangeConflictOut},
            summary="Your organisation's decision (send `version` to avoid overwriting)")
def put_decision(request, change_id: int, payload: ChangeDecisionIn):
    tenant = request.tenant
    change = tenant.get(Change, change_id)
    try:
        obj = services.decision_set(tenant=tenant, change=change, **payload.dict())
    except services.DecisionConflict as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, obj)


@router.post("/{int:change_id}/steps", response={201: StepOut},
             summary="Record development, test or deployment (separation of duties enforced)")
def add_step(request, change_id: int, payload: StepIn):
    tenant = request.tenant
    change = tenant.get(Change, change_id)
    data = payload.dict()
    data["performed_by"] = _member(tenant, payload.performed_by, "performed_by")
    return Status(201, services.step_record(tenant=tenant, change=change, **data))


@router.put("/{int:change_id}/test-environment", response=ChangeDetailOut,
            summary="Whether a separate test environment was provided for a municipality")
def put_test_environment(request, change_id: int, payload: TestEnvironmentIn):
    tenant = request.tenant
    change = tenant.get(Change, change_id)
    organisation = change.shared_with.filter(slug=payload.organisation).first() if tenant.owns(change) else None
    if not tenant.owns(change):
        raise PermissionDenied(_("Only the IT company that registered the change changes it."))
    services.test_environment_set(tenant=tenant, change=change, organisation=organisation, provided=payload.provided)
    return _detail(request, change_id)


@router.put("/{int:change_id}/acceptance-test", response={200: AcceptanceOut, 409: ChangeConflictOut},
            summary="Your organisation's acceptance test, before deployment")
def put_acceptance(request, change_id: int, payload: AcceptanceIn):
    tenant = request.tenant
    change = tenant.get(Change, change_id)
    data = payload.dict()
    data["tested_by"] = _member(tenant, payload.tested_by, "tested_by")
    try:
        obj = services.acceptance_record(tenant=tenant, change=change, **data)
    except services.AcceptanceConflict as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, obj)


@router.post("/{int:change_id}/close", response=ChangeDetailOut, summary="Send the closing report of a deployed change")
def close(request, change_id: int, payload: ChangeCloseIn):
    tenant = request.tenant
    change = tenant.get(Change, change_id)
    services.change_close(tenant=tenant, change=change, report=payload.closing_report)
    return _detail(request, change_id)


@router.put("/{int:change_id}/closing-answer", response={200: AnswerOut, 409: ChangeConflictOut},
            summary="Confirm the closing report or raise a remark (it becomes an action in your plan)")
def put_answer(request, change_id: int, payload: ChangeAnswerIn):
    tenant = request.tenant
    change = tenant.get(Change, change_id)
    try:
        obj = services.closing_answer(tenant=tenant, change=change, **payload.dict())
    except services.ClosingConflict as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, obj)


@router.get("/requests", response=list[RequestOut], summary="Requests for change: yours, or addressed to you")
def list_requests(request, page: int = Query(1, ge=1)):
    return _page(selectors.request_list(tenant=request.tenant), page)["results"]


@router.get("/requests/{int:request_id}", response=RequestOut, summary="One request for change")
def get_request(request, request_id: int):
    return request.tenant.get(ChangeRequest, request_id,
                              queryset=ChangeRequest.objects.select_related("organisation", "addressed_to"))


def _request_data(tenant, payload: RequestIn) -> dict:
    data = payload.dict(exclude={"addressed_to", "systems"})
    data["addressed_to"] = tenant.organisation.suppliers.filter(slug=payload.addressed_to).first()
    systems = list(tenant.editable(System).filter(pk__in=payload.systems))
    if len(systems) != len(set(payload.systems)):
        raise ValidationError({"systems": _("Choose only your organisation's own systems.")})
    data["systems"] = systems
    return data


@router.post("/requests", response={201: RequestOut}, summary="Ask the IT company serving you for a change")
def create_request(request, payload: RequestIn):
    tenant = request.tenant
    obj = services.request_save(tenant=tenant, request=None, data=_request_data(tenant, payload))
    return Status(201, get_request(request, obj.pk))


@router.put("/requests/{int:request_id}", response=RequestOut, summary="Change your organisation's request")
def update_request(request, request_id: int, payload: RequestIn):
    tenant = request.tenant
    rfc = tenant.get(ChangeRequest, request_id, write=True)
    services.request_save(tenant=tenant, request=rfc, data=_request_data(tenant, payload))
    return get_request(request, request_id)


@router.get("/pre-approvals", response=list[ApprovalOut],
            summary="Pre-approved classes of standard changes (yours, or given to you as IT company)")
def list_approvals(request):
    return list(request.tenant.scope(StandingApproval).select_related("organisation", "supplier")
                .order_by("organisation__name", "change_class")[:500])


@router.post("/pre-approvals", response={201: ApprovalOut}, summary="Pre-approve a class of standard changes")
def create_approval(request, payload: ApprovalIn):
    tenant = request.tenant
    supplier = tenant.organisation.suppliers.filter(slug=payload.it_company).first()
    obj = services.standing_approval_save(tenant=tenant, supplier=supplier, change_class=payload.change_class,
                                          comment=payload.comment)
    return Status(201, obj)


@router.get("/settings", response=ChangeSettingsOut, summary="Your organisation's change settings")
def get_settings(request):
    tenant = request.tenant
    tenant.require(Perm.VIEW)
    return tenant.scope(ChangeSettings).first() or ChangeSettings(organisation=tenant.organisation)


@router.put("/settings", response=ChangeSettingsOut, summary="Change the lead days and the separation of duties per level")
def put_settings(request, payload: ChangeSettingsIn):
    tenant = request.tenant
    if not tenant.customers().exists():
        raise PermissionDenied
    return services.settings_save(tenant=tenant, data=payload.dict())

