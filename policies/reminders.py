"""Reminders of governing documents due for review (collected by actions.reminders)."""

from django.utils.translation import gettext as _

from actions.reminders import Reminder
from policies.models import DocumentStatus, GoverningDocument


def reviews_due(*, today, horizon, organisation=None, user=None):
    """Documents in force whose next review is by `horizon` (or past), to their owner.

    A document without an owner has nobody to remind; the list flags it as overdue instead.
    """
    qs = GoverningDocument.objects.filter(status=DocumentStatus.IN_FORCE, owner__isnull=False,
                                          next_review__lte=horizon)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(owner=user)
    for doc in qs.only("pk", "title", "owner_id", "organisation_id", "next_review").order_by("next_review", "pk"):
        yield Reminder(f"policy-review:{doc.pk}", doc.owner_id, doc.organisation_id,
                       _("Review the governing document: %(title)s") % {"title": doc.title},
                       doc.next_review, doc.get_absolute_url())
