from django.core.paginator import Paginator
from django.shortcuts import render

from core.decorators import tenant_required
from organisations.roles import Perm
from trail.selectors import organisation_log


@tenant_required(Perm.TRAIL_VIEW)
def log(request):
    """Every change to the active organisation's records, newest first."""
    page = Paginator(organisation_log(tenant=request.tenant), 50).get_page(request.GET.get("page"))
    return render(request, "trail/log.html", {"page": page})
