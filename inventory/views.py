from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classification.models import Classification
from classification.selectors import attach_protection_need, infotype_levels, protection_basis, today
from core.decorators import tenant_required
from core.forms import save_form
from inventory import graph, selectors, services
from inventory.forms import DependencyForm, InformationTypeForm, SystemFilterForm, SystemForm
from inventory.models import InformationType, System
from organisations.roles import Perm
from trail.selectors import record_history


@tenant_required()
def system_list(request):
    """The inventory list: search, filters, sorting, 50 a page; htmx asks for the rows only."""
    form = SystemFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.SystemFilters(**{k: v for k, v in data.items() if v not in (None, "")})
    page = Paginator(selectors.system_list(tenant=request.tenant, filters=filters), 50).get_page(request.GET.get("page"))
    page.object_list = attach_protection_need(page.object_list)
    context = {"form": form, "page": page, "can_edit": request.tenant.can_edit(System),
               "can_import": request.tenant.can(Perm.INVENTORY_IMPORT), "query": _query_without_page(request)}
    template = "inventory/system_list.html#results" if request.headers.get("HX-Request") else "inventory/system_list.html"
    return render(request, template, context)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@tenant_required()
def system_detail(request, pk):
    tenant = request.tenant
    system = selectors.system_detail(tenant=tenant, pk=pk)
    upstream, downstream = selectors.system_dependencies(tenant=tenant, system=system)
    can_edit = tenant.can_edit(System) and tenant.owns(system)
    basis = protection_basis(system.information_types.all(), today=today())
    context = {
        "system": system,
        "upstream": upstream,
        "downstream": downstream,
        "graph": graph.dependency_svg(system, upstream, downstream),
        "can_edit": can_edit,
        "dependency_form": DependencyForm(tenant=tenant, system=system) if can_edit else None,
        "history": record_history(obj=system)[:50] if tenant.owns(system) else None,
        "protection_need": basis["need"],
        "basis": basis,
        # Classifying belongs to the system's own organisation (a shared system's reader only reads).
        "can_classify": tenant.owns(system) and tenant.can_edit(Classification),
        "can_add_information": can_edit and not system.archived_at and tenant.can_edit(InformationType)
        and tenant.can_edit(Classification),
    }
    return render(request, "inventory/system_detail.html", context)


@tenant_required(Perm.INVENTORY_EDIT)
def system_create(request):
    tenant = request.tenant
    form = SystemForm(request.POST or None, tenant=tenant)
    saved = save_form(request, form, lambda data: services.system_create(tenant=tenant, data=data),
                   success=_("The system was created."))
    if saved:
        return redirect("inventory:system_detail", pk=saved.result.pk)
    return render(request, "inventory/system_form.html", {"form": form})


@tenant_required(Perm.INVENTORY_EDIT)
def system_edit(request, pk):
    tenant = request.tenant
    system = tenant.get(System, pk, write=True)
    form = SystemForm(request.POST or None, instance=system, tenant=tenant, initial={"version": system.version})
    outcome = save_form(request, form, lambda data: services.system_update(
        tenant=tenant, system=system, data=data, version=data.get("version") or 0), success=_("The changes were saved."))
    if outcome:
        return redirect("inventory:system_detail", pk=system.pk)
    return render(request, "inventory/system_form.html", {"form": form, "system": system, "conflict": outcome.conflict})


@tenant_required(Perm.INVENTORY_EDIT)
@require_POST
def system_archive(request, pk):
    system = services.system_archive(tenant=request.tenant, system=request.tenant.get(System, pk, write=True))
    messages.success(request, _("The system was archived.") if system.archived_at else _("The system was restored."))
    return redirect("inventory:system_detail", pk=system.pk)


@tenant_required(Perm.INVENTORY_EDIT)
@require_POST
def dependency_add(request, pk):
    tenant = request.tenant
    system = tenant.get(System, pk, write=True)
    form = DependencyForm(request.POST, tenant=tenant, system=system)
    if form.is_valid():
        try:
            services.dependency_add(tenant=tenant, system=system, **form.cleaned_data)
            messages.success(request, _("The dependency was added."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("inventory:system_detail", pk=system.pk)


@tenant_required(Perm.INVENTORY_EDIT)
@require_POST
def dependency_remove(request, pk, dep_pk):
    services.dependency_remove(tenant=request.tenant, system_id=pk, dependency_id=dep_pk)
    messages.success(request, _("The dependency was removed."))
    return redirect("inventory:system_detail", pk=pk)


@tenant_required()
def infotype_list(request):
    tenant = request.tenant
    qs = selectors.infotype_list(tenant=tenant).select_related("classification")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    aspects, page.object_list = infotype_levels(tenant=tenant, information_types=page.object_list)
    return render(request, "inventory/infotype_list.html", {
        "page": page, "aspects": aspects, "can_edit": tenant.can_edit(InformationType),
        "can_classify": tenant.can_edit(Classification)})


@tenant_required(Perm.INVENTORY_EDIT)
def infotype_edit(request, pk=None):
    tenant = request.tenant
    infotype = tenant.get(InformationType, pk, write=True) if pk else None
    form = InformationTypeForm(request.POST or None, instance=infotype)
    if save_form(request, form, lambda data: services.infotype_save(tenant=tenant, infotype=infotype, data=data),
              success=_("The information type was saved.")):
        return redirect("inventory:infotype_list")
    history = record_history(obj=infotype)[:50] if infotype else None
    return render(request, "inventory/infotype_form.html", {"form": form, "infotype": infotype, "history": history})
