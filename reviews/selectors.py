"""Reads of management reviews, always through the tenant."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from accounts.models import User
from core.tenancy import Tenant
from policies.rules import add_months
from reviews.models import ManagementReview, ReviewDecision, ReviewStatus

# The organisation holds a management review once a year (ISO/IEC 27001:2022 9.3.1: "at planned
# intervals"; the MSB/MCF method's step 4 follows up the year's work).
INTERVAL_MONTHS = 12
HELD_STATUSES = (ReviewStatus.HELD, ReviewStatus.CLOSED)


def review_list(*, tenant: Tenant) -> QuerySet:
    """The organisation's reviews, newest first, with their chair and number of decisions."""
    return (tenant.scope(ManagementReview).select_related("chair")
            .annotate(decision_count=Count("decisions")).order_by("-held_on", "-pk"))


def detail_queryset() -> QuerySet:
    return ManagementReview.objects.select_related("organisation", "chair", "gathered_by", "closed_by").prefetch_related(
        Prefetch("participants", queryset=User.objects.order_by("full_name", "email")),
        Prefetch("decisions", queryset=ReviewDecision.objects.select_related("owner", "action").order_by("number", "pk")),
    )


def review_detail(*, tenant: Tenant, pk) -> ManagementReview:
    """One readable review with its people and decisions (Http404 outside the scope)."""
    return tenant.get(ManagementReview, pk, queryset=detail_queryset())


@dataclass(frozen=True)
class Due:
    last_held: datetime.date | None
    due: datetime.date  # the day the next review is due (today when none was held yet)
    planned: ManagementReview | None  # the next one planned, when there is one


def next_due(*, tenant: Tenant, today: datetime.date) -> Due:
    """When the organisation's next management review is due: the last held plus twelve months,
    or now when none has been held (2 queries)."""
    qs = tenant.scope(ManagementReview)
    figures = qs.aggregate(last=Max("held_on", filter=Q(status__in=HELD_STATUSES)))
    planned = qs.filter(status=ReviewStatus.PLANNED).only("pk", "title", "held_on").order_by("held_on", "pk").first()
    last = figures["last"]
    return Due(last, add_months(last, INTERVAL_MONTHS) if last else today, planned)
