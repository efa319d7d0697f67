from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.decorators import tenant_required
from core.forms import save_form
from inventory.models import System
from organisations.roles import Perm
from suppliers import services
from suppliers.forms import SupplierForm
from suppliers.models import Supplier
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
    return render(request, "suppliers/supplier_detail.html", {
        "supplier": supplier,
        "systems": systems,
        "can_edit": tenant.can_edit(Supplier),
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
