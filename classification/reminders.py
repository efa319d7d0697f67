"""Reminders of classifications due for review (collected by actions.reminders)."""

from django.utils.translation import gettext as _

from actions.reminders import Reminder
from classification.models import Classification, ClassificationStatus


def reviews_due(*, today, horizon, organisation=None, user=None):
    """Approved classifications whose review date is by `horizon` (or past), to their responsible.

    A classification without a responsible person has nobody to remind and is skipped; the
    list page flags it as stale instead.
    """
    qs = Classification.objects.filter(status=ClassificationStatus.APPROVED, responsible__isnull=False,
                                       review_date__lte=horizon)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(responsible=user)
    qs = qs.select_related("information_type").only(
        "pk", "responsible_id", "organisation_id", "review_date", "information_type__name")
    for item in qs.order_by("review_date", "pk"):
        yield Reminder(f"classification:{item.pk}", item.responsible_id, item.organisation_id,
                       _("Review the classification: %(name)s") % {"name": item.information_type.name},
                       item.review_date, item.get_absolute_url())
