"""Suppliers' part of the start page: contracts to assess against the checklist, notices to give."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from organisations.roles import Perm
from suppliers import selectors
from suppliers.checklist import checklist_areas
from suppliers.models import EXPIRY_HORIZON_DAYS, Contract

# Notice periods longer than this are not looked for (an unbounded scan otherwise): two years.
LONGEST_NOTICE_DAYS = 2 * 366
NOTICE_CANDIDATES = 500


def _unassessed(tenant, today) -> list[WorkGroup]:
    total_areas = len(checklist_areas())
    qs = (selectors.contract_list(tenant=tenant, state="in_force", today=today)
          .filter(pk__in=tenant.editable(Contract).values("pk")).filter(assessed_count__lt=total_areas))
    total = qs.count()
    if not total:
        return []
    return [WorkGroup(
        title=_("Contracts with checklist areas not assessed"),
        items=[WorkItem(title=c.title, url=c.get_absolute_url(), note=_("%(n)d of %(total)d areas assessed · %(s)s") % {
            "n": c.assessed_count, "total": total_areas, "s": c.supplier.name}) for c in qs[:WORK_ITEMS_SHOWN]],
        total=total, more_url=reverse("suppliers:contract_list") + "?state=in_force")]


def _notices(tenant, today) -> list[WorkGroup]:
    horizon = today + datetime.timedelta(EXPIRY_HORIZON_DAYS)
    qs = (tenant.editable(Contract).select_related("supplier")
          .filter(notice_months__gt=0, valid_until__gte=today,
                  valid_until__lte=horizon + datetime.timedelta(LONGEST_NOTICE_DAYS)).order_by("valid_until", "pk"))
    due = [c for c in qs[:NOTICE_CANDIDATES] if c.notice_deadline and today <= c.notice_deadline <= horizon]
    if not due:
        return []
    due.sort(key=lambda c: (c.notice_deadline, c.pk))
    return [WorkGroup(
        title=_("Contracts whose notice deadline is within 90 days"),
        items=[WorkItem(title=c.title, url=c.get_absolute_url(), due=c.notice_deadline, note=c.supplier.name)
               for c in due[:WORK_ITEMS_SHOWN]],
        total=len(due), more_url=reverse("suppliers:contract_list") + "?state=in_force")]


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    if not tenant.can(Perm.SUPPLIER_FOLLOW_UP) or not tenant.can_edit(Contract):
        return []
    return _unassessed(tenant, today) + _notices(tenant, today)
