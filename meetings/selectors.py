"""Reads of meetings, always through the tenant."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from actions.models import Action
from core.tenancy import Tenant
from meetings.models import ActionItem, Meeting, MeetingStatus
from organisations.models import Organisation

WHEN_CHOICES = ("upcoming", "past")


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate()


def meeting_list(*, tenant: Tenant, kind: str = "", when: str = "", without_minutes: bool = False) -> QuerySet:
    qs = tenant.scope(Meeting).select_related("organisation").prefetch_related(
        Prefetch("shared_with", queryset=Organisation.objects.order_by("name"))
    )
    if kind:
        qs = qs.filter(kind=kind)
    moment = now()
    if when == "upcoming":
        qs = qs.filter(ends_at__gte=moment).order_by("starts_at", "pk")
    elif when == "past":
        qs = qs.filter(ends_at__lt=moment).order_by("-starts_at", "pk")
    else:
        qs = qs.order_by("-starts_at", "pk")
    if without_minutes:
        qs = qs.filter(status=MeetingStatus.HELD)
    return qs


def upcoming(*, tenant: Tenant, days: int = 30, limit: int = 10) -> list[Meeting]:
    moment = now()
    return list(
        tenant.scope(Meeting).filter(ends_at__gte=moment, starts_at__lte=moment + datetime.timedelta(days=days))
        .exclude(status=MeetingStatus.CANCELLED).select_related("organisation").order_by("starts_at", "pk")[:limit]
    )


def meeting_detail(*, tenant: Tenant, pk) -> Meeting:
    return tenant.get(Meeting, pk, queryset=Meeting.objects.select_related(
        "organisation", "chair", "secretary", "minutes_approved_by"
    ).prefetch_related(
        Prefetch("shared_with", queryset=Organisation.objects.order_by("name")),
        "attendees__represents", "agenda", "decisions", "action_items__responsible",
    ))


def taken_actions(*, tenant: Tenant, items) -> dict[int, Action]:
    """My organisation's actions made from these action items (item pk -> action)."""
    ids = [str(i.pk) for i in items]
    if not ids:
        return {}
    ct = ContentType.objects.get_for_model(ActionItem)
    actions = tenant.scope(Action).filter(source_type=ct, source_id__in=ids).select_related("owner")
    return {int(a.source_id): a for a in actions}


def items_to_take(*, tenant: Tenant) -> QuerySet:
    """Action items addressed to my organisation that are not yet in my action plan."""
    org_id = tenant.organisation.pk
    ct = ContentType.objects.get_for_model(ActionItem)
    mine = tenant.scope(Action).filter(source_type=ct).values("source_id")
    return (tenant.scope(ActionItem).filter(responsible_id=org_id).exclude(meeting__status=MeetingStatus.CANCELLED)
            .exclude(Q(pk__in=_as_ints(mine))).select_related("meeting", "meeting__organisation")
            .order_by("due_date", "pk"))


def _as_ints(source_ids):
    from django.db.models import IntegerField
    from django.db.models.functions import Cast

    return source_ids.annotate(item_id=Cast("source_id", IntegerField())).values("item_id")


def minutes_missing(*, tenant: Tenant) -> QuerySet:
    """Held meetings of my organisation whose minutes are not approved."""
    return (tenant.editable(Meeting).filter(status=MeetingStatus.HELD, ends_at__lt=now())
            .order_by("ends_at", "pk"))
