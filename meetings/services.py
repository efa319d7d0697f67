"""Writes of meetings: always the organiser's, except taking an action item into one's own plan."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import Action
from actions.services import action_create
from core.tenancy import Tenant
from meetings.models import ActionItem, AgendaItem, Attendee, Decision, Meeting, MeetingStatus
from organisations.roles import Perm
from requirements.validators import validate_evidence_file

MEETING_FIELDS = ("kind", "title", "starts_at", "ends_at", "location", "chair", "secretary")


def _check_member(tenant: Tenant, user, field: str) -> None:
    if user is not None and not tenant.users().filter(pk=user.pk).exists():
        raise ValidationError({field: _("Choose a member of your organisation.")})


def meeting_save(*, tenant: Tenant, meeting: Meeting | None, data: dict) -> Meeting:
    """Create or change a meeting of the active organisation and whom it is addressed to.

    `data["shared_with"]` (the participating organisations) may be empty for a meeting of the
    organisation's own; otherwise every one must be an organisation it serves.
    """
    addressees = list(data.get("shared_with") or [])
    if addressees:
        tenant.check_addressees(addressees)
    for field in ("chair", "secretary"):
        _check_member(tenant, data.get(field), field)
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_at": _("The meeting cannot end before it starts.")})
    with transaction.atomic():
        if meeting is None:
            current = tenant.new(Meeting)
        else:
            current = tenant.editable(Meeting).select_for_update().get(pk=meeting.pk)
        for name in MEETING_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.full_clean()
        if current.pk and "shared_with" in data:
            kept = {o.pk for o in addressees}
            used = set(current.attendees.filter(represents__isnull=False).values_list("represents_id", flat=True))
            used |= set(current.action_items.filter(responsible__isnull=False).values_list("responsible_id", flat=True))
            if used - kept:
                raise ValidationError({"shared_with": _(
                    "An organisation with attendees or action items in this meeting must stay a participant."
                )})
        current.save()
        if "shared_with" in data:
            current.shared_with.set(addressees)
    return current


def _participant(meeting: Meeting, organisation, field: str):
    """None for the organiser itself, else one of the addressed organisations (refuse others)."""
    if organisation is None or organisation.pk == meeting.organisation_id:
        return None
    if not meeting.shared_with.filter(pk=organisation.pk).exists():
        raise ValidationError({field: _("Choose the organiser or one of the organisations taking part.")})
    return organisation


def _own_meeting(tenant: Tenant, meeting: Meeting) -> Meeting:
    return tenant.get(Meeting, meeting.pk, write=True)


def _child(tenant: Tenant, model, meeting: Meeting, obj):
    if obj is None:
        return tenant.new(model, meeting=meeting)
    current = tenant.editable(model).select_for_update().get(pk=obj.pk)
    if current.meeting_id != meeting.pk:
        raise ValidationError(_("The row belongs to another meeting."))
    return current


def attendee_save(*, tenant: Tenant, meeting: Meeting, attendee: Attendee | None, data: dict) -> Attendee:
    with transaction.atomic():
        meeting = _own_meeting(tenant, meeting)
        current = _child(tenant, Attendee, meeting, attendee)
        for name in ("name", "role_title", "present"):
            if name in data:
                setattr(current, name, data[name])
        if "represents" in data:
            current.represents = _participant(meeting, data["represents"], "represents")
        current.full_clean()
        current.save()
    return current


def agenda_item_save(*, tenant: Tenant, meeting: Meeting, item: AgendaItem | None, data: dict) -> AgendaItem:
    paper = data.get("paper")
    if paper:
        try:
            validate_evidence_file(paper)
        except ValidationError as exc:
            raise ValidationError({"paper": exc.messages})
    with transaction.atomic():
        meeting = _own_meeting(tenant, meeting)
        current = _child(tenant, AgendaItem, meeting, item)
        for name in ("position", "title", "description", "presenter", "paper_link"):
            if name in data:
                setattr(current, name, data[name])
        if paper:
            current.paper = paper
        elif data.get("remove_paper"):
            current.paper = ""
        current.full_clean()
        current.save()
    return current


def decision_save(*, tenant: Tenant, meeting: Meeting, decision: Decision | None, data: dict) -> Decision:
    with transaction.atomic():
        meeting = _own_meeting(tenant, meeting)
        current = _child(tenant, Decision, meeting, decision)
        if decision is None and not data.get("number"):
            last = meeting.decisions.order_by("-number").values_list("number", flat=True).first()
            data = {**data, "number": (last or 0) + 1}
        for name in ("number", "text"):
            if name in data and data[name] is not None:
                setattr(current, name, data[name])
        current.full_clean()
        current.save()
    return current


def action_item_save(*, tenant: Tenant, meeting: Meeting, item: ActionItem | None, data: dict) -> ActionItem:
    """An action item; the organiser's own goes into the organiser's action plan at once."""
    with transaction.atomic():
        meeting = _own_meeting(tenant, meeting)
        current = _child(tenant, ActionItem, meeting, item)
        for name in ("title", "description", "due_date"):
            if name in data:
                setattr(current, name, data[name])
        if "responsible" in data:
            responsible = _participant(meeting, data["responsible"], "responsible")
            if current.pk and current.responsible_id != (responsible.pk if responsible else None) and _taken(current):
                raise ValidationError({"responsible": _(
                    "The item is already in an action plan; its responsible organisation cannot change."
                )})
            current.responsible = responsible
        current.full_clean()
        current.save()
        if current.responsible_id is None and not _taken_by(current, tenant.organisation.pk):
            if not tenant.can(Perm.ACTION_EDIT):
                raise PermissionDenied(_("Your role cannot add actions to your organisation's action plan."))
            action_create(tenant=tenant, title=current.title, description=current.description, source=current,
                          due_date=current.due_date, source_label=_source_label(current, meeting))
    return current


def _source_label(item: ActionItem, meeting: Meeting) -> str:
    return _("%(meeting)s: %(item)s") % {"meeting": meeting, "item": item.title}


def _actions_of(item: ActionItem):
    ct = ContentType.objects.get_for_model(ActionItem)
    return Action.objects.filter(source_type=ct, source_id=str(item.pk))


def _taken(item: ActionItem) -> bool:
    return _actions_of(item).exists()


def _taken_by(item: ActionItem, organisation_id: int) -> bool:
    return _actions_of(item).filter(organisation_id=organisation_id).exists()


def child_delete(*, tenant: Tenant, meeting: Meeting, obj) -> None:
    """Remove an attendee, agenda item, decision or action item (not one already in a plan)."""
    with transaction.atomic():
        meeting = _own_meeting(tenant, meeting)
        current = tenant.editable(type(obj)).select_for_update().get(pk=obj.pk)
        if current.meeting_id != meeting.pk:
            raise ValidationError(_("The row belongs to another meeting."))
        if isinstance(current, ActionItem) and _actions_of(current).exclude(organisation_id=meeting.organisation_id).exists():
            raise ValidationError(_("A participant has taken this item into its action plan; it cannot be removed."))
        current.delete()


def minutes_save(*, tenant: Tenant, meeting: Meeting, data: dict) -> Meeting:
    """The minutes text and the meeting's status (planned, held, cancelled).

    Approved minutes are not changed any more; approving goes through minutes_approve.
    """
    with transaction.atomic():
        current = tenant.editable(Meeting).select_for_update().get(pk=meeting.pk)
        if current.status == MeetingStatus.APPROVED:
            raise ValidationError({"minutes": _("The minutes are approved and can no longer be changed.")})
        if "minutes" in data:
            current.minutes = data["minutes"]
        status = data.get("status")
        if status:
            if status == MeetingStatus.APPROVED:
                raise ValidationError({"status": _("Approve the minutes with the approve button.")})
            current.status = status
        current.full_clean()
        current.save()
    return current


def minutes_approve(*, tenant: Tenant, meeting: Meeting) -> Meeting:
    """Approve the minutes of a held meeting: who and when is stored."""
    with transaction.atomic():
        current = tenant.editable(Meeting).select_for_update().get(pk=meeting.pk)
        if current.status != MeetingStatus.HELD:
            raise ValidationError({"status": _("Only the minutes of a held meeting can be approved.")})
        if not current.minutes.strip():
            raise ValidationError({"minutes": _("Write the minutes before approving them.")})
        current.status = MeetingStatus.APPROVED
        current.minutes_approved_at = timezone.now()
        current.minutes_approved_by = tenant.user
        current.full_clean()
        current.save()
    return current


def action_item_take(*, tenant: Tenant, item: ActionItem, owner=None,
                     due_date: datetime.date | None = None) -> Action:
    """Take an action item addressed to my organisation into my own action plan, once."""
    tenant.require(Perm.ACTION_EDIT)
    with transaction.atomic():
        # Lock the item so that two members taking it at once make one action.
        current = tenant.scope(ActionItem).select_for_update().filter(pk=item.pk).first()
        if current is None:
            raise ValidationError(_("The action item is not visible to your organisation."))
        organisation_id = tenant.organisation.pk
        responsible = current.responsible_id or current.organisation_id
        if responsible != organisation_id:
            raise PermissionDenied(_("Only the organisation responsible for the item takes it into its plan."))
        if _taken_by(current, organisation_id):
            raise ValidationError(_("The item is already in your action plan."))
        meeting = current.meeting
        return action_create(tenant=tenant, title=current.title, description=current.description, source=current,
                             owner=owner, due_date=due_date or current.due_date,
                             source_label=_source_label(current, meeting))
