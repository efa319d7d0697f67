from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.decorators import tenant_required
from core.forms import apply_errors, save_form
from inventory.models import System
from organisations.roles import Perm
from suppliers import selectors, services
from suppliers.checklist import checklist_areas, coverage_by_supplier, organisation_gaps
from suppliers.forms import AssessmentForm, ContractFilterForm, ContractForm, SupplierForm
from suppliers.models import ChecklistArea, Contract, ContractAssessment, CoverageStatus, Supplier
from trail.selectors import record_history


@tenant_required()
def supplier_list(request):
    qs = request.tenant.scope(Supplier).annotate(
        system_count=Count("systems", filter=Q(systems__archived_at__isnull=True))
    ).order_by("name")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "suppliers/supplier_list.html", {"page": page, "can_edit": request.tenant.can_edit(Supplier)})


@tenant_required()
def supplier_detail(request, pk):
    tenant = request.tenant
    supplier = tenant.get(Supplier, pk, queryset=Supplier.objects.select_related("tillit_organisation"))
    systems = tenant.scope(System).filter(supplier=supplier, archived_at__isnull=True).order_by("name")
    contracts = tenant.scope(Contract).filter(supplier=supplier).select_related("parent").order_by("kind", "title")
    coverage = coverage_by_supplier(tenant=tenant, supplier=supplier)
    return render(request, "suppliers/supplier_detail.html", {
        "supplier": supplier,
        "systems": systems,
        "contracts": contracts,
        "coverage": coverage[0] if coverage else None,
        "can_edit": tenant.can_edit(Supplier),
        "can_contract": tenant.can_edit(Contract),
        "can_act": tenant.can_edit(ContractAssessment) and tenant.can(Perm.ACTION_EDIT),
        "history": record_history(obj=supplier)[:50],
    })


@tenant_required(Perm.SUPPLIER_EDIT)
def supplier_edit(request, pk=None):
    tenant = request.tenant
    supplier = tenant.get(Supplier, pk, write=True) if pk else None
    form = SupplierForm(request.POST or None, instance=supplier, tenant=tenant)
    saved = save_form(request, form, lambda data: services.supplier_save(tenant=tenant, supplier=supplier, data=data),
                   success=_("The supplier was saved."))
    if saved:
        return redirect("suppliers:supplier_detail", pk=saved.result.pk)
    return render(request, "suppliers/supplier_form.html", {"form": form, "supplier": supplier})


@require_POST
@tenant_required(Perm.SUPPLIER_FOLLOW_UP)
def supplier_gaps_to_actions(request, pk):
    tenant = request.tenant
    supplier = tenant.get(Supplier, pk)
    made = services.gaps_to_actions(tenant=tenant, supplier=supplier)
    if made:
        messages.success(request, ngettext("%(n)d action was added to the action plan.",
                                           "%(n)d actions were added to the action plan.", len(made)) % {"n": len(made)})
    else:
        messages.info(request, _("Every gap already has an open action."))
    return redirect(request.POST.get("next") == "gaps" and "suppliers:gap_list" or "suppliers:supplier_detail",
                    **({} if request.POST.get("next") == "gaps" else {"pk": supplier.pk}))


@tenant_required()
def gap_list(request):
    tenant = request.tenant
    rows = organisation_gaps(tenant=tenant)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "suppliers/gap_list.html", {
        "page": page,
        "can_act": tenant.can_edit(ContractAssessment) and tenant.can(Perm.ACTION_EDIT),
    })


@tenant_required()
def contract_list(request):
    tenant = request.tenant
    filters = ContractFilterForm(request.GET or None, tenant=tenant)
    data = filters.cleaned_data if filters.is_valid() else {}
    supplier = data.get("supplier")
    qs = selectors.contract_list(tenant=tenant, supplier=supplier.pk if supplier else None, kind=data.get("kind", ""),
                                 state=data.get("state", ""), q=data.get("q", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "today": timezone.localdate(),
               "can_edit": tenant.can_edit(Contract), "total": len(checklist_areas())}
    if request.headers.get("HX-Request"):
        return render(request, "suppliers/contract_list.html#rows", context)
    return render(request, "suppliers/contract_list.html", context)


def _contract_for_page(tenant, pk):
    return tenant.get(Contract, pk, queryset=Contract.objects.select_related("supplier", "parent", "organisation"))


def _checklist_rows(tenant, contract):
    areas = checklist_areas()
    found = {a.area_id: a for a in tenant.scope(ContractAssessment).filter(contract=contract).select_related("assessed_by")}
    return [(area, found.get(area.pk)) for area in areas]


@tenant_required()
def contract_detail(request, pk):
    tenant = request.tenant
    contract = _contract_for_page(tenant, pk)
    own = tenant.owns(contract)
    return render(request, "suppliers/contract_detail.html", {
        "contract": contract,
        "own": own,
        "systems": contract.systems.filter(archived_at__isnull=True).order_by("name") if own else [],
        "children": tenant.scope(Contract).filter(parent=contract).order_by("title"),
        "shared_with": list(contract.shared_with.all()) if own else [],
        "rows": _checklist_rows(tenant, contract) if own else [],
        "can_edit": own and tenant.can_edit(Contract),
        "can_assess": own and tenant.can_edit(ContractAssessment),
        "statuses": CoverageStatus.choices,
        "history": record_history(obj=contract)[:50],
    })


@tenant_required(Perm.SUPPLIER_FOLLOW_UP)
def contract_edit(request, pk=None):
    tenant = request.tenant
    contract = tenant.get(Contract, pk, write=True) if pk else None
    initial = {}
    if contract is None and request.GET.get("supplier", "").isdigit():
        initial["supplier"] = tenant.scope(Supplier).filter(pk=request.GET["supplier"]).first()
    form = ContractForm(request.POST or None, request.FILES or None, instance=contract, tenant=tenant, initial=initial)

    def save(data):
        data = dict(data)
        upload = data.pop("document", None)
        # The file input gives a new upload, False for "clear", or the stored file unchanged.
        document = upload if isinstance(upload, UploadedFile) else None
        return services.contract_save(tenant=tenant, contract=contract, data=data, document=document,
                                      remove_document=upload is False)

    saved = save_form(request, form, save, success=_("The contract was saved."))
    if saved:
        return redirect("suppliers:contract_detail", pk=saved.result.pk)
    return render(request, "suppliers/contract_form.html", {"form": form, "contract": contract})


@require_POST
@tenant_required(Perm.SUPPLIER_FOLLOW_UP)
def contract_delete(request, pk):
    tenant = request.tenant
    contract = tenant.get(Contract, pk, write=True)
    services.contract_delete(tenant=tenant, contract=contract)
    messages.success(request, _("The contract was deleted."))
    return redirect("suppliers:contract_list")


@tenant_required(Perm.SUPPLIER_FOLLOW_UP)
def assessment_edit(request, pk, area_id):
    """One row of the checklist: the form (GET) or its save (POST); a fragment for htmx."""
    tenant = request.tenant
    contract = tenant.get(Contract, pk, write=True)
    try:
        area = ChecklistArea.objects.get(pk=area_id, withdrawn=False)
    except (ChecklistArea.DoesNotExist, ValueError):
        raise Http404
    current = tenant.scope(ContractAssessment).filter(contract=contract, area=area).select_related("assessed_by").first()
    initial = {"status": current.status, "clause": current.clause, "comment": current.comment} if current else {}
    form = AssessmentForm(request.POST or None, initial=initial)
    editing = True
    if request.method == "POST" and form.is_valid():
        try:
            current = services.assessment_save(tenant=tenant, contract=contract, area=area, **form.cleaned_data)
            editing = False
        except ValidationError as exc:
            apply_errors(form, exc)
    elif request.method == "GET" and request.GET.get("cancel"):
        editing = False
    if not editing and not request.headers.get("HX-Request"):
        messages.success(request, _("The assessment was saved."))
        return redirect("suppliers:contract_detail", pk=contract.pk)
    context = {"contract": contract, "area": area, "assessment": current, "form": form, "editing": editing,
               "can_assess": True}
    if request.headers.get("HX-Request"):
        return render(request, "suppliers/checklist_row.html", context)
    return render(request, "suppliers/assessment_form.html", context)
