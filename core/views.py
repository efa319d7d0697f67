from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.decorators import tenant_required
from core.middleware import SESSION_ORG_KEY
from core.pickers import picker_matches
from core.workqueue import current_work, nothing_waiting
from inventory.models import System
from inventory.selectors import inventory_overview
from organisations.models import OrganisationKind
from risk.selectors import home_heatmap
from trail.selectors import recent_entries


@tenant_required()
def home(request):
    """The member's start page: what is theirs to do now, then the organisation at a glance.

    A supplier organisation's members see their work for the organisations they serve
    instead of the municipal inventory and risk figures.
    """
    tenant = request.tenant
    context = {"work": current_work(tenant=tenant, today=timezone.localdate()), "nothing_waiting": nothing_waiting(tenant)}
    if tenant.organisation.kind == OrganisationKind.SUPPLIER:
        context["customers"] = list(tenant.customers().only("pk", "name"))
        context["shared_systems"] = tenant.scope(System).filter(archived_at__isnull=True).count()
        template = "core/home_supplier.html"
    else:
        context.update(overview=inventory_overview(tenant=tenant), risk_heatmap=home_heatmap(tenant=tenant))
        template = "core/home.html"
    if tenant.can("trail.view"):
        context["recent"] = recent_entries(tenant=tenant, limit=8)
    return render(request, template, context)


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
    if request.POST.get("open") == "record":
        # A record of the new organisation, opened from a page across organisations (the DPO's
        # overview): land on it; in another organisation it would be a 404 like any other.
        return redirect(target)
    return redirect(_page_in_any_organisation(target))


def _page_in_any_organisation(path: str) -> str:
    """Where to land after switching: the same page if it names no record, else the list it
    belongs to (a record of the old organisation is a 404 in the new one), else the start page."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return "/"
    if not match.args and not match.kwargs:
        return path
    section = "/" + urlsplit(path).path.strip("/").split("/")[0] + "/"
    try:
        listing = resolve(section)
    except Resolver404:
        return "/"
    return section if not listing.args and not listing.kwargs else "/"


def health(request):
    """Load-balancer probe; also the trivial view the benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@tenant_required()
def picker(request, picker):
    """The matches of a type-ahead picker (core.widgets) for what was typed, as listbox options."""
    try:
        matches, more = picker_matches(tenant=request.tenant, kind=picker, q=request.GET.get("q", ""))
    except KeyError:
        raise Http404
    return render(request, "core/picker_options.html", {"matches": matches, "more": more})
