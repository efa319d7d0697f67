from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.decorators import tenant_required
from core.forms import save_form
from organisations import selectors, services
from organisations.forms import UnitForm
from organisations.models import Unit
from organisations.roles import Perm
from trail.selectors import history_for


@tenant_required()
def detail(request):
    """The active organisation: its units, members, suppliers and customers."""
    tenant = request.tenant
    return render(request, "organisations/detail.html", {
        **selectors.organisation_overview(tenant=tenant),
        "can_manage": tenant.can(Perm.ORG_MANAGE),
        "unit_form": UnitForm(tenant=tenant) if tenant.can(Perm.ORG_MANAGE) else None,
    })


@tenant_required(Perm.ORG_MANAGE)
def unit_create(request):
    tenant = request.tenant
    form = UnitForm(request.POST or None, tenant=tenant)
    if save_form(request, form, lambda data: services.unit_create(tenant=tenant, data=data),
                 success=_("The unit was added.")):
        return redirect("organisations:detail")
    return render(request, "organisations/unit_form.html", {"form": form})


@tenant_required(Perm.ORG_MANAGE)
def unit_edit(request, pk):
    """Rename a unit, change its kind or what it is part of; with its history."""
    tenant = request.tenant
    unit = tenant.get(Unit, pk)
    form = UnitForm(request.POST or None, tenant=tenant, unit=unit, initial=UnitForm.initial_for(unit))
    if save_form(request, form, lambda data: services.unit_update(tenant=tenant, unit=unit, data=data),
                 success=_("The unit was saved.")):
        return redirect("organisations:detail")
    return render(request, "organisations/unit_form.html", {
        "form": form, "unit": unit, "history": history_for(tenant=tenant, obj=unit)})
