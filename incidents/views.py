from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import tenant_required
from core.forms import save_form
from incidents import documents, rules, selectors, services
from incidents.forms import (
    AddressForm,
    AssessForm,
    CloseForm,
    EndHandlingForm,
    FilterForm,
    LessonForm,
    NoteForm,
    ReportForm,
    ReviewForm,
    SeverityForm,
    StageForm,
)
from incidents.models import Incident, IncidentCase, Review, Severity, Stage, StageSubmission
from organisations.roles import Perm
from trail.selectors import record_history


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _form_page(request, form, *, title, cancel, intro=""):
    return render(request, "incidents/form.html", {"form": form, "title": title, "cancel": cancel, "intro": intro})


@tenant_required()
def incident_list(request):
    tenant = request.tenant
    now = timezone.now()
    filters = FilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.case_list(tenant=tenant, q=data.get("q", ""), state=data.get("state", ""),
                             significant=data.get("significant", False), breach=data.get("breach", False),
                             due_soon=data.get("due", False), without_review=data.get("without_review", False),
                             now=now)
    page = Paginator(selectors.with_submissions(qs), 50).get_page(request.GET.get("page"))
    selectors.attach_clocks(page.object_list, now)
    return render(request, "incidents/incident_list.html", {"page": page, "filters": filters, "now": now,
                                      "can_report": tenant.can(Perm.INCIDENT_REPORT),
                                                             "query": _query_without_page(request)})


@tenant_required(Perm.INCIDENT_REPORT)
def incident_create(request):
    tenant = request.tenant
    form = ReportForm(request.POST or None, tenant=tenant, initial={"detected_at": timezone.localtime().replace(
        second=0, microsecond=0)})
    saved = save_form(request, form, lambda data: services.incident_report(tenant=tenant, data=data),
                      success=_("The incident was reported."))
    if saved:
        return redirect("incidents:case_detail", pk=saved.result.pk)
    return _form_page(request, form, title=_("Report an incident"), cancel="/incidents/",
                      intro=_("Report what you know now; those who handle incidents assess it and report it "
                              "to the authorities."))


@tenant_required()
def incident_detail(request, pk):
    tenant = request.tenant
    incident = tenant.get(Incident, pk, queryset=Incident.objects.select_related("organisation", "reported_by"))
    now = timezone.now()
    cases = selectors.attach_clocks(list(selectors.cases_of_incident(tenant=tenant, incident=incident)), now)
    own = tenant.owns(incident)
    handles = own and tenant.can(Perm.INCIDENT_HANDLE)
    return render(request, "incidents/incident_detail.html", {
        "incident": incident, "cases": cases, "own": own, "now": now,
        "updates": incident.updates.select_related("author"),
        "suppliers": incident.suppliers.order_by("name"),
        "my_case": next((c for c in cases if tenant.owns(c)), None),
        "can_update": handles, "update_form": NoteForm(prefix="update"),
        "can_address": handles and tenant.customers().exists(),
        "address_form": AddressForm(tenant=tenant, incident=incident) if handles else None,
        "history": record_history(obj=incident)[:50] if own else None})


@require_POST
@tenant_required(Perm.INCIDENT_HANDLE)
def incident_address(request, pk):
    tenant = request.tenant
    incident = tenant.get(Incident, pk, write=True)
    form = AddressForm(request.POST, tenant=tenant, incident=incident)
    if form.is_valid():
        try:
            services.incident_address(tenant=tenant, incident=incident, organisations=form.cleaned_data["organisations"])
            messages.success(request, _("The organisations were told of the incident."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose at least one of the organisations you serve."))
    return redirect("incidents:incident_detail", pk=incident.pk)


@require_POST
@tenant_required(Perm.INCIDENT_HANDLE)
def incident_update_add(request, pk):
    tenant = request.tenant
    incident = tenant.get(Incident, pk, write=True)
    form = NoteForm(request.POST, prefix="update")
    if form.is_valid():
        try:
            services.incident_update_add(tenant=tenant, incident=incident, text=form.cleaned_data["text"],
                                         at=form.cleaned_data["at"])
            messages.success(request, _("The update was added to the timeline."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Write what was done or learnt."))
    return redirect("incidents:incident_detail", pk=incident.pk)


def _timeline(case, updates, notes):
    """The case's events in time order: the registering organisation's updates, the case's own
    notes, the assessments and the reports."""
    events = [(u.at, u.author, u.text, _("Update from %(org)s") % {"org": case.incident.organisation.name})
              for u in updates]
    events += [(n.at, n.author, n.text, _("Note")) for n in notes]
    events += [(s.submitted_at, s.submitted_by, _("%(stage)s submitted to %(recipient)s") % {
        "stage": s.get_stage_display(), "recipient": s.recipient or "–"}, _("Report")) for s in case.submissions.all()]
    if case.significance_at:
        events.append((case.significance_at, case.significance_by, case.significance_reason,
                       _("Significance assessed")))
    if case.breach_at:
        events.append((case.breach_at, case.breach_by, case.breach_reason or (_("Personal data breach") if case.breach else _("Not a personal data breach")),
                       _("Breach assessed")))
    events.append((case.aware_at, None, _("The organisation became aware of the incident."), _("Aware")))
    return sorted(events, key=lambda e: e[0])


@tenant_required()
def case_detail(request, pk):
    tenant = request.tenant
    case = selectors.case_detail(tenant=tenant, pk=pk)
    now = timezone.now()
    selectors.attach_clocks([case], now)
    own = tenant.owns(case)
    handles = own and tenant.can(Perm.INCIDENT_HANDLE) and case.is_open
    review = Review.objects.filter(case=case).select_related("completed_by").first()
    lessons = list(review.lessons.select_related("action", "action__owner", "risk")) if review else []
    submitted = {s.stage for s in case.submissions.all()}
    stages = [(value, label) for value, label in Stage.choices
              if value in rules.REPEATABLE or value not in submitted]
    return render(request, "incidents/case_detail.html", {
        "case": case, "incident": case.incident, "own": own, "handles": handles, "now": now,
        "timeline": _timeline(case, case.incident.updates.select_related("author"),
                              case.notes.select_related("author")),
        "systems": case.systems.order_by("name"), "information_types": case.information_types.order_by("name"),
        "risks": case.risks.order_by("title"),
        "review": review, "lessons": lessons, "stages": stages,
        # Prefixes: several forms on one page, each field with an id of its own.
        "note_form": NoteForm(prefix="note"), "end_form": EndHandlingForm(prefix="end"),
        "close_form": CloseForm(prefix="close"),
        "lesson_form": LessonForm(tenant=tenant, prefix="lesson") if handles and review and not review.completed_at
        else None,
        "history": record_history(obj=case)[:50] if own else None})


@tenant_required(Perm.INCIDENT_HANDLE)
def case_assess(request, pk):
    tenant = request.tenant
    case = tenant.get(IncidentCase, pk)
    if not tenant.owns(case):
        raise services.PermissionDenied(services.NOT_YOUR_CASE)
    case = tenant.get(IncidentCase, pk, write=True)
    initial = {name: getattr(case, name) for name in services.ASSESS_FIELDS}
    initial.update(version=case.version, systems=case.systems.all(), information_types=case.information_types.all(),
                   risks=case.risks.all())
    form = AssessForm(request.POST or None, tenant=tenant, initial=initial)
    saved = save_form(request, form, lambda data: services.case_assess(
        tenant=tenant, case=case, data=data, version=data.get("version")), success=_("The assessment was saved."))
    if saved:
        return redirect("incidents:case_detail", pk=case.pk)
    return _form_page(request, form, title=_("Assess %(incident)s") % {"incident": case.incident},
                      cancel=case.get_absolute_url())


@tenant_required(Perm.INCIDENT_HANDLE)
def stage_submit(request, pk, stage):
    tenant = request.tenant
    if stage not in Stage.values:
        raise Http404
    case = tenant.get(IncidentCase, pk)
    if not tenant.owns(case):
        raise services.PermissionDenied(services.NOT_YOUR_CASE)
    initial = {"submitted_at": timezone.localtime().replace(second=0, microsecond=0),
               **documents.stage_content(case, stage)}
    form = StageForm(request.POST or None, stage=stage, initial=initial)
    saved = save_form(request, form, lambda data: services.stage_submit(
        tenant=tenant, case=case, stage=stage, submitted_at=data["submitted_at"], content=form.content(),
        reference=data["reference"], late_reason=data["late_reason"]), success=_("The report was recorded."))
    if saved:
        return redirect("incidents:case_detail", pk=case.pk)
    stage_rule = rules.STAGES[stage]
    return _form_page(request, form, title=f"{stage_rule.title} – {case.incident}", cancel=case.get_absolute_url(),
                      intro=str(stage_rule.citation))


def _document(case, stage, submission, fmt):
    if fmt == "json":
        answer = JsonResponse(documents.payload(case, stage, submission), json_dumps_params={"ensure_ascii": False})
        answer["Content-Disposition"] = 'attachment; filename="report.json"'
        return answer
    if fmt not in ("docx", "pdf"):
        raise Http404
    return documents.response(case, stage, submission, fmt)


@tenant_required()
def stage_draft(request, pk, stage, fmt):
    if stage not in Stage.values:
        raise Http404
    return _document(selectors.case_detail(tenant=request.tenant, pk=pk), stage, None, fmt)


@tenant_required()
def submission_document(request, pk, fmt):
    submission = request.tenant.get(StageSubmission, pk)
    case = selectors.case_detail(tenant=request.tenant, pk=submission.case_id)
    return _document(case, submission.stage, submission, fmt)


def _case_step(request, pk, step, form_class=None, *, success, prefix=None):
    tenant = request.tenant
    case = tenant.get(IncidentCase, pk)
    form = form_class(request.POST, prefix=prefix) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("incidents:case_detail", pk=case.pk)
    try:
        step(tenant, case, form.cleaned_data if form else {})
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("incidents:case_detail", pk=case.pk)


@require_POST
@tenant_required(Perm.INCIDENT_HANDLE)
def note_add(request, pk):
    return _case_step(request, pk, lambda t, c, d: services.note_add(tenant=t, case=c, text=d["text"], at=d["at"]),
                      NoteForm, success=_("The note was added to the timeline."), prefix="note")


@require_POST
@tenant_required(Perm.INCIDENT_HANDLE)
def end_handling(request, pk):
    return _case_step(request, pk, lambda t, c, d: services.case_end_handling(tenant=t, case=c, at=d["at"]),
                      EndHandlingForm, success=_("Handling was recorded as ended."), prefix="end")


@require_POST
@tenant_required(Perm.INCIDENT_HANDLE)
def case_close(request, pk):
    return _case_step(request, pk, lambda t, c, d: services.case_close(
        tenant=t, case=c, note=d["note"], without_review=d["without_review"]), CloseForm,
        success=_("The incident was closed."), prefix="close")


@tenant_required(Perm.INCIDENT_HANDLE)
def review_edit(request, pk):
    tenant = request.tenant
    case = tenant.get(IncidentCase, pk)
    if not tenant.owns(case):
        raise services.PermissionDenied(services.NOT_YOUR_CASE)
    review = Review.objects.filter(case=case).first()
    form = ReviewForm(request.POST or None, instance=review,
                      initial=None if review else {"held_on": timezone.localdate()})
    saved = save_form(request, form, lambda data: services.review_save(tenant=tenant, case=case, data=data),
                      success=_("The review was saved."))
    if saved:
        return redirect("incidents:case_detail", pk=case.pk)
    return _form_page(request, form, title=_("Post-incident review of %(incident)s") % {"incident": case.incident},
                      cancel=case.get_absolute_url(),
                      intro=_("Evaluate the incident together with the supplier: causes, what was done, what went "
                              "well and badly. Each lesson becomes an action in the action plan."))


@require_POST
@tenant_required(Perm.INCIDENT_HANDLE)
def lesson_add(request, pk):
    tenant = request.tenant
    case = tenant.get(IncidentCase, pk)
    review = Review.objects.filter(case=case).first()
    if review is None:
        raise Http404
    form = LessonForm(request.POST, tenant=tenant, prefix="lesson")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.lesson_add(tenant=tenant, review=review, text=data["text"], owner=data["owner"],
                                due_date=data["due_date"], risk=data["risk"], new_risk=data["new_risk"])
            messages.success(request, _("The lesson was added to the action plan."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("incidents:case_detail", pk=case.pk)


@require_POST
@tenant_required(Perm.INCIDENT_HANDLE)
def review_complete(request, pk):
    def complete(tenant, case, _data):
        services.review_save(tenant=tenant, case=case, data={}, complete=True)

    return _case_step(request, pk, complete, success=_("The review was completed."))


@tenant_required(Perm.INCIDENT_HANDLE)
def clocks(request):
    now = timezone.now()
    page = Paginator(selectors.clock_overview(tenant=request.tenant), 50).get_page(request.GET.get("page"))
    selectors.attach_clocks(page.object_list, now)
    return render(request, "incidents/clocks.html", {"page": page, "now": now})


@tenant_required()
def breach_list(request):
    now = timezone.now()
    page = Paginator(selectors.breach_log(tenant=request.tenant), 50).get_page(request.GET.get("page"))
    selectors.attach_clocks(page.object_list, now)
    for case in page.object_list:
        case.imy = next((s for s in case.submissions.all() if s.stage == rules.IMY), None)
    return render(request, "incidents/breach_list.html", {"page": page, "now": now})


@tenant_required()
def severity_list(request):
    tenant = request.tenant
    scale = services.severity_scale(tenant)
    return render(request, "incidents/severity_list.html", {
        "scale": scale, "own": any(s.organisation_id for s in scale), "can_edit": tenant.can_edit(Severity)})


@tenant_required(Perm.INCIDENT_HANDLE)
def severity_edit(request, pk=None):
    tenant = request.tenant
    severity = tenant.get(Severity, pk, write=True) if pk else None
    form = SeverityForm(request.POST or None, instance=severity)
    saved = save_form(request, form, lambda data: services.severity_save(tenant=tenant, severity=severity, data=data),
                      success=_("The severity scale was saved."))
    if saved:
        return redirect("incidents:severity_list")
    return _form_page(request, form, title=_("Step of the severity scale"), cancel="/incidents/severities/",
                      intro=_("Once your organisation has a step of its own, its own scale replaces the default."))
