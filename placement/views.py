from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core import documents as shared_documents
from core.decorators import tenant_required
from core.forms import apply_errors
from inventory.models import InformationType
from placement import charts, documents, integrations, selectors, services
from placement.forms import (
    AlternativeForm,
    AssessmentCreateForm,
    AssessmentForm,
    ChecklistForm,
    CombinedForm,
    CostFormSet,
    DecisionForm,
    MitigationForm,
    OslForm,
    VerdictForm,
)
from placement.models import (
    EDIT_PERM,
    Alternative,
    Assessment,
    AssessmentStatus,
    CostItem,
    Mitigation,
    Perspective,
)
from trail.selectors import record_history

PERSPECTIVE_URLS = {Perspective.SECURITY: "placement:security", Perspective.LEGAL: "placement:law",
                    Perspective.TECHNICAL: "placement:technology", Perspective.ECONOMIC: "placement:economy"}


def _alternative(request, pk, *, write=False) -> Alternative:
    return request.tenant.get(Alternative, pk, write=write, queryset=Alternative.objects.select_related("assessment"))


def _locked_redirect(request, assessment: Assessment):
    messages.error(request, _("This assessment has been decided and is locked. Start a new version to change it."))
    return redirect(assessment)


def _context(request, assessment: Assessment, **extra) -> dict:
    tenant = request.tenant
    # A decided assessment is read with the classification of its decision; a change since
    # then shows as a warning on each of its pages (no query for a draft).
    return {"assessment": assessment, "can_edit": tenant.can_edit(Assessment) and tenant.owns(assessment)
            and not assessment.is_locked, "perspective_urls": PERSPECTIVE_URLS,
            "changes": selectors.classification_changes(assessment=assessment), **extra}


@tenant_required()
def assessment_list(request):
    """The organisation's placement assessments, newest first (50 a page)."""
    status = request.GET.get("status", "")
    if status not in AssessmentStatus.values:
        status = ""
    qs = selectors.assessment_list(tenant=request.tenant, status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "placement/assessment_list.html", {
        "page": page, "status": status, "statuses": AssessmentStatus.choices,
        "can_edit": request.tenant.can_edit(Assessment), "query": f"status={status}" if status else "",
    })


@tenant_required(EDIT_PERM)
def assessment_create(request):
    """Start an assessment, optionally from the "new cloud service" template."""
    tenant = request.tenant
    systems, infos = selectors.own_choices(tenant=tenant)
    initial = {"assessment_date": timezone.localdate(), "responsible": request.user,
               "template": request.GET.get("template", "")}
    form = AssessmentCreateForm(request.POST or None, initial=initial, tenant=tenant, systems=systems,
                                information_types=infos)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("template", "revision")}
        try:
            assessment = services.assessment_create(tenant=tenant, data=data, template=form.cleaned_data["template"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The assessment was created."))
            return redirect(assessment)
    return render(request, "placement/assessment_form.html", {"form": form, "assessment": None})


@tenant_required()
def assessment_detail(request, pk):
    """An assessment's overview: the service, the alternatives, the combined table, the decision."""
    tenant = request.tenant
    assessment = selectors.get_assessment(tenant=tenant, pk=pk)
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    return render(request, "placement/assessment_detail.html", _context(
        request, assessment, result=result, systems=selectors.linked_systems(assessment=assessment),
        mitigations=result.perspectives[Perspective.LEGAL].details["mitigations"],
        history=record_history(obj=assessment)[:20], can_new_version=tenant.can_edit(Assessment)
        and assessment.is_locked,
    ))


@tenant_required(EDIT_PERM)
def assessment_edit(request, pk):
    tenant = request.tenant
    assessment = selectors.get_assessment(tenant=tenant, pk=pk, write=True)
    if assessment.is_locked:
        return _locked_redirect(request, assessment)
    systems, infos = selectors.own_choices(tenant=tenant)
    form = AssessmentForm(request.POST or None, instance=assessment, tenant=tenant, systems=systems,
                          information_types=infos)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            services.assessment_update(tenant=tenant, assessment=assessment, data=data,
                                       revision=form.cleaned_data["revision"] or 0)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The assessment was saved."))
            return redirect(assessment)
    return render(request, "placement/assessment_form.html", {"form": form, "assessment": assessment,
                                                              "history": record_history(obj=assessment)[:50]})


@tenant_required(EDIT_PERM)
def questions(request, pk):
    """Answer the template's questions."""
    tenant = request.tenant
    assessment = selectors.get_assessment(tenant=tenant, pk=pk, write=True)
    if assessment.is_locked:
        return _locked_redirect(request, assessment)
    form = ChecklistForm(request.POST or None, checklist=assessment.checklist)
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_answer(tenant=tenant, assessment=assessment, answers=form.answers())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The answers were saved."))
            return redirect(assessment)
    groups = [(label, [form[f"answer_{i}"] for i, q in enumerate(assessment.checklist) if q["perspective"] == key])
              for key, label in Perspective.choices]
    return render(request, "placement/questions.html", _context(request, assessment, form=form, groups=groups))


# --- Alternatives -----------------------------------------------------------------------


def _cost_rows(formset) -> list[dict]:
    return [{k: v for k, v in f.cleaned_data.items() if k not in ("id", "DELETE")}
            for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def _alternative_page(request, assessment: Assessment, alternative: Alternative | None):
    tenant = request.tenant
    form = AlternativeForm(request.POST or None, instance=alternative, prefix="alt")
    costs = (tenant.scope(CostItem).filter(alternative=alternative).order_by("year", "pk") if alternative
             else CostItem.objects.none())
    formset = CostFormSet(request.POST or None, queryset=costs, prefix="costs")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            if alternative:
                services.alternative_update(tenant=tenant, alternative=alternative, data=data,
                                            revision=form.cleaned_data["revision"] or 0, costs=_cost_rows(formset))
            else:
                services.alternative_create(tenant=tenant, assessment=assessment, data=data, costs=_cost_rows(formset))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The alternative was saved."))
            return redirect(assessment)
    return render(request, "placement/alternative_form.html", _context(
        request, assessment, form=form, formset=formset, alternative=alternative,
        history=record_history(obj=alternative)[:50] if alternative else None))


@tenant_required(EDIT_PERM)
def alternative_create(request, pk):
    assessment = selectors.get_assessment(tenant=request.tenant, pk=pk, write=True)
    if assessment.is_locked:
        return _locked_redirect(request, assessment)
    return _alternative_page(request, assessment, None)


@tenant_required(EDIT_PERM)
def alternative_edit(request, pk):
    alternative = _alternative(request, pk, write=True)
    if alternative.assessment.is_locked:
        return _locked_redirect(request, alternative.assessment)
    return _alternative_page(request, alternative.assessment, alternative)


@require_POST
@tenant_required(EDIT_PERM)
def alternative_delete(request, pk):
    alternative = _alternative(request, pk, write=True)
    try:
        services.alternative_delete(tenant=request.tenant, alternative=alternative)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The alternative was removed."))
    return redirect(alternative.assessment)


# --- Perspectives -----------------------------------------------------------------------


@tenant_required()
def perspective(request, pk, perspective):
    """One perspective: what is computed, the judgement per alternative, and (law) the rules."""
    tenant = request.tenant
    assessment = selectors.get_assessment(tenant=tenant, pk=pk)
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    view = result.perspectives[perspective]
    context = _context(request, assessment, result=result, view=view, perspective=perspective)
    verdict_forms = []
    for alt in result.alternatives:
        row = next((v for v in alt.verdicts.all() if v.perspective == perspective), None)
        form = VerdictForm(instance=row, initial={"perspective": perspective}, prefix=f"v{alt.pk}")
        verdict_forms.append((alt, view.cells[alt.pk], form))
    context["verdict_forms"] = verdict_forms
    context["questions"] = [q for q in assessment.checklist if q.get("perspective") == perspective]
    context["risk_enabled"] = integrations.risk_register_available()
    if perspective == Perspective.ECONOMIC:
        tcos = view.details["tco"]
        context["chart"] = charts.cost_chart_svg([(a.name, tcos[a.pk].firm_cumulative) for a in result.alternatives])
        context["cost_rows"] = [(a, tcos[a.pk]) for a in result.alternatives]
    if perspective == Perspective.LEGAL:
        context["mitigation_form"] = MitigationForm()
        context["legal_rows"] = _legal_rows(result)
    if perspective == Perspective.SECURITY:
        context["requirement_rows"] = _requirement_rows(result)
    return render(request, "placement/perspective.html", context)


def _legal_rows(result):
    """Per alternative: its legal facts and an appropriateness form per information type."""
    rows = []
    details = result.perspectives[Perspective.LEGAL].details["alternatives"]
    for alt in result.alternatives:
        outcomes = {o.information_type_id: o for o in alt.osl_assessments.all()}
        infos = []
        for info, position in zip(result.information_types, details[alt.pk].information):
            row = outcomes.get(info.pk)
            form = OslForm(initial={"information_type": info.pk, "outcome": row.outcome if row else "",
                                    "reasoning": row.reasoning if row else ""}, prefix=f"osl{alt.pk}-{info.pk}")
            infos.append((info, position, form))
        rows.append((alt, details[alt.pk], infos))
    return rows


def _requirement_rows(result):
    p = result.perspectives[Perspective.SECURITY]
    rows = []
    for alt in result.alternatives:
        marks = alt.requirements_met or {}
        rows.append((alt, [(r, marks.get(str(r.pk))) for r in p.details["requirements"]]))
    return rows


def _back_to(alternative: Alternative, perspective: str):
    url = reverse(PERSPECTIVE_URLS.get(perspective, "placement:detail"), args=[alternative.assessment_id])
    return redirect(f"{url}#alternative-{alternative.pk}")


@require_POST
@tenant_required(EDIT_PERM)
def verdict_save(request, pk):
    alternative = _alternative(request, pk, write=True)
    form = VerdictForm(request.POST, prefix=f"v{alternative.pk}")
    if not form.is_valid():
        messages.error(request, _("The verdict was not saved: check the fields."))
        return redirect(alternative.assessment)
    perspective = form.cleaned_data["perspective"]
    try:
        services.verdict_save(tenant=request.tenant, alternative=alternative, perspective=perspective,
                              verdict=form.cleaned_data["verdict"], rationale=form.cleaned_data["rationale"],
                              residual_risk=form.cleaned_data["residual_risk"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The verdict was saved."))
    return _back_to(alternative, perspective)


@require_POST
@tenant_required(EDIT_PERM)
def requirements_save(request, pk):
    alternative = _alternative(request, pk, write=True)
    values = {"met": True, "unmet": False, "": None}
    marks = {key.removeprefix("req_"): values[value] for key, value in request.POST.items()
             if key.startswith("req_") and value in values}
    if marks:
        try:
            services.requirements_mark(tenant=request.tenant, alternative=alternative, marks=marks)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The requirements were saved."))
    return _back_to(alternative, Perspective.SECURITY)


@require_POST
@tenant_required(EDIT_PERM)
def osl_save(request, pk):
    tenant = request.tenant
    alternative = _alternative(request, pk, write=True)
    info_id = request.POST.get("info")
    form = OslForm(request.POST, prefix=f"osl{alternative.pk}-{info_id}")
    if form.is_valid():
        information_type = tenant.get(InformationType, form.cleaned_data["information_type"])
        try:
            services.osl_assessment_save(tenant=tenant, alternative=alternative, information_type=information_type,
                                         outcome=form.cleaned_data["outcome"], reasoning=form.cleaned_data["reasoning"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The appropriateness assessment was saved."))
    else:
        messages.error(request, _("The appropriateness assessment was not saved: check the fields."))
    return _back_to(alternative, Perspective.LEGAL)


@require_POST
@tenant_required(EDIT_PERM)
def mitigation_add(request, pk):
    assessment = selectors.get_assessment(tenant=request.tenant, pk=pk, write=True)
    form = MitigationForm(request.POST)
    if form.is_valid():
        try:
            services.mitigation_add(tenant=request.tenant, assessment=assessment, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The rule was added."))
    else:
        messages.error(request, _("The rule was not added: check the fields."))
    return redirect("placement:law", pk=assessment.pk)


@require_POST
@tenant_required(EDIT_PERM)
def mitigation_remove(request, pk):
    mitigation = request.tenant.get(Mitigation, pk, write=True,
                                    queryset=Mitigation.objects.select_related("assessment"))
    try:
        services.mitigation_remove(tenant=request.tenant, mitigation=mitigation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The rule was removed."))
    return redirect("placement:law", pk=mitigation.assessment_id)


@require_POST
@tenant_required(EDIT_PERM)
def risk_raise(request, pk):
    """Raise a risk into the register from a perspective of an alternative."""
    alternative = _alternative(request, pk, write=True)
    perspective = request.POST.get("perspective", "")
    if perspective not in Perspective.values:
        messages.error(request, _("Unknown perspective."))
        return redirect(alternative.assessment)
    try:
        risk = integrations.risk_raise(tenant=request.tenant, alternative=alternative, perspective=perspective,
                                       title=request.POST.get("title", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The risk “%(title)s” was added to the risk register.") % {
            "title": risk.title})
    return _back_to(alternative, perspective)


# --- Combined assessment, decision, versions, documents ----------------------------------


@tenant_required()
def combined(request, pk):
    """The perspectives × alternatives table, the weights, the recommendation and the choice."""
    tenant = request.tenant
    assessment = selectors.get_assessment(tenant=tenant, pk=pk)
    editable = tenant.can_edit(Assessment) and tenant.owns(assessment) and not assessment.is_locked
    alternatives = tenant.scope(Alternative).filter(assessment=assessment).order_by("position", "pk")
    form = CombinedForm(request.POST or None, instance=assessment, alternatives=alternatives) if editable else None
    if request.method == "POST":
        if assessment.is_locked and tenant.can_edit(Assessment):
            return _locked_redirect(request, assessment)
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("revision", "chosen_alternative")}
            try:
                services.combined_update(tenant=tenant, assessment=assessment, data=data,
                                         chosen=form.cleaned_data["chosen_alternative"],
                                         revision=form.cleaned_data["revision"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The combined assessment was saved."))
                return redirect("placement:combined", pk=assessment.pk)
        # Show the table for what is stored, not for the unsaved input.
        assessment.refresh_from_db()
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    return render(request, "placement/combined.html", _context(
        request, assessment, result=result, form=form, reasons=documents.recommendation_reasons(result)))


@tenant_required(EDIT_PERM)
def decision(request, pk):
    """Record the decision; the assessment is locked afterwards."""
    tenant = request.tenant
    assessment = selectors.get_assessment(tenant=tenant, pk=pk, write=True)
    if assessment.is_locked:
        return _locked_redirect(request, assessment)
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    alternatives = tenant.scope(Alternative).filter(assessment=assessment).order_by("position", "pk")
    initial = {"body": assessment.deciding_body, "body_name": assessment.deciding_body_name,
               "registration_number": assessment.registration_number, "decided_on": timezone.localdate(),
               "alternative": result.chosen}
    form = DecisionForm(request.POST or None, initial=initial, alternatives=alternatives)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "alternative"}
        try:
            services.decision_record(tenant=tenant, assessment=assessment, data=data,
                                     alternative=form.cleaned_data["alternative"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The decision was recorded and the assessment is locked."))
            return redirect(assessment)
    return render(request, "placement/decision_form.html", _context(request, assessment, form=form, result=result))


@require_POST
@tenant_required(EDIT_PERM)
def new_version(request, pk):
    tenant = request.tenant
    assessment = selectors.get_assessment(tenant=tenant, pk=pk, write=True)
    try:
        with transaction.atomic():
            copy = services.assessment_new_version(tenant=tenant, assessment=assessment, today=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(assessment)
    messages.success(request, _("Version %(n)d was started from the decided assessment.") % {"n": copy.version_number})
    return redirect(copy)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document_file(tenant, *, pk, fmt: str) -> tuple[bytes, str, str]:
    """The decision document (tjänsteskrivelse) as DOCX or PDF (content, type, name); also run as a job."""
    assessment = selectors.get_assessment(tenant=tenant, pk=pk)
    doc = documents.build(tenant=tenant, assessment=assessment)
    if fmt == "pdf":
        return documents.render_pdf(doc), "application/pdf", shared_documents.filename(doc.filename, "pdf")
    return documents.render_docx(doc), DOCX_TYPE, shared_documents.filename(doc.filename, "docx")


def _document(request, pk, fmt: str):
    """A GET answers with the file; the page's button POSTs and a background job makes it."""
    if request.method == "POST":
        from jobs import services as jobs_services
        from jobs.models import Job

        assessment = selectors.get_assessment(tenant=request.tenant, pk=pk)
        job = jobs_services.start(
            tenant=request.tenant, kind=Job.Kind.PLACEMENT_DOCUMENT, params={"pk": assessment.pk, "fmt": fmt},
            title=_("Decision document for %(assessment)s (%(fmt)s)") % {"assessment": assessment, "fmt": fmt.upper()},
            return_url=reverse("placement:detail", args=[assessment.pk]))
        return redirect("jobs:job_detail", pk=job.pk)
    return _download(*document_file(request.tenant, pk=pk, fmt=fmt))


@tenant_required()
def document_docx(request, pk):
    return _document(request, pk, "docx")


@tenant_required()
def document_pdf(request, pk):
    return _document(request, pk, "pdf")
