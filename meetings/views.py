from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import documents as shared_documents
from core.decorators import tenant_required
from core.forms import save_form
from meetings import documents
from meetings import selectors, services
from meetings.forms import (
    ActionItemForm,
    AgendaItemForm,
    AttendeeForm,
    DecisionForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    TakeForm,
)
from meetings.models import ActionItem, AgendaItem, Attendee, Decision, Meeting, MeetingStatus
from organisations.roles import SHARED_ONLY_ROLES, Perm
from trail.selectors import record_history

# The rows of a meeting edited on a page of their own: url kind -> (model, form, save, labels).
CHILDREN = {
    "attendee": (Attendee, AttendeeForm, lambda t, m, o, d: services.attendee_save(tenant=t, meeting=m, attendee=o, data=d),
                 (_("Attendee"), "attendees")),
    "agenda": (AgendaItem, AgendaItemForm, lambda t, m, o, d: services.agenda_item_save(tenant=t, meeting=m, item=o, data=d),
               (_("Agenda item"), "agenda")),
    "decision": (Decision, DecisionForm, lambda t, m, o, d: services.decision_save(tenant=t, meeting=m, decision=o, data=d),
                 (_("Decision"), "decisions")),
    "action-item": (ActionItem, ActionItemForm,
                    lambda t, m, o, d: services.action_item_save(tenant=t, meeting=m, item=o, data=d),
                    (_("Action item"), "action-items")),
}


@tenant_required()
def meeting_list(request):
    tenant = request.tenant
    form = MeetingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.meeting_list(tenant=tenant, kind=data.get("kind") or "", when=data.get("when") or "",
                                without_minutes=bool(data.get("without_minutes")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "meetings/meeting_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "upcoming": selectors.upcoming(tenant=tenant),
        "can_edit": tenant.can_edit(Meeting),
    })


@tenant_required()
def meeting_detail(request, pk):
    tenant = request.tenant
    meeting = selectors.meeting_detail(tenant=tenant, pk=pk)
    items = list(meeting.action_items.all())
    taken = selectors.taken_actions(tenant=tenant, items=items)
    org_id = tenant.organisation.pk
    for item in items:
        item.my_action = taken.get(item.pk)
        item.mine = (item.responsible_id or meeting.organisation_id) == org_id
    owner = tenant.owns(meeting)
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "items": items, "owner": owner,
        "can_edit": owner and tenant.can_edit(Meeting),
        "can_take": not owner and tenant.can(Perm.ACTION_EDIT) and tenant.role not in SHARED_ONLY_ROLES,
        "history": record_history(obj=meeting)[:50],
    })


@tenant_required(Perm.MEETING_EDIT)
def meeting_edit(request, pk=None):
    tenant = request.tenant
    meeting = tenant.get(Meeting, pk, write=True) if pk else None
    if meeting is None:
        tenant.new(Meeting)  # PermissionDenied for a role that may not plan meetings
    form = MeetingForm(request.POST or None, instance=meeting, tenant=tenant)
    saved = save_form(request, form, lambda data: services.meeting_save(tenant=tenant, meeting=meeting, data=data),
                      success=_("The meeting was saved."))
    if saved:
        return redirect("meetings:meeting_detail", pk=saved.result.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


def _child_kind(kind):
    if kind not in CHILDREN:
        raise Http404
    return CHILDREN[kind]


@tenant_required(Perm.MEETING_EDIT)
def child_edit(request, pk, kind, child_pk=None):
    tenant = request.tenant
    model, form_class, save, (label, anchor) = _child_kind(kind)
    meeting = tenant.get(Meeting, pk, write=True, queryset=Meeting.objects.select_related("organisation"))
    obj = tenant.get(model, child_pk, write=True, queryset=model.objects.filter(meeting=meeting)) if child_pk else None
    form = form_class(request.POST or None, request.FILES or None, instance=obj, meeting=meeting)
    if save_form(request, form, lambda data: save(tenant, meeting, obj, data), success=_("Saved.")):
        return redirect(meeting.get_absolute_url() + f"#{anchor}")
    return render(request, "meetings/child_form.html", {
        "form": form, "meeting": meeting, "obj": obj, "label": label, "kind": kind, "anchor": anchor,
    })


@require_POST
@tenant_required(Perm.MEETING_EDIT)
def child_delete(request, pk, kind, child_pk):
    tenant = request.tenant
    model, _form, _save, (_label, anchor) = _child_kind(kind)
    meeting = tenant.get(Meeting, pk, write=True)
    obj = tenant.get(model, child_pk, write=True, queryset=model.objects.filter(meeting=meeting))
    try:
        services.child_delete(tenant=tenant, meeting=meeting, obj=obj)
        messages.success(request, _("Removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting.get_absolute_url() + f"#{anchor}")


@tenant_required(Perm.MEETING_EDIT)
def minutes_edit(request, pk):
    tenant = request.tenant
    meeting = tenant.get(Meeting, pk, write=True)
    initial = {"status": meeting.status if meeting.status != MeetingStatus.APPROVED else MeetingStatus.HELD,
               "minutes": meeting.minutes}
    form = MinutesForm(request.POST or None, initial=initial)
    if save_form(request, form, lambda data: services.minutes_save(tenant=tenant, meeting=meeting, data=data),
                 success=_("The minutes were saved.")):
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/minutes_form.html", {"form": form, "meeting": meeting})


@require_POST
@tenant_required(Perm.MEETING_EDIT)
def minutes_approve(request, pk):
    tenant = request.tenant
    meeting = tenant.get(Meeting, pk, write=True)
    try:
        services.minutes_approve(tenant=tenant, meeting=meeting)
        messages.success(request, _("The minutes were approved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@tenant_required()
def minutes_document(request, pk, fmt="docx"):
    meeting = selectors.meeting_detail(tenant=request.tenant, pk=pk)
    return shared_documents.response(documents.minutes(meeting), fmt, filename=documents.filename(meeting))


@tenant_required()
def paper_file(request, pk):
    item = request.tenant.get(AgendaItem, pk)
    if not item.paper:
        raise Http404
    try:
        handle = item.paper.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=item.paper_name)


@tenant_required(Perm.ACTION_EDIT)
def action_item_take(request, pk):
    """Take an action item addressed to my organisation into my action plan: owner and due date."""
    tenant = request.tenant
    item = tenant.get(ActionItem, pk, queryset=ActionItem.objects.select_related("meeting", "meeting__organisation"))
    if tenant.owns(item) or tenant.role in SHARED_ONLY_ROLES:
        raise PermissionDenied
    form = TakeForm(request.POST or None, tenant=tenant, initial={"due_date": item.due_date})
    saved = save_form(request, form, lambda data: services.action_item_take(
        tenant=tenant, item=item, owner=data.get("owner"), due_date=data.get("due_date")),
        success=_("The item was added to your action plan."))
    if saved:
        return redirect(item.meeting.get_absolute_url() + "#action-items")
    return render(request, "meetings/take_form.html", {"form": form, "item": item})
