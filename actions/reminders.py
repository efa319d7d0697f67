"""Reminders of what is due: collected from every module, sent once per item and day.

Each source is a function `(*, today, horizon, organisation=None, user=None) -> Iterable[Reminder]`
listed in SOURCES by dotted path; modules add theirs (classification reviews, risk reviews, …).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, Action, ReminderLog
from core.loading import optional_hooks

# Items due within this many days are reminded of, as are overdue ones.
HORIZON_DAYS = 7

SOURCES = [
    "actions.reminders.due_actions",
    "classification.reminders.reviews_due",
    "risk.reminders.reviews_due",
    "placement.reminders.follow_ups_due",
]


@dataclass(frozen=True)
class Reminder:
    key: str  # unique per item, e.g. "action:12"
    recipient_id: int
    organisation_id: int
    title: str
    due: datetime.date
    path: str  # URL path of the item's page

    def overdue(self, today: datetime.date) -> bool:
        return self.due < today


def due_actions(*, today, horizon, organisation=None, user=None):
    qs = Action.objects.filter(status__in=OPEN_STATUSES, owner__isnull=False, due_date__lte=horizon)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(owner=user)
    for action in qs.only("pk", "title", "owner_id", "organisation_id", "due_date"):
        yield Reminder(f"action:{action.pk}", action.owner_id, action.organisation_id,
                       _("Action: %(title)s") % {"title": action.title}, action.due_date,
                       reverse("actions:action_edit", args=[action.pk]))


def _sources():
    return optional_hooks(SOURCES)


def collect(*, today: datetime.date, organisation=None, user=None) -> list[Reminder]:
    """Everything due by today + HORIZON_DAYS (or overdue), soonest first."""
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    found = [r for source in _sources() for r in source(today=today, horizon=horizon, organisation=organisation, user=user)]
    return sorted(found, key=lambda r: (r.due, r.key))


def _claim(reminder: Reminder, today: datetime.date) -> bool:
    """Record that this reminder goes out today; False if it already went out today."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(key=reminder.key, recipient_id=reminder.recipient_id, day=today)
    except IntegrityError:
        return False
    return True


def send_due(*, today: datetime.date) -> tuple[int, int]:
    """E-mail each recipient their new reminders of the day; returns (e-mails, items)."""
    from accounts.models import User

    by_recipient: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in collect(today=today):
        if _claim(reminder, today):
            by_recipient[reminder.recipient_id].append(reminder)
    users = User.objects.in_bulk(list(by_recipient))
    items = 0
    for user_id, reminders in by_recipient.items():
        user = users[user_id]
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("actions/reminder_email.txt", {"user": user, "reminders": reminders, "today": today,
                                                                     "base_url": settings.TILLIT_BASE_URL})
            subject = _("Tillit: %(n)d items due or overdue") % {"n": len(reminders)}
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        items += len(reminders)
    return len(by_recipient), items
