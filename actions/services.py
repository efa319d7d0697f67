"""The action plan: every treatment, analysis task and recommendation becomes an action."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, Action, ActionStatus
from core.loading import optional_hooks
from core.tenancy import Tenant

# Sources whose own status follows their action's: when an action of such a source is finished,
# cancelled or reopened, the named function brings the source in step (model label -> dotted path).
STATUS_FOLLOWERS = {
    "risk.treatment": "risk.services.treatment_follow_action",
}

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
                  description: str = "", source_label: str = "") -> Action:
    """Add an action to the active organisation's plan, linked to the record it came from.

    The plan names the source by `source_label`, or else by str(source).
    """
    _check_owner(tenant, owner)
    with transaction.atomic():
        action = tenant.new(Action, title=title, description=description, owner=owner, due_date=due_date)
        if source is not None:
            action.source_type = ContentType.objects.get_for_model(source)
            action.source_id = str(source.pk)
            action.source_label = (source_label or str(source))[:300]
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
        status_changed = "status" in data and data["status"] != current.status
        if "status" in data:
            _apply_status(current, data["status"])
        current.full_clean()
        current.save()
        if status_changed:
            _tell_source(current)
    return current


def _tell_source(action: Action) -> None:
    """Let the action's source follow its new status (a done action finishes its treatment)."""
    if action.source_type_id is None:
        return
    path = STATUS_FOLLOWERS.get(f"{action.source_type.app_label}.{action.source_type.model}")
    for follow in optional_hooks([path] if path else []):
        follow(action)


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
