"""Writes of change management: requests, changes, the CAB papers, each municipality's decision,
the implementation steps under the separation of duties, acceptance tests and the closing report.

Every function takes the tenant and refuses, with a message and nothing changed, what the rules
(changes.rules) do not allow. The IT company writes only its own records (the change, its
steps); each municipality only its own (its request, decision, acceptance test, answer to the
closing report) through `Tenant.respond`, so neither can record anything on the other's behalf.
"""

import datetime
import logging
import smtplib

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from changes import rules
from changes.models import (
    AcceptanceTest,
    Change,
    ChangeDecision,
    ChangeRequest,
    ChangeSettings,
    ChangeStep,
    Closing,
    ClosingConfirmation,
    Decision,
    Kind,
    Status,
    StandingApproval,
    StepKind,
    StepResult,
)
from core.concurrency import VersionConflict
from core.tenancy import Tenant
from inventory.models import System
from organisations.models import Membership, Organisation
from organisations.roles import ROLE_PERMISSIONS, Perm

logger = logging.getLogger(__name__)

CHANGE_FIELDS = ("title", "description", "reason", "kind", "standard_class", "requested_date", "window_start",
                 "window_end", "rollback_plan", "likelihood", "consequence")
REQUEST_FIELDS = ("title", "description", "reason", "kind", "requested_date", "wants_acceptance_test",
                  "wants_test_environment")
SETTINGS_FIELDS = ("papers_lead_days", "separation_high", "separation_medium", "separation_low")


class DecisionConflict(VersionConflict):
    message = _("Someone else in your organisation recorded a decision on this change after you opened it.")


class AcceptanceConflict(VersionConflict):
    message = _("Someone else in your organisation recorded the acceptance test after you opened it.")


class ClosingConflict(VersionConflict):
    message = _("Someone else in your organisation answered the closing report after you opened it.")


# Settings ---------------------------------------------------------------------------------

def settings_of(organisation_id: int) -> ChangeSettings:
    """The organisation's change settings, or the defaults (unsaved) when it has none."""
    found = ChangeSettings.objects.filter(organisation_id=organisation_id).first()
    return found or ChangeSettings(organisation_id=organisation_id)


def settings_save(*, tenant: Tenant, data: dict) -> ChangeSettings:
    tenant.require(Perm.CHANGE_EXCEPTION)
    with transaction.atomic():
        obj = tenant.editable(ChangeSettings).select_for_update().first() or tenant.new(ChangeSettings)
        for name in SETTINGS_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean(validate_constraints=False)
        obj.save()
    return obj


# A municipality's request --------------------------------------------------------------------

def request_save(*, tenant: Tenant, request: ChangeRequest | None, data: dict) -> ChangeRequest:
    """A municipality's request for a change to an IT company that serves it."""
    tenant.require(Perm.CHANGE_REQUEST)
    supplier = data.get("addressed_to") or (request.addressed_to if request else None)
    if supplier is None or not tenant.organisation.suppliers.filter(pk=supplier.pk).exists():
        raise ValidationError({"addressed_to": _("Choose an IT company that serves your organisation.")})
    systems = list(data.get("systems") or [])
    own = set(tenant.editable(System).filter(pk__in=[s.pk for s in systems]).values_list("pk", flat=True)) \
        if systems else set()
    if len(own) != len({s.pk for s in systems}):
        raise ValidationError({"systems": _("Choose only your organisation's own systems.")})
    with transaction.atomic():
        obj = request or tenant.new(ChangeRequest, requested_by=tenant.user)
        obj.addressed_to = supplier
        for name in REQUEST_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
        if "systems" in data or request is None:
            obj.systems.set(systems)
    return obj


# The change ---------------------------------------------------------------------------------

def _require_own(tenant: Tenant, change: Change, perm: str) -> Change:
    """The change locked for writing, when it is the active organisation's own."""
    tenant.require(perm)
    if not tenant.owns(change):
        raise PermissionDenied(_("Only the IT company that registered the change changes it."))
    return Change.objects.select_for_update().get(pk=change.pk)


def _addressees_from(tenant: Tenant, systems, chosen) -> list[Organisation]:
    """The municipalities a change is addressed to: those chosen, and the owners of the affected
    systems shared with the IT company that it serves."""
    served = set(tenant.customers().values_list("pk", flat=True))
    wanted = {o.pk: o for o in chosen}
    for system in systems:
        if system.organisation_id in served and system.organisation_id not in wanted:
            wanted[system.organisation_id] = system.organisation
    return list(wanted.values())


def change_save(*, tenant: Tenant, change: Change | None, data: dict) -> Change:
    """Register a change (or edit one not yet deployed), addressed to the affected municipalities."""
    tenant.require(Perm.CHANGE_REQUEST)
    if not tenant.can_edit(Change):
        raise PermissionDenied
    errors = {}
    for name in ("likelihood", "consequence"):
        if not rules.check_scale(data.get(name)):
            errors[name] = _("Choose a value from 1 to 4.")
    start, end = data.get("window_start"), data.get("window_end")
    if start and end and end <= start:
        errors["window_end"] = _("The window must end after it starts.")
    if bool(start) != bool(end):
        errors["window_end" if start else "window_start"] = _("Give both the start and the end of the window.")
    if data.get("kind") == Kind.STANDARD and not (data.get("standard_class") or "").strip():
        errors["standard_class"] = _("Name the class of a standard change.")
    if errors:
        raise ValidationError(errors)
    systems = list(data.get("systems") or [])
    visible = set(tenant.scope(System).filter(pk__in=[s.pk for s in systems]).values_list("pk", flat=True))
    if len(visible) != len({s.pk for s in systems}):
        raise ValidationError({"systems": _("Choose systems your organisation has or that are shared with it.")})
    systems = list(System.objects.filter(pk__in=visible).select_related("organisation"))
    request = data.get("request")
    if request is not None and not tenant.scope(ChangeRequest).filter(
            pk=request.pk, addressed_to_id=tenant.organisation.pk).exists():
        raise ValidationError({"request": _("Choose a request addressed to your organisation.")})
    addressees = _addressees_from(tenant, systems, list(data.get("shared_with") or [])
                                  + ([request.organisation] if request is not None else []))
    with transaction.atomic():
        if change is not None:
            obj = _require_own(tenant, change, Perm.CHANGE_REQUEST)
            if obj.status not in (Status.REGISTERED, Status.PAPERS_SENT):
                raise ValidationError(_("A change that is in progress, deployed or closed is no longer edited."))
            before = set(obj.shared_with.values_list("pk", flat=True))
            new = [o for o in addressees if o.pk not in before]
            if new:
                tenant.check_addressees(new)
            if not addressees:
                tenant.check_addressees([])
        else:
            obj = tenant.new(Change, registered_by=tenant.user)
            tenant.check_addressees(addressees)
        for name in CHANGE_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        if request is not None:
            obj.request = request
        obj.risk_level = rules.risk_level(obj.likelihood, obj.consequence,
                                          default=data.get("risk_level") or obj.risk_level)
        obj.full_clean()
        obj.save()
        obj.shared_with.set(addressees)
        obj.systems.set(systems)
    return obj


def change_cancel(*, tenant: Tenant, change: Change) -> Change:
    with transaction.atomic():
        obj = _require_own(tenant, change, Perm.CHANGE_REQUEST)
        if obj.status not in (Status.REGISTERED, Status.PAPERS_SENT, Status.IN_PROGRESS):
            raise ValidationError(_("Only a change not yet deployed can be cancelled."))
        obj.status = Status.CANCELLED
        obj.save()
    return obj


# The CAB ------------------------------------------------------------------------------------

def _own_cab(tenant: Tenant, meeting, now: datetime.datetime):
    from meetings.models import Meeting, MeetingKind, MeetingStatus

    if meeting is None or not tenant.owns(meeting) or meeting.kind != MeetingKind.CAB:
        raise ValidationError({"cab_meeting": _("Choose one of your organisation's CAB meetings.")})
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.starts_at <= now or meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"cab_meeting": _("The CAB meeting has already taken place; choose a coming one.")})
    return meeting


def change_schedule(*, tenant: Tenant, change: Change, meeting, now: datetime.datetime | None = None) -> Change:
    """Put a change on the agenda of a coming CAB meeting of the IT company."""
    now = now or timezone.now()
    with transaction.atomic():
        obj = _require_own(tenant, change, Perm.CHANGE_REQUEST)
        meeting = _own_cab(tenant, meeting, now)
        if obj.status not in (Status.REGISTERED, Status.PAPERS_SENT, Status.IN_PROGRESS, Status.DEPLOYED):
            raise ValidationError({"cab_meeting": _("A closed or cancelled change is not brought to the CAB.")})
        if obj.cab_meeting_id != meeting.pk:
            obj.cab_meeting = meeting
            obj.papers_sent_at = None
        obj.save()
    return obj


def decider_roles() -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if Perm.CHANGE_DECIDE in perms]


def papers_send(*, tenant: Tenant, meeting, now: datetime.datetime | None = None) -> list[Change]:
    """Send the papers of a coming CAB meeting: every change on its agenda whose papers have not
    gone out, to the members of each affected municipality who decide on changes (e-mail), and
    visible to them at once as "awaiting our decision". The meeting is addressed to them too."""
    now = now or timezone.now()
    tenant.require(Perm.CHANGE_REQUEST)
    with transaction.atomic():
        meeting = _own_cab(tenant, meeting, now)
        changes = list(tenant.editable(Change).select_for_update().filter(
            cab_meeting=meeting, papers_sent_at__isnull=True,
            status__in=(Status.REGISTERED, Status.PAPERS_SENT, Status.IN_PROGRESS, Status.DEPLOYED))
            .order_by("pk"))
        if not changes:
            raise ValidationError({"cab_meeting": _("Every change on this CAB's agenda has had its papers sent; "
                                                    "add a change first.")})
        through = Change.shared_with.through
        addressed: dict[int, set[int]] = {}
        for change_id, org_id in through.objects.filter(change_id__in=[c.pk for c in changes]).values_list(
                "change_id", "organisation_id"):
            addressed.setdefault(org_id, set()).add(change_id)
        for change in changes:
            change.papers_sent_at = now
            if change.status == Status.REGISTERED:
                change.status = Status.PAPERS_SENT
            change.save()
        meeting_orgs = set(meeting.shared_with.values_list("pk", flat=True))
        new = [o for o in Organisation.objects.filter(pk__in=set(addressed) - meeting_orgs)]
        if new:
            meeting.shared_with.add(*new)
        by_id = {c.pk: c for c in changes}
        recipients = list(Membership.objects.filter(organisation_id__in=addressed, role__in=decider_roles())
                          .select_related("user", "organisation"))
        transaction.on_commit(lambda: _mail_papers(meeting, recipients, addressed, by_id))
    return changes


def _mail_papers(meeting, recipients, addressed, by_id) -> None:
    base = django_settings.TILLIT_BASE_URL.rstrip("/")
    for membership in recipients:
        mine = [by_id[pk] for pk in sorted(addressed.get(membership.organisation_id, ()))]
        with translation.override(django_settings.LANGUAGE_CODE):
            subject = _("CAB papers: %(meeting)s") % {"meeting": meeting}
            lines = [_("The papers for %(meeting)s have been sent to %(organisation)s.")
                     % {"meeting": meeting, "organisation": membership.organisation.name}, "",
                     _("Record your organisation's decision on each change (approve, approve with conditions, "
                       "reject or abstain) before or at the meeting, and say whether you want an acceptance "
                       "test or a separate test environment:"), ""]
            lines += [f"- {c} ({c.get_kind_display()}, {c.get_risk_level_display()}): "
                      f"{base}{reverse('changes:change_detail', args=[c.pk])}" for c in mine]
        try:
            send_mail(subject, "\n".join(lines), django_settings.DEFAULT_FROM_EMAIL, [membership.user.email])
        except (smtplib.SMTPException, OSError) as exc:  # the papers stay visible in Tillit
            logger.warning("CAB papers to %s failed: %s", membership.user.email, exc)


# Each municipality's decision -----------------------------------------------------------------

def _respond(tenant: Tenant, model, change: Change, conflict, version: int | None, perm: str = Perm.CHANGE_DECIDE):
    """The active municipality's response of `model` to the change, locked, or a new one;
    refused for anyone the change is not addressed to (Tenant.respond)."""
    fresh = tenant.respond(model, change, perm=perm)  # the addressing and permission checks
    obj = tenant.my_responses(model).select_for_update().filter(change=change).first()
    if obj is None:
        return fresh
    if version is not None and version != obj.version:
        raise conflict(obj)
    obj.version += 1
    return obj


def _save_response(obj, model, change, conflict):
    """Save a response; two first responses at once: the second is told of the first (the unique
    constraint), never overwrites it."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise conflict(model.objects.filter(organisation_id=obj.organisation_id, change=change).first())


def decision_set(*, tenant: Tenant, change: Change, decision: str, comment: str = "", conditions: str = "",
                 wants_acceptance_test: bool = False, wants_test_environment: bool = False, participation: str = "",
                 version: int | None = None, at: datetime.datetime | None = None) -> ChangeDecision:
    """The active municipality's own decision on a change addressed to it (one, changeable until
    the change is deployed; an emergency change's decision after deployment is its review)."""
    comment, conditions = (comment or "").strip(), (conditions or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve, approve with conditions, reject or abstain.")})
    if decision == Decision.CONDITIONS and not conditions:
        raise ValidationError({"conditions": _("State the conditions of your approval.")})
    if decision == Decision.REJECT and not comment:
        raise ValidationError({"comment": _("Explain why the change is rejected.")})
    with transaction.atomic():
        current = Change.objects.select_for_update().get(pk=change.pk)
        obj = _respond(tenant, ChangeDecision, current, DecisionConflict, version)
        if current.status in (Status.CLOSED, Status.CANCELLED):
            raise ValidationError(_("The change is closed or cancelled; decisions can no longer be recorded."))
        if current.status == Status.DEPLOYED and current.kind != Kind.EMERGENCY:
            raise ValidationError(_("The change has already been deployed; its decisions can no longer change."))
        obj.decision = decision
        obj.comment = comment
        obj.conditions = conditions if decision == Decision.CONDITIONS else ""
        obj.wants_acceptance_test = bool(wants_acceptance_test)
        obj.wants_test_environment = bool(wants_test_environment)
        obj.participation = (participation or "").strip()
        obj.decided_by = tenant.user
        obj.decided_at = at or timezone.now()
        obj.after_deployment = current.status == Status.DEPLOYED
        obj.full_clean(validate_constraints=False)
        _save_response(obj, ChangeDecision, current, DecisionConflict)
    return obj


def standing_approval_save(*, tenant: Tenant, supplier: Organisation, change_class: str, comment: str = "",
                           active: bool = True, approval: StandingApproval | None = None) -> StandingApproval:
    """A municipality's pre-approval of a class of standard changes by an IT company serving it."""
    tenant.require(Perm.CHANGE_DECIDE)
    change_class = (change_class or "").strip()
    if not change_class:
        raise ValidationError({"change_class": _("Name the class of standard change.")})
    if supplier is None or not tenant.organisation.suppliers.filter(pk=supplier.pk).exists():
        raise ValidationError({"supplier": _("Choose an IT company that serves your organisation.")})
    with transaction.atomic():
        obj = approval or tenant.new(StandingApproval, approved_by=tenant.user)
        obj.supplier, obj.change_class, obj.comment, obj.active = supplier, change_class, comment, active
        obj.full_clean()
        obj.save()
    return obj


# What the decisions say ------------------------------------------------------------------------

def standing_classes(change: Change) -> dict[int, set[str]]:
    """The classes of standard change each addressed municipality pre-approved for this IT company."""
    found: dict[int, set[str]] = {}
    for org_id, name in StandingApproval.objects.filter(supplier_id=change.organisation_id, active=True).values_list(
            "organisation_id", "change_class"):
        found.setdefault(org_id, set()).add(name.strip().lower())
    return found


def _addressees(change: Change) -> dict[int, str]:
    return dict(change.shared_with.values_list("pk", "name"))


def approval_state(change: Change) -> dict:
    """Who approved, who asked for an acceptance test, who passed it, for the deployment rules."""
    addressees = _addressees(change)
    decisions = dict(ChangeDecision.objects.filter(change=change).values_list("organisation_id", "decision"))
    wants = set(ChangeDecision.objects.filter(change=change, wants_acceptance_test=True)
                .values_list("organisation_id", flat=True))
    if change.request_id:
        request = ChangeRequest.objects.filter(pk=change.request_id).values("organisation_id",
                                                                          "wants_acceptance_test").first()
        if request and request["wants_acceptance_test"]:
            wants.add(request["organisation_id"])
    classes = standing_classes(change) if change.kind == Kind.STANDARD else {}
    approved = {pk for pk in addressees if rules.approved_by(
        kind=change.kind, standard_class=change.standard_class, decision=decisions.get(pk),
        standing_classes=classes.get(pk, set()))}
    passed = set(AcceptanceTest.objects.filter(change=change, passed=True).values_list("organisation_id", flat=True))
    return {"addressees": addressees, "decided": set(decisions), "approved": approved,
            "acceptance_wanted": wants & set(addressees), "acceptance_passed": passed}


# Implementation -------------------------------------------------------------------------------

def step_record(*, tenant: Tenant, change: Change, kind: str, performed_by, performed_at: datetime.datetime,
                result: str = StepResult.SUCCEEDED, comment: str = "", exception_reason: str = "") -> ChangeStep:
    """Record development, test or deployment of a change by a named member of the IT company.

    Refused when the person may not do this step under the organisation's rule for the change's
    risk level, unless a member who may authorise exceptions records one with its reason (it
    stays on the step for later audits); a deployment is refused until every affected
    municipality approved the change and passed the acceptance test it asked for (an
    emergency change proceeds before the CAB).
    """
    exception_reason = (exception_reason or "").strip()
    if kind not in StepKind.values:
        raise ValidationError({"kind": _("Choose development, test or deployment.")})
    if result not in StepResult.values:
        raise ValidationError({"result": _("Choose succeeded or failed.")})
    if performed_by is None or not tenant.users().filter(pk=performed_by.pk).exists():
        raise ValidationError({"performed_by": _("Choose a member of your organisation.")})
    if performed_at is None:
        raise ValidationError({"performed_at": _("Give the time the step was done.")})
    if performed_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"performed_at": _("A step is recorded once it has been done, not ahead.")})
    with transaction.atomic():
        current = _require_own(tenant, change, Perm.CHANGE_IMPLEMENT)
        if current.status in (Status.DEPLOYED, Status.CLOSED, Status.CANCELLED):
            raise ValidationError(_("The change is already deployed, closed or cancelled."))
        done = list(ChangeStep.objects.filter(change=current, result=StepResult.SUCCEEDED)
                    .values_list("kind", "performed_by_id"))
        developers = {p for k, p in done if k == StepKind.DEVELOP}
        testers = {p for k, p in done if k == StepKind.TEST}
        rule = settings_of(current.organisation_id).separation_for(current.risk_level)
        if kind == StepKind.TEST and not developers:
            raise ValidationError({"kind": _("Record the development of the change before it is tested.")})
        state = None
        if kind == StepKind.DEPLOY and result == StepResult.SUCCEEDED:
            state = approval_state(current)
            blockers = rules.deploy_blockers(
                kind=current.kind, rule=rule, addressees=state["addressees"], approved=state["approved"],
                acceptance_wanted=state["acceptance_wanted"], acceptance_passed=state["acceptance_passed"],
                developed=bool(developers), tested=bool(testers))
            if blockers:
                raise ValidationError({"kind": blockers})
        problem = rules.separation_problem(rule, kind, performed_by.pk, developers=developers, testers=testers)
        step = ChangeStep(organisation=current.organisation, change=current, kind=kind, performed_by=performed_by,
                          performed_at=performed_at, result=result, comment=comment, recorded_by=tenant.user)
        if problem:
            if not exception_reason:
                raise ValidationError({"performed_by": problem + " " + _(
                    "A member who may authorise exceptions can record one with its reason.")})
            if not tenant.can(Perm.CHANGE_EXCEPTION):
                raise ValidationError({"exception_reason": problem + " " + _(
                    "You may not authorise an exception to the separation of duties.")})
            step.exception_reason = exception_reason
            step.exception_by = tenant.user
            step.exception_at = timezone.now()
        elif exception_reason:
            raise ValidationError({"exception_reason": _("The rule allows this step; no exception is needed.")})
        step.full_clean()
        step.save()
        if kind == StepKind.DEPLOY and result == StepResult.SUCCEEDED:
            excepted = step.is_exception or ChangeStep.objects.filter(change=current).exclude(
                exception_reason="").exists()
            current.status = Status.DEPLOYED
            current.deployed_at = performed_at
            current.separation_excepted = excepted
            current.separation_met = not excepted
            current.duties_separated = rules.duties_separated(developers=developers, testers=testers,
                                                              deployer=performed_by.pk)
            current.acceptance_met = rules.acceptance_met(wanted=state["acceptance_wanted"],
                                                          passed=state["acceptance_passed"])
        elif current.status in (Status.REGISTERED, Status.PAPERS_SENT):
            current.status = Status.IN_PROGRESS
        current.save()
    return step


def test_environment_set(*, tenant: Tenant, change: Change, organisation: Organisation, provided: bool) -> Change:
    """The IT company records whether it provided a separate test environment for a municipality."""
    with transaction.atomic():
        current = _require_own(tenant, change, Perm.CHANGE_IMPLEMENT)
        if organisation is None or not current.shared_with.filter(pk=organisation.pk).exists():
            raise ValidationError({"organisation": _("Choose a municipality the change is addressed to.")})
        if provided:
            current.test_environment_for.add(organisation)
        else:
            current.test_environment_for.remove(organisation)
    return current


def acceptance_record(*, tenant: Tenant, change: Change, tested_by, tested_at: datetime.datetime, passed: bool,
                      comment: str = "", version: int | None = None) -> AcceptanceTest:
    """The active municipality's own acceptance test of a change, before it is deployed."""
    if tested_by is None or not tenant.users().filter(pk=tested_by.pk).exists():
        raise ValidationError({"tested_by": _("Choose a member of your organisation.")})
    if tested_at is None or tested_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"tested_at": _("An acceptance test is recorded once it has been done.")})
    comment = (comment or "").strip()
    if not passed and not comment:
        raise ValidationError({"comment": _("Describe what failed in the acceptance test.")})
    with transaction.atomic():
        current = Change.objects.select_for_update().get(pk=change.pk)
        obj = _respond(tenant, AcceptanceTest, current, AcceptanceConflict, version)
        if current.status in (Status.DEPLOYED, Status.CLOSED, Status.CANCELLED):
            raise ValidationError(_("The change is already deployed, closed or cancelled; the acceptance test "
                                    "comes before deployment."))
        if not ChangeStep.objects.filter(change=current, kind=StepKind.DEVELOP, result=StepResult.SUCCEEDED).exists():
            raise ValidationError(_("The change has not been developed yet; it is tested once it has."))
        obj.tested_by, obj.tested_at, obj.passed, obj.comment = tested_by, tested_at, bool(passed), comment
        obj.full_clean(validate_constraints=False)
        _save_response(obj, AcceptanceTest, current, AcceptanceConflict)
    return obj


# Closing ------------------------------------------------------------------------------------

def change_close(*, tenant: Tenant, change: Change, report: str, at: datetime.datetime | None = None) -> Change:
    """The closing report of a deployed change, sent to each affected municipality."""
    report = (report or "").strip()
    if not report:
        raise ValidationError({"closing_report": _("Write the closing report.")})
    with transaction.atomic():
        current = _require_own(tenant, change, Perm.CHANGE_IMPLEMENT)
        if current.status != Status.DEPLOYED:
            raise ValidationError({"closing_report": _("Only a deployed change gets a closing report.")})
        current.closing_report = report
        current.closed_at = at or timezone.now()
        current.closed_by = tenant.user
        current.status = Status.CLOSED
        current.save()
    return current


def closing_answer(*, tenant: Tenant, change: Change, outcome: str, comment: str = "", version: int | None = None,
                   at: datetime.datetime | None = None) -> ClosingConfirmation:
    """The active municipality confirms the closing report or raises a remark, which becomes an
    action in its own plan (once)."""
    from actions.services import action_create

    comment = (comment or "").strip()
    if outcome not in Closing.values:
        raise ValidationError({"outcome": _("Choose confirmed or remark.")})
    if outcome == Closing.REMARK and not comment:
        raise ValidationError({"comment": _("Describe your remark on the closing report.")})
    if outcome == Closing.REMARK:
        tenant.require(Perm.ACTION_EDIT)
    with transaction.atomic():
        current = Change.objects.select_for_update().get(pk=change.pk)
        obj = _respond(tenant, ClosingConfirmation, current, ClosingConflict, version)
        if current.status != Status.CLOSED:
            raise ValidationError(_("The change has no closing report yet."))
        obj.outcome, obj.comment = outcome, comment
        obj.decided_by, obj.decided_at = tenant.user, at or timezone.now()
        obj.full_clean(validate_constraints=False, exclude=["action"])
        _save_response(obj, ClosingConfirmation, current, ClosingConflict)
        if outcome == Closing.REMARK and obj.action_id is None:
            action = action_create(
                tenant=tenant, source=obj, due_date=timezone.localdate() + datetime.timedelta(days=30),
                title=_("Follow up the closing report of %(change)s") % {"change": current.reference},
                description=comment,
                source_label=_("Closing report %(change)s") % {"change": current})
            obj.action = action
            obj.save()
    return obj
