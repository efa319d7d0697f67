"""Reads of contracts: the filtered list shared by the page and the API."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.tenancy import Tenant
from suppliers.models import EXPIRY_HORIZON_DAYS, Contract, CoverageStatus


def contract_list(*, tenant: Tenant, supplier: int | None = None, kind: str = "", state: str = "",
                  q: str = "", today: datetime.date | None = None) -> QuerySet:
    """Contracts the tenant reads, filtered: state is "in_force", "expired" or "expiring" (90 days)."""
    today = today or timezone.localdate()
    qs = tenant.scope(Contract).select_related("supplier", "parent", "organisation").annotate(
        assessed_count=Count("assessments", filter=~Q(assessments__status=CoverageStatus.NOT_ASSESSED)),
    )
    if supplier:
        qs = qs.filter(supplier_id=supplier)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(reference__icontains=q) | Q(supplier__name__icontains=q))
    if state == "in_force":
        qs = qs.exclude(valid_from__gt=today).exclude(valid_until__lt=today)
    elif state == "expired":
        qs = qs.filter(valid_until__lt=today)
    elif state == "expiring":
        qs = qs.filter(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(EXPIRY_HORIZON_DAYS))
    return qs.order_by("supplier__name", "title", "pk")
