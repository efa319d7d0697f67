"""Meetings through the API: the organiser plans and writes them; participants read them and
take the action items addressed to them into their own action plans."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from core.api import InputSchema, RecordId
from meetings import selectors, services
from meetings.models import ActionItem, AgendaItem, Attendee, Decision, Meeting, MeetingKind, MeetingStatus
from organisations.models import Organisation
from organisations.roles import SHARED_ONLY_ROLES, Perm

router = Router(tags=["meetings"])


class AttendeeOut(Schema):
    id: int
    name: str
    role_title: str
    organisation: str
    present: bool

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.represents.slug if obj.represents_id else obj.meeting.organisation.slug


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    presenter: str
    paper_name: str
    paper_link: str


class DecisionOut(Schema):
    id: int
    number: int
    text: str


class ActionItemOut(Schema):
    id: int
    title: str
    description: str
    responsible: str
    due_date: datetime.date | None

    @staticmethod
    def resolve_responsible(obj) -> str:
        return obj.responsible.slug if obj.responsible_id else obj.meeting.organisation.slug


class MeetingOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str
    status: str
    organiser: str = Field(..., alias="organisation.slug")
    participants: list[str]

    @staticmethod
    def resolve_participants(obj) -> list[str]:
        return [o.slug for o in obj.shared_with.all()]


class MeetingDetailOut(MeetingOut):
    chair: str | None = Field(None, alias="chair.email")
    secretary: str | None = Field(None, alias="secretary.email")
    minutes: str
    minutes_approved_at: datetime.datetime | None
    minutes_approved_by: str | None = Field(None, alias="minutes_approved_by.email")
    attendees: list[AttendeeOut]
    agenda: list[AgendaItemOut]
    decisions: list[DecisionOut]
    action_items: list[ActionItemOut]

    @staticmethod
    def resolve_attendees(obj):
        return list(obj.attendees.all())

    @staticmethod
    def resolve_agenda(obj):
        return list(obj.agenda.all())

    @staticmethod
    def resolve_decisions(obj):
        return list(obj.decisions.all())

    @staticmethod
    def resolve_action_items(obj):
        return list(obj.action_items.all())


class MeetingPage(Schema):
    count: int
    page: int
    pages: int
    results: list[MeetingOut]


class MeetingFilters(InputSchema):
    kind: MeetingKind | None = None
    when: str = Field("", pattern="^(|upcoming|past)$")
    without_minutes: bool = False
    page: int = Field(1, ge=1)


class MeetingIn(InputSchema):
    kind: MeetingKind
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str = Field("", max_length=300)
    chair: str | None = Field(None, description="E-mail of a member of the organiser")
    secretary: str | None = Field(None, description="E-mail of a member of the organiser")
    participants: list[str] = Field(default_factory=list, description="Slugs of organisations served")
    status: MeetingStatus | None = None
    minutes: str | None = None


class AttendeeIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    role_title: str = Field("", max_length=200)
    organisation: str | None = Field(None, description="Slug: the organiser or a participant")
    present: bool = True


class AgendaItemIn(InputSchema):
    position: int = Field(1, ge=0, le=100000)
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    presenter: str = Field("", max_length=200)
    paper_link: str = Field("", max_length=500)


class DecisionIn(InputSchema):
    number: int | None = Field(None, ge=0, le=100000)
    text: str = Field(..., min_length=1)


class ActionItemIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    responsible: str | None = Field(None, description="Slug: the organiser or a participant")
    due_date: datetime.date | None = None


class TakeIn(InputSchema):
    owner: str | None = Field(None, description="E-mail of a member of your organisation")
    due_date: datetime.date | None = None


class TakenOut(Schema):
    action_id: int
    title: str
    due_date: datetime.date | None


def _member(request, email, field):
    if not email:
        return None
    user = request.tenant.users().filter(email__iexact=email).first()
    if user is None:
        raise ValidationError({field: _("Choose a member of your organisation.")})
    return user


def _organisation(slug, field):
    if not slug:
        return None
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise ValidationError({field: _("No organisation has this identifier.")})
    return org


def _detail(request, meeting_id):
    return selectors.meeting_detail(tenant=request.tenant, pk=meeting_id)


@router.get("", response=MeetingPage, summary="Meetings of my organisation and those I take part in (50 a page)")
def list_meetings(request, filters: Query[MeetingFilters]):
    qs = selectors.meeting_list(tenant=request.tenant, kind=filters.kind or "", when=filters.when,
                                without_minutes=filters.without_minutes)
    paginator = Paginator(qs, 50)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


@router.get("/{int:meeting_id}", response=MeetingDetailOut, summary="One meeting with attendees, agenda, decisions and action items")
def get_meeting(request, meeting_id: RecordId):
    return _detail(request, meeting_id)


def _save_meeting(request, meeting, payload: MeetingIn):
    tenant = request.tenant
    participants = []
    for slug in payload.participants:
        org = _organisation(slug, "participants")
        if org is None:  # an empty slug names no organisation
            raise ValidationError({"participants": _("No organisation has this identifier.")})
        participants.append(org)
    data = {"kind": payload.kind, "title": payload.title, "starts_at": payload.starts_at, "ends_at": payload.ends_at,
            "location": payload.location, "chair": _member(request, payload.chair, "chair"),
            "secretary": _member(request, payload.secretary, "secretary")}
    if participants:
        tenant.check_addressees(participants, field="participants")
    data["shared_with"] = participants
    saved = services.meeting_save(tenant=tenant, meeting=meeting, data=data)
    if payload.status is not None and payload.status != MeetingStatus.APPROVED and payload.status != saved.status \
            or payload.minutes is not None:
        services.minutes_save(tenant=tenant, meeting=saved, data={
            k: v for k, v in (("status", payload.status), ("minutes", payload.minutes)) if v is not None})
    if payload.status == MeetingStatus.APPROVED and saved.status != MeetingStatus.APPROVED:
        services.minutes_approve(tenant=tenant, meeting=saved)
    return saved


@router.post("", response={201: MeetingDetailOut}, summary="Plan a meeting")
def create_meeting(request, payload: MeetingIn):
    request.tenant.new(Meeting)
    meeting = _save_meeting(request, None, payload)
    return Status(201, _detail(request, meeting.pk))


@router.put("/{int:meeting_id}", response=MeetingDetailOut, summary="Change a meeting (status, minutes: approved approves them)")
def update_meeting(request, meeting_id: RecordId, payload: MeetingIn):
    meeting = request.tenant.get(Meeting, meeting_id, write=True)
    _save_meeting(request, meeting, payload)
    return _detail(request, meeting_id)


def _own(request, meeting_id):
    return request.tenant.get(Meeting, meeting_id, write=True)


def _row(request, model, meeting, row_id):
    return request.tenant.get(model, row_id, write=True, queryset=model.objects.filter(meeting=meeting))


# Attendees ---------------------------------------------------------------------------------

def _attendee_data(payload: AttendeeIn):
    return {"name": payload.name, "role_title": payload.role_title, "present": payload.present,
            "represents": _organisation(payload.organisation, "organisation")}


@router.post("/{int:meeting_id}/attendees", response={201: AttendeeOut}, summary="Add an attendee")
def create_attendee(request, meeting_id: RecordId, payload: AttendeeIn):
    meeting = _own(request, meeting_id)
    return Status(201, services.attendee_save(tenant=request.tenant, meeting=meeting, attendee=None,
                                              data=_attendee_data(payload)))


@router.put("/{int:meeting_id}/attendees/{int:row_id}", response=AttendeeOut, summary="Change an attendee")
def update_attendee(request, meeting_id: RecordId, row_id: RecordId, payload: AttendeeIn):
    meeting = _own(request, meeting_id)
    row = _row(request, Attendee, meeting, row_id)
    return services.attendee_save(tenant=request.tenant, meeting=meeting, attendee=row, data=_attendee_data(payload))


@router.delete("/{int:meeting_id}/attendees/{int:row_id}", response={204: None}, summary="Remove an attendee")
def delete_attendee(request, meeting_id: RecordId, row_id: RecordId):
    meeting = _own(request, meeting_id)
    services.child_delete(tenant=request.tenant, meeting=meeting, obj=_row(request, Attendee, meeting, row_id))
    return Status(204, None)


# Agenda ------------------------------------------------------------------------------------

@router.post("/{int:meeting_id}/agenda", response={201: AgendaItemOut}, summary="Add an agenda item")
def create_agenda_item(request, meeting_id: RecordId, payload: AgendaItemIn):
    meeting = _own(request, meeting_id)
    return Status(201, services.agenda_item_save(tenant=request.tenant, meeting=meeting, item=None, data=payload.dict()))


@router.put("/{int:meeting_id}/agenda/{int:row_id}", response=AgendaItemOut, summary="Change an agenda item")
def update_agenda_item(request, meeting_id: RecordId, row_id: RecordId, payload: AgendaItemIn):
    meeting = _own(request, meeting_id)
    row = _row(request, AgendaItem, meeting, row_id)
    return services.agenda_item_save(tenant=request.tenant, meeting=meeting, item=row, data=payload.dict())


@router.delete("/{int:meeting_id}/agenda/{int:row_id}", response={204: None}, summary="Remove an agenda item")
def delete_agenda_item(request, meeting_id: RecordId, row_id: RecordId):
    meeting = _own(request, meeting_id)
    services.child_delete(tenant=request.tenant, meeting=meeting, obj=_row(request, AgendaItem, meeting, row_id))
    return Status(204, None)


# Decisions ---------------------------------------------------------------------------------

@router.post("/{int:meeting_id}/decisions", response={201: DecisionOut}, summary="Record a decision")
def create_decision(request, meeting_id: RecordId, payload: DecisionIn):
    meeting = _own(request, meeting_id)
    return Status(201, services.decision_save(tenant=request.tenant, meeting=meeting, decision=None, data=payload.dict()))


@router.put("/{int:meeting_id}/decisions/{int:row_id}", response=DecisionOut, summary="Change a decision")
def update_decision(request, meeting_id: RecordId, row_id: RecordId, payload: DecisionIn):
    meeting = _own(request, meeting_id)
    row = _row(request, Decision, meeting, row_id)
    return services.decision_save(tenant=request.tenant, meeting=meeting, decision=row, data=payload.dict())


@router.delete("/{int:meeting_id}/decisions/{int:row_id}", response={204: None}, summary="Remove a decision")
def delete_decision(request, meeting_id: RecordId, row_id: RecordId):
    meeting = _own(request, meeting_id)
    services.child_delete(tenant=request.tenant, meeting=meeting, obj=_row(request, Decision, meeting, row_id))
    return Status(204, None)


# Action items ------------------------------------------------------------------------------

def _item_data(payload: ActionItemIn):
    return {"title": payload.title, "description": payload.description, "due_date": payload.due_date,
            "responsible": _organisation(payload.responsible, "responsible")}


@router.post("/{int:meeting_id}/action-items", response={201: ActionItemOut}, summary="Add an action item")
def create_action_item(request, meeting_id: RecordId, payload: ActionItemIn):
    meeting = _own(request, meeting_id)
    return Status(201, services.action_item_save(tenant=request.tenant, meeting=meeting, item=None,
                                                 data=_item_data(payload)))


@router.put("/{int:meeting_id}/action-items/{int:row_id}", response=ActionItemOut, summary="Change an action item")
def update_action_item(request, meeting_id: RecordId, row_id: RecordId, payload: ActionItemIn):
    meeting = _own(request, meeting_id)
    row = _row(request, ActionItem, meeting, row_id)
    return services.action_item_save(tenant=request.tenant, meeting=meeting, item=row, data=_item_data(payload))


@router.delete("/{int:meeting_id}/action-items/{int:row_id}", response={204: None}, summary="Remove an action item")
def delete_action_item(request, meeting_id: RecordId, row_id: RecordId):
    meeting = _own(request, meeting_id)
    services.child_delete(tenant=request.tenant, meeting=meeting, obj=_row(request, ActionItem, meeting, row_id))
    return Status(204, None)


@router.post("/action-items/{int:item_id}/take", response={201: TakenOut},
             summary="Take an action item addressed to my organisation into my action plan")
def take_action_item(request, item_id: RecordId, payload: TakeIn):
    tenant = request.tenant
    tenant.require(Perm.ACTION_EDIT)
    if tenant.role in SHARED_ONLY_ROLES:
        raise PermissionDenied
    item = tenant.get(ActionItem, item_id, queryset=ActionItem.objects.select_related("meeting"))
    action = services.action_item_take(tenant=tenant, item=item, owner=_member(request, payload.owner, "owner"),
                                       due_date=payload.due_date)
    return Status(201, {"action_id": action.pk, "title": action.title, "due_date": action.due_date})
