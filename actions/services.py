"""The action plan: every treatment, analysis task and recommendation becomes an action."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, Action, ActionStatus
from core.tenancy import Tenant

FIELDS = ("title", "description", "owner", "due_date", "status")


def _check_owner(tenant: Tenant, owner) -> None:
    if owner is not None and not tenant.users().filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose a member of your organisation.")})


def _apply_status(action: Action, status: str) -> None:
    action.status = status
    # completed_at follows the status, so "done last week" can be reported later.
    if status == ActionStatus.DONE and action.completed_at is None:
        action.completed_at = timezone.now()
    elif status != ActionStatus.DONE:
        action.completed_at = None


def action_create(*, tenant: Tenant, title: str, source=None, owner=None, due_date: datetime.date | None = None,
                  description: str = "") -> Action:
    """Add an action to the active organisation's plan, linked to the record it came from."""
    _check_owner(tenant, owner)
    with transaction.atomic():
        action = tenant.new(Action, title=title, description=description, owner=owner, due_date=due_date)
        if source is not None:
            action.source_type = ContentType.objects.get_for_model(source)
            action.source_id = str(source.pk)
            action.source_label = str(source)[:300]
        action.full_clean()
        action.save()
    return action


def action_update(*, tenant: Tenant, action: Action, data: dict) -> Action:
    """Change an action (title, owner, due date, status)."""
    _check_owner(tenant, data.get("owner"))
    with transaction.atomic():
        current = tenant.editable(Action).select_for_update().get(pk=action.pk)
        for name in ("title", "description", "owner", "due_date"):
            if name in data:
                setattr(current, name, data[name])
        if "status" in data:
            _apply_status(current, data["status"])
        current.full_clean()
        current.save()
    return current


def actions_for_source(source) -> list[Action]:
    """The actions that came from one record (e.g. a risk's treatments)."""
    return list(
        Action.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=str(source.pk))
        .select_related("owner")
        .order_by("due_date", "pk")
    )


def action_sync_for_source(*, tenant: Tenant, source, title: str, owner=None, due_date=None,
                           description: str = "") -> Action:
    """Keep exactly one open action for a source (e.g. a risk's treatment): create or update it."""
    open_actions = [a for a in actions_for_source(source) if a.status in OPEN_STATUSES]
    if not open_actions:
        return action_create(tenant=tenant, title=title, source=source, owner=owner, due_date=due_date,
                             description=description)
    return action_update(tenant=tenant, action=open_actions[0],
                         data={"title": title, "owner": owner, "due_date": due_date, "description": description})
