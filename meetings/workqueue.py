"""The start page's meeting work: coming meetings, action items to take, minutes to approve."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from meetings import selectors
from meetings.reminders import MINUTES_DUE_DAYS
from meetings.models import Meeting, MeetingStatus
from organisations.roles import Perm, Role

READ_ONLY_ROLES = frozenset({Role.READER, Role.AUDITOR, Role.SUPPLIER})

UPCOMING_DAYS = 14


def _group(title, qs, item, more_url) -> list[WorkGroup]:
    rows = list(qs[:WORK_ITEMS_SHOWN])
    if not rows:
        return []
    total = len(rows) if len(rows) < WORK_ITEMS_SHOWN else qs.count()
    return [WorkGroup(title=title, items=[item(r) for r in rows], total=total, more_url=more_url)]


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    groups: list[WorkGroup] = []
    if tenant.role in READ_ONLY_ROLES:
        return groups  # the start page's work queue is work; a reader finds the meetings in their list
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    coming = (tenant.scope(Meeting).filter(starts_at__gte=start,
                                           starts_at__lt=start + datetime.timedelta(days=UPCOMING_DAYS + 1))
              .exclude(status=MeetingStatus.CANCELLED).select_related("organisation").order_by("starts_at", "pk"))
    list_url = reverse("meetings:meeting_list")
    # A meeting is not "due": its day and time go in the note.
    groups += _group(_("Meetings in the coming two weeks"), coming, lambda m: WorkItem(
        title=m.title, url=m.get_absolute_url(),
        note=f"{date_format(timezone.localtime(m.starts_at), 'l j F H:i')} · {m.get_kind_display()} · "
             f"{m.organisation.name}"), list_url + "?when=upcoming")
    if tenant.can(Perm.ACTION_EDIT):
        groups += _group(_("Meeting action items to take into your action plan"), selectors.items_to_take(tenant=tenant),
                         lambda i: WorkItem(title=i.title, url=i.get_absolute_url(), due=i.due_date,
                                            overdue=bool(i.due_date and i.due_date < today),
                                            note=f"{i.meeting.title} · {i.meeting.organisation.name}"),
                         list_url + "?when=past")
    if tenant.can_edit(Meeting):
        missing = selectors.minutes_missing(tenant=tenant)
        # The minutes are due a week after the meeting (the same week the reminder uses).
        groups += _group(_("Held meetings without approved minutes"), missing, lambda m: WorkItem(
            title=m.title, url=m.get_absolute_url(),
            due=timezone.localtime(m.ends_at).date() + datetime.timedelta(days=MINUTES_DUE_DAYS),
            overdue=timezone.localtime(m.ends_at).date() + datetime.timedelta(days=MINUTES_DUE_DAYS) < today),
            list_url + "?without_minutes=on")
    return groups
