"""Governing documents on the start page: reviews that are the member's to do, and the organisation's overdue ones."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from policies import rules
from policies.models import DocumentStatus, GoverningDocument

# Reviews due within this many days are shown to their owner.
UPCOMING_DAYS = 30


def _group(title: str, qs, today: datetime.date, more_url: str) -> list[WorkGroup]:
    total = qs.count()
    if not total:
        return []
    rows = qs.order_by("next_review", "pk").only("pk", "title", "next_review", "status")[:WORK_ITEMS_SHOWN]
    items = []
    for d in rows:
        late = d.is_overdue(today)
        note = _("Review overdue by %(time)s") % {"time": rules.overdue_text(d.next_review, today)} if late else ""
        items.append(WorkItem(title=d.title, url=d.get_absolute_url(), due=d.next_review, overdue=late, note=note))
    return [WorkGroup(title=title, items=items, total=total, more_url=more_url)]


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """At most four queries: a count and the first rows of each group."""
    own = tenant.scope(GoverningDocument).filter(organisation_id=tenant.membership.organisation_id,
                                                 status=DocumentStatus.IN_FORCE, next_review__isnull=False)
    url = reverse("policies:document_list")
    groups = _group(_("Your governing documents to review within 30 days or overdue"),
                    own.filter(owner=tenant.user, next_review__lte=today + datetime.timedelta(days=UPCOMING_DAYS)),
                    today, url + "?origin=own")
    if tenant.can_edit(GoverningDocument):
        groups += _group(_("Governing documents past review"), own.filter(next_review__lt=today), today,
                         url + "?origin=own&status=in_force&overdue=on")
    return groups
