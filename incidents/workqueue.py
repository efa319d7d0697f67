"""Incidents on the start page of those who handle them: deadlines within 24 hours or passed,
and cases not yet assessed."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from incidents import rules, selectors
from organisations.roles import Perm


def _deadlines(tenant, now) -> list[WorkGroup]:
    qs = selectors.case_list(tenant=tenant, due_soon=True, now=now).order_by("next_deadline", "pk")
    total = qs.count()
    if not total:
        return []
    items = []
    for case in qs[:WORK_ITEMS_SHOWN]:
        due = timezone.localtime(case.next_deadline, rules.STOCKHOLM)
        items.append(WorkItem(title=str(case.incident), url=case.get_absolute_url(), due=due.date(),
                              overdue=case.next_deadline < now,
                              note=f"{rules.STAGES[case.next_stage].title} {due:%Y-%m-%d %H:%M}"))
    return [WorkGroup(title=_("Incident deadlines within 24 hours or passed"), total=total, items=items,
                      more_url=reverse("incidents:clocks"))]


def _unassessed(tenant) -> list[WorkGroup]:
    qs = selectors.case_list(tenant=tenant, state="open").filter(significant__isnull=True)
    total = qs.count()
    if not total:
        return []
    return [WorkGroup(title=_("Incidents not yet assessed"), total=total,
                      more_url=reverse("incidents:incident_list") + "?state=open",
                      items=[WorkItem(title=str(c.incident), url=c.get_absolute_url(),
                                      note=c.incident.organisation.name) for c in qs[:WORK_ITEMS_SHOWN]])]


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    if not tenant.can(Perm.INCIDENT_HANDLE):
        return []
    now = timezone.now()
    return _deadlines(tenant, now) + _unassessed(tenant)
