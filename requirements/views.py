from dataclasses import fields

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import Action
from core.decorators import tenant_required
from core.forms import apply_errors
from organisations.roles import Perm
from requirements import exports, rules, selectors, services
from requirements.forms import (
    ApplicabilityForm,
    CatalogueFilterForm,
    GenerateForm,
    RequirementForm,
    RequirementStatusForm,
    SoaFilterForm,
    StatusActionForm,
    SystemRequirementFilterForm,
)
from requirements.models import ATTRIBUTE_SETS, ApplicabilityStatement, Control, Requirement, RequirementStatus
from trail.selectors import history_for


def _filters(form, cls):
    """The dataclass `cls` filled from a valid filter form's non-empty values."""
    data = form.cleaned_data if form.is_valid() else {}
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names and v})


def _query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _is_htmx(request) -> bool:
    return bool(request.headers.get("HX-Request"))


def _req_form(request) -> str:
    value = request.POST.get("form") or request.GET.get("form")
    return value if value in ("is", "shall") else "is"


@tenant_required()
def catalogue(request):
    """The requirement catalogue with the organisation's own additions, 50 a page."""
    tenant = request.tenant
    form = CatalogueFilterForm(request.GET or None, controls=Control.objects.order_by("sort_key"))
    qs = selectors.catalogue_list(tenant=tenant, filters=_filters(form, selectors.CatalogueFilters))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without(request, "page"),
               "can_edit": tenant.can_edit(Requirement)}
    template = "requirements/catalogue.html#results" if _is_htmx(request) else "requirements/catalogue.html"
    return render(request, template, context)


@tenant_required(Perm.REQUIREMENT_EDIT)
def requirement_edit(request, pk=None):
    """Add or change one of the organisation's own requirements."""
    tenant = request.tenant
    requirement = tenant.get(Requirement, pk, write=True) if pk else None
    if requirement is None:
        tenant.new(Requirement)  # permission check: only roles that may add requirements get the form
    initial = RequirementForm.initial_for(requirement) if requirement else None
    form = RequirementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if requirement:
                services.requirement_update(tenant=tenant, requirement=requirement, data=form.cleaned_data)
            else:
                services.requirement_create(tenant=tenant, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The requirement was saved."))
            return redirect(reverse("requirements:catalogue") + "?origin=own")
    return render(request, "requirements/requirement_form.html", {
        "form": form, "requirement": requirement, "history": history_for(tenant=tenant, obj=requirement)})


@tenant_required()
def system_requirements(request, pk):
    """A system's requirements, derived from its protection need, with their statuses."""
    tenant = request.tenant
    system = selectors.own_system(tenant=tenant, pk=pk)
    form = SystemRequirementFilterForm(request.GET or None, initial={"form": "is"})
    report = selectors.system_requirements(tenant=tenant, system=system,
                                           filters=_filters(form, selectors.SystemFilters))
    context = {
        "system": system, "report": report, "form": form, "req_form": _req_form(request),
        "can_edit": tenant.can_edit(RequirementStatus), "can_act": _can_act(tenant),
        "can_edit_actions": tenant.can_edit(Action), "query": _query_without(request, "part"),
        "aspects": rules.ASPECTS,
    }
    template = "requirements/system_requirements.html"
    if _is_htmx(request):
        template += "#summary" if request.GET.get("part") == "summary" else "#results"
    return render(request, template, context)


def _can_act(tenant) -> bool:
    """May create actions from assessments: edits both the assessments and the action plan."""
    return tenant.can_edit(RequirementStatus) and tenant.can_edit(Action)


def _status_initial(status: RequirementStatus | None) -> dict:
    if status is None:
        return {}
    return {"status": status.status, "reason": status.reason, "evidence": status.evidence, "link": status.link,
            "override_reason": status.override_reason, "version": status.version}


@tenant_required(Perm.REQUIREMENT_EDIT)
def status_edit(request, pk, requirement_pk):
    """Assess one requirement of a system: inline (htmx, one table row) or as a page."""
    tenant = request.tenant
    system = selectors.own_system(tenant=tenant, pk=pk)
    row = selectors.requirement_row(tenant=tenant, system=system, requirement_pk=requirement_pk)
    context = {"system": system, "row": row, "req_form": _req_form(request), "can_edit": True,
               "can_act": _can_act(tenant), "can_edit_actions": tenant.can_edit(Action)}
    if request.method == "GET" and request.GET.get("cancel"):
        return render(request, "requirements/status_row.html#display", context)
    form = RequirementStatusForm(request.POST or None, request.FILES or None, initial=_status_initial(row.status),
                                 derived=row.derived)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.requirement_status_set(
                tenant=tenant, system=system, requirement=row.requirement, data=data, version=data.get("version"),
                evidence_file=data.get("evidence_file"), remove_file=data.get("remove_file"),
            )
        except services.VersionConflict as exc:
            form.add_error(None, str(exc) + " " + _("Your entries are kept below; check them and save again."))
            form.data = form.data.copy()
            form.data["version"] = exc.current.version
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if _is_htmx(request):
                context["row"] = selectors.requirement_row(tenant=tenant, system=system, requirement_pk=requirement_pk)
                response = render(request, "requirements/status_row.html#display", context)
                response["HX-Trigger"] = "requirements-changed"  # the summary reloads itself
                return response
            messages.success(request, _("The assessment was saved."))
            return redirect(reverse("requirements:system_requirements", args=[system.pk]) + f"?form={context['req_form']}")
    context["form"] = form
    if _is_htmx(request):
        return render(request, "requirements/status_row.html#edit", context)
    context["history"] = history_for(tenant=tenant, obj=row.status)
    return render(request, "requirements/status_form.html", context)


@tenant_required(Perm.REQUIREMENT_EDIT)
def status_action(request, pk, requirement_pk):
    """Put a requirement the system does not (fully) meet into the action plan, with owner and due date."""
    tenant = request.tenant
    system = selectors.own_system(tenant=tenant, pk=pk)
    tenant.require(Perm.ACTION_EDIT)
    row = selectors.requirement_row(tenant=tenant, system=system, requirement_pk=requirement_pk)
    req_form = _req_form(request)
    back = reverse("requirements:system_requirements", args=[system.pk]) + f"?form={req_form}#req-{row.requirement.pk}"
    refusal = services.action_refusal(row.status, row.actions, row.derived)
    initial = {"title": services.action_title(row.requirement, system), "description": row.requirement.text_is}
    form = StatusActionForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.requirement_action_create(tenant=tenant, system=system, requirement=row.requirement,
                                               **form.cleaned_data)
        except services.AssessmentConflict as exc:
            # Someone else changed the assessment or added an action meanwhile.
            refusal = str(exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The action was added to the action plan."))
            return redirect(back)
    return render(request, "requirements/status_action_form.html", {
        "system": system, "row": row, "form": form, "refusal": refusal, "back": back, "req_form": req_form,
    })


@tenant_required()
def evidence_file(request, pk):
    """Download an evidence file; always as an attachment, never shown in the browser."""
    return evidence_file_response(request.tenant.get(RequirementStatus, pk))


def evidence_file_response(status: RequirementStatus | None) -> FileResponse:
    """The assessment's evidence file as an attachment (pages and API); 404 when there is none."""
    if status is None or not status.evidence_file:
        raise Http404
    try:
        handle = status.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=status.file_name)


def requirement_export_file(tenant, *, pk, query: str, fmt: str) -> tuple[bytes, str, str]:
    """The requirement list file (content, type, name) for the page's query string; also run as a job."""
    params = QueryDict(query)
    system = selectors.own_system(tenant=tenant, pk=pk)
    form = SystemRequirementFilterForm(params or None)
    report = selectors.system_requirements(tenant=tenant, system=system,
                                           filters=_filters(form, selectors.SystemFilters))
    req_form = "is" if params.get("form") == "is" else "shall"
    build, content_type = (exports.system_docx, exports.DOCX_TYPE) if fmt == "docx" else (exports.system_xlsx, exports.XLSX_TYPE)
    today = selectors.today()
    language = "en" if params.get("lang") == "en" else "sv"
    return (build(report, form=req_form, language=language, today=today), content_type,
            exports.filename(report, req_form, fmt, today, language))


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _start_export_job(request, *, kind: str, title: str, params: dict, return_url: str):
    from jobs import services as jobs_services

    job = jobs_services.start(tenant=request.tenant, kind=kind, title=title, return_url=return_url,
                              params={**params, "query": request.META.get("QUERY_STRING", "")})
    return redirect("jobs:job_detail", pk=job.pk)


@tenant_required()
def system_export(request, pk, fmt):
    """The system's requirement list as XLSX or DOCX; the SKA form (for procurement) by default.

    The page's buttons POST: the file is then made by a background job and the member is sent
    to the job's page. A plain GET (a bookmarked link) still answers with the file at once.
    """
    tenant = request.tenant
    if request.method == "POST":
        system = selectors.own_system(tenant=tenant, pk=pk)
        from jobs.models import Job

        return _start_export_job(
            request, kind=Job.Kind.REQUIREMENT_EXPORT, params={"pk": system.pk, "fmt": fmt},
            title=_("Requirement list for %(system)s (%(fmt)s)") % {"system": system.name, "fmt": fmt.upper()},
            return_url=reverse("requirements:system_requirements", args=[system.pk]))
    return _download(*requirement_export_file(tenant, pk=pk, query=request.META.get("QUERY_STRING", ""), fmt=fmt))


def _soa_context(request):
    tenant = request.tenant
    form = SoaFilterForm(request.GET or None)
    rows = selectors.soa_rows(tenant=tenant)
    pairs = [(row.control, row.statement, row.implementation) for row in rows]
    return {
        "form": form, "rows": selectors.soa_filtered(rows, _filters(form, selectors.SoaFilters)),
        "counts": rules.soa_counts(pairs), "by_attribute": rules.summarise_controls_by_attribute(pairs, ATTRIBUTE_SETS),
        "can_edit": tenant.can_edit(ApplicabilityStatement),
        "undecided": sum(1 for row in rows if row.statement is None), "generate_form": GenerateForm(),
        "query": _query_without(request),
    }


@tenant_required()
def soa(request):
    """The statement of applicability: all 93 controls, filterable by the ISO/IEC 27002 attributes."""
    template = "requirements/soa.html#results" if _is_htmx(request) else "requirements/soa.html"
    return render(request, template, _soa_context(request))


@tenant_required(Perm.REQUIREMENT_EDIT)
@require_POST
def soa_generate(request):
    """Create the missing rows of the statement of applicability."""
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was created: the request was incomplete."))
        return redirect("requirements:soa")
    try:
        created = services.applicability_generate(tenant=request.tenant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d controls were added to the statement of applicability.") % {"n": created})
    return redirect("requirements:soa")


@tenant_required(Perm.REQUIREMENT_EDIT)
def soa_edit(request, pk):
    """Decide one control (pk: the control's id): inline (htmx, one table row) or as a page."""
    tenant = request.tenant
    row = selectors.soa_row(tenant=tenant, control_pk=pk)
    context = {"row": row, "can_edit": True}
    if request.method == "GET" and request.GET.get("cancel"):
        return render(request, "requirements/soa_row.html#display", context)
    statement = row.statement
    initial = ({"applicable": statement.applicable, "reason": statement.reason, "implementation": row.implementation,
                "implementation_override_reason": statement.implementation_override_reason,
                "note": statement.note} if statement else {"applicable": row.suggested_applicable,
                                                           "implementation": row.implementation})
    form = ApplicabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicability_set(tenant=tenant, control=row.control, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if _is_htmx(request):
                context["row"] = selectors.soa_row(tenant=tenant, control_pk=pk)
                return render(request, "requirements/soa_row.html#display", context)
            messages.success(request, _("The statement of applicability was saved."))
            return redirect("requirements:soa")
    context["form"] = form
    if _is_htmx(request):
        return render(request, "requirements/soa_row.html#edit", context)
    context["history"] = history_for(tenant=tenant, obj=statement)
    return render(request, "requirements/soa_form.html", context)


def soa_export_file(tenant, *, query: str) -> tuple[bytes, str, str]:
    """The statement of applicability as an XLSX file (content, type, name); also run as a job."""
    language = "en" if QueryDict(query).get("lang") == "en" else "sv"
    today = selectors.today()
    content = exports.soa_xlsx(selectors.soa_rows(tenant=tenant), organisation_name=tenant.organisation.name,
                               language=language, today=today)
    return content, exports.XLSX_TYPE, exports.soa_filename(tenant.organisation.name, today, language)


@tenant_required()
def soa_export(request):
    """The statement of applicability as XLSX (POST from the page: as a background job)."""
    if request.method == "POST":
        from jobs.models import Job

        return _start_export_job(request, kind=Job.Kind.SOA_EXPORT, params={},
                                 title=_("Statement of applicability (XLSX)"), return_url=reverse("requirements:soa"))
    return _download(*soa_export_file(request.tenant, query=request.META.get("QUERY_STRING", "")))
