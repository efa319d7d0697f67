"""Reminders: the secretary of a held meeting whose minutes are not approved a week after it."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.reminders import Reminder
from meetings.models import Meeting, MeetingStatus

MINUTES_DUE_DAYS = 7


def minutes_due(*, today, horizon, organisation=None, user=None):
    """Due: 7 days after the meeting ended; reminded from `horizon` ahead, and when overdue."""
    last_end = timezone.make_aware(datetime.datetime.combine(horizon - datetime.timedelta(days=MINUTES_DUE_DAYS - 1),
                                                             datetime.time.min))
    qs = Meeting.objects.filter(status=MeetingStatus.HELD, secretary__isnull=False, ends_at__lt=last_end)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(secretary=user)
    for meeting in qs.only("pk", "title", "secretary_id", "organisation_id", "ends_at", "starts_at"):
        due = timezone.localtime(meeting.ends_at).date() + datetime.timedelta(days=MINUTES_DUE_DAYS)
        if due > today:
            # Only once the week has passed: "no approved minutes 7 days after it ended".
            continue
        yield Reminder(f"meeting-minutes:{meeting.pk}", meeting.secretary_id, meeting.organisation_id,
                       _("Minutes to approve: %(title)s") % {"title": meeting.title}, due,
                       reverse("meetings:meeting_detail", args=[meeting.pk]))
