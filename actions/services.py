"""The action plan: every treatment, analysis task and recommendation becomes an action."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, Action, ActionNote, ActionStatus
from core.loading import optional_hooks
from core.tenancy import Tenant
from organisations.roles import Perm

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


def _check_system(tenant: Tenant, system) -> None:
    if system is not None and not tenant.owns(system):
        raise ValidationError({"system": _("Choose one of your organisation's systems.")})


def action_create(*, tenant: Tenant, title: str, source=None, owner=None, due_date: datetime.date | None = None,
                  description: str = "", source_label: str = "", system=None) -> Action:
    """Add an action to the active organisation's plan, linked to the record it came from.

    The plan names the source by `source_label`, or else by str(source); `system` is the system
    the action concerns, when there is one.
    """
    _check_owner(tenant, owner)
    _check_system(tenant, system)
    with transaction.atomic():
        action = tenant.new(Action, title=title, description=description, owner=owner, due_date=due_date,
                            system=system)
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
    _check_system(tenant, data.get("system"))
    with transaction.atomic():
        current = tenant.editable(Action).select_for_update().get(pk=action.pk)
        for name in ("title", "description", "owner", "due_date", "system"):
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


def may_write_notes(tenant: Tenant, action: Action) -> bool:
    """The action's owner reports progress on it, as do those who manage the plan."""
    return tenant.owns(action) and (tenant.can(Perm.ACTION_EDIT) or action.owner_id == tenant.user.pk)


def note_add(*, tenant: Tenant, action: Action, text: str, evidence_file=None) -> ActionNote:
    """A progress note on `action`, with an evidence file if one is given (type and size checked)."""
    from requirements.validators import validate_evidence_file

    if not may_write_notes(tenant, action):
        raise PermissionDenied
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Write what was done.")
    if evidence_file is not None:
        try:
            validate_evidence_file(evidence_file)
        except ValidationError as exc:
            errors["evidence_file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = tenant.new(ActionNote, action=action, text=text.strip(), author=tenant.user)
        if evidence_file is not None:
            note.evidence_file = evidence_file
        note.full_clean()
        note.save()
        if action.status == ActionStatus.OPEN and tenant.can_edit(Action):
            # Reporting progress means the work has started.
            action_update(tenant=tenant, action=action, data={"status": ActionStatus.IN_PROGRESS})
    return note
