"""Pages of change management: the list with filters, the RFC, a change with its decisions,
steps, acceptance tests and closing report, the CAB agenda, the calendar, awaiting our decision,
requests from municipalities, pre-approvals and the IT company's settings."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from changes import rules, selectors, services
from changes.forms import (
    AcceptanceForm,
    ChangeForm,
    CloseForm,
    ClosingAnswerForm,
    DecisionForm,
    FilterForm,
    RequestForm,
    ScheduleForm,
    SettingsForm,
    StandingApprovalForm,
    StepForm,
    TestEnvironmentForm,
)
from changes.models import (
    Change,
    ChangeRequest,
    ChangeSettings,
    Kind,
    Separation,
    StandingApproval,
    Status,
)
from core.decorators import tenant_required
from inventory.models import System
from core.forms import save_form
from meetings.models import Meeting, MeetingKind
from organisations.roles import Perm
from trail.selectors import record_history


def _is_it_company(tenant) -> bool:
    return tenant.can(Perm.CHANGE_REQUEST) and tenant.can_edit(Change) and tenant.customers().exists()


@tenant_required()
def change_list(request):
    tenant = request.tenant
    form = FilterForm(request.GET or None, tenant=tenant)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.change_list(tenant=tenant, filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "changes/change_list.html", {
        "page": page, "form": form, "query": query.urlencode(), "it_company": _is_it_company(tenant),
        "can_configure": _is_it_company(tenant) and tenant.can(Perm.CHANGE_EXCEPTION),
        "system": filters.get("system"),
        "can_request": tenant.can(Perm.CHANGE_REQUEST) and tenant.organisation.suppliers.exists(),
        "to_review": list(selectors.emergency_to_review(tenant=tenant)[:20]) if _is_it_company(tenant) else [],
    })


@tenant_required(Perm.CHANGE_REQUEST)
def change_edit(request, pk=None):
    tenant = request.tenant
    change = tenant.get(Change, pk, write=True) if pk else None
    if not _is_it_company(tenant):
        raise PermissionDenied
    initial = {}
    from_request = request.GET.get("request")
    if change is None and from_request:
        rfc = tenant.scope(ChangeRequest).filter(pk=from_request if from_request.isdigit() else 0,
                                                 addressed_to_id=tenant.organisation.pk).first()
        if rfc is not None:
            initial = {"title": rfc.title, "description": rfc.description, "reason": rfc.reason, "kind": rfc.kind,
                       "requested_date": rfc.requested_date, "request": rfc,
                       "shared_with": [rfc.organisation_id], "systems": list(rfc.systems.all())}
    form = ChangeForm(request.POST or None, instance=change, tenant=tenant, initial=initial)
    saved = save_form(request, form, lambda data: services.change_save(tenant=tenant, change=change, data=data),
                      success=_("The change was saved."))
    if saved:
        return redirect("changes:change_detail", pk=saved.result.pk)
    return render(request, "changes/change_form.html", {"form": form, "change": change})


def _detail_context(request, change, **forms):
    tenant = request.tenant
    own = tenant.owns(change)
    data = selectors.change_detail(tenant=tenant, change=change)
    ctx = {"change": change, "own": own, **data,
           "history": record_history(obj=change)[:50] if own else []}
    mine = {"decision": next((d for d in data["decisions"] if d.organisation_id == tenant.organisation.pk), None),
            "test": next((t for t in data["tests"] if t.organisation_id == tenant.organisation.pk), None),
            "answer": next((a for a in data["answers"] if a.organisation_id == tenant.organisation.pk), None)}
    ctx["mine"] = mine
    # A municipality reads the CAB meeting once the papers have addressed it to it; until then
    # the change names the meeting without a link that would answer 404.
    ctx["cab_readable"] = bool(change.cab_meeting_id) and (
        own or tenant.scope(Meeting).filter(pk=change.cab_meeting_id).exists())
    open_change = change.status in (Status.REGISTERED, Status.PAPERS_SENT, Status.IN_PROGRESS)
    if own:
        rule = services.settings_of(change.organisation_id).separation_for(change.risk_level)
        ctx["rule"] = Separation(rule).label
        if tenant.can(Perm.CHANGE_REQUEST) and open_change:
            ctx["schedule_form"] = forms.get("schedule_form") or ScheduleForm(
                tenant=tenant, initial={"cab_meeting": change.cab_meeting_id})
        if tenant.can(Perm.CHANGE_IMPLEMENT) and open_change:
            ctx["step_form"] = forms.get("step_form") or StepForm(tenant=tenant, initial={"performed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
            ctx["env_form"] = forms.get("env_form") or TestEnvironmentForm(change=change)
        if tenant.can(Perm.CHANGE_IMPLEMENT) and change.status == Status.DEPLOYED:
            ctx["close_form"] = forms.get("close_form") or CloseForm()
        state = services.approval_state(change)
        ctx["state"] = state
        ctx["needs_review"] = rules.needs_review(kind=change.kind, deployed=change.deployed_at is not None,
                                                 addressees=set(state["addressees"]), decided=state["decided"])
    elif tenant.can(Perm.CHANGE_DECIDE):
        decision_open = open_change or (change.kind == Kind.EMERGENCY and change.status == Status.DEPLOYED)
        if decision_open:
            d = mine["decision"]
            ctx["decision_form"] = forms.get("decision_form") or DecisionForm(initial={
                "decision": d.decision, "conditions": d.conditions, "comment": d.comment,
                "wants_acceptance_test": d.wants_acceptance_test, "wants_test_environment": d.wants_test_environment,
                "participation": d.participation, "version": d.version} if d else None)
        if open_change:
            t = mine["test"]
            ctx["acceptance_form"] = forms.get("acceptance_form") or AcceptanceForm(tenant=tenant, initial={
                "tested_by": tenant.user.pk, "tested_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "version": t.version if t else None})
        if change.status == Status.CLOSED:
            a = mine["answer"]
            ctx["answer_form"] = forms.get("answer_form") or ClosingAnswerForm(initial={
                "outcome": a.outcome, "comment": a.comment, "version": a.version} if a else None)
    return ctx


def _change(request, pk):
    return request.tenant.get(Change, pk, queryset=Change.objects.select_related(
        "organisation", "cab_meeting", "registered_by", "closed_by", "request", "request__organisation"))


@tenant_required()
def change_detail(request, pk):
    return render(request, "changes/change_detail.html", _detail_context(request, _change(request, pk)))


def _post(request, pk, form, save, success, key):
    """The write half of the change page's forms: saved → back to the change; refused → the page
    again with the form as typed and its messages (422)."""
    change = _change(request, pk)
    saved = save_form(request, form, lambda data: save(change, data), success=success)
    if saved:
        return redirect("changes:change_detail", pk=change.pk)
    return render(request, "changes/change_detail.html", _detail_context(request, change, **{key: form}),
                  status=422)


@require_POST
@tenant_required(Perm.CHANGE_DECIDE)
def change_decide(request, pk):
    tenant = request.tenant
    return _post(request, pk, DecisionForm(request.POST), lambda change, d: services.decision_set(
        tenant=tenant, change=change, decision=d["decision"], comment=d["comment"], conditions=d["conditions"],
        wants_acceptance_test=d["wants_acceptance_test"], wants_test_environment=d["wants_test_environment"],
        participation=d["participation"], version=d.get("version")),
        _("Your organisation's decision was recorded."), "decision_form")


@require_POST
@tenant_required(Perm.CHANGE_IMPLEMENT)
def change_step(request, pk):
    tenant = request.tenant
    return _post(request, pk, StepForm(request.POST, tenant=tenant), lambda change, d: services.step_record(
        tenant=tenant, change=change, kind=d["kind"], performed_by=d["performed_by"], performed_at=d["performed_at"],
        result=d["result"], comment=d["comment"], exception_reason=d.get("exception_reason", "")),
        _("The step was recorded."), "step_form")


@require_POST
@tenant_required(Perm.CHANGE_IMPLEMENT)
def change_test_environment(request, pk):
    tenant = request.tenant
    change = _change(request, pk)
    return _post(request, pk, TestEnvironmentForm(request.POST, change=change),
                 lambda change, d: services.test_environment_set(tenant=tenant, change=change,
                                                                 organisation=d["organisation"],
                                                                 provided=d["provided"]),
                 _("The test environment was recorded."), "env_form")


@require_POST
@tenant_required(Perm.CHANGE_REQUEST)
def change_schedule(request, pk):
    tenant = request.tenant
    return _post(request, pk, ScheduleForm(request.POST, tenant=tenant), lambda change, d: services.change_schedule(
        tenant=tenant, change=change, meeting=d["cab_meeting"]), _("The change is on the CAB's agenda."),
        "schedule_form")


@require_POST
@tenant_required(Perm.CHANGE_DECIDE)
def change_acceptance(request, pk):
    tenant = request.tenant
    return _post(request, pk, AcceptanceForm(request.POST, tenant=tenant), lambda change, d: services.acceptance_record(
        tenant=tenant, change=change, tested_by=d["tested_by"], tested_at=d["tested_at"], passed=d["passed"],
        comment=d["comment"], version=d.get("version")), _("Your acceptance test was recorded."), "acceptance_form")


@require_POST
@tenant_required(Perm.CHANGE_IMPLEMENT)
def change_close(request, pk):
    tenant = request.tenant
    return _post(request, pk, CloseForm(request.POST), lambda change, d: services.change_close(
        tenant=tenant, change=change, report=d["closing_report"]),
        _("The closing report was sent to the municipalities."), "close_form")


@require_POST
@tenant_required(Perm.CHANGE_DECIDE)
def change_answer(request, pk):
    tenant = request.tenant
    return _post(request, pk, ClosingAnswerForm(request.POST), lambda change, d: services.closing_answer(
        tenant=tenant, change=change, outcome=d["outcome"], comment=d["comment"], version=d.get("version")),
        _("Your answer to the closing report was recorded."), "answer_form")


@require_POST
@tenant_required(Perm.CHANGE_REQUEST)
def change_cancel(request, pk):
    tenant = request.tenant
    change = tenant.get(Change, pk, write=True)
    try:
        services.change_cancel(tenant=tenant, change=change)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The change was cancelled."))
    return redirect("changes:change_detail", pk=change.pk)


@tenant_required()
def awaiting(request):
    tenant = request.tenant
    qs = selectors.awaiting(tenant=tenant) if tenant.can(Perm.CHANGE_DECIDE) else Change.objects.none()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "changes/awaiting.html", {"page": page})


def _week(value: str | None) -> datetime.date:
    """The Monday of the week containing the date `value` (YYYY-MM-DD), or of this week."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


@tenant_required()
def calendar(request):
    """The planned windows of one week (Monday to Sunday), day by day."""
    tenant = request.tenant
    first = _week(request.GET.get("week"))
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = start + datetime.timedelta(days=7)
    changes = list(selectors.calendar(tenant=tenant, start=start, end=end))
    by_day: dict[datetime.date, list] = {first + datetime.timedelta(days=n): [] for n in range(7)}
    for change in changes:
        by_day[max(timezone.localtime(change.window_start).date(), first)].append(change)
    return render(request, "changes/calendar.html", {
        "first": first, "last": first + datetime.timedelta(days=6), "days": list(by_day.items()),
        "count": len(changes), "it_company": _is_it_company(tenant),
        "previous": (first - datetime.timedelta(days=7)).isoformat(),
        "following": (first + datetime.timedelta(days=7)).isoformat()})


@tenant_required()
def cab_detail(request, pk):
    """A CAB meeting's agenda of changes with every decision recorded (the organiser sees all;
    a municipality its own)."""
    tenant = request.tenant
    meeting = tenant.get(Meeting, pk, queryset=Meeting.objects.filter(kind=MeetingKind.CAB)
                         .select_related("organisation"))
    agenda = list(selectors.cab_agenda(tenant=tenant, meeting=meeting))
    own = tenant.owns(meeting)
    lead = services.settings_of(meeting.organisation_id).papers_lead_days
    return render(request, "changes/cab_detail.html", {
        "meeting": meeting, "agenda": agenda, "own": own,
        "papers_due": (timezone.localtime(meeting.starts_at).date() - datetime.timedelta(days=lead)),
        "unsent": [c for c in agenda if c.papers_sent_at is None],
        "can_send": own and tenant.can(Perm.CHANGE_REQUEST) and tenant.can_edit(Change),
    })


@tenant_required()
def cab_document(request, pk, fmt="docx"):
    """The CAB's record of decisions as DOCX or PDF (core.documents)."""
    from changes import documents
    from core import documents as shared_documents

    tenant = request.tenant
    meeting = tenant.get(Meeting, pk, queryset=Meeting.objects.filter(kind=MeetingKind.CAB)
                         .select_related("organisation"))
    agenda = list(selectors.cab_agenda(tenant=tenant, meeting=meeting))
    return shared_documents.response(documents.cab_decisions(meeting, agenda, own=tenant.owns(meeting)), fmt,
                                     filename=documents.filename(meeting))


@require_POST
@tenant_required(Perm.CHANGE_REQUEST)
def cab_papers(request, pk):
    tenant = request.tenant
    meeting = tenant.get(Meeting, pk, queryset=Meeting.objects.filter(kind=MeetingKind.CAB))
    if not tenant.owns(meeting):
        raise PermissionDenied
    try:
        sent = services.papers_send(tenant=tenant, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, ngettext("The papers of %(n)d change were sent.",
                                           "The papers of %(n)d changes were sent.", len(sent)) % {"n": len(sent)})
    return redirect("changes:cab_detail", pk=meeting.pk)


@tenant_required()
def cab_list(request):
    tenant = request.tenant
    meetings = (tenant.scope(Meeting).filter(kind=MeetingKind.CAB).select_related("organisation")
                .order_by("-starts_at", "pk"))
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(request, "changes/cab_list.html", {"page": page})


@tenant_required()
def request_list(request):
    tenant = request.tenant
    page = Paginator(selectors.request_list(tenant=tenant), 50).get_page(request.GET.get("page"))
    return render(request, "changes/request_list.html", {
        "page": page, "it_company": _is_it_company(tenant),
        "can_request": tenant.can(Perm.CHANGE_REQUEST) and tenant.organisation.suppliers.exists()})


@tenant_required(Perm.CHANGE_REQUEST)
def request_edit(request, pk=None):
    tenant = request.tenant
    rfc = tenant.get(ChangeRequest, pk, write=True) if pk else None
    if rfc is None and not tenant.can_edit(ChangeRequest):
        raise PermissionDenied
    form = RequestForm(request.POST or None, instance=rfc, tenant=tenant)
    saved = save_form(request, form, lambda data: services.request_save(tenant=tenant, request=rfc, data=data),
                      success=_("Your request was sent to the IT company."))
    if saved:
        return redirect("changes:request_detail", pk=saved.result.pk)
    return render(request, "changes/request_form.html", {"form": form, "rfc": rfc})


@tenant_required()
def request_detail(request, pk):
    tenant = request.tenant
    rfc = tenant.get(ChangeRequest, pk, queryset=ChangeRequest.objects.select_related(
        "organisation", "addressed_to", "requested_by"))
    return render(request, "changes/request_detail.html", {
        "rfc": rfc, "own": tenant.owns(rfc),
        "systems": tenant.scope(System).filter(pk__in=rfc.systems.values("pk")),
        "changes": tenant.scope(Change).filter(request=rfc).order_by("pk"),
        "can_register": _is_it_company(tenant) and rfc.addressed_to_id == tenant.organisation.pk})


@tenant_required()
def standing_list(request):
    """The pre-approved classes of standard changes: the municipality's own (it adds them), or
    those given to the IT company (it reads them)."""
    tenant = request.tenant
    if request.method == "POST":
        tenant.require(Perm.CHANGE_DECIDE)
    form = StandingApprovalForm(request.POST or None, tenant=tenant)
    saved = save_form(request, form, lambda d: services.standing_approval_save(
        tenant=tenant, supplier=d["supplier"], change_class=d["change_class"], comment=d["comment"]),
        success=_("The class of standard changes is pre-approved."))
    if saved:
        return redirect("changes:standing_list")
    approvals = tenant.scope(StandingApproval).select_related("organisation", "supplier", "approved_by")
    return render(request, "changes/standing_list.html", {
        "approvals": approvals.order_by("organisation__name", "change_class"), "form": form,
        "can_add": tenant.can(Perm.CHANGE_DECIDE) and tenant.can_edit(StandingApproval)
        and tenant.organisation.suppliers.exists()})


@tenant_required(Perm.CHANGE_EXCEPTION)
def settings_edit(request):
    tenant = request.tenant
    if not _is_it_company(tenant) or not tenant.can_edit(ChangeSettings):
        raise PermissionDenied
    current = tenant.editable(ChangeSettings).first() or ChangeSettings(organisation=tenant.organisation)
    form = SettingsForm(request.POST or None, instance=current)
    saved = save_form(request, form, lambda d: services.settings_save(tenant=tenant, data=d),
                      success=_("The change settings were saved."))
    if saved:
        return redirect("changes:settings")
    return render(request, "changes/settings.html", {"form": form})

