from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import Action
from audits import documents, engine, maturity, selectors, services
from audits.forms import AssessmentForm, AuditForm, ObservationForm, RecommendationActionForm, ResponseForm
from audits.models import Audit, AuditKind, Recommendation
from core import documents as shared_documents
from core.documents import BarChart
from core.decorators import tenant_required
from core.forms import save_form
from core.findings import PRIORITY_DEFINITIONS
from organisations.roles import SHARED_ONLY_ROLES, Perm

PAGE_SIZE = 50


def _own_reader(request):
    tenant = request.tenant
    if tenant.role in SHARED_ONLY_ROLES:
        raise Http404
    return tenant


@tenant_required()
def finding_list(request):
    """The organisation's automatic findings grouped by theme, as the data stands now, with their recorded history."""
    tenant = _own_reader(request)
    today = timezone.localdate()
    # Computed after every write (engine.current); the history is recorded by the nightly
    # record_findings run and on adoption (a GET changes nothing).
    groups = engine.current(tenant.organisation, today=today)
    history = Paginator(selectors.finding_history(tenant=tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    audits = list(tenant.editable(Audit).only("pk", "title")[:20]) if tenant.can(Perm.AUDIT_EDIT) else []
    return render(request, "audits/finding_list.html", {
        "groups": groups, "history": history, "today": today, "audits": audits,
        "definitions": PRIORITY_DEFINITIONS})


@tenant_required()
def audit_list(request):
    tenant = _own_reader(request)
    page = Paginator(selectors.audit_list(tenant=tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audits/audit_list.html", {"page": page, "can_edit": tenant.can_edit(Audit)})


def _audit_page(request, audit, *, assessment_form=None, status=200):
    tenant = request.tenant
    areas, overall, previous = maturity.for_audit(tenant=tenant, audit=audit)
    levels = selectors.maturity_scale()
    is_auditor = tenant.can_edit(Audit) and services.is_auditor(tenant, audit)
    can_assess = bool(levels) and is_auditor
    chart = None
    if areas:
        top = maturity.scale_bounds(levels, areas)[1]
        chart = BarChart(title=_("Maturity per area (0–%(top)d)") % {"top": top},
                         labels=[maturity.short_label(a.name, max(90 // len(areas), 6)) for a in areas],
                         series=[(_("This audit"), [a.level for a in areas])]
                         + ([(_("Previous assessment"), [a.previous or 0 for a in areas])]
                            if any(a.previous is not None for a in areas) else []),
                         maximum=top)
    return render(request, "audits/audit_detail.html", {
        "audit": audit, "can_edit": tenant.can_edit(Audit), "kinds": AuditKind, "areas": areas, "overall": overall,
        "previous_overall": previous, "chart": chart, "levels": levels, "can_assess": can_assess,
        "is_auditor": is_auditor,
        "assessment_form": assessment_form or (AssessmentForm(tenant=tenant, audit=audit, levels=levels)
                                               if can_assess else None)}, status=status)


@tenant_required()
def audit_detail(request, pk):
    tenant = _own_reader(request)
    return _audit_page(request, selectors.audit_detail(tenant=tenant, pk=pk))


@tenant_required(Perm.AUDIT_EDIT)
@require_POST
def audit_assess(request, pk):
    """An auditor assesses one requirement of the audit's frameworks on the maturity scale."""
    tenant = _own_reader(request)
    audit = tenant.get(Audit, pk, write=True, queryset=selectors.audit_detail_queryset())
    form = AssessmentForm(request.POST, tenant=tenant, audit=audit, levels=selectors.maturity_scale())
    if form.is_valid():
        try:
            services.assessment_save(tenant=tenant, audit=audit, requirement=form.cleaned_data["requirement"],
                                     level=form.cleaned_data["level"], comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The assessment was saved."))
            return redirect(reverse("audits:audit_detail", args=[audit.pk]) + "#maturity")
    return _audit_page(request, audit, assessment_form=form, status=422)


def _form_page(request, form, *, title, cancel, status=200):
    return render(request, "audits/form.html", {"form": form, "title": title, "cancel": cancel},
                  status=422 if request.method == "POST" else status)


@tenant_required(Perm.AUDIT_EDIT)
def audit_edit(request, pk=None):
    """Start an audit or self-assessment, or change one (its auditors only)."""
    tenant = _own_reader(request)
    audit = tenant.get(Audit, pk, write=True) if pk else None
    if audit is not None and not services.is_auditor(tenant, audit):
        raise PermissionDenied(services.NOT_AUDITOR)
    if audit is None:
        tenant.new(Audit)
    form = AuditForm(request.POST or None, instance=audit, tenant=tenant)
    saved = save_form(request, form, lambda data: services.audit_save(tenant=tenant, audit=audit, data=data),
                      success=_("The audit was saved."))
    if saved:
        return redirect(saved.result.get_absolute_url())
    return _form_page(request, form, title=audit.title if audit else _("New audit or self-assessment"),
                      cancel=audit.get_absolute_url() if audit else reverse("audits:audit_list"))


@tenant_required(Perm.AUDIT_EDIT)
def observation_add(request, pk):
    """An auditor writes an observation of the audit, with its numbered recommendations."""
    tenant = _own_reader(request)
    audit = tenant.get(Audit, pk, write=True)
    if not services.is_auditor(tenant, audit):
        raise PermissionDenied(services.NOT_AUDITOR)
    form = ObservationForm(request.POST or None)
    saved = save_form(request, form, lambda data: services.observation_save(
        tenant=tenant, audit=audit, observation=None, data=data), success=_("The observation was saved."))
    if saved:
        return redirect(saved.result.get_absolute_url())
    return _form_page(request, form, title=_("New observation: %(audit)s") % {"audit": audit.title},
                      cancel=audit.get_absolute_url())


def _observation_initial(observation) -> dict:
    return {"title": observation.title, "priority": observation.priority, "description": observation.description,
            "risk": observation.risk,
            "recommendations": "\n".join(r.text for r in observation.recommendations.order_by("number"))}


@tenant_required(Perm.AUDIT_EDIT)
def observation_edit(request, pk):
    """An auditor changes an observation and its recommendations (one per line)."""
    tenant = _own_reader(request)
    observation = selectors.observation_detail(tenant=tenant, pk=pk)
    if not services.is_auditor(tenant, observation.audit):
        raise PermissionDenied(services.NOT_AUDITOR)
    form = ObservationForm(request.POST or None, initial=_observation_initial(observation))
    saved = save_form(request, form, lambda data: services.observation_update(
        tenant=tenant, observation=observation, data=data), success=_("The observation was saved."))
    if saved:
        return redirect(saved.result.get_absolute_url())
    return _form_page(request, form, title=_("Change the observation: %(title)s") % {"title": observation.title},
                      cancel=observation.get_absolute_url())


@tenant_required(Perm.AUDIT_EDIT)
@require_POST
def observation_delete(request, pk):
    tenant = _own_reader(request)
    observation = selectors.observation_detail(tenant=tenant, pk=pk)
    try:
        services.observation_delete(tenant=tenant, observation=observation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(observation.get_absolute_url())
    messages.success(request, _("The observation was removed."))
    return redirect(observation.audit.get_absolute_url())


@tenant_required()
def audit_report(request, pk, fmt="docx"):
    """The audit report (granskningsrapport) as DOCX or PDF, for everyone who reads the audit."""
    tenant = _own_reader(request)
    audit = selectors.audit_detail(tenant=tenant, pk=pk)
    return shared_documents.response(documents.report(tenant=tenant, audit=audit), fmt,
                                     filename=documents.filename(audit))


@tenant_required(Perm.AUDIT_EDIT)
@require_POST
def audit_adopt(request, pk):
    tenant = request.tenant
    audit = tenant.get(Audit, pk, write=True)
    try:
        created = services.adopt_findings(tenant=tenant, audit=audit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d observations were adopted from the automatic findings.") % {"n": len(created)})
    return redirect("audits:audit_detail", pk=audit.pk)


def _observation_page(request, observation, *, response_form=None, action_forms=None, status=200):
    tenant = request.tenant
    own = tenant.owns(observation)
    can_respond = own and tenant.can(Perm.AUDIT_RESPOND)
    # services.recommendation_to_action: those who manage the action plan, and the audit's auditors.
    is_auditor = own and services.is_auditor(tenant, observation.audit)
    can_plan = own and (is_auditor or (
        tenant.can_edit(Action) and (tenant.can(Perm.AUDIT_EDIT) or tenant.can(Perm.AUDIT_RESPOND))))
    action_forms = action_forms or {}
    recommendations = [(r, action_forms.get(r.pk) or RecommendationActionForm(tenant=tenant, prefix=f"rec{r.pk}"))
                       for r in observation.recommendations.all()]
    return render(request, "audits/observation_detail.html", {
        "observation": observation, "recommendations": recommendations, "can_plan": can_plan,
        "can_respond": can_respond, "is_auditor": is_auditor,
        "response_form": response_form or ResponseForm(initial={"response": observation.response})}, status=status)


@tenant_required()
def observation_detail(request, pk):
    tenant = _own_reader(request)
    return _observation_page(request, selectors.observation_detail(tenant=tenant, pk=pk))


@tenant_required(Perm.AUDIT_RESPOND)
@require_POST
def observation_respond(request, pk):
    tenant = _own_reader(request)
    observation = selectors.observation_detail(tenant=tenant, pk=pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond(tenant=tenant, observation=observation, response=form.cleaned_data["response"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The response was saved."))
            return redirect(observation.get_absolute_url())
    return _observation_page(request, observation, response_form=form, status=422)


@tenant_required()
@require_POST
def recommendation_action(request, pk):
    """The recommendation becomes an action of the plan (services.recommendation_to_action decides who may)."""
    tenant = _own_reader(request)
    recommendation = tenant.get(Recommendation, pk)
    observation = selectors.observation_detail(tenant=tenant, pk=recommendation.observation_id)
    form = RecommendationActionForm(request.POST, tenant=tenant, prefix=f"rec{recommendation.pk}")
    if form.is_valid():
        try:
            action = services.recommendation_to_action(
                tenant=tenant, recommendation=recommendation, owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The recommendation is now an action in the action plan: %(title)s")
                             % {"title": action.title})
            return redirect(recommendation.get_absolute_url())
    return _observation_page(request, observation, action_forms={recommendation.pk: form}, status=422)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@tenant_required()
def framework_detail(request, pk):
    from audits.models import Framework, FrameworkRequirement

    tenant = _own_reader(request)
    framework = tenant.get(Framework, pk)
    requirements = tenant.scope(FrameworkRequirement).filter(framework=framework).select_related("control")
    page = Paginator(requirements.order_by("order", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audits/framework_detail.html", {"framework": framework, "page": page})
