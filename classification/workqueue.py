"""Classification's part of the start page: questions to answer or to chase, approvals waiting."""

import datetime

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from classification import selectors
from classification.models import Classification, ClassificationStatus
from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from organisations.roles import Perm


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
    qs = selectors.supplier_questions(tenant=tenant, view="open")
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
    qs = tenant.scope(Classification).filter(status=ClassificationStatus.REVIEW)
    total = qs.count()
    if not total:
        return []
    rows = qs.select_related("information_type").order_by("updated_at", "pk")[:WORK_ITEMS_SHOWN]
    return [WorkGroup(
        title=_("Classifications waiting for your approval"),
        items=[WorkItem(title=c.information_type.name, url=reverse("classification:detail", args=[c.pk]))
               for c in rows],
        total=total, more_url=reverse("classification:list") + "?status=review")]


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """At most two queries per group shown, whatever the data size."""
    groups: list[WorkGroup] = []
    if tenant.can(Perm.SUPPLIER_REPORT):
        groups += _to_us(tenant, today)
    if tenant.can_edit(Classification):
        groups += _to_suppliers(tenant, today)
    if tenant.can(Perm.CLASSIFY_APPROVE) and tenant.can_edit(Classification):
        groups += _to_approve(tenant, today)
    return groups
