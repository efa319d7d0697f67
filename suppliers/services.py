"""Writes of the supplier register, contracts and their checklist assessments."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, Action
from core.tenancy import Tenant
from organisations.roles import Perm
from requirements.validators import validate_evidence_file
from suppliers.checklist import checklist_areas, coverage_by_supplier, primary_contract
from suppliers.models import ChecklistArea, Contract, ContractAssessment, CoverageStatus, Supplier

FIELDS = ("name", "org_number", "contact_email", "website", "description", "tillit_organisation")
CONTRACT_FIELDS = ("supplier", "kind", "title", "reference", "parent", "signed_on", "valid_from", "valid_until",
                   "notice_months", "auto_renewal", "services", "link", "notes")


def supplier_save(*, tenant: Tenant, supplier: Supplier | None, data: dict) -> Supplier:
    """Create or change a supplier in the active organisation's register."""
    org = data.get("tillit_organisation")
    if org is not None and not tenant.organisation.suppliers.filter(pk=org.pk).exists():
        raise ValidationError({"tillit_organisation": _("Choose a supplier organisation that serves your organisation.")})
    with transaction.atomic():
        obj = supplier or tenant.new(Supplier)
        for name in FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
    return obj


def _check_contract(tenant: Tenant, contract: Contract, systems) -> None:
    errors = {}
    if contract.supplier_id and not tenant.owns(contract.supplier):
        errors["supplier"] = _("Choose a supplier from your organisation's register.")
    if contract.valid_from and contract.valid_until and contract.valid_until < contract.valid_from:
        errors["valid_until"] = _("The end date cannot be before the start date.")
    parent = contract.parent
    if parent is not None:
        if not tenant.owns(parent):
            errors["parent"] = _("Choose one of your organisation's contracts.")
        elif parent.supplier_id != contract.supplier_id:
            errors["parent"] = _("A contract can only be part of a contract with the same supplier.")
        elif contract.pk and _is_below(parent, contract):
            errors["parent"] = _("A contract cannot be part of itself or of one of its parts.")
    if systems is not None and not all(tenant.owns(s) for s in systems):
        errors["systems"] = _("Choose systems of your organisation's inventory.")
    if errors:
        raise ValidationError(errors)


def _is_below(candidate: Contract, contract: Contract) -> bool:
    seen = set()
    node = candidate
    while node is not None and node.pk not in seen:
        if node.pk == contract.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def contract_save(*, tenant: Tenant, contract: Contract | None, data: dict, document=None,
                  remove_document: bool = False) -> Contract:
    """Create or change a contract of the active organisation.

    `data` may hold `systems` (the covered systems) and `share_with_supplier`: a contract is
    shared read-only with its supplier's own organisation in Tillit, and never with anyone else.
    """
    if document is not None:
        try:
            validate_evidence_file(document)
        except ValidationError as exc:
            raise ValidationError({"document": exc.messages})
    systems = data.get("systems")
    with transaction.atomic():
        obj = tenant.get(Contract, contract.pk, write=True) if contract else tenant.new(Contract)
        for name in CONTRACT_FIELDS:
            if name in data:
                value = data[name]
                if isinstance(value, str):
                    value = value.strip()
                setattr(obj, name, value)
        if document is not None:
            obj.document = document
        elif remove_document:
            obj.document = ""
        if getattr(obj, "supplier_id", None) is not None:
            _check_contract(tenant, obj, systems)
        obj.full_clean()
        obj.save()
        if systems is not None:
            obj.systems.set(systems)
        share = data.get("share_with_supplier")
        if "shared_with" in data:
            contract_share(tenant=tenant, contract=obj, organisations=data["shared_with"])
        elif share is not None:
            target = obj.supplier.tillit_organisation
            if share and target is None:
                raise ValidationError({"share_with_supplier": _(
                    "The supplier has no organisation in Tillit to share the contract with.")})
            contract_share(tenant=tenant, contract=obj, organisations=[target] if share else [])
        else:
            _drop_foreign_shares(obj)
    return obj


def contract_share(*, tenant: Tenant, contract: Contract, organisations) -> None:
    """Share the contract read-only with exactly `organisations`: only the supplier's own."""
    wanted = {o.pk for o in organisations}
    allowed = {contract.supplier.tillit_organisation_id} - {None}
    if wanted - allowed:
        raise ValidationError({"shared_with": _(
            "A contract can only be shared with its supplier's organisation in Tillit.")})
    if not tenant.owns(contract) or not tenant.can_edit(Contract):
        raise PermissionDenied
    if {o.pk for o in contract.shared_with.all()} != wanted:
        contract.shared_with.set(list(wanted))


def _drop_foreign_shares(contract: Contract) -> None:
    # After a change of supplier, the former supplier's organisation no longer reads it.
    keep = contract.supplier.tillit_organisation_id
    stale = [o.pk for o in contract.shared_with.all() if o.pk != keep]
    if stale:
        contract.shared_with.remove(*stale)


def contract_delete(*, tenant: Tenant, contract: Contract) -> None:
    """Delete a contract with its assessments; its parts stay, no longer under it."""
    with transaction.atomic():
        obj = tenant.get(Contract, contract.pk, write=True)
        for child in obj.children.all():
            child.parent = None
            child.save()
        for assessment in obj.assessments.all():
            assessment.delete()
        obj.systems.clear()
        obj.shared_with.clear()
        obj.delete()


def assessment_save(*, tenant: Tenant, contract: Contract, area: ChecklistArea, status: str,
                    clause: str = "", comment: str = "") -> ContractAssessment:
    """Record how far the contract covers one checklist area, with who judged it and when."""
    if not tenant.can_edit(ContractAssessment):
        raise PermissionDenied
    if not tenant.owns(contract):
        raise PermissionDenied(_("Only the organisation that bought the contract assesses it."))
    if area.withdrawn:
        raise ValidationError({"area": _("This area is no longer part of the checklist.")})
    if status not in CoverageStatus.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    if status == CoverageStatus.COVERED and not clause.strip():
        raise ValidationError({"clause": _("Name the clause that covers the area.")})
    with transaction.atomic():
        current = tenant.editable(ContractAssessment).select_for_update().filter(contract=contract, area=area).first()
        obj = current or tenant.new(ContractAssessment, contract=contract, area=area)
        obj.status = status
        obj.clause = clause.strip()
        obj.comment = comment.strip()
        obj.assessed_by = tenant.user if status != CoverageStatus.NOT_ASSESSED else None
        obj.assessed_at = timezone.now() if status != CoverageStatus.NOT_ASSESSED else None
        obj.full_clean(validate_constraints=current is not None)
        obj.save()
    return obj


def gaps_to_actions(*, tenant: Tenant, supplier: Supplier, owner=None, due_date=None) -> list[Action]:
    """One action per gap of the supplier, never a second open one for the same gap.

    A gap is an area the supplier's contracts in force cover partly or not at all. Its action's
    source is the assessment behind the gap; an area nobody assessed first gets a "not
    assessed" row on the main agreement, so every gap has a record an action can point to.
    """
    from actions.services import action_create

    tenant.require(Perm.ACTION_EDIT)
    if not tenant.can_edit(ContractAssessment):
        raise PermissionDenied
    with transaction.atomic():
        found = coverage_by_supplier(tenant=tenant, supplier=supplier)
        if not found:
            return []
        entry = found[0]
        contract_ids = [c.pk for c in entry.contracts]
        by_area: dict[int, list[int]] = {}
        for pk, area_id in tenant.scope(ContractAssessment).filter(contract__in=contract_ids).values_list("pk", "area_id"):
            by_area.setdefault(area_id, []).append(pk)
        kind = ContentType.objects.get_for_model(ContractAssessment)
        open_sources = set(tenant.scope(Action).filter(status__in=OPEN_STATUSES, source_type=kind)
                           .values_list("source_id", flat=True))
        made = []
        for gap in entry.gaps:
            if any(str(pk) in open_sources for pk in by_area.get(gap.area.pk, [])):
                continue
            source = gap.assessment or tenant.new(ContractAssessment, contract=primary_contract(entry.contracts),
                                                  area=gap.area, status=CoverageStatus.NOT_ASSESSED)
            if source.pk is None:
                source.full_clean()
                source.save()
            made.append(action_create(
                tenant=tenant, source=source, owner=owner, due_date=due_date,
                title=_("Contract gap with %(supplier)s: %(area)s") % {"area": gap.area.title, "supplier": supplier.name},
                description=_("The contracts in force with %(supplier)s: %(status)s. %(guidance)s") % {
                    "supplier": supplier.name, "status": gap.status_label, "guidance": gap.area.guidance},
            ))
        return made
