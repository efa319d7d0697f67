"""Writes of the data-protection module: keyword-only, through the tenant, all or nothing."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.countries import CODES
from core.tenancy import Tenant
from inventory.models import InformationType, System
from organisations.models import Unit
from organisations.roles import Perm, Role
from privacy import rules
from privacy.models import (
    ActivityStatus,
    ActivityTransfer,
    DataCategory,
    DataSubject,
    Dpia,
    DpiaDecision,
    DpiaStatus,
    ProcessingActivity,
    ProcessorAgreement,
    ProcessorAudit,
    ProcessorRecord,
    SubProcessor,
)
from requirements.validators import validate_evidence_file
from risk.models import Risk
from suppliers.models import Supplier

ACTIVITY_FIELDS = ("name", "purpose", "legal_basis", "legal_basis_reference", "art9_ground", "art10_basis",
                   "data_subjects_other", "data_categories_other", "recipients", "retention", "retention_months",
                   "owner", "review_date")


def _check_units(tenant: Tenant, units, field: str) -> None:
    if any(u.organisation_id != tenant.organisation.pk for u in units):
        raise ValidationError({field: _("Choose units of your own organisation.")})


def _check_own(tenant: Tenant, records, field: str, message: str) -> None:
    if any(not tenant.owns(r) for r in records):
        raise ValidationError({field: message})


def _check_choices(values, choices, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    if any(v not in choices.values for v in values):
        raise ValidationError({field: _("Choose from the listed categories.")})
    return values


def _check_owner(tenant: Tenant, owner) -> None:
    if owner is not None and not tenant.users().filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose a member of your organisation.")})


def activity_save(*, tenant: Tenant, activity: ProcessingActivity | None, data: dict) -> ProcessingActivity:
    """Create or change a processing activity of the record of processing.

    An activity without a legal basis, or with special categories and no art. 9(2) ground, may
    be kept as a draft (it is flagged) but never marked complete.
    """
    controllers = list(data.get("controllers") or [])
    systems = list(data.get("systems") or [])
    information_types = list(data.get("information_types") or [])
    processors = list(data.get("processors") or [])
    _check_units(tenant, controllers, "controllers")
    _check_own(tenant, systems, "systems", _("Choose systems of your organisation's inventory."))
    _check_own(tenant, information_types, "information_types", _("Choose information types of your organisation."))
    _check_own(tenant, processors, "processors", _("Choose suppliers from your organisation's register."))
    _check_owner(tenant, data.get("owner"))
    subjects = _check_choices(data.get("data_subjects"), DataSubject, "data_subjects")
    categories = _check_choices(data.get("data_categories"), DataCategory, "data_categories")
    status = data.get("status") or ActivityStatus.DRAFT
    if status not in ActivityStatus.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    problems = rules.activity_problems(
        legal_basis=data.get("legal_basis") or "", data_categories=categories, art9_ground=data.get("art9_ground") or "",
        art10_basis=data.get("art10_basis") or "", controllers=len(controllers))
    if status == ActivityStatus.COMPLETE and problems:
        raise ValidationError({"status": [_("The processing activity cannot be marked complete:")] + problems})
    with transaction.atomic():
        obj = tenant.get(ProcessingActivity, activity.pk, write=True) if activity else tenant.new(ProcessingActivity)
        for name in ACTIVITY_FIELDS:
            if name in data:
                value = data[name]
                setattr(obj, name, value.strip() if isinstance(value, str) else value)
        obj.data_subjects = subjects
        obj.data_categories = categories
        obj.status = status
        obj.full_clean()
        obj.save()
        obj.controllers.set(controllers)
        obj.systems.set(systems)
        obj.information_types.set(information_types)
        obj.processors.set(processors)
    return obj


def activity_delete(*, tenant: Tenant, activity: ProcessingActivity) -> None:
    with transaction.atomic():
        obj = tenant.get(ProcessingActivity, activity.pk, write=True)
        for transfer in obj.transfers.all():
            transfer.delete()
        for dpia in obj.dpias.all():
            dpia.activity = None
            dpia.save()
        obj.controllers.clear()
        obj.systems.clear()
        obj.information_types.clear()
        obj.processors.clear()
        obj.delete()


def _check_country(code: str, field: str = "country") -> str:
    code = (code or "").strip().upper()
    if code not in CODES:
        raise ValidationError({field: _("Choose a country from the list.")})
    return code


def transfer_add(*, tenant: Tenant, activity: ProcessingActivity, data: dict,
                 today: datetime.date | None = None) -> ActivityTransfer:
    """Record a third-country transfer of the activity's data.

    A transfer with no basis under chapter V (placement.legal's dated rules) is recorded, so
    that it is listed and followed up, unless the country is in the EU/EEA (no transfer).
    """
    country = _check_country(data.get("country", ""))
    if not rules.third_country(country):
        raise ValidationError({"country": _("Within the EU/EEA there is no third-country transfer to record.")})
    if not tenant.owns(activity):
        raise PermissionDenied
    with transaction.atomic():
        obj = tenant.new(ActivityTransfer, activity=tenant.get(ProcessingActivity, activity.pk, write=True),
                         country=country)
        for name in ("recipient", "dpf_certified", "scc_signed", "tia_done", "safeguards"):
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
    return obj


def transfer_delete(*, tenant: Tenant, transfer: ActivityTransfer) -> None:
    tenant.get(ActivityTransfer, transfer.pk, write=True).delete()


# --- Agreements ------------------------------------------------------------------------------

AGREEMENT_FIELDS = ("supplier", "title", "reference", "signed_on", "valid_until", "dpf_certified", "scc_signed",
                    "tia_done", "notes")


def agreement_save(*, tenant: Tenant, agreement: ProcessorAgreement | None, data: dict, document=None,
                   remove_document: bool = False) -> ProcessorAgreement:
    """Create or change a data processing agreement, with the art. 28(3) points it covers."""
    if document is not None:
        try:
            validate_evidence_file(document)
        except ValidationError as exc:
            raise ValidationError({"document": exc.messages})
    supplier = data.get("supplier")
    if supplier is not None and not tenant.owns(supplier):
        raise ValidationError({"supplier": _("Choose a supplier from your organisation's register.")})
    controllers = list(data.get("controllers") or [])
    _check_units(tenant, controllers, "controllers")
    if data.get("signed_on") and data.get("valid_until") and data["valid_until"] < data["signed_on"]:
        raise ValidationError({"valid_until": _("The end date cannot be before the signing date.")})
    with transaction.atomic():
        obj = tenant.get(ProcessorAgreement, agreement.pk, write=True) if agreement else tenant.new(ProcessorAgreement)
        for name in AGREEMENT_FIELDS:
            if name in data:
                value = data[name]
                setattr(obj, name, value.strip() if isinstance(value, str) else value)
        if "points" in data:
            obj.points = rules.clean_points(data["points"])
            obj.checklist_version = rules.art28_checklist()[0]
        if document is not None:
            obj.document = document
        elif remove_document:
            obj.document = ""
        obj.full_clean()
        obj.save()
        obj.controllers.set(controllers)
    return obj


def sub_processor_add(*, tenant: Tenant, agreement: ProcessorAgreement, data: dict) -> SubProcessor:
    country = _check_country(data.get("country", ""))
    with transaction.atomic():
        obj = tenant.new(SubProcessor, agreement=tenant.get(ProcessorAgreement, agreement.pk, write=True),
                         country=country)
        for name in ("name", "service", "dpf_certified", "scc_signed", "tia_done"):
            if name in data:
                setattr(obj, name, data[name].strip() if isinstance(data[name], str) else data[name])
        obj.full_clean()
        obj.save()
    return obj


def audit_add(*, tenant: Tenant, agreement: ProcessorAgreement, data: dict,
              today: datetime.date | None = None) -> ProcessorAudit:
    """Record an audit of the processor (art. 28(3)(h)); it cannot be dated in the future."""
    today = today or timezone.localdate()
    if data.get("date") and data["date"] > today:
        raise ValidationError({"date": _("An audit cannot be dated in the future.")})
    with transaction.atomic():
        obj = tenant.new(ProcessorAudit, agreement=tenant.get(ProcessorAgreement, agreement.pk, write=True),
                         date=data.get("date"), outcome=data.get("outcome") or "",
                         summary=(data.get("summary") or "").strip(), recorded_by=tenant.user)
        obj.full_clean()
        obj.save()
    return obj


# --- The processor's record (art. 30(2)) ---------------------------------------------------------

RECORD_FIELDS = ("controller_name", "controller_contact", "processing", "transfers", "security_measures")


def processor_record_save(*, tenant: Tenant, record: ProcessorRecord | None, data: dict) -> ProcessorRecord:
    """The processor's record for one controller, addressed to exactly that municipality."""
    customer = data.get("customer")
    if customer is None:
        raise ValidationError({"customer": _("Choose the organisation the processing is for.")})
    tenant.check_addressees([customer], field="customer")
    countries = sorted({_check_country(c, "countries") for c in data.get("countries") or []})
    with transaction.atomic():
        obj = tenant.get(ProcessorRecord, record.pk, write=True) if record else tenant.new(ProcessorRecord)
        for name in RECORD_FIELDS:
            if name in data:
                setattr(obj, name, (data[name] or "").strip())
        obj.countries = countries
        obj.full_clean()
        obj.save()
        obj.shared_with.set([customer])
    return obj


# --- DPIAs -----------------------------------------------------------------------------------------

DPIA_FIELDS = ("title", "description", "necessity", "measures", "residual_high", "imy_consulted_on")


def _check_dpia_links(tenant: Tenant, activity, risks) -> None:
    if activity is not None and not tenant.owns(activity):
        raise ValidationError({"activity": _("Choose a processing activity of your organisation.")})
    _check_own(tenant, risks, "risks", _("Choose risks of your organisation's risk register."))


def dpia_save(*, tenant: Tenant, dpia: Dpia | None, data: dict) -> Dpia:
    """Create or change a DPIA while it is being written; a decided DPIA is frozen."""
    activity = data.get("activity")
    risks = list(data.get("risks") or [])
    _check_dpia_links(tenant, activity, risks)
    _threshold, nine, cases = rules.dpia_screening()
    criteria = [c for c in data.get("criteria") or [] if c in {p.key for p in nine}]
    art35_3 = [c for c in data.get("art35_3") or [] if c in {p.key for p in cases}]
    with transaction.atomic():
        obj = tenant.get(Dpia, dpia.pk, write=True) if dpia else tenant.new(Dpia)
        if obj.status == DpiaStatus.DECIDED:
            raise ValidationError(_("The DPIA has been decided and can no longer be changed."))
        for name in DPIA_FIELDS:
            if name in data:
                value = data[name]
                setattr(obj, name, value.strip() if isinstance(value, str) else value)
        obj.activity = activity
        obj.criteria = criteria
        obj.art35_3 = art35_3
        obj.full_clean()
        obj.save()
        obj.risks.set(risks)
    return obj


def dpia_add_risk(*, tenant: Tenant, dpia: Dpia, title: str, description: str = "") -> Risk:
    """A new risk to the data subjects in the risk register, linked to the DPIA."""
    from risk.services import risk_create

    obj = tenant.get(Dpia, dpia.pk, write=True)
    if not title.strip():
        raise ValidationError({"title": _("Give the risk a title.")})
    with transaction.atomic():
        risk = risk_create(tenant=tenant, data={"title": title.strip(), "description": description.strip(),
                                                "process": (_("Personal data: %(dpia)s") % {"dpia": obj.title})[:200]})
        obj.risks.add(risk)
    return risk


def dpia_request_advice(*, tenant: Tenant, dpia: Dpia) -> Dpia:
    """Send the DPIA to the DPO: it needs a description and the necessity assessment."""
    with transaction.atomic():
        obj = tenant.get(Dpia, dpia.pk, write=True)
        if obj.status != DpiaStatus.DRAFT:
            raise ValidationError(_("Only a DPIA being written can be sent to the DPO."))
        missing = [label for value, label in ((obj.description, _("the description of the processing")),
                                              (obj.necessity, _("the necessity and proportionality"))) if not value]
        if missing:
            raise ValidationError(_("Write %(parts)s before asking for the DPO's advice.") % {
                "parts": _(" and ").join(str(m) for m in missing)})
        obj.status = DpiaStatus.AWAITING_ADVICE
        obj.full_clean()
        obj.save()
    return obj


def dpia_advise(*, tenant: Tenant, dpia: Dpia, advice: str) -> Dpia:
    """The DPO's advice (art. 35(2)): only a member with the data protection officer's role gives it."""
    if tenant.role != Role.DPO:
        raise PermissionDenied(_("Only the data protection officer gives advice on a DPIA."))
    if not advice.strip():
        raise ValidationError({"advice": _("Write the advice.")})
    with transaction.atomic():
        obj = tenant.get(Dpia, dpia.pk, write=True)
        if obj.status not in (DpiaStatus.DRAFT, DpiaStatus.AWAITING_ADVICE):
            raise ValidationError(_("The DPIA is not waiting for the DPO's advice."))
        obj.dpo_advice = advice.strip()
        obj.dpo_advice_by = tenant.user
        obj.dpo_advice_at = timezone.now()
        obj.status = DpiaStatus.AWAITING_DECISION
        obj.full_clean()
        obj.save()
    return obj


def dpia_decide(*, tenant: Tenant, dpia: Dpia, decision: str, reason: str) -> Dpia:
    """The controller's decision: who, when and why. Refused without the DPO's advice."""
    tenant.require(Perm.PRIVACY_DECIDE)
    with transaction.atomic():
        obj = tenant.scope(Dpia).select_for_update().filter(pk=dpia.pk).first()
        if obj is None or not tenant.owns(obj):
            raise PermissionDenied
        if obj.status == DpiaStatus.DECIDED:
            raise ValidationError(_("The DPIA has already been decided."))
        if not obj.dpo_advice or obj.dpo_advice_by_id is None:
            raise ValidationError(_("The DPIA cannot be decided without the data protection officer's advice "
                                    "(GDPR art. 35(2))."))
        if decision not in DpiaDecision.values:
            raise ValidationError({"decision": _("Choose a decision.")})
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for the decision.")})
        obj.decision = decision
        obj.decision_reason = reason.strip()
        obj.decided_by = tenant.user
        obj.decided_at = timezone.now()
        obj.status = DpiaStatus.DECIDED
        obj.full_clean()
        obj.save()
    return obj


# --- Actions from the overview ---------------------------------------------------------------------


def overview_action(*, tenant: Tenant, kind: str, pk: int, today: datetime.date):
    """An action in the tenant's own plan about one row of the DPO's overview."""
    from actions.services import action_create
    from privacy import selectors

    tenant.require(Perm.ACTION_EDIT)
    if kind == "review":
        source = tenant.get(ProcessingActivity, pk)
        title = _("Review the processing activity: %(name)s") % {"name": source.name}
        due = source.review_date
    elif kind == "dpia":
        source = tenant.get(Dpia, pk)
        title = _("Complete the DPIA: %(name)s") % {"name": source.title}
        due = None
    elif kind in ("transfer-activity", "transfer-system", "transfer-sub_processor"):
        found = [t for t in selectors.transfers_without_basis(tenant=tenant, today=today)
                 if t.pk == pk and f"transfer-{t.source}" == kind]
        if not found:
            raise ValidationError(_("The transfer has a basis now, or is no longer there."))
        t = found[0]
        source = tenant.get(t.model, pk)
        title = _("Give the transfer to %(country)s a lawful basis: %(label)s") % {
            "country": t.basis.country_label, "label": t.label}
        due = None
    elif kind == "dpa":
        supplier = tenant.get(Supplier, pk)
        source = supplier
        title = _("Sign a data processing agreement with %(supplier)s") % {"supplier": supplier.name}
        due = None
    else:
        raise ValidationError(_("Unknown kind of row."))
    return action_create(tenant=tenant, title=title[:300], source=source, due_date=due, owner=None)
