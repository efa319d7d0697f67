from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.decorators import tenant_required
from organisations import selectors, services
from organisations.forms import UnitForm
from organisations.roles import Perm


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
    if request.method == "POST" and form.is_valid():
        services.unit_create(tenant=tenant, data=form.cleaned_data)
        messages.success(request, _("The unit was added."))
        return redirect("organisations:detail")
    return render(request, "organisations/unit_form.html", {"form": form})
