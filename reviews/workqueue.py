"""The management review on the start page: the yearly review that is due (for those who hold it)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from core.workqueue import WorkGroup, WorkItem
from organisations.models import OrganisationKind
from organisations.roles import SHARED_ONLY_ROLES, Perm
from reviews import selectors

# A review due within this many days is shown ahead.
UPCOMING_DAYS = 30


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """Two queries for a member who holds the review (the last held, the next planned)."""
    if (not tenant.can(Perm.MANAGEMENT_REVIEW) or tenant.role in SHARED_ONLY_ROLES
            or tenant.organisation.kind == OrganisationKind.SUPPLIER):
        return []
    due = selectors.next_due(tenant=tenant, today=today)
    if due.due > today + datetime.timedelta(days=UPCOMING_DAYS):
        return []
    late = due.due < today
    if due.planned is not None:
        item = WorkItem(title=due.planned.title, url=due.planned.get_absolute_url(), due=due.due, overdue=late,
                        note=_("Planned for %(date)s") % {"date": due.planned.held_on.isoformat()})
    elif due.last_held is None:
        item = WorkItem(title=_("No management review has been held yet"), url=reverse("reviews:review_add"),
                        due=due.due, overdue=False, note=_("Plan the first one"))
    else:
        item = WorkItem(title=_("Plan this year's management review"), url=reverse("reviews:review_add"), due=due.due,
                        overdue=late, note=_("The last one was held on %(date)s") % {"date": due.last_held.isoformat()})
    return [WorkGroup(title=_("Management review due"), items=[item], total=1, more_url=reverse("reviews:review_list"))]
