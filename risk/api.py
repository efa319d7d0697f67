"""Risk analysis through the API: the same selectors, services and tenancy as the pages."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.http import HttpResponse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from pydantic import field_validator

from actions.models import Action
from core.api import ImportErrorsOut, InputSchema, RecordId, import_refused
from core.tabular import XLSX_TYPE
from inventory.models import InformationType, System
from risk import importexport, rules, selectors, services
from risk.models import (
    Risk,
    RiskMatrix,
    RiskSession,
    RiskStatus,
    Strategy,
    Threat,
    ThreatCategory,
    Treatment,
    TreatmentStatus,
)
from suppliers.models import Supplier

router = Router(tags=["risk"])

Level = Field(None, ge=1, le=max(rules.SIZES))


# --- schemas --------------------------------------------------------------------------------


class RiskOut(Schema):
    id: int
    title: str
    description: str
    threat: str | None = Field(None, alias="threat.code")
    vulnerability: str
    existing_controls: str
    process: str
    system_ids: list[int]
    deleted_systems: list[str]
    inherent_likelihood: int | None
    inherent_consequence: int | None
    inherent_score: int | None
    inherent_level: str | None
    residual_likelihood: int | None
    residual_consequence: int | None
    residual_score: int | None
    residual_level: str | None
    owner: str | None = Field(None, alias="owner.email")
    strategy: str
    status: str
    review_date: datetime.date | None
    accepted_by: str | None = Field(None, alias="accepted_by.email")
    accepted_at: datetime.datetime | None
    acceptance_justification: str
    accepted_until: datetime.date | None
    session_id: int | None
    version: int
    updated_at: datetime.datetime

    # Both read the prefetched links (selectors.risk_list / risk_detail).
    @staticmethod
    def resolve_system_ids(obj: Risk) -> list[int]:
        return [link.system_id for link in obj.system_links.all() if link.system_id]

    @staticmethod
    def resolve_deleted_systems(obj: Risk) -> list[str]:
        return [link.system_name for link in obj.system_links.all() if not link.system_id]


class RiskDetailOut(RiskOut):
    information_type_ids: list[int]
    supplier_ids: list[int]

    @staticmethod
    def resolve_information_type_ids(obj: Risk) -> list[int]:
        return [i.pk for i in obj.information_types.all()]

    @staticmethod
    def resolve_supplier_ids(obj: Risk) -> list[int]:
        return [s.pk for s in obj.suppliers.all()]


class RiskPage(Schema):
    count: int
    page: int
    pages: int
    results: list[RiskOut]


class RiskFilterIn(InputSchema):
    q: str = ""
    system: RecordId | None = None
    system_name: str = Field("", description="Part of the name of a linked system")
    kind: str = Field("residual", pattern="^(inherent|residual)$")
    level: str = ""
    status: str = Field("", description="A status, or `open` for every status but closed (what a heat-map cell counts)")
    owner: RecordId | None = Field(None, description="User id of the risk owner")
    strategy: str = ""
    orphaned: bool = False
    review_due: bool = Field(False, description="Only risks whose review date has passed or whose acceptance has lapsed")
    l: int | None = Level  # noqa: E741
    c: int | None = Level
    session: RecordId | None = None
    sort: str = "residual"
    page: int = Field(1, ge=1)


class RiskIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    threat: str | None = Field(None, description="Code of a threat from the catalogue or your own")
    vulnerability: str = ""
    existing_controls: str = ""
    process: str = Field("", max_length=200)
    system_ids: list[RecordId] = []
    information_type_ids: list[RecordId] = []
    supplier_ids: list[RecordId] = []
    inherent_likelihood: int | None = Level
    inherent_consequence: int | None = Level
    residual_likelihood: int | None = Level
    residual_consequence: int | None = Level
    owner: str | None = Field(None, description="E-mail of a member of the organisation")
    strategy: Strategy | None = None
    status: RiskStatus = RiskStatus.IDENTIFIED
    review_date: datetime.date | None = None
    session_id: RecordId | None = None


class RiskUpdateIn(RiskIn):
    version: int = Field(..., description="The version you read; a newer one on the server gives 409")


class AcceptIn(InputSchema):
    justification: str = Field(..., min_length=1)
    version: int
    accepted_until: datetime.date | None = Field(None, description="Last day the acceptance holds (default: a year)")
    confirm: bool = Field(False, description="Accept although treatments have not started (otherwise 409)")


class TreatmentOut(Schema):
    id: int
    risk_id: int
    description: str
    owner: str | None = Field(None, alias="owner.email")
    due_date: datetime.date | None
    status: str
    action_ids: list[int] = []


class TreatmentIn(InputSchema):
    description: str = Field(..., min_length=1)
    owner: str | None = None
    due_date: datetime.date | None = None
    status: TreatmentStatus = TreatmentStatus.OPEN


class SessionOut(Schema):
    id: int
    title: str
    scope: str
    date: datetime.date
    participants: list[str]
    external_participants: str
    notes: str

    @staticmethod
    def resolve_participants(obj: RiskSession) -> list[str]:
        return [user.email for user in obj.participants.all()]


class SessionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SessionOut]


class SessionIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    scope: str = ""
    date: datetime.date
    participants: list[str] = Field([], description="E-mails of members of the organisation")
    external_participants: str = ""
    notes: str = ""


class MatrixOut(Schema):
    likelihood_size: int
    consequence_size: int
    likelihood_labels: list[str]
    consequence_labels: list[str]
    custom_likelihood_labels: list[str]
    custom_consequence_labels: list[str]
    medium_from: int
    high_from: int
    very_high_from: int
    acceptance_level: str
    version: int


class MatrixIn(InputSchema):
    likelihood_size: int
    consequence_size: int
    likelihood_labels: list[str] = Field([], description="Your own labels, level 1 first; empty ones use the default")
    consequence_labels: list[str] = []
    medium_from: int
    high_from: int
    very_high_from: int
    acceptance_level: rules.Level
    version: int
    likelihood_mapping: dict[int, int] | None = Field(
        None, description="Old level → new level, required when the size changes while risks exist")
    consequence_mapping: dict[int, int] | None = None


class MappingNeededOut(Schema):
    detail: str
    risks: int
    suggested_likelihood_mapping: dict[int, int] | None
    suggested_consequence_mapping: dict[int, int] | None


class ThreatOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    description: str
    description_en: str
    category: str
    catalogue: bool = Field(..., alias="is_catalogue")


class ThreatIn(InputSchema):
    """One of the organisation's own threats (the page's form)."""

    code: str = Field(..., min_length=1, max_length=60, description="A short identifier (letters, digits, - and _), "
                                                                    "e.g. own-badge-theft")
    name: str = Field(..., min_length=1, max_length=200)
    category: ThreatCategory
    description: str = ""

    @field_validator("code", "name", "description")
    @classmethod
    def _strip(cls, value: str) -> str:
        # As the page's form does; an empty code or name is then refused by the service.
        return value.strip()


class CellOut(Schema):
    likelihood: int
    consequence: int
    count: int
    level: str


class HeatmapOut(Schema):
    kind: str
    likelihood_labels: list[str]
    consequence_labels: list[str]
    total: int
    cells: list[CellOut]


# --- helpers ---------------------------------------------------------------------------------


def _page(paginator: Paginator, number: int) -> dict:
    page = paginator.get_page(number)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


def _member(request, email: str | None, field: str, errors: dict):
    if not email:
        return None
    user = request.tenant.users().filter(email__iexact=email).first()
    if user is None:
        errors[field] = _("Choose a member of your organisation.")
    return user


def _own(request, model, ids: list[int], field: str, errors: dict) -> list:
    """The organisation's own records with these ids; any other id is an error (never a foreign link)."""
    objs = list(request.tenant.scope(model).filter(organisation_id=request.tenant.membership.organisation_id,
                                                   pk__in=ids))
    if len(objs) != len(set(ids)):
        errors[field] = _("No such record in your organisation.")
    return objs


def _resolve(request, payload: RiskIn) -> dict:
    """Turn codes, ids and e-mails into the tenant's own records; unknown ones are 422."""
    tenant, errors = request.tenant, {}
    data = payload.dict(include={"title", "description", "vulnerability", "existing_controls", "process",
                                 "inherent_likelihood", "inherent_consequence", "residual_likelihood",
                                 "residual_consequence", "status", "review_date"})
    data["strategy"] = payload.strategy or ""
    data["threat"] = None
    if payload.threat:
        # The organisation's own threat wins over a catalogue entry with the same code.
        found = sorted(tenant.scope(Threat).filter(code=payload.threat), key=lambda t: t.organisation_id is None)
        data["threat"] = found[0] if found else None
        if data["threat"] is None:
            errors["threat"] = _("No threat with this code in the catalogue or your own.")
    data["owner"] = _member(request, payload.owner, "owner", errors)
    data["systems"] = _own(request, System, payload.system_ids, "system_ids", errors)
    data["information_types"] = _own(request, InformationType, payload.information_type_ids, "information_type_ids",
                                     errors)
    data["suppliers"] = _own(request, Supplier, payload.supplier_ids, "supplier_ids", errors)
    data["session"] = None
    if payload.session_id:
        data["session"] = tenant.editable(RiskSession).filter(pk=payload.session_id).first()
        if data["session"] is None:
            errors["session_id"] = _("No such record in your organisation.")
    if errors:
        raise ValidationError(errors)
    return data


def _detail(request, pk) -> Risk:
    risk = selectors.risk_detail(tenant=request.tenant, pk=pk)
    return selectors.with_levels([risk], selectors.matrix_for(request.tenant))[0]


def _conflict(exc: services.VersionConflict):
    raise HttpError(409, str(exc) + " " + _("Current version: %(v)d.") % {"v": exc.current.version})


def _with_actions(treatments: list[Treatment]) -> list[Treatment]:
    content_type = ContentType.objects.get_for_model(Treatment)
    by_source: dict[str, list[int]] = {}
    for pk, source_id in Action.objects.filter(source_type=content_type,
                                               source_id__in=[str(t.pk) for t in treatments]).values_list("pk", "source_id"):
        by_source.setdefault(source_id, []).append(pk)
    for treatment in treatments:
        treatment.action_ids = sorted(by_source.get(str(treatment.pk), []))
    return treatments


# --- risks ------------------------------------------------------------------------------------


@router.get("", response=RiskPage, summary="The risk register (50 a page)")
def list_risks(request, filters: Query[RiskFilterIn]):
    matrix = selectors.matrix_for(request.tenant)
    flt = selectors.RiskFilters(**filters.dict(exclude={"page"}))
    result = _page(Paginator(selectors.risk_list(tenant=request.tenant, filters=flt, matrix=matrix), 50), filters.page)
    selectors.with_levels(result["results"], matrix)
    return result


class RiskImportOut(Schema):
    created: int
    updated: int
    unchanged: int


@router.get("/export", summary="The register (the list's filters) as an XLSX workbook, the import's format",
            openapi_extra={"responses": {200: {"description": "The workbook", "content": {XLSX_TYPE: {}}}}})
def export_risks(request, filters: Query[RiskFilterIn]):
    tenant = request.tenant
    content = importexport.export_xlsx(tenant=tenant, filters=selectors.RiskFilters(**filters.dict(exclude={"page"})))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{importexport.export_filename(tenant)}"'
    return response


@router.post("/import", response={200: RiskImportOut, 422: ImportErrorsOut},
             summary="Create or update risks from an XLSX or CSV file: all rows or none")
def import_risks(request, file: File[UploadedFile]):
    try:
        result = importexport.risks_import(tenant=request.tenant, file=file)
    except importexport.ImportFileError as exc:
        return Status(422, {"detail": str(exc), "errors": []})
    if result.errors:
        return import_refused(result.errors)
    return Status(200, {"created": result.created, "updated": result.updated, "unchanged": result.unchanged})


@router.get("/heatmap", response=HeatmapOut, summary="Number of risks per cell of the matrix")
def heatmap(request, kind: str = Query("residual", pattern="^(inherent|residual)$")):
    matrix = selectors.matrix_for(request.tenant)
    counts = selectors.heatmap_counts(tenant=request.tenant, kind=kind)
    cells = [{"likelihood": l, "consequence": c, "count": counts.get((l, c), 0), "level": matrix.level(l, c)}
             for l in range(1, matrix.likelihood_size + 1) for c in range(1, matrix.consequence_size + 1)]
    return {"kind": kind, "likelihood_labels": matrix.likelihood_scale(), "consequence_labels": matrix.consequence_scale(),
            "total": sum(cell["count"] for cell in cells), "cells": cells}


@router.get("/matrix", response=MatrixOut, summary="The organisation's risk matrix")
def get_matrix(request):
    return _matrix_out(selectors.matrix_for(request.tenant))


def _matrix_out(matrix: RiskMatrix) -> dict:
    return {
        "likelihood_size": matrix.likelihood_size, "consequence_size": matrix.consequence_size,
        "likelihood_labels": matrix.likelihood_scale(), "consequence_labels": matrix.consequence_scale(),
        "custom_likelihood_labels": matrix.likelihood_labels, "custom_consequence_labels": matrix.consequence_labels,
        "medium_from": matrix.medium_from, "high_from": matrix.high_from, "very_high_from": matrix.very_high_from,
        "acceptance_level": matrix.acceptance_level, "version": matrix.version,
    }


@router.put("/matrix", response={200: MatrixOut, 409: MappingNeededOut},
            summary="Change the matrix (a new scale size while risks exist needs a level mapping)")
def update_matrix(request, payload: MatrixIn):
    request.tenant.new(RiskMatrix)  # 403 for a role that may not configure
    data = payload.dict(exclude={"version", "likelihood_mapping", "consequence_mapping"})
    data["acceptance_level"] = str(payload.acceptance_level)
    try:
        matrix = services.matrix_update(tenant=request.tenant, data=data, version=payload.version,
                                        likelihood_mapping=payload.likelihood_mapping,
                                        consequence_mapping=payload.consequence_mapping)
    except services.MappingRequired as exc:
        return Status(409, {"detail": str(exc), "risks": exc.risks, "suggested_likelihood_mapping": exc.likelihood,
                            "suggested_consequence_mapping": exc.consequence})
    except services.VersionConflict as exc:
        _conflict(exc)
    return Status(200, _matrix_out(matrix))


@router.get("/threats", response=list[ThreatOut], summary="The threat catalogue with your own threats")
def list_threats(request):
    return list(selectors.threat_list(tenant=request.tenant))


def _own_threat(request, threat_id: int) -> Threat:
    """The organisation's own threat to change: 403 for a role that may not, 404 outside the
    tenant's scope, 403 with its reason for an entry of the shared catalogue."""
    return request.tenant.get_own(Threat, threat_id, catalogue_refusal=_(
        "Threats of the shared catalogue cannot be changed; add one of your own instead."))


def _save_threat(request, threat: Threat | None, payload: ThreatIn) -> Threat:
    try:
        return services.threat_save(tenant=request.tenant, threat=threat,
                                    data={**payload.dict(), "category": str(payload.category)})
    except IntegrityError:
        # Two requests with the same code at once; the service's check answers the rest (422).
        raise HttpError(409, _("You already have a threat with this code."))


@router.get("/threats/{int:threat_id}", response=ThreatOut, summary="One threat of the catalogue or your own")
def get_threat(request, threat_id: int):
    return request.tenant.get(Threat, threat_id)


@router.post("/threats", response={201: ThreatOut}, summary="Add a threat of your own")
def create_threat(request, payload: ThreatIn):
    request.tenant.new(Threat)  # 403 before anything else when the role may not add threats
    return Status(201, _save_threat(request, None, payload))


@router.put("/threats/{int:threat_id}", response=ThreatOut,
            summary="Change a threat of your own (the shared catalogue is read-only: 403)")
def update_threat(request, threat_id: int, payload: ThreatIn):
    return _save_threat(request, _own_threat(request, threat_id), payload)


@router.get("/sessions", response=SessionPage, summary="Risk-analysis sessions (50 a page)")
def list_sessions(request, page: int = Query(1, ge=1)):
    qs = request.tenant.scope(RiskSession).prefetch_related("participants").order_by("-date", "-pk")
    return _page(Paginator(qs, 50), page)


@router.post("/sessions", response={201: SessionOut}, summary="Record a risk-analysis session")
def create_session(request, payload: SessionIn):
    request.tenant.new(RiskSession)
    session = services.session_save(tenant=request.tenant, session=None, data=_session_data(request, payload))
    return Status(201, selectors.session_detail(tenant=request.tenant, pk=session.pk))


@router.get("/sessions/{int:session_id}", response=SessionOut, summary="One session")
def get_session(request, session_id: int):
    return selectors.session_detail(tenant=request.tenant, pk=session_id)


@router.put("/sessions/{int:session_id}", response=SessionOut, summary="Change a session")
def update_session(request, session_id: int, payload: SessionIn):
    session = request.tenant.get(RiskSession, session_id, write=True)
    services.session_save(tenant=request.tenant, session=session, data=_session_data(request, payload))
    return selectors.session_detail(tenant=request.tenant, pk=session_id)


def _session_data(request, payload: SessionIn) -> dict:
    data = payload.dict(exclude={"participants"})
    users = list(request.tenant.users().filter(email__in=payload.participants))
    if len(users) != len(set(payload.participants)):
        raise ValidationError({"participants": _("Choose members of your organisation.")})
    data["participants"] = users
    return data


@router.put("/treatments/{int:treatment_id}", response=TreatmentOut, summary="Change a treatment (its action follows)")
def update_treatment(request, treatment_id: int, payload: TreatmentIn):
    treatment = request.tenant.get(Treatment, treatment_id, write=True)
    errors: dict = {}
    data = payload.dict()
    data["owner"] = _member(request, payload.owner, "owner", errors)
    if errors:
        raise ValidationError(errors)
    treatment = services.treatment_update(tenant=request.tenant, treatment=treatment, data=data)
    return _with_actions([treatment])[0]


@router.post("", response={201: RiskDetailOut}, summary="Add a risk")
def create_risk(request, payload: RiskIn):
    request.tenant.new(Risk)  # 403 before any lookup when the role may not add risks
    risk = services.risk_create(tenant=request.tenant, data=_resolve(request, payload))
    return Status(201, _detail(request, risk.pk))


@router.get("/{int:risk_id}", response=RiskDetailOut, summary="One risk")
def get_risk(request, risk_id: int):
    return _detail(request, risk_id)


@router.put("/{int:risk_id}", response=RiskDetailOut, summary="Replace a risk's fields")
def update_risk(request, risk_id: int, payload: RiskUpdateIn):
    risk = request.tenant.get(Risk, risk_id, write=True)
    try:
        services.risk_update(tenant=request.tenant, risk=risk, data=_resolve(request, payload), version=payload.version)
    except services.VersionConflict as exc:
        _conflict(exc)
    return _detail(request, risk_id)


@router.delete("/{int:risk_id}", response={204: None}, summary="Delete a risk with its treatments")
def delete_risk(request, risk_id: int):
    services.risk_delete(tenant=request.tenant, risk=request.tenant.get(Risk, risk_id, write=True))
    return Status(204, None)


@router.post("/{int:risk_id}/accept", response=RiskDetailOut,
             summary="Accept the residual risk until a date (above the acceptance level: its owner or an administrator)")
def accept_risk(request, risk_id: int, payload: AcceptIn):
    risk = request.tenant.get(Risk, risk_id, write=True)
    try:
        services.risk_accept(tenant=request.tenant, risk=risk, justification=payload.justification,
                             version=payload.version, accepted_until=payload.accepted_until, confirm=payload.confirm)
    except services.VersionConflict as exc:
        _conflict(exc)
    except services.TreatmentsNotStarted as exc:
        raise HttpError(409, str(exc)) from None
    return _detail(request, risk_id)


@router.get("/{int:risk_id}/treatments", response=list[TreatmentOut], summary="A risk's treatments with their actions")
def list_treatments(request, risk_id: int):
    risk = request.tenant.get(Risk, risk_id)
    return _with_actions(list(risk.treatments.select_related("owner").order_by("due_date", "pk")))


@router.post("/{int:risk_id}/treatments", response={201: TreatmentOut}, summary="Add a treatment (it becomes an action)")
def create_treatment(request, risk_id: int, payload: TreatmentIn):
    risk = request.tenant.get(Risk, risk_id, write=True)
    errors: dict = {}
    data = payload.dict()
    data["owner"] = _member(request, payload.owner, "owner", errors)
    if errors:
        raise ValidationError(errors)
    treatment = services.treatment_add(tenant=request.tenant, risk=risk, data=data)
    return Status(201, _with_actions([treatment])[0])
