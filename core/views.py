from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.decorators import tenant_required
from core.middleware import SESSION_ORG_KEY
from inventory.selectors import inventory_overview
from risk.selectors import home_heatmap
from trail.selectors import recent_entries


@tenant_required()
def home(request):
    """The organisation's start page: the inventory at a glance and the latest changes."""
    tenant = request.tenant
    context = {"overview": inventory_overview(tenant=tenant), "risk_heatmap": home_heatmap(tenant=tenant)}
    if tenant.can("trail.view"):
        context["recent"] = recent_entries(tenant=tenant, limit=8)
    return render(request, "core/home.html", context)


@login_required
@require_POST
def switch_organisation(request):
    """Make another of the user's organisations the active one."""
    try:
        org_id = int(request.POST.get("organisation", ""))
    except ValueError:
        return HttpResponseBadRequest()
    if not any(m.organisation_id == org_id for m in request.memberships.all):
        return HttpResponseBadRequest()
    request.session[SESSION_ORG_KEY] = org_id
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def health(request):
    """Load-balancer probe; also the trivial view the benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")
