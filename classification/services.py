"""Write-side rules of information classification. Pages, API and demo call these; nothing else saves."""

import calendar
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classification import deciders, questionnaire, rules
from classification.models import Classification, ClassificationSettings, ClassificationStatus, SupplierQuestion
from classification.schemes import ASPECT_FIELDS, ASPECT_LABELS, SCHEMES, Scheme
from classification.selectors import classification_for, classification_settings, known_answers
from core import concurrency
from core.tenancy import Tenant
from inventory.models import InformationType
from organisations.roles import Perm
from suppliers.models import Supplier

REVIEW_MONTHS_MAX = 60
_KEEP = object()  # "leave as it is" for optional arguments


class VersionConflict(concurrency.VersionConflict):
    """Someone else saved the classification after the caller read it."""

    message = gettext_lazy("Someone else has changed this classification since you opened it.")


def today() -> datetime.date:
    """Today in Stockholm (TIME_ZONE): a review date is a Swedish calendar day, not a UTC one."""
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter (29 Feb → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _scale_error(level, scheme: str) -> str:
    definition = SCHEMES[scheme]
    return _("Level %(level)s is outside the scale of the model %(scheme)s (%(min)d–%(max)d).") % {
        "level": level, "scheme": Scheme(scheme).label, "min": definition.min_level, "max": definition.max_level}


def _clean_overrides(overrides: dict, scheme: str, computed: dict) -> dict:
    """Valid overrides only: in the scale, not level 4, with a written justification.

    An override that equals the computed level is dropped: there is nothing to justify.
    """
    definition = SCHEMES[scheme]
    errors: dict[str, str] = {}
    result = {}
    for aspect, override in (overrides or {}).items():
        field = f"override_{aspect}"
        if aspect not in definition.aspects:
            errors[field] = _("The model %(scheme)s has no aspect “%(aspect)s”.") % {
                "scheme": Scheme(scheme).label, "aspect": aspect}
            continue
        level = (override or {}).get("level")
        justification = str((override or {}).get("justification") or "").strip()
        if level is None or level == "":
            continue
        if isinstance(level, bool) or not isinstance(level, int) or not (
                definition.min_level <= level <= definition.max_level):
            errors[field] = _scale_error(level, scheme)
            continue
        if level == computed.get(aspect):
            continue
        analysis = definition.protection_analysis_level
        # KLASSA level 4 belongs to protective security: it comes from the explicit answers and
        # leads to a separate protection analysis, so it can be neither set nor lowered by hand.
        if analysis is not None and level >= analysis:
            errors[field] = _("Level %(level)d can come only from the protective security questions.") % {"level": level}
            continue
        if analysis is not None and (computed.get(aspect) or 0) >= analysis:
            errors[field] = _("This level comes from the protective security answers; change those answers instead.")
            continue
        if not justification:
            errors[f"justification_{aspect}"] = _(
                "Write why %(aspect)s should be %(level)d when the answers give %(computed)s.") % {
                "aspect": ASPECT_LABELS[aspect].lower(), "level": level,
                "computed": "–" if computed.get(aspect) is None else computed[aspect]}
            continue
        result[aspect] = {"level": level, "justification": justification}
    if errors:
        raise ValidationError(errors)
    return result


def _check_responsible(tenant: Tenant, user) -> None:
    if user is not None and not tenant.users().filter(pk=user.pk).exists():
        raise ValidationError({"responsible": _("Choose a member of your organisation.")})


def apply_levels(classification: Classification) -> None:
    """Set the level fields: the computed level per aspect, or its justified override."""
    levels = dict(classification.computed_levels)
    for aspect, override in classification.overrides.items():
        levels[aspect] = override["level"]
    for aspect, field in ASPECT_FIELDS.items():
        setattr(classification, field, levels.get(aspect))


def open_protection_analysis(tenant: Tenant, classification: Classification) -> None:
    """KLASSA level 4 derives no requirements: open an action for a separate protection analysis."""
    from actions.services import action_create, actions_for_source

    if any(action.is_open for action in actions_for_source(classification)):
        return
    action_create(
        tenant=tenant, source=classification, owner=classification.responsible,
        title=_("Separate protection analysis: %(name)s") % {"name": classification.information_type.name},
        description=_("The classification reached level 4 (exceptionally serious). KLASSA derives no "
                      "requirements for this level; analyse the protection needed separately, together "
                      "with the security protection manager."),
    )


def _locked(tenant: Tenant, classification: Classification) -> Classification:
    if not tenant.can_edit(Classification):
        raise PermissionDenied
    return (tenant.editable(Classification).select_for_update().select_related("information_type")
            .get(pk=classification.pk))


def classification_save(*, tenant: Tenant, information_type: InformationType, answers: dict, reasoning: dict,
                        overrides: dict | None = None, responsible=_KEEP,
                        version: int | None = None) -> Classification:
    """Save answers and reasoning (a half-way save stays a draft), recompute the levels, apply
    justified overrides. The first save creates the classification; later saves must name the
    `version` they were based on."""
    if not tenant.can_edit(Classification):
        raise PermissionDenied
    cleaned = questionnaire.clean_answers(answers)
    cleaned_reasoning = questionnaire.clean_reasoning(reasoning)
    if responsible is not _KEEP:
        _check_responsible(tenant, responsible)
    with transaction.atomic():
        # Lock the information type so that two first saves cannot both create a classification.
        info = tenant.scope(InformationType).select_for_update().get(pk=information_type.pk)
        current = tenant.editable(Classification).select_for_update().filter(information_type=info).first()
        if current is None:
            if version is not None:
                raise VersionConflict(None)
            current = tenant.new(Classification, information_type=info,
                                 scheme=classification_settings(tenant=tenant).scheme,
                                 responsible=tenant.user if responsible is _KEEP else responsible)
        else:
            if current.version != version:
                raise VersionConflict(current)
            if current.status != ClassificationStatus.DRAFT:
                raise ValidationError(_("Reopen the classification before changing it."))
            current.version += 1
            if responsible is not _KEEP:
                current.responsible = responsible
        current.answers = cleaned
        current.reasoning = cleaned_reasoning
        current.computed = rules.evaluate(cleaned, current.scheme)
        current.overrides = _clean_overrides(current.overrides if overrides is None else overrides,
                                             current.scheme, current.computed_levels)
        apply_levels(current)
        current.full_clean()
        current.save()
        if current.computed["protection_analysis"]:
            open_protection_analysis(tenant, current)
    return current


def classification_start(*, tenant: Tenant, information_type: InformationType, system=None,
                         known: dict | None = None) -> Classification:
    """Start classifying an information type: a draft whose answers hold what is already known
    (selectors.known_answers, plus `known`: {question id: (answer, reasoning)}), so the
    questionnaire opens with them filled in. An information type already classified keeps its
    classification, which is returned as it is."""
    if not tenant.can_edit(Classification):
        raise PermissionDenied
    existing = classification_for(tenant=tenant, information_type=information_type)
    if existing is not None:
        return existing
    answers, reasoning = known_answers(tenant=tenant, information_type=information_type, system=system)
    for question, (answer, why) in (known or {}).items():
        answers[question] = answer
        reasoning[question] = why
    try:
        return classification_save(tenant=tenant, information_type=information_type, answers=answers,
                                   reasoning=reasoning)
    except VersionConflict as exc:
        # Someone started it in the same moment: theirs is the classification to continue.
        return exc.current


def information_type_classify_new(*, tenant: Tenant, system, name: str, description: str = "",
                                  personal_data: bool = False, sensitive_personal_data: bool = False
                                  ) -> Classification:
    """A new information type held by `system`, with its classification started (issue 12.4).

    Needs the right to edit the inventory (the information type, the system's list of
    information) and to classify. Sensitive personal data is not a field of the information
    type: it is carried into the questionnaire's answer, with personal data as it implies.
    """
    from inventory.models import System
    from inventory.services import infotype_save

    if not (tenant.can_edit(InformationType) and tenant.can_edit(System) and tenant.can_edit(Classification)):
        raise PermissionDenied
    name = (name or "").strip()
    with transaction.atomic():
        # Locked, and its version moved on: a system form opened before this would otherwise
        # save the old list of information types and drop the new one.
        current = tenant.editable(System).select_for_update().get(pk=system.pk)
        if current.archived_at is not None:
            raise ValidationError(_("The system is archived; restore it before adding information to it."))
        if name and tenant.scope(InformationType).filter(name__iexact=name).exists():
            raise ValidationError({"name": _("Your organisation already has an information type named "
                                             "“%(name)s”; add that one to the system instead.") % {"name": name}})
        info = infotype_save(tenant=tenant, infotype=None, data={
            "name": name, "description": (description or "").strip(),
            "personal_data": bool(personal_data or sensitive_personal_data)})
        current.information_types.add(info)
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
        known = {}
        if sensitive_personal_data:
            known["sensitive_personal_data"] = (
                True, _("Stated when the information type was recorded from the system %(name)s.") % {
                    "name": current.name})
        return classification_start(tenant=tenant, information_type=info, system=current, known=known)


def _open_questions(classification: Classification) -> int:
    return SupplierQuestion.objects.filter(classification=classification, answered_on__isnull=True).count()


def _refuse_open_questions(classification: Classification) -> None:
    n = _open_questions(classification)
    if n:
        raise ValidationError(
            _("%(n)d question(s) to suppliers are still open; record the answers first.") % {"n": n})


def classification_submit(*, tenant: Tenant, classification: Classification) -> Classification:
    """Draft → for review, once every question is answered and no supplier question is open."""
    with transaction.atomic():
        current = _locked(tenant, classification)
        if current.status != ClassificationStatus.DRAFT:
            raise ValidationError(_("Only a draft can be submitted for review."))
        missing = questionnaire.unanswered(current.answers)
        if missing:
            raise ValidationError(
                _("Answer every question before submitting; %(n)d remain.") % {"n": len(missing)})
        _refuse_open_questions(current)
        current.status = ClassificationStatus.REVIEW
        current.version += 1
        current.full_clean()
        current.save()
    return current


def classification_approve(*, tenant: Tenant, classification: Classification) -> Classification:
    """For review → approved, by the owner of a system holding the information or an administrator
    (classification.deciders); the review date follows the interval."""
    tenant.require(Perm.CLASSIFY_APPROVE)
    with transaction.atomic():
        current = _locked(tenant, classification)
        refusal = deciders.approval_refusal(tenant, current)
        if refusal:
            raise PermissionDenied(refusal)
        if current.status != ClassificationStatus.REVIEW:
            raise ValidationError(_("Only a classification submitted for review can be approved."))
        _refuse_open_questions(current)
        current.status = ClassificationStatus.APPROVED
        current.approved_by = tenant.user
        current.approved_at = timezone.now()
        current.review_date = add_months(today(), classification_settings(tenant=tenant).review_months)
        if current.responsible_id is None:
            # Someone must answer for the next review; the approver is the natural choice.
            current.responsible = tenant.user
        current.version += 1
        current.full_clean()
        current.save()
    return current


def classification_reopen(*, tenant: Tenant, classification: Classification, reason: str = "") -> Classification:
    """Back to draft (from review or approved) to change it; it must then be approved anew.

    Sending it back from review asks for the reason, stored with who sent it back and when.
    """
    with transaction.atomic():
        current = _locked(tenant, classification)
        if current.status == ClassificationStatus.DRAFT:
            raise ValidationError(_("The classification is already a draft."))
        if current.status == ClassificationStatus.REVIEW:
            if not (reason or "").strip():
                raise ValidationError({"reason": _("Say why the classification is sent back.")})
            current.returned_by = tenant.user
            current.returned_at = timezone.now()
            current.returned_reason = reason.strip()
        current.status = ClassificationStatus.DRAFT
        current.approved_by = None
        current.approved_at = None
        current.review_date = None
        current.version += 1
        current.full_clean()
        current.save()
    return current


def classification_settings_save(*, tenant: Tenant, scheme: str, review_months: int) -> ClassificationSettings:
    """Choose the classification model and the review interval (MSB LIS step 2, Klassningsmodell).

    The model can change only while the organisation has no classifications: levels of one
    model do not translate into the other.
    """
    if not tenant.can_edit(ClassificationSettings):
        raise PermissionDenied
    errors = {}
    if scheme not in Scheme.values:
        errors["scheme"] = _("Choose one of the classification models.")
    if isinstance(review_months, bool) or not isinstance(review_months, int) or not (
            1 <= review_months <= REVIEW_MONTHS_MAX):
        errors["review_months"] = _("The review interval must be between 1 and %(max)d months.") % {
            "max": REVIEW_MONTHS_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = tenant.editable(ClassificationSettings).select_for_update().first()
        if current is None:
            current = tenant.new(ClassificationSettings)
        if scheme != current.scheme and tenant.editable(Classification).exists():
            raise ValidationError({"scheme": _(
                "The model cannot be changed once information has been classified; the levels of one "
                "model do not translate into the other.")})
        current.scheme = scheme
        current.review_months = review_months
        current.full_clean()
        current.save()
    return current


def supplier_question_create(*, tenant: Tenant, supplier: Supplier, question: str, due_date: datetime.date | None,
                             classification: Classification | None = None, system=None,
                             requirement=None, contract=None) -> SupplierQuestion:
    """Ask one of the organisation's suppliers a question about a classification, a system, a
    requirement or one of the organisation's contracts with that supplier (at least one of them).

    A due date is required: someone must know when to chase the supplier (PRODUCT.md C2). A
    question about a classification blocks it until answered. Who asked is stored.
    """
    from inventory.models import System
    from requirements.models import Requirement
    from suppliers.models import Contract

    if not tenant.can_edit(SupplierQuestion):
        raise PermissionDenied
    errors = {}
    if supplier is None or supplier.organisation_id != tenant.membership.organisation_id:
        errors["supplier"] = _("Choose one of your organisation's own suppliers.")
    if not (question or "").strip():
        errors["question"] = _("Write the question.")
    asked_on = today()
    if due_date is None:
        errors["due_date"] = _("Give the date by which the supplier should answer.")
    elif due_date < asked_on:
        errors["due_date"] = _("The answer cannot be due before the question is asked.")
    if classification is None and system is None and requirement is None and contract is None:
        errors["subject"] = _("Say what the question is about: a classification, a system, a requirement or a "
                              "contract.")
    if system is not None and not tenant.owns(system):
        errors["system"] = _("Choose one of your organisation's own systems.")
    if requirement is not None and not tenant.scope(Requirement).filter(pk=requirement.pk).exists():
        errors["requirement"] = _("Choose a requirement of the catalogue or one of your organisation's own.")
    if contract is not None:
        # Only the organisation's own contracts: one shared with it (as the supplier) is the
        # buyer's, and a question about it would go to the wrong party.
        if not tenant.owns(contract):
            errors["contract"] = _("Choose one of your organisation's own contracts.")
        elif supplier is not None and contract.supplier_id != supplier.pk:
            errors["contract"] = _("The contract is with another supplier: ask the contract's supplier.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = None
        if classification is not None:
            current = _locked(tenant, classification)
            if current.status == ClassificationStatus.APPROVED:
                raise ValidationError(_("Reopen the classification before asking suppliers more questions."))
        if system is not None:
            system = tenant.scope(System).get(pk=system.pk)
        if contract is not None:
            contract = tenant.scope(Contract).get(pk=contract.pk)
        item = tenant.new(SupplierQuestion, classification=current, system=system, requirement=requirement,
                          contract=contract, supplier=supplier, question=question.strip(), asked_by=tenant.user, asked_on=asked_on,
                          due_date=due_date)
        item.full_clean()
        item.save()
    return item


def _set_answer(current: SupplierQuestion, answer: str) -> None:
    now = timezone.now()
    current.answer = answer.strip()
    current.answered_at = now
    current.answered_on = timezone.localdate(now)


def supplier_question_answer(*, tenant: Tenant, question: SupplierQuestion, answer: str) -> SupplierQuestion:
    """The municipality records an answer it received outside Tillit (by e-mail, on the phone).

    Refused once the supplier is in Tillit: then its own members answer (supplier_question_reply).
    """
    if not tenant.can_edit(SupplierQuestion):
        raise PermissionDenied
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Write the supplier's answer.")})
    with transaction.atomic():
        current = (tenant.editable(SupplierQuestion).select_for_update().select_related("supplier")
                   .get(pk=question.pk))
        if current.supplier.tillit_organisation_id is not None:
            raise PermissionDenied(_("The supplier is in Tillit and answers its questions there itself."))
        _set_answer(current, answer)
        current.recorded_by = tenant.user
        current.answered_by = None
        current.full_clean()
        current.save()
    return current


def supplier_question_reply(*, tenant: Tenant, question_id, answer: str) -> SupplierQuestion:
    """A member of the supplier's organisation answers a question addressed to it.

    Http404 unless the question is addressed to the member's organisation, PermissionDenied
    without SUPPLIER_REPORT. Answering again replaces the answer; the history keeps the earlier one.
    """
    question = tenant.get_addressed(SupplierQuestion, question_id, perm=Perm.SUPPLIER_REPORT)
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Write your answer.")})
    with transaction.atomic():
        current = SupplierQuestion.objects.select_for_update().get(pk=question.pk)
        _set_answer(current, answer)
        current.answered_by = tenant.user
        current.recorded_by = None
        current.full_clean()
        current.save()
    return current
