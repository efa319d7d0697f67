"""Reminders of processing activities due for review, to their owner (collected by actions.reminders)."""

from django.utils.translation import gettext as _

from actions.reminders import Reminder
from privacy.models import ProcessingActivity


def reviews_due(*, today, horizon, organisation=None, user=None):
    qs = ProcessingActivity.objects.filter(owner__isnull=False, review_date__lte=horizon)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(owner=user)
    for a in qs.only("pk", "name", "owner_id", "organisation_id", "review_date").order_by("review_date", "pk"):
        yield Reminder(f"privacy-review:{a.pk}", a.owner_id, a.organisation_id,
                       _("Review the processing activity: %(name)s") % {"name": a.name}, a.review_date,
                       a.get_absolute_url())
