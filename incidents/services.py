"""Writes of the incident module: keyword-only, through the tenant, all or nothing.

Anyone in the organisation reports (Perm.INCIDENT_REPORT); assessing, reporting to authorities,
reviewing and closing are for the roles that handle incidents (Perm.INCIDENT_HANDLE), and only in
the organisation's own case: the IT company never assesses for a municipality.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from actions import services as action_services
from core.concurrency import VersionConflict
from core.tenancy import Tenant
from incidents import rules
from incidents.models import (
    CaseNote,
    Incident,
    IncidentCase,
    IncidentUpdate,
    Lesson,
    Review,
    Severity,
    StageSubmission,
    Status,
)
from organisations.roles import Perm
from risk.models import Risk


class CaseConflict(VersionConflict):
    message = gettext_lazy("Someone else changed this incident case after you opened it.")


NOT_YOUR_CASE = gettext_lazy("Only the organisation whose case it is assesses and reports it; "
                             "each organisation told of the incident makes its own assessments.")


def severity_scale(tenant: Tenant) -> list[Severity]:
    """The organisation's own severity scale, or the shared default until it has one."""
    steps = list(tenant.scope(Severity).order_by("rank"))
    own = [s for s in steps if s.organisation_id is not None]
    return own or [s for s in steps if s.organisation_id is None]


def _now(now):
    return now or timezone.now()


def _check_own(tenant: Tenant, records, field: str, message: str) -> None:
    if any(not tenant.owns(r) for r in records):
        raise ValidationError({field: message})


def _check_member(tenant: Tenant, user, field: str) -> None:
    if user is not None and not tenant.users().filter(pk=user.pk).exists():
        raise ValidationError({field: _("Choose a member of your organisation.")})


def _next_reference(organisation, year: int) -> str:
    prefix = f"INC-{year}-"
    last = (Incident.objects.filter(organisation=organisation, reference__startswith=prefix)
            .order_by("-reference").values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _own_case(tenant: Tenant, case: IncidentCase, *, lock: bool = True) -> IncidentCase:
    """The case, re-read and locked, if it is the tenant's own and the role handles incidents."""
    tenant.require(Perm.INCIDENT_HANDLE)
    if not tenant.owns(case):
        raise PermissionDenied(NOT_YOUR_CASE)
    qs = tenant.editable(IncidentCase).select_related("incident", "severity")
    return (qs.select_for_update(of=("self",)) if lock else qs).get(pk=case.pk)


def _open(case: IncidentCase) -> None:
    if case.status == Status.CLOSED:
        raise ValidationError(_("The incident is closed in your organisation; nothing more can be recorded."))


# --- Reporting -----------------------------------------------------------------------------------


def incident_report(*, tenant: Tenant, data: dict, now: datetime.datetime | None = None) -> IncidentCase:
    """Register an incident and open the reporting organisation's own case.

    A supplier that addresses customers opens a case for each of them at once: each became aware
    at the moment it was told, and its clocks start then.
    """
    now = _now(now)
    detected = data["detected_at"]
    message = rules.check_awareness(detected, now)
    if message:
        raise ValidationError({"detected_at": message})
    if data.get("occurred_at") and data["occurred_at"] > now:
        raise ValidationError({"occurred_at": _("The incident cannot have occurred in the future.")})
    systems = list(data.get("systems") or [])
    information_types = list(data.get("information_types") or [])
    suppliers = list(data.get("suppliers") or [])
    addressees = list(data.get("addressees") or [])
    _check_own(tenant, systems, "systems", _("Choose systems of your organisation's inventory."))
    _check_own(tenant, information_types, "information_types", _("Choose information types of your organisation."))
    _check_own(tenant, suppliers, "suppliers", _("Choose suppliers from your organisation's register."))
    if addressees:
        tenant.check_addressees(addressees, field="addressees")
    with transaction.atomic():
        incident = tenant.new(Incident, reference=_next_reference(tenant.organisation, now.year),
                              title=data["title"], description=data["description"],
                              category=data.get("category") or "other", occurred_at=data.get("occurred_at"),
                              detected_at=detected, reported_by=tenant.user,
                              affected_services=data.get("affected_services", ""),
                              possible_breach=bool(data.get("possible_breach")))
        incident.full_clean()
        incident.save()
        incident.suppliers.set(suppliers)
        # The reporter's own case belongs to its organisation whatever the reporter's role: reporting
        # is open to everyone, the handling that follows to those who handle incidents.
        case = IncidentCase(organisation=tenant.organisation, incident=incident, aware_at=detected)
        case.refresh_deadline({})
        case.full_clean()
        case.save()
        case.systems.set(systems)
        case.information_types.set(information_types)
        if addressees:
            _address(tenant, incident, addressees, now)
    return case


def _address(tenant: Tenant, incident: Incident, organisations, now) -> list[IncidentCase]:
    created = tenant.notify(IncidentCase, incident, organisations, aware_at=now)
    for case in created:
        case.refresh_deadline({})
        case.save(update_fields=["next_deadline", "next_stage"])
    if incident.addressed_at is None:
        incident.addressed_at = now
        incident.save(update_fields=["addressed_at", "updated_at"])
    return created


def incident_address(*, tenant: Tenant, incident: Incident, organisations, now=None) -> list[IncidentCase]:
    """Tell more of the organisations served; each one's clocks start now."""
    now = _now(now)
    with transaction.atomic():
        incident = tenant.get(Incident, incident.pk, write=True)
        return _address(tenant, incident, list(organisations), now)


def incident_update_add(*, tenant: Tenant, incident: Incident, text: str, at=None, now=None) -> IncidentUpdate:
    """A timeline entry of the registering organisation, read by every organisation told."""
    now = _now(now)
    tenant.require(Perm.INCIDENT_HANDLE)
    incident = tenant.get(Incident, incident.pk, write=True)
    at = at or now
    if at > now:
        raise ValidationError({"at": _("A timeline entry cannot be in the future.")})
    update = IncidentUpdate(organisation=incident.organisation, incident=incident, at=at, author=tenant.user,
                            text=text)
    update.full_clean()
    update.save()
    return update


# --- One organisation's case ---------------------------------------------------------------------


ASSESS_FIELDS = ("severity", "manager", "significant", "significance_reason", "malicious", "cross_border",
                 "breach", "breach_notifiable", "breach_reason")


def case_assess(*, tenant: Tenant, case: IncidentCase, data: dict, version: int | None = None,
                now=None) -> IncidentCase:
    """The organisation's own assessment: severity on its scale, manager, significance, breach."""
    now = _now(now)
    with transaction.atomic():
        current = _own_case(tenant, case)
        _open(current)
        if version is not None and version != current.version:
            raise CaseConflict(current)
        severity = data.get("severity", current.severity)
        if severity is not None and severity.pk not in {s.pk for s in severity_scale(tenant)}:
            raise ValidationError({"severity": _("Choose a step of your organisation's severity scale.")})
        _check_member(tenant, data.get("manager"), "manager")
        systems = data.get("systems")
        information_types = data.get("information_types")
        risks = data.get("risks")
        _check_own(tenant, systems or [], "systems", _("Choose systems of your organisation's inventory."))
        _check_own(tenant, information_types or [], "information_types",
                   _("Choose information types of your organisation."))
        _check_own(tenant, risks or [], "risks", _("Choose risks of your organisation's register."))
        before = (current.significant, current.significance_reason, current.breach, current.breach_notifiable,
                  current.breach_reason)
        for name in ASSESS_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        _check_assessment(current)
        if (current.significant, current.significance_reason) != before[:2]:
            current.significance_by, current.significance_at = tenant.user, now
        if (current.breach, current.breach_notifiable, current.breach_reason) != before[2:]:
            current.breach_by, current.breach_at = tenant.user, now
        if current.status == Status.REPORTED:
            current.status = Status.HANDLING
        current.refresh_deadline(submitted_stages(current))
        current.version += 1
        current.full_clean()
        current.save()
        if systems is not None:
            current.systems.set(systems)
        if information_types is not None:
            current.information_types.set(information_types)
        if risks is not None:
            current.risks.set(risks)
    return current


def _check_assessment(case: IncidentCase) -> None:
    errors = {}
    if case.significant is not None and not case.significance_reason.strip():
        errors["significance_reason"] = _("Record why the incident is or is not significant "
                                          "(Cybersecurity Act; NIS2 art. 23(3)).")
    if case.breach and case.breach_notifiable is None:
        errors["breach_notifiable"] = _("Say whether the breach is likely to result in a risk to people.")
    if case.breach and case.breach_notifiable is False and not case.breach_reason.strip():
        errors["breach_reason"] = _("Record why the breach is unlikely to result in a risk (GDPR art. 33(1)); "
                                    "it is documented in the breach log (art. 33(5)).")
    if errors:
        raise ValidationError(errors)


def submitted_stages(case: IncidentCase) -> dict:
    """Stage → instant of its first submission (what the clocks need)."""
    first = {}
    for stage, at in case.submissions.order_by("submitted_at").values_list("stage", "submitted_at"):
        first.setdefault(stage, at)
    return first


def stage_submit(*, tenant: Tenant, case: IncidentCase, stage: str, submitted_at: datetime.datetime,
                 content: dict | None = None, reference: str = "", late_reason: str = "",
                 now=None) -> StageSubmission:
    """Record that a stage's report was submitted: when, to whom (by the configuration valid that
    day), by whom and what was sent. A late one needs its reasons (GDPR art. 33(1))."""
    from incidents.documents import stage_content

    now = _now(now)
    with transaction.atomic():
        current = _own_case(tenant, case)
        _open(current)
        submitted = submitted_stages(current)
        refused = rules.check_submission(stage=stage, submitted_at=submitted_at, aware_at=current.aware_at,
                                         now=now, already=set(submitted))
        if refused:
            raise ValidationError({refused[0]: refused[1]})
        if stage == rules.IMY and not (current.breach and current.breach_notifiable is not False):
            raise ValidationError({"stage": _("Assess the incident as a personal data breach likely to result in "
                                              "a risk before notifying IMY.")})
        if stage in rules.NIS2_STAGES and current.significant is not True:
            raise ValidationError({"stage": _("Assess the incident as significant before reporting it under the "
                                              "Cybersecurity Act.")})
        clock = next((c for c in rules.clocks(current.facts(submitted), submitted_at) if c.stage.key == stage), None)
        if clock is not None and clock.due is not None and submitted_at > clock.due and not late_reason.strip():
            raise ValidationError({"late_reason": _("The report is late: record the reasons for the delay.")})
        authority = rules.recipient(stage, submitted_at.astimezone(rules.STOCKHOLM).date())
        submission = StageSubmission(
            organisation=current.organisation, case=current, stage=stage, submitted_at=submitted_at,
            submitted_by=tenant.user, recipient=authority.name if authority else "", reference=reference,
            content={**stage_content(current, stage), **(content or {})}, late_reason=late_reason)
        submission.full_clean()
        submission.save()
        current.refresh_deadline(submitted_stages(current))
        current.version += 1
        current.save()
    return submission


def note_add(*, tenant: Tenant, case: IncidentCase, text: str, at=None, now=None) -> CaseNote:
    now = _now(now)
    current = _own_case(tenant, case, lock=False)
    at = at or now
    if at > now:
        raise ValidationError({"at": _("A timeline entry cannot be in the future.")})
    if at < current.incident.detected_at and at < current.aware_at:
        raise ValidationError({"at": _("A timeline entry cannot be earlier than the incident was detected.")})
    note = CaseNote(organisation=current.organisation, case=current, at=at, author=tenant.user, text=text)
    note.full_clean()
    note.save()
    return note


def case_end_handling(*, tenant: Tenant, case: IncidentCase, at=None, now=None) -> IncidentCase:
    now = _now(now)
    with transaction.atomic():
        current = _own_case(tenant, case)
        _open(current)
        at = at or now
        if at > now:
            raise ValidationError({"at": _("Handling cannot end in the future.")})
        if at < current.aware_at:
            raise ValidationError({"at": _("Handling cannot end before the organisation became aware.")})
        current.handling_ended_at = at
        current.status = Status.RESOLVED
        current.refresh_deadline(submitted_stages(current))
        current.version += 1
        current.save()
    return current


# --- Review and closing --------------------------------------------------------------------------


REVIEW_FIELDS = ("held_on", "participants", "supplier_took_part", "causes", "what_was_done", "went_well",
                 "went_badly")


def review_save(*, tenant: Tenant, case: IncidentCase, data: dict, complete: bool = False,
                now=None) -> Review:
    """Write the post-incident review; completing it needs at least one lesson (each is an action)."""
    now = _now(now)
    with transaction.atomic():
        current = _own_case(tenant, case)
        _open(current)
        review = Review.objects.filter(case=current).first() or Review(organisation=current.organisation,
                                                                        case=current)
        if review.completed_at:
            raise ValidationError(_("The review is completed; it can no longer be changed."))
        for name in REVIEW_FIELDS:
            if name in data:
                setattr(review, name, data[name])
        if review.held_on and review.held_on > timezone.localdate(now):
            raise ValidationError({"held_on": _("The review cannot be held in the future.")})
        review.full_clean()
        review.save()
        if complete:
            if not review.lessons.exists():
                raise ValidationError(_("Record at least one lesson before completing the review; each lesson "
                                        "becomes an action in the action plan."))
            review.completed_at, review.completed_by = now, tenant.user
            review.save()
    return review


def lesson_add(*, tenant: Tenant, review: Review, text: str, owner, due_date: datetime.date,
               risk: Risk | None = None, new_risk: str = "", now=None) -> Lesson:
    """A lesson of the review, turned at once into an action of the organisation's plan.

    It may name a risk it changes (the likelihood to reconsider) or add a new risk to the register.
    """
    if risk is not None and new_risk.strip():
        raise ValidationError({"new_risk": _("Name either an existing risk or a new one, not both.")})
    with transaction.atomic():
        case = _own_case(tenant, review.case)
        _open(case)
        if review.completed_at:
            raise ValidationError(_("The review is completed; it can no longer be changed."))
        if not text.strip():
            raise ValidationError({"text": _("Describe the lesson.")})
        if owner is None or due_date is None:
            raise ValidationError({"owner": _("Each lesson becomes an action: give it an owner and a due date.")})
        _check_own(tenant, [risk] if risk else [], "risk", _("Choose risks of your organisation's register."))
        if new_risk.strip():
            from risk.services import risk_create

            tenant.require(Perm.RISK_EDIT)
            risk = risk_create(tenant=tenant, data={
                "title": new_risk.strip()[:200], "description": text,
                "process": (_("Incident: %(incident)s") % {"incident": case.incident})[:200]})
        lesson = Lesson(organisation=case.organisation, review=review, text=text, risk=risk)
        lesson.full_clean()
        lesson.save()
        lesson.action = action_services.action_create(
            tenant=tenant, title=text[:200], source=lesson, owner=owner, due_date=due_date,
            description=_("Lesson from the post-incident review of %(incident)s.") % {"incident": case.incident},
            source_label=_("Review of %(incident)s") % {"incident": case.incident.reference})
        lesson.save(update_fields=["action", "updated_at"])
        if risk is not None:
            case.risks.add(risk)
    return lesson


def case_close(*, tenant: Tenant, case: IncidentCase, note: str = "", without_review: bool = False,
               now=None) -> IncidentCase:
    """Close the organisation's case once it is assessed and every required report is in.

    A required review must be completed first. Closing without it is possible only as a recorded
    deviation (`without_review` with the reason in `note`), which stays visible in lists and audits.
    """
    now = _now(now)
    with transaction.atomic():
        current = _own_case(tenant, case)
        _open(current)
        if current.significant is None or current.breach is None:
            raise ValidationError(_("Assess whether the incident is significant and whether it is a personal "
                                    "data breach before closing it."))
        clocks = rules.clocks(current.facts(submitted_stages(current)), now)
        missing = rules.required_open(clocks)
        if missing:
            raise ValidationError(_("Required reports are not submitted: %(stages)s.")
                                  % {"stages": ", ".join(str(c.stage.title) for c in missing)})
        review = Review.objects.filter(case=current).first()
        reviewed = bool(review and review.completed_at)
        if current.review_required and not reviewed:
            if not without_review:
                raise ValidationError(_("A post-incident review is required for this incident. Complete the "
                                        "review, or close it as a deviation without the review and say why."))
            if not note.strip():
                raise ValidationError({"note": _("Say why the incident is closed without the required review.")})
            current.closed_without_review = True
        if current.handling_ended_at is None:
            current.handling_ended_at = now
        current.status = Status.CLOSED
        current.closed_at, current.closed_by, current.closure_note = now, tenant.user, note
        current.refresh_deadline({})
        current.version += 1
        current.save()
    return current


def severity_save(*, tenant: Tenant, severity: Severity | None, data: dict) -> Severity:
    """A step of the organisation's own severity scale (once it has one, it replaces the default)."""
    with transaction.atomic():
        if severity is None:
            severity = tenant.new(Severity)
        else:
            severity = tenant.get(Severity, severity.pk, write=True)
        for name in ("rank", "name", "description", "review_required"):
            if name in data:
                setattr(severity, name, data[name])
        if not severity.name.strip():
            raise ValidationError({"name": _("Give the step a name.")})
        if tenant.editable(Severity).filter(rank=severity.rank).exclude(pk=severity.pk).exists():
            raise ValidationError({"rank": _("Your scale already has a step with this rank.")})
        severity.full_clean()
        severity.save()
    return severity
