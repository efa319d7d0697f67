from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import tenant_required
from core.forms import apply_errors, save_form
from organisations.models import Unit
from organisations.roles import Perm, Role
from privacy import exports, overview as overview_data, rules, selectors, services
from privacy.forms import (
    ActivityFilterForm,
    ActivityForm,
    AdviceForm,
    AgreementForm,
    AuditForm,
    DecisionForm,
    DpiaForm,
    NewRiskForm,
    ProcessorRecordForm,
    SubProcessorForm,
    TransferForm,
)
from privacy.models import (
    ActivityTransfer,
    DpiaStatus,
    Dpia,
    ProcessingActivity,
    ProcessorAgreement,
    ProcessorRecord,
)
from suppliers.models import Supplier
from trail.selectors import record_history


def _form_page(request, form, *, title, cancel, multipart=False):
    return render(request, "privacy/form.html", {"form": form, "title": title, "cancel": cancel,
                                                 "multipart": multipart})


# --- The record of processing --------------------------------------------------------------------


@tenant_required()
def activity_list(request):
    tenant = request.tenant
    filters = ActivityFilterForm(request.GET or None, tenant=tenant)
    data = filters.cleaned_data if filters.is_valid() else {}
    controller = data.get("controller")
    today = timezone.localdate()
    qs = selectors.activity_list(tenant=tenant, q=data.get("q", ""), controller=controller.pk if controller else None,
                                 status=data.get("status", ""), due=data.get("due", False), today=today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    selectors.attach_controllers(list(page))
    context = {"page": page, "filters": filters, "today": today, "controller": controller,
               "can_edit": tenant.can_edit(ProcessingActivity)}
    if request.headers.get("HX-Request"):
        return render(request, "privacy/activity_list.html#results", context)
    return render(request, "privacy/activity_list.html", context)


def _activity(tenant, pk):
    return tenant.get(ProcessingActivity, pk, queryset=ProcessingActivity.objects.select_related("owner"))


@tenant_required()
def activity_detail(request, pk):
    tenant = request.tenant
    activity = _activity(tenant, pk)
    today = timezone.localdate()
    transfers = [(t, rules.judge(t.country, today, dpf_certified=t.dpf_certified, scc_signed=t.scc_signed,
                                 tia_done=t.tia_done)) for t in activity.transfers.order_by("country", "pk")]
    return render(request, "privacy/activity_detail.html", {
        "activity": activity,
        "problems": rules.problems_of(activity),
        "controllers": activity.controllers.order_by("name"),
        "systems": exports.system_measures(tenant=tenant, activity=activity),
        "information_types": activity.information_types.order_by("name"),
        "processors": activity.processors.order_by("name"),
        "transfers": transfers,
        "dpias": tenant.scope(Dpia).filter(activity=activity).order_by("-created_at"),
        "can_edit": tenant.can_edit(ProcessingActivity) and tenant.owns(activity),
        "history": record_history(obj=activity)[:50],
    })


@tenant_required(Perm.PRIVACY_EDIT)
def activity_edit(request, pk=None):
    tenant = request.tenant
    activity = tenant.get(ProcessingActivity, pk, write=True) if pk else None
    form = ActivityForm(request.POST or None, instance=activity, tenant=tenant)
    saved = save_form(request, form, lambda data: services.activity_save(tenant=tenant, activity=activity, data=data),
                      success=_("The processing activity was saved."))
    if saved:
        return redirect("privacy:activity_detail", pk=saved.result.pk)
    return _form_page(request, form, title=activity.name if activity else _("New processing activity"),
                      cancel=activity.get_absolute_url() if activity else "/privacy/")


@require_POST
@tenant_required(Perm.PRIVACY_EDIT)
def activity_delete(request, pk):
    tenant = request.tenant
    services.activity_delete(tenant=tenant, activity=tenant.get(ProcessingActivity, pk, write=True))
    messages.success(request, _("The processing activity was deleted."))
    return redirect("privacy:activity_list")


@tenant_required(Perm.PRIVACY_EDIT)
def transfer_create(request, pk):
    tenant = request.tenant
    activity = tenant.get(ProcessingActivity, pk, write=True)
    form = TransferForm(request.POST or None)
    saved = save_form(request, form, lambda data: services.transfer_add(tenant=tenant, activity=activity, data=data),
                      success=_("The transfer was recorded."))
    if saved:
        return redirect("privacy:activity_detail", pk=activity.pk)
    return _form_page(request, form, title=_("Third-country transfer: %(name)s") % {"name": activity.name},
                      cancel=activity.get_absolute_url())


@require_POST
@tenant_required(Perm.PRIVACY_EDIT)
def transfer_delete(request, pk):
    tenant = request.tenant
    transfer = tenant.get(ActivityTransfer, pk, write=True)
    services.transfer_delete(tenant=tenant, transfer=transfer)
    messages.success(request, _("The transfer was removed."))
    return redirect("privacy:activity_detail", pk=transfer.activity_id)


def _controller(tenant, unit_id) -> Unit:
    unit = selectors.controllers(tenant=tenant).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


@tenant_required()
def record_export_xlsx(request, unit_id):
    tenant = request.tenant
    unit = _controller(tenant, unit_id)
    response = HttpResponse(exports.record_xlsx(tenant=tenant, unit=unit), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.record_filename(unit)}.xlsx"'
    return response


@tenant_required()
def record_export_docx(request, unit_id):
    tenant = request.tenant
    return exports.record_document_response(tenant=tenant, unit=_controller(tenant, unit_id), fmt="docx")


@tenant_required()
def record_export_pdf(request, unit_id):
    tenant = request.tenant
    return exports.record_document_response(tenant=tenant, unit=_controller(tenant, unit_id), fmt="pdf")


# --- The processor's record (art. 30(2)) ------------------------------------------------------------


@tenant_required()
def processor_record(request):
    tenant = request.tenant
    qs = tenant.scope(ProcessorRecord).select_related("organisation").prefetch_related("shared_with")
    page = Paginator(qs.order_by("controller_name", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "privacy/processor_record.html", {
        "page": page, "own_id": tenant.organisation.pk,
        "can_edit": tenant.can_edit(ProcessorRecord) and tenant.customers().exists()})


@tenant_required(Perm.PRIVACY_EDIT)
def processor_record_edit(request, pk=None):
    tenant = request.tenant
    record = tenant.get(ProcessorRecord, pk, write=True) if pk else None
    initial = {}
    if record:
        initial = {"customer": record.shared_with.first(), "controller_name": record.controller_name,
                   "controller_contact": record.controller_contact, "processing": record.processing,
                   "transfers": record.transfers, "countries": record.countries,
                   "security_measures": record.security_measures}
    elif not tenant.can_edit(ProcessorRecord):
        raise Http404
    form = ProcessorRecordForm(request.POST or None, tenant=tenant, initial=initial)
    saved = save_form(request, form, lambda data: services.processor_record_save(tenant=tenant, record=record,
                                                                                 data=data),
                      success=_("The record was saved."))
    if saved:
        return redirect("privacy:processor_record")
    return _form_page(request, form, title=_("Processing for a customer"), cancel="/privacy/processors/")


# --- Agreements ------------------------------------------------------------------------------------


@tenant_required()
def dpa_list(request):
    tenant = request.tenant
    page = Paginator(selectors.agreement_list(tenant=tenant), 50).get_page(request.GET.get("page"))
    rows = list(page)
    for a in rows:
        a.gap_count = len(rules.agreement_gaps(a.points))
    return render(request, "privacy/dpa_list.html", {
        "page": page, "rows": rows, "missing": selectors.missing_agreements(tenant=tenant),
        "total_points": len(rules.art28_checklist()[1]), "can_edit": tenant.can_edit(ProcessorAgreement)})


@tenant_required()
def dpa_detail(request, pk):
    tenant = request.tenant
    agreement = tenant.get(ProcessorAgreement, pk, queryset=ProcessorAgreement.objects.select_related("supplier"))
    today = timezone.localdate()
    points = [(p, (agreement.points or {}).get(p.key, "")) for p in rules.art28_checklist()[1]]
    subs = [(s, rules.judge(s.country, today, dpf_certified=s.dpf_certified, scc_signed=s.scc_signed,
                            tia_done=s.tia_done)) for s in agreement.sub_processors.order_by("name", "pk")]
    return render(request, "privacy/dpa_detail.html", {
        "agreement": agreement, "points": points, "gaps": rules.agreement_gaps(agreement.points),
        "controllers": agreement.controllers.order_by("name"), "sub_processors": subs,
        "audits": agreement.audits.select_related("recorded_by"),
        "can_edit": tenant.can_edit(ProcessorAgreement) and tenant.owns(agreement),
        "history": record_history(obj=agreement)[:50]})


@tenant_required(Perm.PRIVACY_EDIT)
def dpa_edit(request, pk=None):
    tenant = request.tenant
    agreement = tenant.get(ProcessorAgreement, pk, write=True) if pk else None
    initial = {}
    if agreement is None:
        if request.GET.get("supplier", "").isdigit():
            initial["supplier"] = tenant.scope(Supplier).filter(pk=request.GET["supplier"]).first()
        if request.GET.get("controller", "").isdigit():
            initial["controllers"] = list(selectors.controllers(tenant=tenant).filter(pk=request.GET["controller"]))
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement, tenant=tenant,
                         initial=initial)

    def save(data):
        data = dict(data)
        upload = data.pop("upload", None)
        data["points"] = form.points()
        return services.agreement_save(tenant=tenant, agreement=agreement, data=data,
                                       document=upload if isinstance(upload, UploadedFile) else None,
                                       remove_document=bool(data.pop("remove_file", False)))

    saved = save_form(request, form, save, success=_("The agreement was saved."))
    if saved:
        return redirect("privacy:dpa_detail", pk=saved.result.pk)
    return _form_page(request, form, title=agreement.title if agreement else _("New data processing agreement"),
                      cancel=agreement.get_absolute_url() if agreement else "/privacy/agreements/", multipart=True)


@tenant_required()
def dpa_document(request, pk):
    agreement = request.tenant.get(ProcessorAgreement, pk)
    if not agreement.document:
        raise Http404
    try:
        handle = agreement.document.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=agreement.document_name)


@tenant_required(Perm.PRIVACY_EDIT)
def sub_processor_create(request, pk):
    tenant = request.tenant
    agreement = tenant.get(ProcessorAgreement, pk, write=True)
    form = SubProcessorForm(request.POST or None)
    saved = save_form(request, form, lambda data: services.sub_processor_add(tenant=tenant, agreement=agreement,
                                                                             data=data),
                      success=_("The sub-processor was added."))
    if saved:
        return redirect("privacy:dpa_detail", pk=agreement.pk)
    return _form_page(request, form, title=_("Sub-processor of %(name)s") % {"name": agreement.title},
                      cancel=agreement.get_absolute_url())


@tenant_required(Perm.PRIVACY_EDIT)
def audit_create(request, pk):
    tenant = request.tenant
    agreement = tenant.get(ProcessorAgreement, pk, write=True)
    form = AuditForm(request.POST or None)
    saved = save_form(request, form, lambda data: services.audit_add(tenant=tenant, agreement=agreement, data=data),
                      success=_("The audit was recorded."))
    if saved:
        return redirect("privacy:dpa_detail", pk=agreement.pk)
    return _form_page(request, form, title=_("Audit of the processor: %(name)s") % {"name": agreement.title},
                      cancel=agreement.get_absolute_url())


# --- Transfers -------------------------------------------------------------------------------------


@tenant_required()
def transfer_list(request):
    tenant = request.tenant
    rows = selectors.transfers(tenant=tenant, today=timezone.localdate())
    without = request.GET.get("without_basis") == "1"
    if without:
        rows = [t for t in rows if not t.ok]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "privacy/transfer_list.html", {"page": page, "without": without})


# --- DPIAs ---------------------------------------------------------------------------------------


@tenant_required()
def dpia_list(request):
    tenant = request.tenant
    status = request.GET.get("status", "")
    page = Paginator(selectors.dpia_list(tenant=tenant, status=status), 50).get_page(request.GET.get("page"))
    return render(request, "privacy/dpia_list.html", {"page": page, "status": status,
                                                      "statuses": DpiaStatus.choices,
                                                      "can_edit": tenant.can_edit(Dpia)})


@tenant_required()
def dpia_detail(request, pk):
    tenant = request.tenant
    dpia = tenant.get(Dpia, pk, queryset=Dpia.objects.select_related("activity", "dpo_advice_by", "decided_by"))
    own = tenant.owns(dpia)
    _threshold, nine, cases = rules.dpia_screening()
    screening = rules.screen(dpia.criteria, dpia.art35_3)
    open_ = dpia.status != DpiaStatus.DECIDED
    return render(request, "privacy/dpia_detail.html", {
        "dpia": dpia, "screening": screening,
        "criteria": [(p, p.key in screening.criteria) for p in nine],
        "cases": [(p, p.key in screening.art35_3) for p in cases],
        "risks": dpia.risks.order_by("title"),
        "can_edit": own and open_ and tenant.can_edit(Dpia),
        "can_request": own and dpia.status == DpiaStatus.DRAFT and tenant.can_edit(Dpia),
        "can_advise": own and open_ and dpia.status != DpiaStatus.AWAITING_DECISION and tenant.role == Role.DPO,
        "can_decide": own and dpia.status == DpiaStatus.AWAITING_DECISION and tenant.can(Perm.PRIVACY_DECIDE),
        "advice_form": AdviceForm(), "decision_form": DecisionForm(), "risk_form": NewRiskForm(),
        "can_add_risk": own and open_ and tenant.can_edit(Dpia) and tenant.can(Perm.RISK_EDIT),
        "history": record_history(obj=dpia)[:50]})


@tenant_required(Perm.PRIVACY_EDIT)
def dpia_edit(request, pk=None):
    tenant = request.tenant
    dpia = tenant.get(Dpia, pk, write=True) if pk else None
    initial = {}
    if dpia is None and request.GET.get("activity", "").isdigit():
        initial["activity"] = tenant.editable(ProcessingActivity).filter(pk=request.GET["activity"]).first()
    form = DpiaForm(request.POST or None, instance=dpia, tenant=tenant, initial=initial)
    saved = save_form(request, form, lambda data: services.dpia_save(tenant=tenant, dpia=dpia, data=data),
                      success=_("The DPIA was saved."))
    if saved:
        return redirect("privacy:dpia_detail", pk=saved.result.pk)
    return _form_page(request, form, title=dpia.title if dpia else _("New impact assessment (DPIA)"),
                      cancel=dpia.get_absolute_url() if dpia else "/privacy/dpias/")


def _dpia_step(request, pk, step, form_class=None, *, write=True):
    tenant = request.tenant
    dpia = tenant.get(Dpia, pk, write=write) if write else tenant.get(Dpia, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("privacy:dpia_detail", pk=dpia.pk)
    try:
        step(tenant, dpia, form.cleaned_data if form else {})
        messages.success(request, _("The DPIA was updated."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("privacy:dpia_detail", pk=dpia.pk)


@require_POST
@tenant_required(Perm.PRIVACY_EDIT)
def dpia_request_advice(request, pk):
    return _dpia_step(request, pk, lambda t, d, _data: services.dpia_request_advice(tenant=t, dpia=d))


@require_POST
@tenant_required(Perm.PRIVACY_EDIT)
def dpia_advise(request, pk):
    if request.tenant.role != Role.DPO:
        raise services.PermissionDenied
    return _dpia_step(request, pk, lambda t, d, data: services.dpia_advise(tenant=t, dpia=d, advice=data["advice"]),
                      AdviceForm)


@require_POST
@tenant_required(Perm.PRIVACY_DECIDE)
def dpia_decide(request, pk):
    return _dpia_step(request, pk, lambda t, d, data: services.dpia_decide(
        tenant=t, dpia=d, decision=data["decision"], reason=data["reason"]), DecisionForm, write=False)


@require_POST
@tenant_required(Perm.PRIVACY_EDIT)
def dpia_add_risk(request, pk):
    request.tenant.require(Perm.RISK_EDIT)
    return _dpia_step(request, pk, lambda t, d, data: services.dpia_add_risk(
        tenant=t, dpia=d, title=data["title"], description=data["description"]), NewRiskForm)


@tenant_required()
def dpia_docx(request, pk):
    return exports.dpia_document_response(tenant=request.tenant, dpia=request.tenant.get(Dpia, pk), fmt="docx")


@tenant_required()
def dpia_pdf(request, pk):
    return exports.dpia_document_response(tenant=request.tenant, dpia=request.tenant.get(Dpia, pk), fmt="pdf")


# --- The DPO across organisations --------------------------------------------------------------------


@tenant_required(Perm.PRIVACY_EDIT)
def overview(request):
    today = timezone.localdate()
    data = overview_data.build(memberships=request.memberships.all if hasattr(request, "memberships") else None,
                               user=request.user, today=today)
    return render(request, "privacy/overview.html", {"data": data, "today": today})


@require_POST
@tenant_required(Perm.PRIVACY_EDIT)
def overview_action(request):
    tenant = overview_data.tenant_of(user=request.user, organisation_id=request.POST.get("organisation", ""))
    if tenant is None:
        raise Http404
    pk = request.POST.get("pk", "")
    if not pk.isdigit():
        raise Http404
    try:
        action = services.overview_action(tenant=tenant, kind=request.POST.get("kind", ""), pk=int(pk),
                                          today=timezone.localdate())
        messages.success(request, _("The action was added to the action plan of %(org)s: %(title)s") % {
            "org": tenant.organisation.name, "title": action.title})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("privacy:overview")
