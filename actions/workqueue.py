"""The action plan's part of the start page: the member's own overdue and upcoming actions."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, Action
from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem

# Actions due within this many days count as upcoming.
UPCOMING_DAYS = 14


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """Two queries: the member's first open actions due by the horizon, and how many there are."""
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    mine = tenant.scope(Action).filter(owner=tenant.user, status__in=OPEN_STATUSES, due_date__lte=horizon)
    total = mine.count()
    if not total:
        return []
    rows = mine.order_by("due_date", "pk").only("pk", "title", "due_date", "source_label")[:WORK_ITEMS_SHOWN]
    return [WorkGroup(
        title=_("Your actions, overdue or due within two weeks"),
        items=[WorkItem(title=a.title, url=reverse("actions:action_edit", args=[a.pk]), due=a.due_date,
                        overdue=a.due_date < today, note=a.source_label) for a in rows],
        total=total,
        more_url=reverse("actions:action_list") + "?view=mine",
    )]
