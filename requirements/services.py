"""Writing requirement assessments, the statement of applicability and own requirements.

Every write is a save() of a TenantModel, so the audit trail records it (trail.capture).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions import services as action_services
from actions.models import OPEN_STATUSES, Action
from core import concurrency
from core.tenancy import Tenant
from inventory.models import System
from requirements import selectors
from requirements.catalogue import catalogue_is_loaded
from requirements.models import (
    ACTION_STATUSES,
    ApplicabilityStatement,
    Control,
    Nis2Point,
    Requirement,
    RequirementStatus,
    Status,
    tags,
)
from requirements.rules import validate_levels
from requirements.validators import validate_evidence_file
from trail import chain


class VersionConflict(concurrency.VersionConflict):
    """Someone else saved the assessment after the caller read it."""

    message = gettext_lazy("Someone else has changed this assessment since you opened it.")


def _require_own_system(tenant: Tenant, system: System) -> None:
    if not tenant.can_edit(RequirementStatus) or not tenant.owns(system):
        raise PermissionDenied


def requirement_status_set(*, tenant: Tenant, system: System, requirement: Requirement, data: dict,
                           version: int | None = None, evidence_file=None, remove_file: bool = False) -> RequirementStatus:
    """Record how far `system` meets `requirement` (created on first assessment).

    `data` holds status, reason, evidence and link; `version`, when given, must be the version
    the caller read (optimistic locking), else VersionConflict.
    """
    _require_own_system(tenant, system)
    if not selectors.active_requirements(tenant).filter(pk=requirement.pk).exists():
        raise ValidationError({"requirement": _("Choose a requirement in force in your catalogue.")})
    status = data.get("status")
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    reason = (data.get("reason") or "").strip() if status == Status.NOT_APPLICABLE else ""
    if status == Status.NOT_APPLICABLE and not reason:
        raise ValidationError({"reason": _("Give the reason the requirement does not apply to this system.")})
    override_reason = _override_reason(tenant, system, requirement, status, data)
    if evidence_file is not None:
        try:
            validate_evidence_file(evidence_file)
        except ValidationError as exc:
            raise ValidationError({"evidence_file": exc.messages})
    try:
        with transaction.atomic():
            current = (tenant.editable(RequirementStatus).select_for_update()
                       .filter(system=system, requirement=requirement).first())
            if current is None:
                current = tenant.new(RequirementStatus, system=system, requirement=requirement)
            elif version is not None and version != current.version:
                raise VersionConflict(current)
            else:
                current.version += 1
            current.system, current.requirement = system, requirement  # names for the trail
            current.status, current.reason = status, reason
            current.override_reason = override_reason
            current.evidence = (data.get("evidence") or "").strip()
            current.link = (data.get("link") or "").strip()
            if evidence_file is not None:
                current.evidence_file = evidence_file
            elif remove_file:
                # The stored file is kept: it was the evidence at the time (the trail names it).
                current.evidence_file = ""
            current.assessed_by, current.assessed_at = tenant.user, timezone.now()
            current.full_clean()
            current.save()
    except IntegrityError:
        # Two first assessments of the same pair at once: the other one won.
        raise ValidationError(_("Someone else has just assessed this requirement; reload the page."))
    return current


def _override_reason(tenant: Tenant, system: System, requirement: Requirement, status: str, data: dict) -> str:
    """The reason for overriding a status Tillit derives from its data ("" when none is overridden).

    A derived requirement (requirements.derived) keeps following the data unless a person sets
    another status, which needs a reason. Setting the derived status itself with no reason
    records the evidence and leaves the row following the data.
    """
    given = (data.get("override_reason") or "").strip()
    answer = selectors.derived_answer(tenant=tenant, system=system, requirement=requirement)
    if answer is None:
        return ""
    if status != answer.status and not given:
        raise ValidationError({"override_reason": _(
            "Tillit derives “%(status)s” from its data (%(reason)s) Give the reason you set another status.") % {
            "status": answer.label, "reason": answer.reason}})
    return given


class AssessmentConflict(Exception):
    """The request does not fit the assessment as it stands (e.g. an action for a met requirement)."""


def _lock_status(tenant: Tenant, system: System, requirement: Requirement) -> RequirementStatus | None:
    """The assessment of `requirement` for `system`, locked for the caller's transaction (None: not assessed)."""
    return (tenant.editable(RequirementStatus).select_for_update(of=("self",)).select_related("system", "requirement")
            .filter(system=system, requirement=requirement).first())


def action_refusal(status: RequirementStatus | None, actions, derived=None) -> str:
    """Why the assessment cannot get an action now, or "" when it can. `derived`: the status
    Tillit derives from its data (requirements.derived), which counts unless overridden."""
    effective = selectors.effective_of(status, derived)
    if effective is None:
        return _("Assess the requirement first: only a requirement that is not met or partly met gets an action.")
    if effective.status not in ACTION_STATUSES:
        return _("The requirement is assessed as “%(status)s”: only a requirement that is not met or partly met "
                 "gets an action.") % {"status": Status(effective.status).label}
    if actions:
        return _("The requirement already has an open action: “%(title)s”.") % {"title": actions[0].title}
    return ""


def action_title(requirement: Requirement, system: System) -> str:
    """The title an action from an assessment gets unless the user gives one."""
    return (_("%(system)s: meet %(code)s %(title)s")
            % {"system": system.name, "code": requirement.code, "title": requirement.display_title})[:300]


def requirement_action_create(*, tenant: Tenant, system: System, requirement: Requirement, owner, due_date,
                              title: str = "", description: str = "") -> Action:
    """Put a requirement that `system` does not (fully) meet into the action plan.

    The action's source is the assessment, so the plan links back to the requirement's row and
    the row shows the open action. One open action per assessment; a met or not applicable
    requirement gets none (AssessmentConflict). An owner and a due date are required: an
    action nobody answers for, or without a date, is not followed up.
    """
    if not (tenant.can_edit(RequirementStatus) and tenant.can_edit(Action)) or not tenant.owns(system):
        raise PermissionDenied
    errors = {}
    if owner is None:
        errors["owner"] = _("Choose who is responsible for the action.")
    if due_date is None:
        errors["due_date"] = _("Give the date the action is due.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        status = _lock_status(tenant, system, requirement)
        actions = action_services.actions_for_source(status) if status is not None else []
        derived = selectors.derived_answer(tenant=tenant, system=system, requirement=requirement)
        refusal = action_refusal(status, [a for a in actions if a.status in OPEN_STATUSES], derived)
        if refusal:
            raise AssessmentConflict(refusal)
        if status is None:
            # A requirement Tillit answers from its data has no assessment of its own until now: the
            # action needs one as its source. It records the derived status and keeps following the
            # data (no override reason).
            status = RequirementStatus(organisation_id=tenant.membership.organisation_id, system=system,
                                       requirement=requirement, status=derived.status, assessed_by=tenant.user,
                                       assessed_at=timezone.now())
            status.save()
        action = action_services.action_create(
            tenant=tenant, source=status, owner=owner, due_date=due_date,
            title=(title or "").strip()[:300] or action_title(status.requirement, status.system),
            description=(description or "").strip() or status.requirement.text_is,
            # The plan names the source without the raw status code that str(status) ends with.
            source_label=f"{status.requirement} – {status.system.name}", system=status.system,
        )
    return action


def requirement_evidence_upload(*, tenant: Tenant, system: System, requirement: Requirement, evidence_file,
                                version: int | None = None) -> RequirementStatus:
    """Replace the evidence file of an assessment, or remove it with evidence_file=None (the API;
    the page does both with the assessment).

    The file is checked as on the page (type by name and content, at most 10 MB). The earlier
    file is kept in storage: the trail names it as the evidence of its time.
    """
    _require_own_system(tenant, system)
    if evidence_file is not None:
        try:
            validate_evidence_file(evidence_file)
        except ValidationError as exc:
            raise ValidationError({"evidence_file": exc.messages})
    with transaction.atomic():
        current = _lock_status(tenant, system, requirement)
        if current is None:
            raise AssessmentConflict(_("Assess the requirement first, then add its evidence file."))
        if version is not None and version != current.version:
            raise VersionConflict(current)
        current.version += 1
        current.evidence_file = evidence_file if evidence_file is not None else ""
        current.full_clean()
        current.save()
    return current


def applicability_generate(*, tenant: Tenant) -> int:
    """Create the missing rows of the organisation's statement of applicability, one per control.

    A control is applicable by default when a requirement linked to it applies to one of the
    organisation's systems; otherwise it is marked not applicable with the reason pending, for
    someone to justify (ISO/IEC 27001:2022 6.1.3 d asks for the justification of exclusions).
    Existing rows, i.e. decisions already taken, are left as they are.
    """
    if not tenant.can_edit(ApplicabilityStatement):
        raise PermissionDenied
    if not catalogue_is_loaded():
        raise ValidationError(_("The requirement catalogue is not loaded; run manage.py load_requirements."))
    missing = [row for row in selectors.soa_rows(tenant=tenant) if row.statement is None]
    with transaction.atomic(), chain.deferred():
        for row in missing:
            statement = tenant.new(ApplicabilityStatement, control=row.control, applicable=row.suggested_applicable)
            statement.full_clean()
            statement.save()
    return len(missing)


def applicability_set(*, tenant: Tenant, control: Control, data: dict) -> ApplicabilityStatement:
    """Decide one control of the statement of applicability: applicable, why (not), how far implemented."""
    if not tenant.can_edit(ApplicabilityStatement):
        raise PermissionDenied
    applicable = bool(data.get("applicable"))
    reason = (data.get("reason") or "").strip()
    if not applicable and not reason:
        raise ValidationError({"reason": _("Give the reason the control does not apply.")})
    override_reason = (data.get("implementation_override_reason") or "").strip()
    derived = next((row.derived for row in selectors.soa_rows(tenant=tenant) if row.control.pk == control.pk), None)
    implementation = data.get("implementation")
    if not applicable:
        derived, override_reason = None, ""  # an excluded control is not implemented: nothing to derive
    if derived is not None and implementation and implementation != derived.implementation and not override_reason:
        raise ValidationError({"implementation_override_reason": _(
            "The systems' requirement statuses give “%(status)s” (%(reason)s) Give the reason you set another "
            "implementation status.") % {"status": derived.label, "reason": derived.reason}})
    if derived is not None and implementation == derived.implementation:
        override_reason = ""  # agrees with the systems: follows them again
    with transaction.atomic():
        statement = tenant.editable(ApplicabilityStatement).select_for_update().filter(control=control).first()
        if statement is None:
            statement = tenant.new(ApplicabilityStatement, control=control)
        statement.control = control
        statement.applicable, statement.reason = applicable, reason
        statement.implementation = implementation or (derived.implementation if derived else statement.implementation)
        statement.implementation_override_reason = override_reason
        statement.note = (data.get("note") or "").strip()
        statement.full_clean()
        statement.save()
    return statement


REQUIREMENT_FIELDS = ("code", "area", "title", "title_en", "title_shall", "title_shall_en", "text_is", "text_shall")


def _requirement_values(data: dict) -> dict:
    values = {name: (data.get(name) or "").strip() for name in REQUIREMENT_FIELDS}
    values["levels"] = validate_levels(data.get("levels"))
    points = sorted(set(data.get("nis2") or []))
    if not set(points) <= set(Nis2Point.values):
        raise ValidationError({"nis2": _("Choose points (a)–(j) of article 21(2).")})
    values["nis2_points"] = tags(points)
    return values


def _check_code(tenant: Tenant, code: str, exclude_pk=None) -> None:
    # The organisation's codes must not shadow the catalogue's: "ÅS-03" means one thing.
    # Compared in Python: SQLite folds the case of ASCII letters only, and codes start with Å or Ä.
    codes = tenant.scope(Requirement).exclude(pk=exclude_pk).values_list("code", flat=True)
    if any(existing.casefold() == code.casefold() for existing in codes):
        raise ValidationError({"code": _("The code %(code)s is already in use.") % {"code": code}})


def requirement_create(*, tenant: Tenant, data: dict) -> Requirement:
    """Add a requirement of the organisation's own to its catalogue."""
    values = _requirement_values(data)
    _check_code(tenant, values["code"])
    with transaction.atomic():
        requirement = tenant.new(Requirement, **values)
        requirement.full_clean()
        requirement.save()
        requirement.controls.set(list(data.get("controls") or []))
    return requirement


def requirement_update(*, tenant: Tenant, requirement: Requirement, data: dict) -> Requirement:
    """Change one of the organisation's own requirements (the shared catalogue is never edited here)."""
    values = _requirement_values(data)
    _check_code(tenant, values["code"], exclude_pk=requirement.pk)
    with transaction.atomic():
        current = tenant.get(Requirement, requirement.pk, write=True, queryset=Requirement.objects.select_for_update())
        for name, value in values.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        wanted = {c.pk for c in data.get("controls") or []}
        if {c.pk for c in current.controls.all()} != wanted:
            current.controls.set(wanted)
    return current
