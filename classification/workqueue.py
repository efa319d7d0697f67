"""Classification's part of the start page: questions to answer or to chase, approvals waiting."""

import datetime

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from classification import selectors
from classification.models import Classification, ClassificationStatus
from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from inventory.models import System
from organisations.roles import Perm, Role


def _overdue_first(qs, today):
    return qs.annotate(late=Case(When(due_date__lt=today, then=Value(0)), default=Value(1),
                                 output_field=IntegerField())).order_by("late", "due_date", "pk")


def _to_us(tenant, today) -> list[WorkGroup]:
    qs = selectors.questions_to_us(tenant=tenant, filters=selectors.QuestionFilters(view="open"))
    total = qs.count()
    if not total:
        return []
    rows = _overdue_first(qs, today)[:WORK_ITEMS_SHOWN]
    return [WorkGroup(
        title=_("Questions from the organisations you serve to answer"),
        items=[WorkItem(title=Truncator(q.question).chars(100), url=reverse("classification:to_us_answer", args=[q.pk]),
                        due=q.due_date, overdue=q.due_date < today, note=q.organisation.name) for q in rows],
        total=total, more_url=reverse("classification:to_us"))]


def _to_suppliers(tenant, today) -> list[WorkGroup]:
    """Open questions to suppliers: all of them for the coordinator, who follows suppliers up;
    for anyone else the questions they asked themselves."""
    qs = selectors.supplier_questions(tenant=tenant, view="open")
    if not tenant.can(Perm.SUPPLIER_EDIT):
        qs = qs.filter(asked_by=tenant.user)
    total = qs.count()
    if not total:
        return []
    rows = _overdue_first(qs, today)[:WORK_ITEMS_SHOWN]
    return [WorkGroup(
        title=_("Open questions to suppliers"),
        items=[WorkItem(title=Truncator(q.question).chars(100), url=reverse("classification:question_detail", args=[q.pk]),
                        due=q.due_date, overdue=q.due_date < today, note=q.supplier.name) for q in rows],
        total=total, more_url=reverse("classification:questions"))]


def _to_approve(tenant, today) -> list[WorkGroup]:
    """The classifications in review that this member decides on (classification.deciders): an
    administrator all of them, anyone else those of information on systems they own."""
    qs = tenant.scope(Classification).filter(status=ClassificationStatus.REVIEW)
    if tenant.role != Role.ADMIN:
        holders = System.objects.filter(information_types=OuterRef("information_type_id"), owner_id=tenant.user.pk,
                                        archived_at__isnull=True)
        qs = qs.filter(Exists(holders))
    total = qs.count()
    if not total:
        return []
    rows = qs.select_related("information_type").order_by("updated_at", "pk")[:WORK_ITEMS_SHOWN]
    return [WorkGroup(
        title=_("Classifications waiting for your approval"),
        items=[WorkItem(title=c.information_type.name, url=reverse("classification:detail", args=[c.pk]))
               for c in rows],
        total=total, more_url=reverse("classification:list") + "?status=review")]


def _past_review(tenant, today) -> list[WorkGroup]:
    """Approved classifications whose review date has passed: the coordinator's to follow up."""
    qs = tenant.editable(Classification).filter(status=ClassificationStatus.APPROVED, review_date__lt=today)
    total = qs.count()
    if not total:
        return []
    rows = qs.select_related("information_type").order_by("review_date", "pk")[:WORK_ITEMS_SHOWN]
    return [WorkGroup(
        title=_("Classifications past their review date"),
        items=[WorkItem(title=c.information_type.name, url=reverse("classification:detail", args=[c.pk]),
                        due=c.review_date, overdue=True) for c in rows],
        total=total, more_url=reverse("classification:list") + "?stale=on")]


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """At most two queries per group shown, whatever the data size."""
    groups: list[WorkGroup] = []
    if tenant.can(Perm.SUPPLIER_REPORT):
        groups += _to_us(tenant, today)
    if tenant.can_edit(Classification):
        groups += _to_suppliers(tenant, today)
    if tenant.role == Role.ADMIN or (tenant.can(Perm.CLASSIFY_APPROVE) and tenant.can_edit(Classification)):
        groups += _to_approve(tenant, today)
    if tenant.can(Perm.INVENTORY_EDIT) and tenant.can(Perm.SUPPLIER_EDIT):
        groups += _past_review(tenant, today)  # the coordinator's and the administrator's queue
    return groups
