from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import tenant_required
from core.forms import apply_errors, save_form
from core.tabular import XLSX_TYPE
from kpis import charts, importexport, selectors, services
from kpis.forms import DefinitionForm, ImportForm, ReportForm, VerdictForm
from kpis.models import KpiDefinition, KpiReport, KpiValue, KpiVerdict
from organisations.roles import Perm
from trail.selectors import record_history


def _is_supplier(tenant) -> bool:
    return tenant.can(Perm.SUPPLIER_REPORT) and tenant.customers().exists()


@tenant_required()
def definition_list(request):
    tenant = request.tenant
    page = Paginator(selectors.definition_list(tenant=tenant), 50).get_page(request.GET.get("page"))
    return render(request, "kpis/definition_list.html", {
        "page": page, "can_edit": tenant.can_edit(KpiDefinition) and _is_supplier(tenant)})


@tenant_required()
def definition_detail(request, pk):
    tenant = request.tenant
    definition = tenant.get(KpiDefinition, pk, queryset=selectors.definition_list(tenant=tenant))
    customer_ids = None if tenant.owns(definition) else {tenant.organisation.pk}
    series = selectors.trends(tenant=tenant, definition=definition, customer_ids=customer_ids)
    return render(request, "kpis/definition_detail.html", {
        "definition": definition,
        "series": series,
        "chart": charts.trend_svg(definition, series),
        "missing": selectors.missing(definitions=[definition], today=timezone.localdate(), customer_ids=customer_ids),
        "can_edit": tenant.owns(definition) and tenant.can_edit(KpiDefinition),
        "history": record_history(obj=definition)[:50] if tenant.owns(definition) else [],
    })


@tenant_required()
def definition_export(request, pk):
    tenant = request.tenant
    definition = tenant.get(KpiDefinition, pk)
    response = HttpResponse(importexport.export_xlsx(tenant=tenant, definitions=[definition]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kpi-{definition.pk}.xlsx"'
    return response


@tenant_required(Perm.SUPPLIER_REPORT)
def definition_edit(request, pk=None):
    tenant = request.tenant
    definition = tenant.get(KpiDefinition, pk, write=True) if pk else None
    if definition is None and not tenant.can_edit(KpiDefinition):
        raise PermissionDenied
    form = DefinitionForm(request.POST or None, instance=definition, tenant=tenant)
    saved = save_form(request, form, lambda data: services.definition_save(tenant=tenant, definition=definition,
                                                                           data=data),
                      success=_("The KPI was saved."))
    if saved:
        return redirect("kpis:definition_detail", pk=saved.result.pk)
    return render(request, "kpis/definition_form.html", {"form": form, "definition": definition})


@tenant_required()
def report_list(request):
    tenant = request.tenant
    today = timezone.localdate()
    supplier = _is_supplier(tenant)
    awaiting = request.GET.get("awaiting") == "1"
    if supplier:
        qs = selectors.report_list(tenant=tenant)
        missing = selectors.missing(definitions=list(tenant.editable(KpiDefinition).filter(active=True)
                                                     .prefetch_related("shared_with")), today=today)
    else:
        qs = selectors.addressed_reports(tenant=tenant, awaiting=awaiting)
        definitions = tenant.addressed_to_me(KpiDefinition).filter(active=True).prefetch_related("shared_with")
        missing = selectors.missing(definitions=list(definitions), today=today, customer_ids={tenant.organisation.pk})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "kpis/report_list.html", {
        "page": page, "supplier": supplier, "awaiting": awaiting,
        "not_delivered": [m for m in missing if m.overdue][:50],
        "due_soon": [m for m in missing if not m.overdue][:50],
        "can_report": supplier and tenant.can_edit(KpiReport),
    })


def _active_definitions(tenant):
    return tenant.editable(KpiDefinition).filter(active=True).order_by("period", "service", "name")


@tenant_required(Perm.SUPPLIER_REPORT)
def report_create(request):
    tenant = request.tenant
    if not tenant.can_edit(KpiReport):
        raise PermissionDenied
    form = ReportForm(request.POST or None, tenant=tenant, definitions=_active_definitions(tenant))

    def save(data):
        values = [services.ValueIn(d, data[f"value_{d.pk}"], data.get(f"comment_{d.pk}", ""))
                  for d in form.definitions if data.get(f"value_{d.pk}") is not None]
        return services.report_create(tenant=tenant, period_kind=data["period_kind"], period_start=data["period_start"],
                                      customers=data["customers"], values=values, comment=data["comment"])

    saved = save_form(request, form, save, success=_("The report was submitted."))
    if saved:
        return redirect("kpis:report_detail", pk=saved.result.pk)
    return render(request, "kpis/report_form.html", {"form": form})


@tenant_required(Perm.SUPPLIER_REPORT)
def report_import(request):
    tenant = request.tenant
    if not tenant.can_edit(KpiReport):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = importexport.values_import(tenant=tenant, file=form.cleaned_data["file"])
        except importexport.ImportFileError as exc:
            form.add_error("file", str(exc))
        except services.ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not result.errors:
                from django.contrib import messages

                messages.success(request, _("%(values)d values were imported in %(reports)d reports.")
                                 % {"values": result.values, "reports": result.reports})
                return redirect("kpis:report_list")
            errors = result.errors
    return render(request, "kpis/report_import.html", {"form": form, "errors": errors,
                                                        "columns": importexport.COLUMNS})


def _report_context(request, report, verdict_form=None):
    tenant = request.tenant
    mine = tenant.my_responses(KpiVerdict).filter(report=report).select_related("decided_by", "action").first()
    addressed = not tenant.owns(report)
    if verdict_form is None and addressed and tenant.can(Perm.SUPPLIER_FOLLOW_UP):
        verdict_form = VerdictForm(initial={"verdict": mine.verdict, "comment": mine.comment,
                                            "version": mine.version} if mine else None)
    corrected, corrects = selectors.report_corrections(tenant=tenant, report=report)
    corrected_kpis = {c.definition_id for c in corrected}
    return {
        "report": report,
        "values": selectors.report_values(tenant=tenant, report=report),
        "verdicts": tenant.scope(KpiVerdict).filter(report=report).select_related("organisation", "decided_by"),
        "mine": mine,
        "verdict_form": verdict_form if addressed else None,
        "corrected": corrected,
        "corrects": corrects,
        "corrected_kpis": corrected_kpis,
        # A municipality's own view: every one of its values was reported again.
        "fully_corrected": bool(corrected) and (tenant.owns(report) and report.superseded_by_id is not None
                                                or not tenant.owns(report) and corrected_kpis >= set(
                                                    KpiValue.objects.filter(report=report)
                                                    .values_list("definition_id", flat=True))),
        "addressees": report.shared_with.all() if tenant.owns(report) else [tenant.organisation],
        "history": record_history(obj=report)[:50] if tenant.owns(report) else [],
        "can_act": mine is not None and mine.verdict != "approved" and mine.action_id is None
        and tenant.can(Perm.ACTION_EDIT),
    }


@tenant_required()
def report_detail(request, pk):
    report = request.tenant.get(KpiReport, pk, queryset=KpiReport.objects.select_related(
        "organisation", "submitted_by", "superseded_by"))
    return render(request, "kpis/report_detail.html", _report_context(request, report))


@require_POST
@tenant_required(Perm.SUPPLIER_FOLLOW_UP)
def report_verdict(request, pk):
    tenant = request.tenant
    report = tenant.get(KpiReport, pk)
    if tenant.owns(report):
        raise PermissionDenied
    form = VerdictForm(request.POST)
    saved = save_form(request, form, lambda data: services.verdict_set(
        tenant=tenant, report=report, verdict=data["verdict"], comment=data["comment"], version=data.get("version")),
        success=_("Your verdict was saved."))
    if saved:
        return redirect("kpis:report_detail", pk=report.pk)
    return render(request, "kpis/report_detail.html", _report_context(request, report, form), status=422)


@require_POST
@tenant_required(Perm.SUPPLIER_FOLLOW_UP)
def verdict_action(request, pk):
    tenant = request.tenant
    verdict = tenant.get(KpiVerdict, pk, write=True)
    try:
        services.verdict_to_action(tenant=tenant, verdict=verdict)
    except services.ValidationError as exc:
        from django.contrib import messages

        messages.error(request, " ".join(exc.messages))
    else:
        from django.contrib import messages

        messages.success(request, _("The remarks were added to your action plan."))
    return redirect("kpis:report_detail", pk=verdict.report_id)


@tenant_required()
def followup(request):
    """The municipality's follow-up of its suppliers: trends, missed targets, periods not delivered."""
    tenant = request.tenant
    today = timezone.localdate()
    me = {tenant.organisation.pk}
    definitions = list(tenant.addressed_to_me(KpiDefinition).select_related("organisation")
                       .prefetch_related("shared_with").order_by("organisation__name", "service", "name")[:60])
    missing = selectors.missing(definitions=definitions, today=today, customer_ids=me)
    blocks = []
    # Every trend value of the KPIs shown in one query (not two per KPI).
    all_series = selectors.trends_of(tenant=tenant, definitions=definitions, customer_ids=me)
    for d in definitions:
        series = all_series.get(d.pk, {})
        points = [p for ps in series.values() for p in ps]
        blocks.append({"definition": d, "chart": charts.trend_svg(d, series),
                       "missed": [p for p in points if not p.met], "latest": points[-1] if points else None})
    return render(request, "kpis/followup.html", {
        "blocks": blocks, "not_delivered": [m for m in missing if m.overdue]})
