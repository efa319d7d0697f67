"""Data protection through the API: the same services and rules as the pages."""

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from core.api import InputSchema, RecordId
from inventory.models import InformationType, System
from organisations.roles import Perm
from privacy import exports, overview as overview_data, rules, selectors, services
from privacy.models import (
    ActivityStatus,
    AuditOutcome,
    Dpia,
    DpiaDecision,
    ProcessingActivity,
    ProcessorAgreement,
    ProcessorRecord,
)
from risk.models import Risk
from suppliers.models import Supplier

router = Router(tags=["data protection"])


def _page(qs, number):
    paginator = Paginator(qs, 50)
    page = paginator.get_page(number)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


# --- Processing activities --------------------------------------------------------------------------


class TransferOut(Schema):
    id: int
    country: str
    recipient: str
    dpf_certified: bool
    scc_signed: bool
    tia_done: bool
    safeguards: str
    basis: str = ""
    lawful: bool = False

    @staticmethod
    def resolve_basis(obj) -> str:
        return _judge(obj).basis

    @staticmethod
    def resolve_lawful(obj) -> bool:
        return _judge(obj).ok


def _judge(t):
    return rules.judge(t.country, timezone.localdate(), dpf_certified=t.dpf_certified, scc_signed=t.scc_signed,
                       tia_done=t.tia_done)


class ActivityOut(Schema):
    id: int
    name: str
    controller_ids: list[int] = []
    purpose: str
    legal_basis: str
    legal_basis_reference: str
    art9_ground: str
    art10_basis: str
    data_subjects: list[str]
    data_subjects_other: str
    data_categories: list[str]
    data_categories_other: str
    recipients: str
    retention: str
    retention_months: int | None
    review_date: datetime.date | None
    status: str
    owner: str | None = Field(None, alias="owner.email")
    problems: list[str] = []

    @staticmethod
    def resolve_controller_ids(obj) -> list[int]:
        return sorted(u.pk for u in obj.controllers.all())

    @staticmethod
    def resolve_problems(obj) -> list[str]:
        return rules.problems_of(obj)


class ActivityDetailOut(ActivityOut):
    system_ids: list[int] = []
    information_type_ids: list[int] = []
    processor_ids: list[int] = []
    transfers: list[TransferOut] = []

    @staticmethod
    def resolve_system_ids(obj) -> list[int]:
        return sorted(s.pk for s in obj.systems.all())

    @staticmethod
    def resolve_information_type_ids(obj) -> list[int]:
        return sorted(i.pk for i in obj.information_types.all())

    @staticmethod
    def resolve_processor_ids(obj) -> list[int]:
        return sorted(p.pk for p in obj.processors.all())

    @staticmethod
    def resolve_transfers(obj):
        return list(obj.transfers.all())


class ActivityPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ActivityOut]


class ActivityFilters(InputSchema):
    q: str = Field("", max_length=100)
    controller_id: RecordId | None = None
    status: ActivityStatus | None = None
    due: bool = False
    page: int = Field(1, ge=1)


class ActivityIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    controller_ids: list[RecordId] = []
    purpose: str = ""
    legal_basis: str = Field("", pattern="^[a-f]?$")
    legal_basis_reference: str = Field("", max_length=300)
    art9_ground: str = Field("", pattern="^[a-j]?$")
    art10_basis: str = Field("", max_length=300)
    data_subjects: list[str] = []
    data_subjects_other: str = ""
    data_categories: list[str] = []
    data_categories_other: str = ""
    recipients: str = ""
    retention: str = ""
    retention_months: int | None = Field(None, ge=0, le=12000, strict=True)
    system_ids: list[RecordId] = []
    information_type_ids: list[RecordId] = []
    processor_ids: list[RecordId] = []
    owner: str | None = Field(None, max_length=254, description="E-mail of a member")
    review_date: datetime.date | None = None
    status: ActivityStatus = ActivityStatus.DRAFT


def _all_found(qs, ids, field, message):
    found = list(qs.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: message})
    return found


def _activity_data(request, payload: ActivityIn) -> dict:
    tenant = request.tenant
    data = payload.dict()
    data["controllers"] = _all_found(selectors.controllers(tenant=tenant), data.pop("controller_ids"), "controller_ids",
                                     _("Choose units of your own organisation."))
    data["systems"] = _all_found(tenant.editable(System), data.pop("system_ids"), "system_ids",
                                 _("Choose systems of your organisation's inventory."))
    data["information_types"] = _all_found(tenant.scope(InformationType).filter(organisation_id=tenant.organisation.pk),
                                           data.pop("information_type_ids"), "information_type_ids",
                                           _("Choose information types of your organisation."))
    data["processors"] = _all_found(tenant.scope(Supplier), data.pop("processor_ids"), "processor_ids",
                                    _("Choose suppliers from your organisation's register."))
    email = data.pop("owner")
    data["owner"] = None
    if email:
        data["owner"] = tenant.users().filter(email__iexact=email).first()
        if data["owner"] is None:
            raise ValidationError({"owner": _("Choose a member of your organisation.")})
    return data


def _activity(request, pk):
    return request.tenant.get(ProcessingActivity, pk, queryset=ProcessingActivity.objects.select_related("owner")
                              .prefetch_related("controllers", "systems", "information_types", "processors",
                                                "transfers"))


@router.get("/activities", response=ActivityPage, summary="The record of processing (50 a page)")
def list_activities(request, filters: Query[ActivityFilters]):
    qs = selectors.activity_list(tenant=request.tenant, q=filters.q, controller=filters.controller_id,
                                 status=filters.status or "", due=filters.due, today=timezone.localdate())
    return _page(qs.prefetch_related("controllers"), filters.page)


@router.get("/activities/{int:activity_id}", response=ActivityDetailOut, summary="One processing activity")
def get_activity(request, activity_id: int):
    return _activity(request, activity_id)


@router.post("/activities", response={201: ActivityDetailOut}, summary="Add a processing activity")
def create_activity(request, payload: ActivityIn):
    request.tenant.new(ProcessingActivity)
    obj = services.activity_save(tenant=request.tenant, activity=None, data=_activity_data(request, payload))
    return Status(201, _activity(request, obj.pk))


@router.put("/activities/{int:activity_id}", response=ActivityDetailOut, summary="Change a processing activity")
def update_activity(request, activity_id: int, payload: ActivityIn):
    activity = request.tenant.get(ProcessingActivity, activity_id, write=True)
    services.activity_save(tenant=request.tenant, activity=activity, data=_activity_data(request, payload))
    return _activity(request, activity_id)


@router.delete("/activities/{int:activity_id}", response={204: None}, summary="Delete a processing activity")
def delete_activity(request, activity_id: int):
    services.activity_delete(tenant=request.tenant,
                             activity=request.tenant.get(ProcessingActivity, activity_id, write=True))
    return Status(204, None)


class TransferIn(InputSchema):
    country: str = Field(..., min_length=2, max_length=2, description="ISO 3166 code of a named country")
    recipient: str = Field(..., min_length=1, max_length=200)
    dpf_certified: bool = False
    scc_signed: bool = False
    tia_done: bool = False
    safeguards: str = ""


@router.post("/activities/{int:activity_id}/transfers", response={201: TransferOut},
             summary="Record a third-country transfer of the activity")
def create_transfer(request, activity_id: int, payload: TransferIn):
    activity = request.tenant.get(ProcessingActivity, activity_id, write=True)
    return Status(201, services.transfer_add(tenant=request.tenant, activity=activity, data=payload.dict()))


class RecordFormat(InputSchema):
    format: str = Field("xlsx", pattern="^(xlsx|docx|pdf)$")


@router.get("/controllers/{int:unit_id}/record", response={200: None},
            summary="A controller's record of processing as XLSX, DOCX or PDF (art. 30(1)(a)–(g))")
def export_record(request, unit_id: int, query: Query[RecordFormat]):
    tenant = request.tenant
    tenant.require(Perm.VIEW)
    unit = selectors.controllers(tenant=tenant).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    if query.format == "xlsx":
        response = HttpResponse(exports.record_xlsx(tenant=tenant, unit=unit), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="record.xlsx"'
        return response
    return exports.record_document_response(tenant=tenant, unit=unit, fmt=query.format)


# --- Transfers --------------------------------------------------------------------------------------


class TransferRowOut(Schema):
    id: int = Field(..., description="The record the transfer is on (per source); the pk of an overview action")
    organisation: str
    source: str
    label: str
    url: str
    country: str
    recipient: str
    basis: str
    lawful: bool
    explanation: str


class TransferFilters(InputSchema):
    without_basis: bool = False


def _transfer_row(t) -> dict:
    return {"id": t.pk, "organisation": t.organisation, "source": t.source, "label": t.label, "url": t.url, "country": t.country,
            "recipient": t.recipient, "basis": t.basis.basis, "lawful": t.ok, "explanation": t.basis.explanation}


@router.get("/transfers", response=list[TransferRowOut], summary="Every third-country transfer, judged today")
def list_transfers(request, filters: Query[TransferFilters]):
    request.tenant.require(Perm.VIEW)
    rows = selectors.transfers(tenant=request.tenant, today=timezone.localdate())
    return [_transfer_row(t) for t in rows if not (filters.without_basis and t.ok)]


# --- Agreements -------------------------------------------------------------------------------------


class SubProcessorOut(Schema):
    id: int
    name: str
    country: str
    service: str
    dpf_certified: bool
    scc_signed: bool
    tia_done: bool


class AuditOut(Schema):
    id: int
    date: datetime.date
    outcome: str
    summary: str


class AgreementOut(Schema):
    id: int
    supplier_id: int
    supplier: str = Field(..., alias="supplier.name")
    title: str
    reference: str
    signed_on: datetime.date | None
    valid_until: datetime.date | None
    controller_ids: list[int] = []
    checklist_version: str
    points: dict
    gaps: list[str] = []
    dpf_certified: bool
    scc_signed: bool
    tia_done: bool
    notes: str
    document: str = Field("", alias="document_name")
    sub_processors: list[SubProcessorOut] = []
    audits: list[AuditOut] = []

    @staticmethod
    def resolve_controller_ids(obj) -> list[int]:
        return sorted(u.pk for u in obj.controllers.all())

    @staticmethod
    def resolve_gaps(obj) -> list[str]:
        return [p.key for p in rules.agreement_gaps(obj.points)]

    @staticmethod
    def resolve_sub_processors(obj):
        return list(obj.sub_processors.all())

    @staticmethod
    def resolve_audits(obj):
        return list(obj.audits.all())


class AgreementPage(Schema):
    count: int
    page: int
    pages: int
    results: list[AgreementOut]


class PageFilter(InputSchema):
    page: int = Field(1, ge=1)


class AgreementIn(InputSchema):
    supplier_id: RecordId
    controller_ids: list[RecordId] = []
    title: str = Field(..., min_length=1, max_length=300)
    reference: str = Field("", max_length=100)
    signed_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    points: dict[str, str] = Field({}, description="Checklist key → the clause covering it")
    dpf_certified: bool = False
    scc_signed: bool = False
    tia_done: bool = False
    notes: str = ""


def _agreement_data(request, payload: AgreementIn) -> dict:
    tenant = request.tenant
    data = payload.dict()
    data["supplier"] = tenant.scope(Supplier).filter(pk=data.pop("supplier_id")).first()
    if data["supplier"] is None:
        raise ValidationError({"supplier_id": _("Choose a supplier from your organisation's register.")})
    data["controllers"] = _all_found(selectors.controllers(tenant=tenant), data.pop("controller_ids"), "controller_ids",
                                     _("Choose units of your own organisation."))
    return data


def _agreement(request, pk):
    return request.tenant.get(ProcessorAgreement, pk, queryset=ProcessorAgreement.objects.select_related("supplier")
                              .prefetch_related("controllers", "sub_processors", "audits"))


@router.get("/agreements", response=AgreementPage, summary="Data processing agreements (art. 28)")
def list_agreements(request, filters: Query[PageFilter]):
    qs = selectors.agreement_list(tenant=request.tenant).prefetch_related("controllers", "sub_processors", "audits")
    return _page(qs, filters.page)


@router.get("/agreements/{int:agreement_id}", response=AgreementOut, summary="One data processing agreement")
def get_agreement(request, agreement_id: int):
    return _agreement(request, agreement_id)


@router.post("/agreements", response={201: AgreementOut}, summary="Add a data processing agreement")
def create_agreement(request, payload: AgreementIn):
    request.tenant.new(ProcessorAgreement)
    obj = services.agreement_save(tenant=request.tenant, agreement=None, data=_agreement_data(request, payload))
    return Status(201, _agreement(request, obj.pk))


@router.put("/agreements/{int:agreement_id}", response=AgreementOut, summary="Change a data processing agreement")
def update_agreement(request, agreement_id: int, payload: AgreementIn):
    agreement = request.tenant.get(ProcessorAgreement, agreement_id, write=True)
    services.agreement_save(tenant=request.tenant, agreement=agreement, data=_agreement_data(request, payload))
    return _agreement(request, agreement_id)


class SubProcessorIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    country: str = Field(..., min_length=2, max_length=2)
    service: str = Field("", max_length=300)
    dpf_certified: bool = False
    scc_signed: bool = False
    tia_done: bool = False


@router.post("/agreements/{int:agreement_id}/sub-processors", response={201: SubProcessorOut},
             summary="Add a sub-processor")
def create_sub_processor(request, agreement_id: int, payload: SubProcessorIn):
    agreement = request.tenant.get(ProcessorAgreement, agreement_id, write=True)
    return Status(201, services.sub_processor_add(tenant=request.tenant, agreement=agreement, data=payload.dict()))


class AuditIn(InputSchema):
    date: datetime.date
    outcome: AuditOutcome
    summary: str = ""


@router.post("/agreements/{int:agreement_id}/audits", response={201: AuditOut}, summary="Record an audit of the processor")
def create_audit(request, agreement_id: int, payload: AuditIn):
    agreement = request.tenant.get(ProcessorAgreement, agreement_id, write=True)
    return Status(201, services.audit_add(tenant=request.tenant, agreement=agreement, data=payload.dict()))


class MissingOut(Schema):
    supplier_id: int
    supplier: str
    unit_id: int
    unit: str
    activity_ids: list[int]


@router.get("/missing-agreements", response=list[MissingOut], summary="Processors used without an agreement")
def list_missing(request):
    request.tenant.require(Perm.VIEW)
    return [{"supplier_id": m.supplier_id, "supplier": m.supplier, "unit_id": m.unit_id, "unit": m.unit,
             "activity_ids": [pk for pk, _n in m.activities]} for m in selectors.missing_agreements(tenant=request.tenant)]


# --- The processor's record --------------------------------------------------------------------------


class ProcessorRecordOut(Schema):
    id: int
    organisation: str = Field(..., alias="organisation.slug")
    addressed_to: list[str] = []
    controller_name: str
    controller_contact: str
    processing: str
    transfers: str
    countries: list[str]
    security_measures: str

    @staticmethod
    def resolve_addressed_to(obj) -> list[str]:
        return sorted(o.slug for o in obj.shared_with.all())


class ProcessorRecordIn(InputSchema):
    addressed_to: str = Field(..., min_length=1, max_length=100, description="Slug of the customer it concerns")
    controller_name: str = Field(..., min_length=1, max_length=200)
    controller_contact: str = Field("", max_length=300)
    processing: str = Field(..., min_length=1)
    transfers: str = ""
    countries: list[str] = []
    security_measures: str = ""


@router.get("/processor-records", response=list[ProcessorRecordOut],
            summary="The processor's record (art. 30(2)): its own, or the part addressed to us")
def list_processor_records(request):
    return list(request.tenant.scope(ProcessorRecord).select_related("organisation").prefetch_related("shared_with")
                .order_by("controller_name", "pk")[:500])


@router.post("/processor-records", response={201: ProcessorRecordOut}, summary="Add to the processor's record")
def create_processor_record(request, payload: ProcessorRecordIn):
    tenant = request.tenant
    tenant.new(ProcessorRecord)
    data = payload.dict()
    data["customer"] = tenant.customers().filter(slug=data.pop("addressed_to")).first()
    if data["customer"] is None:
        raise ValidationError({"addressed_to": _("You can only address organisations your organisation serves.")})
    return Status(201, services.processor_record_save(tenant=tenant, record=None, data=data))


# --- DPIAs ------------------------------------------------------------------------------------------


class DpiaOut(Schema):
    id: int
    title: str
    activity_id: int | None
    criteria: list[str]
    art35_3: list[str]
    screening_required: bool = False
    description: str
    necessity: str
    risk_ids: list[int] = []
    measures: str
    residual_high: bool
    prior_consultation_needed: bool
    imy_consulted_on: datetime.date | None
    status: str
    dpo_advice: str
    dpo_advice_by: str | None = Field(None, alias="dpo_advice_by.email")
    dpo_advice_at: datetime.datetime | None
    decision: str
    decided_by: str | None = Field(None, alias="decided_by.email")
    decided_at: datetime.datetime | None
    decision_reason: str

    @staticmethod
    def resolve_screening_required(obj) -> bool:
        return rules.screen(obj.criteria, obj.art35_3).required

    @staticmethod
    def resolve_risk_ids(obj) -> list[int]:
        return sorted(r.pk for r in obj.risks.all())


class DpiaIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    activity_id: RecordId | None = None
    criteria: list[str] = []
    art35_3: list[str] = []
    description: str = ""
    necessity: str = ""
    risk_ids: list[RecordId] = []
    measures: str = ""
    residual_high: bool = False
    imy_consulted_on: datetime.date | None = None


class DpiaPage(Schema):
    count: int
    page: int
    pages: int
    results: list[DpiaOut]


class DpiaFilters(InputSchema):
    status: str = Field("", pattern="^(|open|draft|awaiting_advice|awaiting_decision|decided)$")
    page: int = Field(1, ge=1)


def _dpia_data(request, payload: DpiaIn) -> dict:
    tenant = request.tenant
    data = payload.dict()
    activity_id = data.pop("activity_id")
    data["activity"] = None
    if activity_id:
        data["activity"] = tenant.editable(ProcessingActivity).filter(pk=activity_id).first()
        if data["activity"] is None:
            raise ValidationError({"activity_id": _("Choose a processing activity of your organisation.")})
    data["risks"] = _all_found(tenant.scope(Risk), data.pop("risk_ids"), "risk_ids",
                               _("Choose risks of your organisation's risk register."))
    return data


def _dpia(request, pk):
    return request.tenant.get(Dpia, pk, queryset=Dpia.objects.select_related("dpo_advice_by", "decided_by")
                              .prefetch_related("risks"))


@router.get("/dpias", response=DpiaPage, summary="Impact assessments (DPIA)")
def list_dpias(request, filters: Query[DpiaFilters]):
    qs = selectors.dpia_list(tenant=request.tenant, status=filters.status).select_related(
        "dpo_advice_by", "decided_by").prefetch_related("risks")
    return _page(qs, filters.page)


@router.get("/dpias/{int:dpia_id}", response=DpiaOut, summary="One DPIA")
def get_dpia(request, dpia_id: int):
    return _dpia(request, dpia_id)


@router.post("/dpias", response={201: DpiaOut}, summary="Start a DPIA (with its screening)")
def create_dpia(request, payload: DpiaIn):
    request.tenant.new(Dpia)
    obj = services.dpia_save(tenant=request.tenant, dpia=None, data=_dpia_data(request, payload))
    return Status(201, _dpia(request, obj.pk))


@router.put("/dpias/{int:dpia_id}", response=DpiaOut, summary="Change a DPIA being written")
def update_dpia(request, dpia_id: int, payload: DpiaIn):
    dpia = request.tenant.get(Dpia, dpia_id, write=True)
    services.dpia_save(tenant=request.tenant, dpia=dpia, data=_dpia_data(request, payload))
    return _dpia(request, dpia_id)


@router.post("/dpias/{int:dpia_id}/request-advice", response=DpiaOut, summary="Ask the DPO for advice")
def request_advice(request, dpia_id: int):
    dpia = request.tenant.get(Dpia, dpia_id, write=True)
    services.dpia_request_advice(tenant=request.tenant, dpia=dpia)
    return _dpia(request, dpia_id)


class AdviceIn(InputSchema):
    advice: str = Field(..., min_length=1)


@router.post("/dpias/{int:dpia_id}/advice", response=DpiaOut, summary="The DPO's advice (the DPO role only)")
def give_advice(request, dpia_id: int, payload: AdviceIn):
    dpia = request.tenant.get(Dpia, dpia_id, write=True)
    services.dpia_advise(tenant=request.tenant, dpia=dpia, advice=payload.advice)
    return _dpia(request, dpia_id)


class DpiaDecisionIn(InputSchema):
    decision: DpiaDecision
    reason: str = Field(..., min_length=1)


@router.post("/dpias/{int:dpia_id}/decision", response=DpiaOut,
             summary="The controller's decision (refused without the DPO's advice)")
def decide(request, dpia_id: int, payload: DpiaDecisionIn):
    request.tenant.require(Perm.PRIVACY_DECIDE)
    dpia = request.tenant.get(Dpia, dpia_id)
    services.dpia_decide(tenant=request.tenant, dpia=dpia, decision=payload.decision, reason=payload.reason)
    return _dpia(request, dpia_id)


# --- The DPO across organisations ---------------------------------------------------------------------


class OverviewPartOut(Schema):
    organisation: str
    reviews_due: list[dict]
    reviews_total: int
    open_dpias: list[dict]
    open_dpias_total: int
    transfers_without_basis: list[TransferRowOut]
    missing_agreements: list[MissingOut]


class OverviewOut(Schema):
    organisations: list[OverviewPartOut]
    breaches: list[dict]


@router.get("/overview", response=OverviewOut, summary="The DPO's overview across the organisations they serve")
def overview(request):
    request.tenant.require(Perm.PRIVACY_EDIT)
    data = overview_data.build(user=request.user, today=timezone.localdate())
    parts = [{"organisation": p.organisation.slug,
              "reviews_due": [{"id": a.pk, "name": a.name, "review_date": a.review_date.isoformat()} for a in p.reviews],
              "reviews_total": p.reviews_total,
              "open_dpias": [{"id": d.pk, "title": d.title, "status": d.status} for d in p.dpias],
              "open_dpias_total": p.dpias_total,
              "transfers_without_basis": [_transfer_row(t) for t in p.transfers],
              "missing_agreements": [{"supplier_id": m.supplier_id, "supplier": m.supplier, "unit_id": m.unit_id,
                                      "unit": m.unit, "activity_ids": [pk for pk, _n in m.activities]}
                                     for m in p.missing]} for p in data.parts]
    breaches = [{**b, "deadline": b.get("deadline").isoformat() if b.get("deadline") else None} for b in data.breaches]
    return {"organisations": parts, "breaches": breaches}


class OverviewActionIn(InputSchema):
    organisation: str = Field(..., min_length=1, max_length=100, description="Slug of one of your organisations")
    kind: str = Field(..., pattern="^(review|dpia|dpa|transfer-activity|transfer-system|transfer-sub_processor)$")
    pk: RecordId


class ActionCreatedOut(Schema):
    id: int
    organisation: str
    title: str


@router.post("/overview/actions", response={201: ActionCreatedOut},
             summary="An action from a row of the overview, in that row's organisation")
def overview_action(request, payload: OverviewActionIn):
    request.tenant.require(Perm.PRIVACY_EDIT)
    tenant = next((t for t in overview_data.tenants_of(request.user) if t.organisation.slug == payload.organisation),
                  None)
    if tenant is None:
        raise Http404
    action = services.overview_action(tenant=tenant, kind=payload.kind, pk=payload.pk, today=timezone.localdate())
    return Status(201, {"id": action.pk, "organisation": tenant.organisation.slug, "title": action.title})
