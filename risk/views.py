from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import Action
from core.decorators import tenant_required
from core.forms import apply_errors, save_form
from core.tabular import XLSX_TYPE
from organisations.roles import Perm
from risk import heatmap, importexport, rules, selectors, services
from risk.forms import (
    AcceptForm,
    ImportForm,
    MappingForm,
    MatrixForm,
    RiskFilterForm,
    RiskForm,
    SessionForm,
    ThreatForm,
    TreatmentForm,
)
from inventory.models import System
from risk import deciders
from risk.models import Risk, RiskMatrix, RiskSession, Threat, Treatment
from trail.selectors import history_for, record_history

PAGE_SIZE = 50


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _owner_choices(tenant) -> list[tuple[int, str]]:
    return list(tenant.users().values_list("pk", "email"))


def _filters(form: RiskFilterForm) -> selectors.RiskFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.RiskFilters(**{k: v for k, v in data.items() if v not in (None, "", False)})


@tenant_required()
def risk_list(request):
    """The register: filters (also a heat-map cell), sorting, 50 a page; htmx asks for the rows only."""
    tenant = request.tenant
    matrix = selectors.matrix_for(tenant)
    form = RiskFilterForm(request.GET or None, owners=_owner_choices(tenant))
    filters = _filters(form)
    page = Paginator(selectors.risk_list(tenant=tenant, filters=filters, matrix=matrix), PAGE_SIZE).get_page(
        request.GET.get("page"))
    cell = None
    if filters.l and filters.c:
        scale_l, scale_c = matrix.likelihood_scale(), matrix.consequence_scale()
        if filters.l <= len(scale_l) and filters.c <= len(scale_c):
            cell = {"likelihood": scale_l[filters.l - 1], "consequence": scale_c[filters.c - 1],
                    "kind": _("residual risk") if filters.kind == "residual" else _("inherent risk")}
    # A link from a system's page filters by its id; say which system that is.
    filtered_system = tenant.scope(System).filter(pk=filters.system).values_list("name", flat=True).first() \
        if filters.system else None
    context = {
        "form": form, "page": page, "risks": selectors.with_levels(list(page), matrix), "matrix": matrix, "cell": cell,
        "filtered_system": filtered_system,
        "can_edit": tenant.can_edit(Risk), "query": _query_without_page(request),
    }
    template = "risk/risk_list.html#results" if request.headers.get("HX-Request") else "risk/risk_list.html"
    return render(request, template, context)


@tenant_required()
def risk_export(request):
    """The register as shown (same filters) as an Excel workbook."""
    tenant = request.tenant
    form = RiskFilterForm(request.GET or None, owners=_owner_choices(tenant))
    content = importexport.export_xlsx(tenant=tenant, filters=_filters(form))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{importexport.export_filename(tenant)}"'
    return response


@tenant_required(Perm.RISK_EDIT)
def risk_import(request):
    """Upload a workbook; all rows are saved, or none with the errors listed per row and column."""
    tenant = request.tenant
    if not tenant.can_edit(Risk):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        # The rows are read and saved by a background job (jobs/); only size and type are
        # checked here, so that the form can show them.
        from jobs import services as jobs_services
        from jobs.models import Job

        upload = form.cleaned_data["file"]
        try:
            jobs_services.precheck_upload(upload)
        except importexport.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            job = jobs_services.start(tenant=tenant, kind=Job.Kind.RISK_IMPORT, upload=upload,
                                      title=_("Import of risks from %(file)s") % {"file": upload.name},
                                      return_url=reverse("risk:risk_list"))
            return redirect("jobs:job_detail", pk=job.pk)
    return render(request, "risk/risk_import.html", {"form": form, "result": result})


@tenant_required()
def risk_overview(request):
    """Heat maps of inherent and residual risk with the register's key figures."""
    tenant = request.tenant
    matrix = selectors.matrix_for(tenant)
    maps = [heatmap.build(matrix, selectors.heatmap_counts(tenant=tenant, kind=kind), kind)
            for kind in ("inherent", "residual")]
    return render(request, "risk/overview.html", {
        "maps": maps, "figures": selectors.risk_overview(tenant=tenant), "matrix": matrix,
        "levels": _legend(matrix), "can_edit": tenant.can_edit(Risk),
    })


def _legend(matrix: RiskMatrix) -> list[tuple[str, str, str]]:
    """(level, label, score range) for the heat map's legend."""
    result = []
    for level, label in rules.Level.choices:
        low, high = rules.score_range(level, matrix.thresholds, matrix.max_score)
        result.append((level, label, f"{low}–{high}" if low != high else str(low)))
    return result


def _treatment_actions(treatments: list[Treatment]) -> dict[int, list[Action]]:
    """The actions of the risk's treatments, in one query for all of them."""
    if not treatments:
        return {}
    content_type = ContentType.objects.get_for_model(Treatment)
    by_treatment: dict[int, list[Action]] = {t.pk: [] for t in treatments}
    for action in (Action.objects.filter(source_type=content_type, source_id__in=[str(t.pk) for t in treatments])
                   .select_related("owner").order_by("due_date", "pk")):
        by_treatment[int(action.source_id)].append(action)
    return by_treatment


@tenant_required()
def risk_detail(request, pk):
    tenant = request.tenant
    risk = selectors.risk_detail(tenant=tenant, pk=pk)
    matrix = selectors.matrix_for(tenant)
    selectors.with_levels([risk], matrix)
    treatments = list(risk.treatments.all())
    actions = _treatment_actions(treatments)
    for treatment in treatments:
        treatment.plan_actions = actions.get(treatment.pk, [])
    can_edit = tenant.can_edit(Risk) and tenant.owns(risk)
    privileged = rules.needs_privileged_acceptance(matrix, risk.residual_likelihood, risk.residual_consequence)
    refusal = deciders.acceptance_refusal(tenant, risk, matrix) if can_edit else None
    context = {
        "risk": risk, "matrix": matrix, "treatments": treatments, "can_edit": can_edit,
        "assessments": _assessments(risk, matrix),
        "likelihood_scale": matrix.likelihood_scale(), "consequence_scale": matrix.consequence_scale(),
        "privileged": privileged,
        "can_accept": can_edit and risk.residual_score is not None and refusal is None,
        "acceptance_refusal": refusal if can_edit and risk.residual_score is not None else None,
        "acceptance_lapsed": risk.acceptance_lapsed(timezone.localdate()),
        "history": record_history(obj=risk)[:50],
        "today": timezone.localdate(),
    }
    return render(request, "risk/risk_detail.html", context)


def _assessments(risk: Risk, matrix: RiskMatrix) -> list[dict]:
    """The inherent and residual assessment with the matrix's labels, for the risk's page."""
    scale_l, scale_c = matrix.likelihood_scale(), matrix.consequence_scale()
    result = []
    for kind, title in (("inherent", _("Before treatment (inherent risk)")), ("residual", _("Residual risk"))):
        likelihood, consequence = getattr(risk, f"{kind}_likelihood"), getattr(risk, f"{kind}_consequence")
        result.append({
            "kind": kind, "title": title, "likelihood": likelihood, "consequence": consequence,
            "likelihood_label": scale_l[likelihood - 1] if likelihood and likelihood <= len(scale_l) else "",
            "consequence_label": scale_c[consequence - 1] if consequence and consequence <= len(scale_c) else "",
            "score": rules.score(likelihood, consequence),
            "level": getattr(risk, f"{kind}_level"), "level_label": getattr(risk, f"{kind}_level_label"),
        })
    return result


def _level_of(matrix: RiskMatrix, likelihood, consequence) -> dict:
    """The level a likelihood and consequence come to in the matrix, as level.html shows it; the
    same computation the register's levels come from (RiskMatrix.level)."""
    sizes = {"likelihood": matrix.likelihood_size, "consequence": matrix.consequence_size}
    steps = {}
    for axis, value in (("likelihood", likelihood), ("consequence", consequence)):
        try:
            step = int(value)
        except (TypeError, ValueError):
            step = None
        steps[axis] = step if step is not None and 1 <= step <= sizes[axis] else None
    level = matrix.level(steps["likelihood"], steps["consequence"])
    return {"level": level, "label": rules.Level(level).label if level else "",
            "score": rules.score(steps["likelihood"], steps["consequence"])}


def _risk_form_response(request, form, risk, matrix, conflict=None):
    levels = {kind: _level_of(matrix, form[f"{kind}_likelihood"].value(), form[f"{kind}_consequence"].value())
              for kind in ("inherent", "residual")}
    return render(request, "risk/risk_form.html",
                  {"form": form, "risk": risk, "conflict": conflict, "levels": levels})


@tenant_required(Perm.RISK_EDIT)
def level_preview(request):
    """The level fragment for the risk form while likelihood and consequence are chosen."""
    kind = request.GET.get("kind") if request.GET.get("kind") in ("inherent", "residual") else "inherent"
    matrix = selectors.matrix_for(request.tenant)
    level = _level_of(matrix, request.GET.get(f"{kind}_likelihood"), request.GET.get(f"{kind}_consequence"))
    return render(request, "risk/includes/level.html", level)


@tenant_required(Perm.RISK_EDIT)
def risk_create(request):
    tenant = request.tenant
    tenant.new(Risk)  # 403 for a role that may not add risks here
    matrix = selectors.matrix_for(tenant)
    initial = {"session": request.GET.get("session")} if request.GET.get("session", "").isdigit() else {}
    form = RiskForm(request.POST or None, tenant=tenant, matrix=matrix, initial=initial)
    saved = save_form(request, form, lambda data: services.risk_create(tenant=tenant, data=data),
                   success=_("The risk was added to the register."))
    if saved:
        return redirect("risk:risk_detail", pk=saved.result.pk)
    return _risk_form_response(request, form, None, matrix)


@tenant_required(Perm.RISK_EDIT)
def risk_edit(request, pk):
    tenant = request.tenant
    risk = tenant.get(Risk, pk, write=True)
    matrix = selectors.matrix_for(tenant)
    form = RiskForm(request.POST or None, instance=risk, tenant=tenant, matrix=matrix, initial={"version": risk.version})
    outcome = save_form(request, form, lambda data: services.risk_update(
        tenant=tenant, risk=risk, data=data, version=data.get("version") or 0), success=_("The changes were saved."))
    if outcome:
        return redirect("risk:risk_detail", pk=risk.pk)
    return _risk_form_response(request, form, risk, matrix, outcome.conflict)


@tenant_required(Perm.RISK_EDIT)
def risk_accept(request, pk):
    """Accept the residual risk until a date, with a justification (above the acceptance level: the
    risk's or a linked system's owner, or an administrator). Treatments not started ask to confirm."""
    tenant = request.tenant
    risk = tenant.get(Risk, pk, write=True)
    matrix = selectors.matrix_for(tenant)
    refusal = deciders.acceptance_refusal(tenant, risk, matrix)
    if refusal:
        raise PermissionDenied(refusal)
    privileged = rules.needs_privileged_acceptance(matrix, risk.residual_likelihood, risk.residual_consequence)
    form = AcceptForm(request.POST or None, initial={
        "version": risk.version, "accepted_until": services.default_accepted_until()})
    not_started = []
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_accept(tenant=tenant, risk=risk, justification=form.cleaned_data["justification"],
                                 version=form.cleaned_data["version"],
                                 accepted_until=form.cleaned_data["accepted_until"],
                                 confirm=form.cleaned_data["confirm"])
        except services.VersionConflict as exc:
            form.add_error(None, str(exc))
        except services.TreatmentsNotStarted as exc:
            # The confirmation step: the same form again, saying which treatments wait.
            not_started = exc.treatments
            data = request.POST.copy()
            data["confirm"] = "on"
            form = AcceptForm(data)
            form.is_valid()
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The residual risk was accepted."))
            return redirect("risk:risk_detail", pk=risk.pk)
    selectors.with_levels([risk], matrix)
    return render(request, "risk/risk_accept.html", {
        "form": form, "risk": risk, "privileged": privileged, "not_started": not_started})


@tenant_required(Perm.RISK_EDIT)
def treatment_create(request, pk):
    tenant = request.tenant
    risk = tenant.get(Risk, pk, write=True)
    form = TreatmentForm(request.POST or None, tenant=tenant, initial={"owner": risk.owner_id})
    if save_form(request, form, lambda data: services.treatment_add(tenant=tenant, risk=risk, data=data),
              success=_("The treatment was added; it is now in the action plan.")):
        return redirect("risk:risk_detail", pk=risk.pk)
    return render(request, "risk/treatment_form.html", {"form": form, "risk": risk, "treatment": None})


@tenant_required(Perm.RISK_EDIT)
def treatment_edit(request, pk):
    tenant = request.tenant
    treatment = tenant.get(Treatment, pk, write=True, queryset=Treatment.objects.select_related("risk"))
    form = TreatmentForm(request.POST or None, instance=treatment, tenant=tenant)
    if save_form(request, form, lambda data: services.treatment_update(tenant=tenant, treatment=treatment, data=data),
              success=_("The treatment was saved.")):
        return redirect("risk:risk_detail", pk=treatment.risk_id)
    return render(request, "risk/treatment_form.html", {
        "form": form, "risk": treatment.risk, "treatment": treatment, "history": record_history(obj=treatment)[:50]})


@tenant_required()
def session_list(request):
    tenant = request.tenant
    page = Paginator(selectors.session_list(tenant=tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "risk/session_list.html", {"page": page, "can_edit": tenant.can_edit(RiskSession)})


@tenant_required()
def session_detail(request, pk):
    tenant = request.tenant
    session = selectors.session_detail(tenant=tenant, pk=pk)
    matrix = selectors.matrix_for(tenant)
    risks = selectors.with_levels(list(tenant.scope(Risk).filter(session=session).select_related("owner")
                              .order_by("-residual_score", "title", "pk")[:100]), matrix)
    return render(request, "risk/session_detail.html", {
        "session": session, "risks": risks,
        "can_edit": tenant.can_edit(RiskSession) and tenant.owns(session), "history": record_history(obj=session)[:50],
    })


@tenant_required(Perm.RISK_EDIT)
def session_edit(request, pk=None):
    tenant = request.tenant
    session = tenant.get(RiskSession, pk, write=True) if pk else tenant.new(RiskSession)
    form = SessionForm(request.POST or None, instance=session, tenant=tenant)
    saved = save_form(request, form, lambda data: services.session_save(tenant=tenant, session=session if pk else None,
                                                                     data=data),
                   success=_("The session was saved."))
    if saved:
        return redirect("risk:session_detail", pk=saved.result.pk)
    return render(request, "risk/session_form.html", {"form": form, "session": session if pk else None})


@tenant_required()
def threat_list(request):
    tenant = request.tenant
    page = Paginator(selectors.threat_list(tenant=tenant), 100).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_risk_counts(tenant=tenant, threats=page.object_list)
    return render(request, "risk/threat_list.html", {"page": page, "can_edit": tenant.can_edit(Threat)})


@tenant_required(Perm.RISK_EDIT)
def threat_edit(request, pk=None):
    """Add or change one of the organisation's own threats; the shared catalogue is read-only."""
    tenant = request.tenant
    threat = tenant.get(Threat, pk, write=True) if pk else None
    form = ThreatForm(request.POST or None, instance=threat)
    if save_form(request, form, lambda data: services.threat_save(tenant=tenant, threat=threat, data=data),
              success=_("The threat was saved.")):
        return redirect("risk:threat_list")
    return render(request, "risk/threat_form.html", {
        "form": form, "threat": threat, "history": history_for(tenant=tenant, obj=threat)})


def _matrix_initial(matrix: RiskMatrix) -> dict:
    return {"version": matrix.version, "likelihood_size": matrix.likelihood_size,
            "consequence_size": matrix.consequence_size, "medium_from": matrix.medium_from,
            "high_from": matrix.high_from, "very_high_from": matrix.very_high_from,
            "acceptance_level": matrix.acceptance_level}


@tenant_required(Perm.RISK_CONFIGURE)
def matrix_settings(request):
    """The matrix; a new scale size while risks exist leads to the mapping confirmation page."""
    tenant = request.tenant
    if not tenant.can_edit(RiskMatrix):
        raise PermissionDenied
    matrix = selectors.matrix_for(tenant)
    form = MatrixForm(request.POST or None, matrix=matrix, initial=_matrix_initial(matrix))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        new_sizes = {"likelihood": data["likelihood_size"], "consequence": data["consequence_size"]}
        suggestion = _suggestion(matrix, new_sizes)
        mapping_form = None
        if request.POST.get("confirm_mapping"):
            mapping_form = MappingForm(request.POST, old=matrix, new_sizes=new_sizes, suggestion=suggestion)
            if not mapping_form.is_valid():
                return _mapping_page(request, form, mapping_form, matrix)
        try:
            services.matrix_update(
                tenant=tenant, data=data, version=form.cleaned_data["version"],
                likelihood_mapping=mapping_form.mapping("likelihood") if mapping_form else None,
                consequence_mapping=mapping_form.mapping("consequence") if mapping_form else None)
        except services.MappingRequired:
            return _mapping_page(request, form, MappingForm(old=matrix, new_sizes=new_sizes, suggestion=suggestion),
                                 matrix)
        except services.VersionConflict as exc:
            form.add_error(None, str(exc) + " " + _("Reload the page to see the saved settings."))
        except ValidationError as exc:
            if mapping_form is not None and any(k.endswith("_mapping") for k in getattr(exc, "message_dict", {})):
                apply_errors(mapping_form, exc)
                return _mapping_page(request, form, mapping_form, matrix)
            apply_errors(form, exc)
        else:
            messages.success(request, _("The risk matrix was saved."))
            return redirect("risk:matrix_settings")
    return render(request, "risk/matrix_form.html", {
        "form": form, "matrix": matrix, "legend": _legend(matrix),
        "likelihood_labels": form.label_fields("likelihood"), "consequence_labels": form.label_fields("consequence"),
        "history": history_for(tenant=tenant, obj=matrix),
    })


def _suggestion(matrix: RiskMatrix, new_sizes: dict[str, int]) -> dict[str, dict[int, int] | None]:
    return {axis: (rules.suggest_mapping(getattr(matrix, f"{axis}_size"), size)
                   if getattr(matrix, f"{axis}_size") != size else None) for axis, size in new_sizes.items()}


def _mapping_page(request, form: MatrixForm, mapping_form: MappingForm, matrix: RiskMatrix):
    return render(request, "risk/matrix_mapping.html", {
        "form": form, "mapping_form": mapping_form, "matrix": matrix,
        "risk_count": request.tenant.editable(Risk).count(),
    })
