"""Suppliers, their contracts, the contract security checklist and gaps through the API."""

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from actions.api import ActionOut
from core.api import InputSchema, RecordId
from inventory.models import System
from organisations.roles import Perm
from suppliers import selectors, services
from suppliers.checklist import checklist_areas, contract_gaps
from suppliers.models import ChecklistArea, Contract, ContractAssessment, ContractKind, CoverageStatus, Supplier

router = Router(tags=["suppliers and contracts"])


# Suppliers ----------------------------------------------------------------------------------


class SupplierOut(Schema):
    id: int
    name: str
    org_number: str
    contact_email: str
    website: str
    description: str
    tillit_organisation: str | None = Field(None, alias="tillit_organisation.slug")


class SupplierPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SupplierOut]


class SupplierFilters(InputSchema):
    q: str = Field("", max_length=100)
    page: int = Field(1, ge=1)


class SupplierIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    org_number: str = Field("", max_length=20)
    contact_email: str = Field("", max_length=254)
    website: str = Field("", max_length=200)
    description: str = ""
    tillit_organisation: str | None = Field(None, description="Slug of a supplier organisation serving yours")


def _page(qs, number):
    paginator = Paginator(qs, 50)
    page = paginator.get_page(number)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


def _supplier_data(request, payload: SupplierIn) -> dict:
    data = payload.dict()
    slug = data.pop("tillit_organisation")
    data["tillit_organisation"] = None
    if slug:
        data["tillit_organisation"] = request.tenant.organisation.suppliers.filter(slug=slug).first()
        if data["tillit_organisation"] is None:
            raise ValidationError({"tillit_organisation": _("Choose a supplier organisation that serves your organisation.")})
    return data


@router.get("", response=SupplierPage, summary="The supplier register (50 a page)")
def list_suppliers(request, filters: Query[SupplierFilters]):
    qs = request.tenant.scope(Supplier).select_related("tillit_organisation").order_by("name", "pk")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(org_number__icontains=filters.q))
    return _page(qs, filters.page)


@router.get("/{int:supplier_id}", response=SupplierOut, summary="One supplier")
def get_supplier(request, supplier_id: int):
    return request.tenant.get(Supplier, supplier_id, queryset=Supplier.objects.select_related("tillit_organisation"))


@router.post("", response={201: SupplierOut}, summary="Add a supplier")
def create_supplier(request, payload: SupplierIn):
    request.tenant.new(Supplier)
    return Status(201, services.supplier_save(tenant=request.tenant, supplier=None, data=_supplier_data(request, payload)))


@router.put("/{int:supplier_id}", response=SupplierOut, summary="Change a supplier")
def update_supplier(request, supplier_id: int, payload: SupplierIn):
    supplier = request.tenant.get(Supplier, supplier_id, write=True)
    return services.supplier_save(tenant=request.tenant, supplier=supplier, data=_supplier_data(request, payload))


# Checklist ----------------------------------------------------------------------------------


class AreaOut(Schema):
    id: int
    key: str
    version: str
    order: int
    title: str
    title_sv: str
    title_en: str
    guidance: str
    source: str


@router.get("/checklist", response=list[AreaOut], summary="The contract security checklist's areas")
def list_areas(request):
    request.tenant.require(Perm.VIEW)
    return checklist_areas()


# Contracts ----------------------------------------------------------------------------------


class ContractOut(Schema):
    id: int
    organisation: str = Field(..., alias="organisation.slug")
    supplier_id: int
    supplier: str = Field(..., alias="supplier.name")
    kind: str
    title: str
    reference: str
    parent_id: int | None
    signed_on: datetime.date | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    notice_months: int | None
    auto_renewal: bool
    services: str
    link: str
    notes: str
    in_force: bool = Field(..., alias="in_force_today")
    notice_deadline: datetime.date | None
    expiring_soon: bool = Field(..., alias="expiring_soon_today")
    document: str = Field("", alias="document_name")


class ContractDetailOut(ContractOut):
    systems: list[int] = []
    shared_with_supplier: bool = False

    @staticmethod
    def resolve_systems(obj: Contract) -> list[int]:
        return sorted(s.pk for s in obj.systems.all())

    @staticmethod
    def resolve_shared_with_supplier(obj: Contract) -> bool:
        return any(o.pk == obj.supplier.tillit_organisation_id for o in obj.shared_with.all())


class ContractPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ContractOut]


class ContractFilters(InputSchema):
    supplier: RecordId | None = None
    kind: ContractKind | None = None
    state: str = Field("", pattern="^(|in_force|expired|expiring)$")
    q: str = Field("", max_length=100)
    page: int = Field(1, ge=1)


class ContractIn(InputSchema):
    supplier: RecordId
    kind: ContractKind = ContractKind.MAIN
    title: str = Field(..., min_length=1, max_length=300)
    reference: str = Field("", max_length=100)
    parent: RecordId | None = None
    signed_on: datetime.date | None = None
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    notice_months: int | None = Field(None, ge=0, le=600)
    auto_renewal: bool = False
    systems: list[RecordId] = []
    services: str = ""
    link: str = Field("", max_length=500)
    notes: str = ""
    shared_with_supplier: bool = False


def _contract_data(request, payload: ContractIn) -> dict:
    tenant = request.tenant
    data = payload.dict()
    errors = {}
    data["supplier"] = tenant.scope(Supplier).filter(pk=payload.supplier).first()
    if data["supplier"] is None:
        errors["supplier"] = _("Choose a supplier from your organisation's register.")
    if payload.parent:
        data["parent"] = tenant.editable(Contract).filter(pk=payload.parent).first()
        if data["parent"] is None:
            errors["parent"] = _("Choose one of your organisation's contracts.")
    systems = list(tenant.scope(System).filter(pk__in=payload.systems))
    if len(systems) != len(set(payload.systems)) or not all(tenant.owns(s) for s in systems):
        errors["systems"] = _("Choose systems of your organisation's inventory.")
    data["systems"] = systems
    data["share_with_supplier"] = data.pop("shared_with_supplier")
    if errors:
        raise ValidationError(errors)
    return data


def _detail(request, pk):
    return request.tenant.get(Contract, pk, queryset=Contract.objects.select_related(
        "supplier", "organisation").prefetch_related("systems", "shared_with"))


@router.get("/contracts", response=ContractPage, summary="Contracts (50 a page; filters as on the page)")
def list_contracts(request, filters: Query[ContractFilters]):
    qs = selectors.contract_list(tenant=request.tenant, supplier=filters.supplier, kind=filters.kind or "",
                                 state=filters.state, q=filters.q)
    return _page(qs, filters.page)


@router.get("/contracts/{int:contract_id}", response=ContractDetailOut, summary="One contract")
def get_contract(request, contract_id: int):
    return _detail(request, contract_id)


@router.post("/contracts", response={201: ContractDetailOut}, summary="Add a contract")
def create_contract(request, payload: ContractIn):
    request.tenant.new(Contract)
    contract = services.contract_save(tenant=request.tenant, contract=None, data=_contract_data(request, payload))
    return Status(201, _detail(request, contract.pk))


@router.put("/contracts/{int:contract_id}", response=ContractDetailOut, summary="Change a contract")
def update_contract(request, contract_id: int, payload: ContractIn):
    contract = request.tenant.get(Contract, contract_id, write=True)
    services.contract_save(tenant=request.tenant, contract=contract, data=_contract_data(request, payload))
    return _detail(request, contract_id)


@router.delete("/contracts/{int:contract_id}", response={204: None}, summary="Delete a contract and its assessments")
def delete_contract(request, contract_id: int):
    contract = request.tenant.get(Contract, contract_id, write=True)
    services.contract_delete(tenant=request.tenant, contract=contract)
    return Status(204, None)


# Assessments --------------------------------------------------------------------------------


class AssessmentOut(Schema):
    area_id: int
    area_key: str
    area: str
    status: str
    clause: str = ""
    comment: str = ""
    assessed_by: str | None = None
    assessed_at: datetime.datetime | None = None


class AssessmentIn(InputSchema):
    status: CoverageStatus
    clause: str = Field("", max_length=200)
    comment: str = ""


def _assessment_out(area: ChecklistArea, a: ContractAssessment | None) -> dict:
    return {"area_id": area.pk, "area_key": area.key, "area": area.title,
            "status": a.status if a else CoverageStatus.NOT_ASSESSED, "clause": a.clause if a else "",
            "comment": a.comment if a else "", "assessed_by": a.assessed_by.email if a and a.assessed_by else None,
            "assessed_at": a.assessed_at if a else None}


@router.get("/contracts/{int:contract_id}/assessments", response=list[AssessmentOut],
            summary="The contract's checklist: one row per area")
def list_assessments(request, contract_id: int):
    tenant = request.tenant
    contract = tenant.get(Contract, contract_id)
    found = {a.area_id: a for a in tenant.scope(ContractAssessment).filter(contract=contract).select_related("assessed_by")}
    return [_assessment_out(area, found.get(area.pk)) for area in checklist_areas()]


@router.put("/contracts/{int:contract_id}/assessments/{area_key}", response=AssessmentOut,
            summary="Assess one area of the contract's checklist")
def put_assessment(request, contract_id: int, area_key: str, payload: AssessmentIn):
    tenant = request.tenant
    tenant.require(Perm.SUPPLIER_FOLLOW_UP)
    contract = tenant.get(Contract, contract_id, write=True)
    area = next((a for a in checklist_areas() if a.key == area_key), None)
    if area is None:
        raise Http404
    saved = services.assessment_save(tenant=tenant, contract=contract, area=area, status=payload.status,
                                     clause=payload.clause, comment=payload.comment)
    return _assessment_out(area, saved)


# Gaps ---------------------------------------------------------------------------------------


class GapOut(Schema):
    area_id: int
    area_key: str
    area: str
    status: str
    contract_id: int | None = None
    clause: str = ""


class GapsToActionsIn(InputSchema):
    due_date: datetime.date | None = None


@router.get("/{int:supplier_id}/gaps", response=list[GapOut], summary="The supplier's contract gaps")
def list_gaps(request, supplier_id: int):
    supplier = request.tenant.get(Supplier, supplier_id)
    return [{"area_id": g.area.pk, "area_key": g.area.key, "area": g.area.title, "status": g.status,
             "contract_id": g.assessment.contract_id if g.assessment else None,
             "clause": g.assessment.clause if g.assessment else ""}
            for g in contract_gaps(tenant=request.tenant, supplier=supplier)]


@router.post("/{int:supplier_id}/gaps/actions", response={201: list[ActionOut]},
             summary="Turn the supplier's gaps into actions (one per gap without an open action)")
def gaps_to_actions(request, supplier_id: int, options: Query[GapsToActionsIn]):
    tenant = request.tenant
    tenant.require(Perm.SUPPLIER_FOLLOW_UP)
    supplier = tenant.get(Supplier, supplier_id)
    made = services.gaps_to_actions(tenant=tenant, supplier=supplier, due_date=options.due_date)
    return Status(201, made)
