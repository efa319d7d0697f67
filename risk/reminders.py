"""Reminders of risk reviews that are due (collected by actions.reminders.SOURCES)."""

from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from actions.reminders import Reminder
from risk.models import Risk, RiskStatus


def reviews_due(*, today, horizon, organisation=None, user=None) -> Iterator[Reminder]:
    """Risks whose review date, or the end of whose acceptance, is on or before `horizon` (overdue
    included), to their owner.

    Closed risks need no review; a risk without an owner has nobody to remind (the register
    shows it as overdue instead).
    """
    qs = Risk.objects.filter(Q(review_date__lte=horizon) | Q(accepted_at__isnull=False, accepted_until__lte=horizon),
                             owner__isnull=False).exclude(status=RiskStatus.CLOSED)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(owner=user)
    fields = ("pk", "title", "owner_id", "organisation_id", "review_date", "accepted_at", "accepted_until")
    for risk in qs.only(*fields).order_by("review_date", "pk"):
        url = reverse("risk:risk_detail", args=[risk.pk])
        if risk.review_date is not None and risk.review_date <= horizon:
            yield Reminder(f"risk-review:{risk.pk}", risk.owner_id, risk.organisation_id,
                           _("Risk review: %(title)s") % {"title": risk.title}, risk.review_date, url)
        if risk.accepted_at is not None and risk.accepted_until is not None and risk.accepted_until <= horizon:
            yield Reminder(f"risk-acceptance:{risk.pk}", risk.owner_id, risk.organisation_id,
                           _("Risk acceptance ends: %(title)s") % {"title": risk.title}, risk.accepted_until, url)
