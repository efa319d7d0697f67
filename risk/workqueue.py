"""The risk register's part of the start page: risks the member owns that wait for them."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from organisations.roles import Perm
from risk.models import Risk, RiskStatus
from risk.selectors import due_for_review


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """Treated risks awaiting the owner's acceptance, and risks past their review date."""
    groups = []
    mine = tenant.scope(Risk).filter(owner=tenant.user)
    if tenant.can(Perm.RISK_ACCEPT):
        # The risks the member owns themselves or through a linked system (risk.deciders).
        owned = tenant.scope(Risk).filter(Q(owner=tenant.user) | Q(system_links__system__owner=tenant.user)).distinct()
        waiting = owned.filter(status=RiskStatus.TREATED, accepted_at__isnull=True)
        groups.append(_group(waiting, _("Risks awaiting your acceptance"), "risk:risk_accept", today,
                             reverse("risk:risk_list") + "?status=treated"))
    # Past the review date, or an acceptance whose validity has passed: both return for review.
    due = mine.filter(~Q(status=RiskStatus.CLOSED), due_for_review(today))
    groups.append(_group(due, _("Your risks past their review date"), "risk:risk_detail", today,
                         reverse("risk:risk_list") + "?review_due=on"))
    return [g for g in groups if g.total]


def _group(qs, title: str, url_name: str, today: datetime.date, more_url: str) -> WorkGroup:
    total = qs.count()
    if not total:
        return WorkGroup(title=title)
    rows = qs.order_by("review_date", "pk").only("pk", "title", "review_date")[:WORK_ITEMS_SHOWN]
    return WorkGroup(title=title, total=total, more_url=more_url, items=[
        WorkItem(title=r.title, url=reverse(url_name, args=[r.pk]), due=r.review_date,
                 overdue=bool(r.review_date and r.review_date < today)) for r in rows])
