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


def supplier_questions_due(*, today, horizon, organisation=None, user=None):
    """Open questions to suppliers: to the asker once the answer is overdue, and to each service
    manager and security lead of a supplier that is in Tillit when the answer is due by
    `horizon` (or overdue). Each reminder links to the page its recipient can open."""
    from django.db.models import Q
    from django.urls import reverse

    from classification.models import SupplierQuestion
    from organisations.models import Membership
    from organisations.roles import Role

    open_questions = SupplierQuestion.objects.filter(answered_on__isnull=True).only(
        "pk", "question", "due_date", "organisation_id", "asked_by_id", "supplier__tillit_organisation_id")
    askers = open_questions.filter(asked_by__isnull=False, due_date__lt=today)
    if organisation is not None:
        askers = askers.filter(organisation=organisation)
    if user is not None:
        askers = askers.filter(asked_by=user)
    for item in askers.order_by("due_date", "pk"):
        yield Reminder(f"supplier-question:{item.pk}", item.asked_by_id, item.organisation_id,
                       _("The supplier has not answered: %(question)s") % {"question": item.question[:80]},
                       item.due_date, reverse("classification:question_detail", args=[item.pk]))

    members = Membership.objects.filter(role__in=[Role.SERVICE_MANAGER, Role.SECURITY_LEAD])
    if organisation is not None:
        members = members.filter(organisation=organisation)
    if user is not None:
        members = members.filter(user=user)
    by_org: dict[int, list[int]] = {}
    for org_id, user_id in members.values_list("organisation_id", "user_id"):
        by_org.setdefault(org_id, []).append(user_id)
    if not by_org:
        return
    to_answer = (open_questions.filter(Q(supplier__tillit_organisation_id__in=list(by_org)), due_date__lte=horizon)
                 .select_related("supplier"))
    for item in to_answer.order_by("due_date", "pk"):
        org_id = item.supplier.tillit_organisation_id
        for user_id in by_org.get(org_id, []):
            yield Reminder(f"supplier-question-to-us:{item.pk}", user_id, org_id,
                           _("A customer's question to answer: %(question)s") % {"question": item.question[:80]},
                           item.due_date, reverse("classification:to_us_answer", args=[item.pk]))
