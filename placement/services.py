"""Write-side rules of placement assessments. Views and the API call these; nothing else saves.

A decided assessment is locked: every service here refuses to change it, and a new version
is started from it instead (assessment_new_version).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.countries import parse_country_codes
from core.tenancy import Tenant
from inventory.models import InformationType, System
from placement import selectors, starters
from placement.models import (
    Alternative,
    Assessment,
    AssessmentStatus,
    CostItem,
    Decision,
    Mitigation,
    OslAssessment,
    Perspective,
    Verdict,
)

ASSESSMENT_FIELDS = (
    "title", "service", "responsible", "background", "assessment_date", "registration_number", "deciding_body",
    "deciding_body_name", "years", "discount_rate", "department", "case_officer", "case_officer_title", "recipients",
)
COMBINED_FIELDS = ("weight_security", "weight_legal", "weight_technical", "weight_economic", "summary", "proposal",
                   "choice_justification")
ALTERNATIVE_FIELDS = (
    "name", "description", "current_placement", "hosting", "provider", "storage_countries", "access_countries",
    "provider_jurisdiction", "dpf_certified", "scc_signed", "tia_done", "technical_only", "confidentiality_duty",
    "customer_held_keys", "sla_percent", "redundancy", "recovery_site", "end_of_life", "staff_capacity",
)
COST_FIELDS = ("category", "kind", "amount", "year", "description", "upper_estimate")
DECISION_FIELDS = ("body", "body_name", "registration_number", "decided_on", "decision", "follow_up_date")


class Conflict(ValidationError):
    """Someone else saved the record after the caller read it."""


def _locked_error() -> ValidationError:
    return ValidationError(_("This assessment has been decided and is locked. Start a new version to change it."))


def _ensure_open(assessment: Assessment) -> None:
    if assessment.is_locked:
        raise _locked_error()


def _lock(tenant: Tenant, assessment: Assessment) -> Assessment:
    """The assessment row, locked for this transaction, refusing a decided one."""
    current = tenant.editable(Assessment).select_for_update().get(pk=assessment.pk)
    _ensure_open(current)
    return current


def _check_references(*, tenant: Tenant, data: dict) -> None:
    """Links only to the organisation's own systems, information types and members."""
    org_id = tenant.membership.organisation_id
    errors = {}
    for name, model in (("systems", System), ("information_types", InformationType)):
        for obj in data.get(name) or []:
            if not isinstance(obj, model) or obj.organisation_id != org_id:
                errors[name] = _("Choose one of your organisation's own.")
    for name in ("responsible", "case_officer"):
        person = data.get(name)
        if person is not None and not tenant.users().filter(pk=person.pk).exists():
            errors[name] = _("Choose a member of your organisation.")
    if errors:
        raise ValidationError(errors)


def _set_links(assessment: Assessment, data: dict) -> None:
    if "systems" in data:
        assessment.systems.set(data["systems"])
    if "information_types" in data:
        assessment.information_types.set(data["information_types"])


def assessment_create(*, tenant: Tenant, data: dict, template: str = "") -> Assessment:
    """Start an assessment in the active organisation, optionally from a template."""
    _check_references(tenant=tenant, data=data)
    if template and template not in starters.TEMPLATES:
        raise ValidationError({"template": _("Unknown template.")})
    start = starters.cloud_service(data.get("service") or "") if template == starters.CLOUD_SERVICE else {}
    with transaction.atomic():
        assessment = tenant.new(Assessment, **{k: v for k, v in data.items() if k in ASSESSMENT_FIELDS})
        assessment.template = template
        if start:
            assessment.background = assessment.background or start["background"]
            assessment.checklist = start["checklist"]
        assessment.full_clean()
        assessment.save()
        _set_links(assessment, data)
        for spec in start.get("alternatives", []):
            _alternative_new(tenant, assessment, spec)
    return assessment


def assessment_update(*, tenant: Tenant, assessment: Assessment, data: dict, revision: int) -> Assessment:
    """Change the assessment's own fields and links, refusing if someone else saved it since `revision`."""
    _check_references(tenant=tenant, data=data)
    with transaction.atomic():
        current = _lock(tenant, assessment)
        if current.revision != revision:
            raise Conflict(_("Someone else has changed this assessment since you opened it. Reload and try again."))
        for name in ASSESSMENT_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.revision += 1
        current.full_clean()
        current.save()
        _set_links(current, data)
    return current


def checklist_answer(*, tenant: Tenant, assessment: Assessment, answers: dict[int, str]) -> Assessment:
    """Store answers to the template's questions (by position in the checklist)."""
    with transaction.atomic():
        current = _lock(tenant, assessment)
        checklist = [dict(item) for item in current.checklist]
        for index, answer in answers.items():
            if not 0 <= index < len(checklist):
                raise ValidationError(_("There is no question number %(n)d.") % {"n": index + 1})
            checklist[index]["answer"] = answer.strip()
        if checklist == current.checklist:
            return current  # nothing answered differently: no write, no audit entry
        current.checklist = checklist
        current.revision += 1
        current.full_clean()
        current.save()
    return current


def combined_update(*, tenant: Tenant, assessment: Assessment, data: dict, chosen: Alternative | None,
                    revision: int) -> Assessment:
    """Weights, the chosen alternative and the texts of the combined assessment.

    Choosing another alternative than the computed recommendation needs a written
    justification (issue 4: "overridable only with a written justification").
    """
    if chosen is not None and chosen.assessment_id != assessment.pk:
        raise ValidationError({"chosen_alternative": _("Choose one of this assessment's alternatives.")})
    with transaction.atomic():
        current = _lock(tenant, assessment)
        if current.revision != revision:
            raise Conflict(_("Someone else has changed this assessment since you opened it. Reload and try again."))
        for name in COMBINED_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.chosen_alternative = chosen
        current.full_clean()
        # The recommendation depends on the weights just set, so it is computed from them.
        recommended = selectors.assessment_analysis(tenant=tenant, assessment=current).combined.recommended_id
        if chosen is not None and chosen.pk != recommended and not current.choice_justification.strip():
            raise ValidationError({"choice_justification": _(
                "Justify choosing another alternative than the recommended one.")})
        current.revision += 1
        current.save()
    return current


# --- Alternatives and costs -------------------------------------------------------------


def _clean_countries(data: dict) -> dict:
    """Country codes must be ISO 3166 (core.countries); lists are normalised, codes upper-cased."""
    cleaned, errors = dict(data), {}
    for name in ("storage_countries", "access_countries"):
        if name in data:
            value = data[name] or []
            try:
                cleaned[name] = parse_country_codes(value if isinstance(value, str) else ",".join(value))
            except ValidationError as exc:
                errors[name] = exc.messages
    if data.get("provider_jurisdiction"):
        try:
            codes = parse_country_codes(data["provider_jurisdiction"])
        except ValidationError as exc:
            errors["provider_jurisdiction"] = exc.messages
        else:
            if len(codes) != 1:
                errors["provider_jurisdiction"] = [_("Give one country code.")]
            else:
                cleaned["provider_jurisdiction"] = codes[0]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _alternative_new(tenant: Tenant, assessment: Assessment, data: dict) -> Alternative:
    data = _clean_countries(data)
    position = (tenant.scope(Alternative).filter(assessment=assessment).aggregate(m=Max("position"))["m"] or 0) + 1
    alternative = tenant.new(Alternative, assessment=assessment, position=position,
                             **{k: v for k, v in data.items() if k in ALTERNATIVE_FIELDS})
    alternative.full_clean()
    alternative.save()
    return alternative


def alternative_create(*, tenant: Tenant, assessment: Assessment, data: dict,
                       costs: list[dict] | None = None) -> Alternative:
    """Add an alternative (and its costs) to an open assessment."""
    with transaction.atomic():
        _lock(tenant, assessment)
        alternative = _alternative_new(tenant, assessment, data)
        if costs:
            _replace_costs(tenant, alternative, costs)
    return alternative


def alternative_update(*, tenant: Tenant, alternative: Alternative, data: dict, revision: int,
                       costs: list[dict] | None = None) -> Alternative:
    """Change an alternative (and replace its costs when `costs` is given)."""
    data = _clean_countries(data)
    with transaction.atomic():
        _lock(tenant, alternative.assessment)
        current = tenant.editable(Alternative).select_for_update().get(pk=alternative.pk)
        if current.revision != revision:
            raise Conflict(_("Someone else has changed this alternative since you opened it. Reload and try again."))
        for name in ALTERNATIVE_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.revision += 1
        current.full_clean()
        current.save()
        if costs is not None:
            _replace_costs(tenant, current, costs)
    return current


def alternative_delete(*, tenant: Tenant, alternative: Alternative) -> None:
    """Remove an alternative with its costs and verdicts from an open assessment."""
    with transaction.atomic():
        assessment = _lock(tenant, alternative.assessment)
        if assessment.chosen_alternative_id == alternative.pk:
            assessment.chosen_alternative = None
            assessment.save()
        tenant.editable(Alternative).get(pk=alternative.pk).delete()


def _replace_costs(tenant: Tenant, alternative: Alternative, costs: list[dict]) -> list[CostItem]:
    items, errors = [], {}
    for index, row in enumerate(costs):
        item = tenant.new(CostItem, alternative=alternative, **{k: v for k, v in row.items() if k in COST_FIELDS})
        try:
            item.full_clean()
        except ValidationError as exc:
            errors.update({f"costs-{index}-{field}": msgs for field, msgs in exc.message_dict.items()})
        items.append(item)
    if errors:
        raise ValidationError(errors)
    for old in tenant.editable(CostItem).filter(alternative=alternative):
        old.delete()
    for item in items:
        item.save()
    return items


def costs_replace(*, tenant: Tenant, alternative: Alternative, costs: list[dict]) -> list[CostItem]:
    """Make the alternative's costs exactly `costs` (non-negative SEK amounts)."""
    with transaction.atomic():
        _lock(tenant, alternative.assessment)
        return _replace_costs(tenant, alternative, costs)


# --- Perspectives -----------------------------------------------------------------------


def verdict_save(*, tenant: Tenant, alternative: Alternative, perspective: str, verdict: str, rationale: str,
                 residual_risk: str = "") -> Verdict:
    """The assessor's verdict, rationale and residual risk for one perspective of one alternative.

    An empty verdict falls back to the computed one; an empty rationale to the computed text.
    """
    if perspective not in Perspective.values:
        raise ValidationError({"perspective": _("Unknown perspective.")})
    with transaction.atomic():
        _lock(tenant, alternative.assessment)
        row = tenant.editable(Verdict).filter(alternative=alternative, perspective=perspective).first()
        row = row or tenant.new(Verdict, alternative=alternative, perspective=perspective)
        row.verdict, row.rationale, row.residual_risk = verdict, rationale.strip(), residual_risk
        row.full_clean()
        row.save()
    return row


def requirements_mark(*, tenant: Tenant, alternative: Alternative, marks: dict[str, bool | None]) -> Alternative:
    """Record which requirements the alternative meets (True), does not meet (False) or is
    not yet assessed against (None). The systems' current placement takes the systems' own
    requirement statuses instead (ValidationError): one answer to one question."""
    with transaction.atomic():
        _lock(tenant, alternative.assessment)
        current = tenant.editable(Alternative).select_for_update().get(pk=alternative.pk)
        if current.current_placement:
            raise ValidationError(_("This alternative is the systems' current placement: its requirements follow the "
                                    "systems' own requirement assessment. Change them there."))
        met = dict(current.requirements_met or {})
        for key, value in marks.items():
            if value is None:
                met.pop(str(key), None)
            else:
                met[str(key)] = bool(value)
        current.requirements_met = met
        current.revision += 1
        current.save()
    return current


def osl_assessment_save(*, tenant: Tenant, alternative: Alternative, information_type: InformationType,
                        outcome: str, reasoning: str) -> OslAssessment | None:
    """Record (or, with an empty outcome, withdraw) the appropriateness assessment under OSL
    10 kap. 2 a § for one information type in one alternative."""
    with transaction.atomic():
        assessment = _lock(tenant, alternative.assessment)
        if not assessment.information_types.filter(pk=information_type.pk).exists():
            raise ValidationError({"information_type": _("Choose an information type linked to the assessment.")})
        row = tenant.editable(OslAssessment).filter(alternative=alternative, information_type=information_type).first()
        if not outcome:
            if row:
                row.delete()
            return None
        row = row or tenant.new(OslAssessment, alternative=alternative, information_type=information_type)
        row.outcome, row.reasoning = outcome, reasoning.strip()
        row.full_clean()
        row.save()
    return row


def mitigation_add(*, tenant: Tenant, assessment: Assessment, text: str,
                   max_confidentiality: int | None = None) -> Mitigation:
    """Adopt a mitigating rule, e.g. "no data under secrecy in e-mail" (max_confidentiality 2)."""
    with transaction.atomic():
        _lock(tenant, assessment)
        rule = tenant.new(Mitigation, assessment=assessment, text=text.strip(), max_confidentiality=max_confidentiality)
        rule.full_clean()
        rule.save()
    return rule


def mitigation_remove(*, tenant: Tenant, mitigation: Mitigation) -> None:
    with transaction.atomic():
        _lock(tenant, mitigation.assessment)
        tenant.editable(Mitigation).get(pk=mitigation.pk).delete()


# --- Decision and versions --------------------------------------------------------------


def decision_record(*, tenant: Tenant, assessment: Assessment, data: dict,
                    alternative: Alternative | None = None) -> Decision:
    """Record the decision taken; the assessment is locked and the classification of its
    information is kept as it was, so later changes show as a warning."""
    with transaction.atomic():
        current = _lock(tenant, assessment)
        result = selectors.assessment_analysis(tenant=tenant, assessment=current)
        if not result.combined.can_combine:
            raise ValidationError(result.combined.message)
        alternative = alternative or result.chosen
        if alternative is None or alternative.assessment_id != current.pk:
            raise ValidationError({"alternative": _("Choose the alternative that was decided on.")})
        follow_up, decided_on = data.get("follow_up_date"), data.get("decided_on")
        if follow_up and decided_on and follow_up < decided_on:
            raise ValidationError({"follow_up_date": _("The follow-up date cannot be before the decision.")})
        decision = tenant.new(Decision, assessment=current, alternative=alternative, recorded_by=tenant.user,
                              levels_snapshot=selectors.level_snapshot(result.information_types),
                              **{k: v for k, v in data.items() if k in DECISION_FIELDS})
        decision.full_clean()
        decision.save()
        current.status = AssessmentStatus.DECIDED
        current.revision += 1
        current.save()
    return decision


def assessment_new_version(*, tenant: Tenant, assessment: Assessment, today: datetime.date) -> Assessment:
    """Start a new draft from a decided assessment: everything copied, the decision not."""
    if not assessment.is_locked:
        raise ValidationError(_("Only a decided assessment is continued in a new version; change this one directly."))
    source = tenant.get(Assessment, assessment.pk, write=True)
    with transaction.atomic():
        copy = tenant.new(Assessment, **{f: getattr(source, f) for f in ASSESSMENT_FIELDS + COMBINED_FIELDS},
                          checklist=source.checklist, template=source.template, previous=source,
                          version_number=source.version_number + 1)
        copy.assessment_date = today
        copy.full_clean()
        copy.save()
        copy.systems.set(source.systems.all())
        copy.information_types.set(source.information_types.all())
        for rule in tenant.scope(Mitigation).filter(assessment=source).order_by("pk"):
            tenant.new(Mitigation, assessment=copy, text=rule.text, max_confidentiality=rule.max_confidentiality).save()
        for alt in selectors.alternatives_of(tenant=tenant, assessment=source):
            new_alt = tenant.new(Alternative, assessment=copy, position=alt.position,
                                 requirements_met=alt.requirements_met,
                                 **{f: getattr(alt, f) for f in ALTERNATIVE_FIELDS})
            new_alt.save()
            for cost in alt.costs.all():
                tenant.new(CostItem, alternative=new_alt, **{f: getattr(cost, f) for f in COST_FIELDS}).save()
            for verdict in alt.verdicts.all():
                tenant.new(Verdict, alternative=new_alt, perspective=verdict.perspective, verdict=verdict.verdict,
                           rationale=verdict.rationale, residual_risk=verdict.residual_risk).save()
            for osl in alt.osl_assessments.all():
                tenant.new(OslAssessment, alternative=new_alt, information_type=osl.information_type,
                           outcome=osl.outcome, reasoning=osl.reasoning).save()
            if source.chosen_alternative_id == alt.pk:
                copy.chosen_alternative = new_alt
        copy.save()
    return copy
