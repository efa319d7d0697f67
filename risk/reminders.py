"""Reminders of risk reviews that are due (collected by actions.reminders.SOURCES)."""

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from actions.reminders import Reminder
from risk.models import Risk, RiskStatus


def reviews_due(*, today, horizon, organisation=None, user=None) -> Iterator[Reminder]:
    """Risks whose review date is on or before `horizon` (overdue included), to their owner.

    Closed risks need no review; a risk without an owner has nobody to remind (the register
    shows it as overdue instead).
    """
    qs = Risk.objects.filter(review_date__lte=horizon, owner__isnull=False).exclude(status=RiskStatus.CLOSED)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(owner=user)
    for risk in qs.only("pk", "title", "owner_id", "organisation_id", "review_date").order_by("review_date", "pk"):
        yield Reminder(f"risk-review:{risk.pk}", risk.owner_id, risk.organisation_id,
                       _("Risk review: %(title)s") % {"title": risk.title}, risk.review_date,
                       reverse("risk:risk_detail", args=[risk.pk]))
