"""Reminders of the yearly management review (collected by actions.reminders)."""

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from actions.reminders import Reminder
from organisations.models import Membership, Organisation, OrganisationKind
from organisations.roles import ROLE_PERMISSIONS, Perm
from policies.rules import add_months
from reviews.models import ManagementReview
from reviews.selectors import HELD_STATUSES, INTERVAL_MONTHS

HOLDERS = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.MANAGEMENT_REVIEW in perms]


def reviews_due(*, today, horizon, organisation=None, user=None):
    """The organisation's review is due by `horizon` (twelve months after the last held): to each of
    its members who hold the review. Two queries.

    An organisation that has never held one is told so on its start page (reviews.workqueue), not
    by a daily e-mail: the mail would go out every day from the moment it starts using Tillit."""
    orgs = Organisation.objects.exclude(kind=OrganisationKind.SUPPLIER)
    if organisation is not None:
        orgs = orgs.filter(pk=organisation.pk)
    held = dict(ManagementReview.objects.filter(status__in=HELD_STATUSES, organisation__in=orgs)
                .values_list("organisation_id").annotate(last=Max("held_on")).order_by())
    members = Membership.objects.filter(organisation__in=orgs, role__in=HOLDERS)
    if user is not None:
        members = members.filter(user=user)
    for m in members.only("user_id", "organisation_id").order_by("organisation_id", "user_id"):
        last = held.get(m.organisation_id)
        if last is None:
            continue
        due = add_months(last, INTERVAL_MONTHS)
        if due > horizon:
            continue
        yield Reminder(f"management-review:{m.organisation_id}:{due.isoformat()}", m.user_id, m.organisation_id,
                       _("Hold the management review"), due, reverse("reviews:review_list"))
