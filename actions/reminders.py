"""Reminders of what is due: collected from every module, sent once per item and day.

Each source is a function `(*, today, horizon, organisation=None, user=None) -> Iterable[Reminder]`
listed in SOURCES by dotted path; modules add theirs (classification reviews, risk reviews, …).
"""

import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, Action, ReminderLog
from core.loading import optional_hooks

logger = logging.getLogger(__name__)

# Items due within this many days are reminded of, as are overdue ones.
HORIZON_DAYS = 7

SOURCES = [
    "actions.reminders.due_actions",
    "classification.reminders.reviews_due",
    "risk.reminders.reviews_due",
    "placement.reminders.follow_ups_due",
    "classification.reminders.supplier_questions_due",
    "kpis.reminders.reports_due",
    "meetings.reminders.minutes_due",
    "policies.reminders.reviews_due",
    "incidents.reminders.deadlines",
    "changes.reminders.papers_due",
    "privacy.reminders.reviews_due",
    "audits.reminders.recommendations_due",
    "reviews.reminders.reviews_due",
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


@dataclass
class Sent:
    emails: int = 0
    items: int = 0
    failed: list[str] = field(default_factory=list)  # recipients whose e-mail could not be sent


def send_due(*, today: datetime.date) -> Sent:
    """E-mail each recipient their new reminders of the day.

    A recipient's items are claimed for the day in the same transaction as their e-mail is sent:
    when the mail server refuses, the claims are rolled back and the next run tries again, so
    "once a day" never turns into "not at all". Other recipients are not held up.
    """
    from accounts.models import User

    by_recipient: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in collect(today=today):
        by_recipient[reminder.recipient_id].append(reminder)
    users = User.objects.in_bulk(list(by_recipient))
    sent = Sent()
    for user_id, reminders in by_recipient.items():
        user = users[user_id]
        try:
            with transaction.atomic():
                new = [r for r in reminders if _claim(r, today)]
                if new:
                    _mail(user, new, today)
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Reminder e-mail to %s failed: %s", user.email, exc)
            sent.failed.append(user.email)
            continue
        if new:
            sent.emails += 1
            sent.items += len(new)
    return sent


def _mail(user, reminders: list[Reminder], today: datetime.date) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("actions/reminder_email.txt", {"user": user, "reminders": reminders, "today": today,
                                                                 "base_url": settings.TILLIT_BASE_URL})
        subject = _("Tillit: %(n)d items due or overdue") % {"n": len(reminders)}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
