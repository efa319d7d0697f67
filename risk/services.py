"""Write-side rules of risk analysis. Views, API, imports and the demo call these; nothing else saves."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from actions import services as action_services
from actions.models import OPEN_STATUSES as ACTION_OPEN_STATUSES
from core import concurrency
from core.tenancy import Tenant
from inventory.models import InformationType, System
from organisations.roles import NOT_AN_OWNER, Perm
from risk import deciders, rules
from risk.models import Risk, RiskMatrix, RiskSession, RiskStatus, RiskSystem, Threat, Treatment
from suppliers.models import Supplier
from trail import chain

RISK_FIELDS = (
    "title", "description", "threat", "vulnerability", "existing_controls", "process",
    "inherent_likelihood", "inherent_consequence", "residual_likelihood", "residual_consequence",
    "owner", "strategy", "status", "review_date", "session",
)
ASSESSMENT_FIELDS = ("inherent_likelihood", "inherent_consequence", "residual_likelihood", "residual_consequence")
RESIDUAL_FIELDS = ("residual_likelihood", "residual_consequence")


class VersionConflict(concurrency.VersionConflict):
    """Someone else saved the record after the caller read it."""

    message = gettext_lazy("Someone else has changed this record since you opened it.")


class MappingRequired(Exception):
    """The matrix size changes while risks exist: the caller must confirm a level mapping."""

    def __init__(self, *, likelihood: dict[int, int] | None, consequence: dict[int, int] | None, risks: int):
        super().__init__(_("The scale changes while %(n)d risks are assessed on it; confirm how their levels map.")
                         % {"n": risks})
        self.likelihood = likelihood
        self.consequence = consequence
        self.risks = risks


# --- the matrix -----------------------------------------------------------------------------


def matrix_ensure(*, tenant: Tenant) -> RiskMatrix:
    """The organisation's matrix, created with the defaults on first use (by a write)."""
    org_id = tenant.membership.organisation_id
    matrix = RiskMatrix.objects.filter(organisation_id=org_id).first()
    if matrix is not None:
        return matrix
    try:
        with transaction.atomic():
            matrix = RiskMatrix(organisation_id=org_id)
            matrix.save()
    except IntegrityError:
        # Another request created it at the same moment (one matrix per organisation).
        matrix = RiskMatrix.objects.get(organisation_id=org_id)
    return matrix


def _check_mapping(old: int, new: int, given: dict | None, field: str) -> dict[int, int] | None:
    """The validated mapping for an axis whose size changes (None: unchanged or not given)."""
    if old == new or given is None:
        return None
    return rules.validate_mapping(given, old, new, field)


def matrix_update(*, tenant: Tenant, data: dict, version: int, likelihood_mapping: dict | None = None,
                  consequence_mapping: dict | None = None) -> RiskMatrix:
    """Change the matrix. A new scale size while risks exist needs an explicit mapping of the
    old levels per axis (MappingRequired carries a suggestion); it is applied to every risk,
    inherent and residual, in the same transaction, and each changed risk enters the trail.
    """
    tenant.require(Perm.RISK_CONFIGURE)
    if not tenant.can_edit(RiskMatrix):
        raise PermissionDenied
    thresholds = (data["medium_from"], data["high_from"], data["very_high_from"])
    rules.validate_matrix(
        likelihood_size=data["likelihood_size"], consequence_size=data["consequence_size"], thresholds=thresholds,
        acceptance_level=data["acceptance_level"], likelihood_labels=data.get("likelihood_labels", []),
        consequence_labels=data.get("consequence_labels", []),
    )
    matrix_ensure(tenant=tenant)
    with transaction.atomic(), chain.deferred():
        matrix = RiskMatrix.objects.select_for_update().get(organisation_id=tenant.membership.organisation_id)
        if matrix.version != version:
            raise VersionConflict(matrix)
        l_map = _check_mapping(matrix.likelihood_size, data["likelihood_size"], likelihood_mapping,
                               "likelihood_mapping")
        c_map = _check_mapping(matrix.consequence_size, data["consequence_size"], consequence_mapping,
                               "consequence_mapping")
        l_changes = matrix.likelihood_size != data["likelihood_size"]
        c_changes = matrix.consequence_size != data["consequence_size"]
        if l_changes or c_changes:
            risks = tenant.editable(Risk)
            count = risks.count()
            if count and ((l_changes and l_map is None) or (c_changes and c_map is None)):
                raise MappingRequired(
                    likelihood=rules.suggest_mapping(matrix.likelihood_size, data["likelihood_size"]) if l_changes else None,
                    consequence=rules.suggest_mapping(matrix.consequence_size, data["consequence_size"]) if c_changes else None,
                    risks=count,
                )
            if count:
                _rescale_risks(risks, l_map, c_map)
        for name in ("likelihood_size", "consequence_size", "medium_from", "high_from", "very_high_from",
                     "acceptance_level"):
            setattr(matrix, name, data[name])
        # Custom labels belong to a scale of one size; a new size starts from the defaults.
        matrix.likelihood_labels = list(data.get("likelihood_labels", [])) if not l_changes else []
        matrix.consequence_labels = list(data.get("consequence_labels", [])) if not c_changes else []
        matrix.version += 1
        matrix.full_clean()
        matrix.save()
    return matrix


def _rescale_risks(risks, l_map: dict[int, int] | None, c_map: dict[int, int] | None) -> int:
    """Apply the level mappings to every risk (locked); each save is captured by the trail.

    Acceptance is kept: the mapping restates the same assessment on a new scale, it does
    not make a new one.
    """
    changed = 0
    for risk in risks.select_for_update().order_by("pk").iterator(chunk_size=500):
        before = [getattr(risk, name) for name in ASSESSMENT_FIELDS]
        for name in ASSESSMENT_FIELDS:
            mapping = l_map if name.endswith("likelihood") else c_map
            setattr(risk, name, rules.map_value(getattr(risk, name), mapping))
        if [getattr(risk, name) for name in ASSESSMENT_FIELDS] != before:
            risk.version += 1
            risk.save()
            changed += 1
    return changed


# --- risks ----------------------------------------------------------------------------------


def _check_references(*, tenant: Tenant, data: dict, matrix: RiskMatrix) -> None:
    """Links only to the organisation's own records and members; levels within the scales."""
    org_id = tenant.membership.organisation_id
    errors = {}
    threat = data.get("threat")
    if threat is not None and threat.organisation_id not in (None, org_id):
        errors["threat"] = _("Choose a threat from the catalogue or your organisation's own.")
    for name, model in (("systems", System), ("information_types", InformationType), ("suppliers", Supplier)):
        for obj in data.get(name) or []:
            if not isinstance(obj, model) or obj.organisation_id != org_id:
                errors[name] = _("Choose one of your organisation's own.")
    session = data.get("session")
    if session is not None and session.organisation_id != org_id:
        errors["session"] = _("Choose one of your organisation's own.")
    owner = data.get("owner")
    if owner is not None and not tenant.owners().filter(pk=owner.pk).exists():
        # A risk's owner accepts it (docs/decisions.md, decision 11): only a role that may own.
        errors["owner"] = str(NOT_AN_OWNER)
    for name in ASSESSMENT_FIELDS:
        value = data.get(name)
        size = matrix.likelihood_size if name.endswith("likelihood") else matrix.consequence_size
        if value is not None and not 1 <= value <= size:
            errors[name] = _("Choose a level between 1 and %(n)d.") % {"n": size}
    if errors:
        raise ValidationError(errors)


def _check_pairs(risk: Risk) -> None:
    """An assessment is a pair: a likelihood without a consequence has no score."""
    errors = {}
    for prefix in ("inherent", "residual"):
        likelihood, consequence = getattr(risk, f"{prefix}_likelihood"), getattr(risk, f"{prefix}_consequence")
        if (likelihood is None) != (consequence is None):
            missing = f"{prefix}_consequence" if consequence is None else f"{prefix}_likelihood"
            errors[missing] = _("Assess both likelihood and consequence, or neither.")
    if errors:
        raise ValidationError(errors)


def _set_systems(risk: Risk, systems: list[System], created: bool) -> None:
    """Make the live links exactly `systems`; links whose system was deleted are kept."""
    current = {} if created else {link.system_id: link for link in risk.system_links.all() if link.system_id is not None}
    wanted = {system.pk: system for system in systems}
    for system_id, link in current.items():
        if system_id not in wanted:
            link.delete()
        elif link.system_name != wanted[system_id].name:
            link.system_name = wanted[system_id].name
            link.save()
    for system_id, system in wanted.items():
        if system_id not in current:
            RiskSystem(organisation_id=risk.organisation_id, risk=risk, system=system, system_name=system.name).save()


def set_links(risk: Risk, data: dict, *, created: bool = False) -> None:
    """Links to systems, information types and suppliers, for the keys present in `data`."""
    if "systems" in data:
        _set_systems(risk, list(data["systems"]), created)
    if "information_types" in data and (data["information_types"] or not created):
        risk.information_types.set(data["information_types"])
    if "suppliers" in data and (data["suppliers"] or not created):
        risk.suppliers.set(data["suppliers"])


def _derive_status(risk: Risk, explicit: bool) -> None:
    """A risk given an assessment moves from identified to assessed by itself."""
    if not explicit and risk.status == RiskStatus.IDENTIFIED and risk.residual_score is not None:
        risk.status = RiskStatus.ASSESSED


def _check_status(risk: Risk) -> None:
    if risk.status == RiskStatus.ACCEPTED and not risk.is_accepted:
        raise ValidationError({"status": _("A residual risk is accepted with a justification on the risk's own page.")})


def risk_create(*, tenant: Tenant, data: dict) -> Risk:
    """Add a risk to the active organisation's register."""
    if not tenant.can_edit(Risk):
        raise PermissionDenied
    matrix = matrix_ensure(tenant=tenant)
    _check_references(tenant=tenant, data=data, matrix=matrix)
    with transaction.atomic():
        risk = tenant.new(Risk)
        apply_fields(risk, data)
        risk.full_clean()
        risk.save()
        set_links(risk, data, created=True)
    return risk


def risk_update(*, tenant: Tenant, risk: Risk, data: dict, version: int) -> Risk:
    """Change a risk, refusing if someone else saved it since `version` was read."""
    if not tenant.can_edit(Risk):
        raise PermissionDenied
    matrix = matrix_ensure(tenant=tenant)
    _check_references(tenant=tenant, data=data, matrix=matrix)
    with transaction.atomic():
        # Lock the row so two concurrent saves cannot both pass the version check.
        current = tenant.editable(Risk).select_for_update().get(pk=risk.pk)
        if current.version != version:
            raise VersionConflict(current)
        apply_fields(current, data)
        current.version += 1
        current.full_clean()
        current.save()
        set_links(current, data)
    return current


def apply_fields(risk: Risk, data: dict) -> None:
    """Set a risk's own fields from `data` and the rules that follow from them (no save).

    A changed residual assessment withdraws an earlier acceptance: it was given for the
    level then assessed, not for the new one. Raises ValidationError.
    """
    before_residual = [getattr(risk, name) for name in RESIDUAL_FIELDS]
    for name, value in data.items():
        if name in RISK_FIELDS:
            setattr(risk, name, value)
    _check_pairs(risk)
    risk.refresh_scores()
    if risk.is_accepted and [getattr(risk, name) for name in RESIDUAL_FIELDS] != before_residual:
        _withdraw_acceptance(risk)
    _derive_status(risk, explicit="status" in data and data["status"] != RiskStatus.IDENTIFIED)
    _check_status(risk)


def _withdraw_acceptance(risk: Risk) -> None:
    risk.accepted_by = None
    risk.accepted_at = None
    risk.acceptance_justification = ""
    risk.accepted_until = None
    if risk.status == RiskStatus.ACCEPTED:
        risk.status = RiskStatus.ASSESSED


def risk_assess(*, tenant: Tenant, risk: Risk, version: int, inherent: tuple[int, int] | None = None,
                residual: tuple[int, int] | None = None) -> Risk:
    """Record the inherent and/or residual assessment (likelihood, consequence)."""
    data = {}
    if inherent is not None:
        data["inherent_likelihood"], data["inherent_consequence"] = inherent
    if residual is not None:
        data["residual_likelihood"], data["residual_consequence"] = residual
    return risk_update(tenant=tenant, risk=risk, data=data, version=version)


ACCEPTANCE_DAYS = 365  # an acceptance's default validity: one year


class TreatmentsNotStarted(Exception):
    """Accepting while treatments have not started: the caller must confirm."""

    def __init__(self, treatments: list):
        super().__init__(ngettext(
            "%(n)d treatment of this risk has not started; confirm that you accept the residual risk before it is "
            "carried out.",
            "%(n)d treatments of this risk have not started; confirm that you accept the residual risk before they "
            "are carried out.", len(treatments)) % {"n": len(treatments)})
        self.treatments = treatments


def default_accepted_until() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=ACCEPTANCE_DAYS)


def risk_accept(*, tenant: Tenant, risk: Risk, justification: str, version: int,
                accepted_until: datetime.date | None = None, confirm: bool = False) -> Risk:
    """Accept the residual risk until `accepted_until` (default: a year), recording who, when and why.

    Within the acceptance criteria anyone who analyses risks may accept; above them only the
    risk's owner or a linked system's owner (with a role that may accept), or an administrator
    (risk.deciders; MSB LIS; ISO/IEC 27005 8.6). Treatments not yet started raise
    TreatmentsNotStarted unless `confirm`. After `accepted_until` the risk is due for review.
    """
    if not tenant.can_edit(Risk):
        raise PermissionDenied
    matrix = matrix_ensure(tenant=tenant)
    with transaction.atomic():
        current = tenant.editable(Risk).select_for_update().get(pk=risk.pk)
        if current.version != version:
            raise VersionConflict(current)
        if current.residual_score is None:
            raise ValidationError({"justification": _("Assess the residual risk before accepting it.")})
        refusal = deciders.acceptance_refusal(tenant, current, matrix)
        if refusal:
            raise PermissionDenied(refusal)
        errors = {}
        if not (justification or "").strip():
            errors["justification"] = _("Give the reason for accepting the risk.")
        until = accepted_until or default_accepted_until()
        if until < timezone.localdate():
            errors["accepted_until"] = _("The acceptance cannot end in the past.")
        if errors:
            raise ValidationError(errors)
        not_started = deciders.treatments_not_started(current)
        if not_started and not confirm:
            raise TreatmentsNotStarted(not_started)
        current.accepted_by = tenant.user
        current.accepted_at = timezone.now()
        current.acceptance_justification = justification.strip()
        current.accepted_until = until
        current.status = RiskStatus.ACCEPTED
        current.version += 1
        current.full_clean()
        current.save()
    return current


def risk_delete(*, tenant: Tenant, risk: Risk) -> None:
    """Delete a risk with its treatments; their actions stay in the plan, naming their source."""
    with transaction.atomic():
        tenant.editable(Risk).get(pk=risk.pk).delete()


# --- treatments -----------------------------------------------------------------------------


def _sync_action(tenant: Tenant, treatment: Treatment) -> None:
    """Keep the treatment's action in step: an open treatment has one open action with the
    same owner, due date and status; a done or cancelled one closes it."""
    title = str(treatment)[:300] or _("Risk treatment")
    description = _("Treatment of the risk “%(risk)s”.") % {"risk": treatment.risk.title}
    if treatment.is_open:
        action = action_services.action_sync_for_source(
            tenant=tenant, source=treatment, title=title, owner=treatment.owner, due_date=treatment.due_date,
            description=description)
        if action.status != treatment.status:
            action_services.action_update(tenant=tenant, action=action, data={"status": treatment.status})
        return
    actions = action_services.actions_for_source(treatment)
    if not actions:
        # A treatment recorded as already done still enters the plan, as a closed action.
        actions = [action_services.action_create(tenant=tenant, title=title, source=treatment, owner=treatment.owner,
                                                 due_date=treatment.due_date, description=description)]
    for action in actions:
        if action.status in ACTION_OPEN_STATUSES:
            action_services.action_update(tenant=tenant, action=action, data={"status": treatment.status})


def treatment_follow_action(action) -> None:
    """Bring a treatment in step with its action when the action's status changed in the plan.

    Called by actions.services for whoever may edit the action (its owner need not be allowed to
    edit risks): the treatment is the same piece of work, so it takes the action's status. It is
    saved directly, not through treatment_update, so the action is not synchronised back.
    """
    treatment = action.source
    # The action was loaded through its tenant; its source is the same organisation's record.
    if treatment is None or treatment.organisation_id != action.organisation_id or treatment.status == action.status:
        return
    treatment.status = action.status
    treatment.save(update_fields=["status", "updated_at"])


def _check_owner(tenant: Tenant, owner) -> None:
    if owner is not None and not tenant.users().filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose a member of your organisation.")})


TREATMENT_FIELDS = ("description", "owner", "due_date", "status")


def treatment_add(*, tenant: Tenant, risk: Risk, data: dict) -> Treatment:
    """Add a treatment to a risk; it becomes an action of the plan."""
    if not tenant.can_edit(Treatment):
        raise PermissionDenied
    _check_owner(tenant, data.get("owner"))
    with transaction.atomic():
        risk = tenant.editable(Risk).get(pk=risk.pk)
        treatment = tenant.new(Treatment, risk=risk, **{k: v for k, v in data.items() if k in TREATMENT_FIELDS})
        treatment.full_clean()
        treatment.save()
        _sync_action(tenant, treatment)
    return treatment


def treatment_update(*, tenant: Tenant, treatment: Treatment, data: dict) -> Treatment:
    """Change a treatment; its action follows (a finished treatment closes its action)."""
    if not tenant.can_edit(Treatment):
        raise PermissionDenied
    _check_owner(tenant, data.get("owner"))
    with transaction.atomic():
        current = tenant.editable(Treatment).select_for_update().select_related("risk").get(pk=treatment.pk)
        for name in TREATMENT_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.full_clean()
        current.save()
        _sync_action(tenant, current)
    return current


# --- sessions -------------------------------------------------------------------------------


SESSION_FIELDS = ("title", "scope", "date", "external_participants", "notes")


def _check_participants(tenant: Tenant, participants) -> None:
    members = set(tenant.users().values_list("pk", flat=True))
    if any(user.pk not in members for user in participants or []):
        raise ValidationError({"participants": _("Choose members of your organisation.")})


def session_save(*, tenant: Tenant, session: RiskSession | None, data: dict) -> RiskSession:
    """Create or change a risk-analysis session with its participants."""
    if not tenant.can_edit(RiskSession):
        raise PermissionDenied
    _check_participants(tenant, data.get("participants"))
    with transaction.atomic():
        if session is None:
            obj = tenant.new(RiskSession)
        else:
            obj = tenant.editable(RiskSession).select_for_update().get(pk=session.pk)
        for name in SESSION_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
        if "participants" in data:
            obj.participants.set(data["participants"])
    return obj


def session_create(*, tenant: Tenant, data: dict) -> RiskSession:
    return session_save(tenant=tenant, session=None, data=data)


# --- threats --------------------------------------------------------------------------------


def threat_save(*, tenant: Tenant, threat: Threat | None, data: dict) -> Threat:
    """Create or change one of the organisation's own threats (the catalogue is read-only)."""
    with transaction.atomic():
        obj = threat or tenant.new(Threat)
        if obj.organisation_id != tenant.membership.organisation_id:
            raise PermissionDenied
        for name in ("code", "name", "description", "category"):
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
    return obj
