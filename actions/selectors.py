import datetime

from django.db.models import QuerySet
from django.utils import timezone

from actions.models import OPEN_STATUSES, Action
from core.tenancy import Tenant

VIEWS = ("all", "mine", "overdue", "open", "done")


def today() -> datetime.date:
    """Today's date in Stockholm (TIME_ZONE), not UTC: a deadline is a Swedish calendar day."""
    return timezone.localdate()


def action_list(*, tenant: Tenant, view: str = "open", source_kind: str = "", owner=None,
                system: str = "") -> QuerySet:
    """The action plan, filtered by one of VIEWS and optionally by source kind (model label), owner
    and system (its name, or part of it)."""
    qs = tenant.scope(Action).select_related("owner", "source_type", "system")
    if owner is not None:
        qs = qs.filter(owner=owner)
    if system:
        qs = qs.filter(system__name__icontains=system)
    if view == "mine":
        qs = qs.filter(owner=tenant.user, status__in=OPEN_STATUSES)
    elif view == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__lt=today())
    elif view == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif view == "done":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    if source_kind == "manual":
        qs = qs.filter(source_type__isnull=True)
    elif source_kind:
        app_label, _, model = source_kind.partition(".")
        qs = qs.filter(source_type__app_label=app_label, source_type__model=model)
    return qs.order_by("due_date", "pk")


def action_counts(*, tenant: Tenant) -> dict:
    """Open, overdue and mine, for the start page and the plan's tabs."""
    from django.db.models import Count, Q

    return tenant.scope(Action).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today())),
        mine=Count("pk", filter=Q(status__in=OPEN_STATUSES, owner=tenant.user)),
    )
