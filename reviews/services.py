"""Writes of management reviews and their decisions, each through the tenant.

The review is the organisation's record (Perm.MANAGEMENT_REVIEW: administrator, coordinator).
Its inputs are gathered as a snapshot and may be gathered again until the review is adopted
(fastställd); adopting freezes the record and stores who adopted it and when. Each decision
becomes an action of the organisation's action plan through actions.services.action_create.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import Action
from actions.services import action_create
from core.tenancy import Tenant
from reviews import inputs
from reviews.models import ManagementReview, ReviewDecision, ReviewStatus

CLOSED_REFUSED = gettext_lazy("The management review is adopted; it can no longer be changed.")
NO_INPUTS = gettext_lazy("Gather the inputs before the review is adopted.")
PERIOD_ORDER = gettext_lazy("The period cannot end before it starts.")
OWNER_REQUIRED = gettext_lazy("Choose who owns the decision's action.")
OWNER_NOT_MEMBER = gettext_lazy("The owner must be a member of your organisation.")
DUE_REQUIRED = gettext_lazy("Choose the decision's due date.")
TEXT_REQUIRED = gettext_lazy("Write the decision.")
PLAN_REQUIRED = gettext_lazy("Only those who manage the action plan record decisions that become actions.")
HELD_IN_FUTURE = gettext_lazy("A review cannot be adopted before the day it is held.")

FIELDS = ("title", "held_on", "period_start", "period_end", "chair", "other_participants", "status",
          "interested_parties_changes", "objectives", "interested_parties_feedback", "improvement_opportunities",
          "conclusions")
# The status a form or the API may set; adopting is its own step (review_close).
EDITABLE_STATUSES = (ReviewStatus.PLANNED, ReviewStatus.HELD)


def _to_change(tenant: Tenant, review: ManagementReview, *, lock: bool = True) -> ManagementReview:
    qs = ManagementReview.objects.select_for_update() if lock else None
    current = tenant.get(ManagementReview, review.pk, write=True, queryset=qs)
    if current.is_closed:
        raise ValidationError(CLOSED_REFUSED)
    return current


def _check_people(tenant: Tenant, chair, participants) -> None:
    wanted = {u.pk for u in participants or []} | ({chair.pk} if chair is not None else set())
    if not wanted:
        return
    members = set(tenant.users().filter(pk__in=wanted).values_list("pk", flat=True))
    errors = {}
    if chair is not None and chair.pk not in members:
        errors["chair"] = _("The chair must be a member of your organisation.")
    if {u.pk for u in participants or []} - members:
        errors["participants"] = _("The participants must be members of your organisation.")
    if errors:
        raise ValidationError(errors)


def review_save(*, tenant: Tenant, review: ManagementReview | None, data: dict) -> ManagementReview:
    """Plan a management review or change one that is not yet adopted."""
    participants = data.get("participants")
    with transaction.atomic():
        obj = tenant.new(ManagementReview) if review is None else _to_change(tenant, review)
        for name in FIELDS:
            if name in data:
                value = data[name]
                if value is None and name in ("other_participants", "interested_parties_changes", "objectives",
                                              "interested_parties_feedback", "improvement_opportunities",
                                              "conclusions"):
                    value = ""
                setattr(obj, name, value)
        if not obj.status:
            obj.status = ReviewStatus.PLANNED
        errors = {}
        if obj.status not in EDITABLE_STATUSES:
            errors["status"] = _("Adopt the review with its own button, once its inputs are gathered.")
        if obj.period_start and obj.period_end and obj.period_end < obj.period_start:
            errors["period_end"] = PERIOD_ORDER
        if errors:
            raise ValidationError(errors)
        _check_people(tenant, obj.chair, participants)
        obj.full_clean()
        obj.save()
        if participants is not None:
            obj.participants.set(participants)
    return obj


def review_gather(*, tenant: Tenant, review: ManagementReview, now: datetime.datetime | None = None) -> ManagementReview:
    """Gather the review's inputs for its period now and keep them as its snapshot (again until adopted).

    `now` is for the demo, whose earlier reviews were gathered in earlier years."""
    now = now or timezone.now()
    with transaction.atomic():
        obj = _to_change(tenant, review)
        obj.inputs = inputs.gather(tenant=tenant, review=obj, today=timezone.localdate(now))
        obj.gathered_at, obj.gathered_by = now, tenant.user
        obj.full_clean()
        obj.save()
    return obj


def review_close(*, tenant: Tenant, review: ManagementReview, now: datetime.datetime | None = None) -> ManagementReview:
    """Adopt (fastställ) the review: it is frozen from now on, with who adopted it and when (`now`: the demo's)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        obj = _to_change(tenant, review)
        if not obj.has_inputs:
            raise ValidationError(NO_INPUTS)
        if obj.held_on > today:
            raise ValidationError({"held_on": HELD_IN_FUTURE})
        obj.status = ReviewStatus.CLOSED
        obj.closed_at, obj.closed_by = now, tenant.user
        obj.full_clean()
        obj.save()
    return obj


def source_label(review: ManagementReview, number: int) -> str:
    return _("Management review: %(title)s / Decision %(number)d") % {"title": review.title, "number": number}


def decision_add(*, tenant: Tenant, review: ManagementReview, text: str, owner, due_date: datetime.date | None,
                 title: str = "") -> ReviewDecision:
    """Record a decision of the review; it becomes an action of the plan with its owner and due date.

    The action is created by actions.services.action_create with the same tenant, so the plan's
    rules apply: only a member who manages the action plan records a decision.
    """
    if not tenant.can_edit(Action) or not tenant.can_edit(ReviewDecision):
        raise PermissionDenied(PLAN_REQUIRED)
    text = str(text or "").strip()
    errors = {}
    if not text:
        errors["text"] = TEXT_REQUIRED
    if owner is None:
        errors["owner"] = OWNER_REQUIRED
    elif not tenant.users().filter(pk=owner.pk).exists():
        errors["owner"] = OWNER_NOT_MEMBER
    if due_date is None:
        errors["due_date"] = DUE_REQUIRED
    with transaction.atomic():
        obj = _to_change(tenant, review)
        if errors:
            raise ValidationError(errors)
        number = (tenant.scope(ReviewDecision).filter(review=obj).aggregate(n=Max("number"))["n"] or 0) + 1
        decision = tenant.new(ReviewDecision, review=obj, number=number, text=text, owner=owner, due_date=due_date)
        decision.full_clean()
        decision.save()
        decision.action = action_create(tenant=tenant, title=(title or text)[:300], description=text, source=decision,
                                        owner=owner, due_date=due_date,
                                        source_label=source_label(obj, number)[:300])
        decision.save()
    return decision
