"""Security requirements through the API: the same selectors, services and tenancy as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja import Status as Reply
from ninja.errors import HttpError

from actions.api import ActionOut
from actions.models import Action
from core.api import InputSchema, RecordId
from requirements import exports, selectors, services
from requirements.views import evidence_file_response
from requirements.models import (
    ATTRIBUTE_SETS,
    ApplicabilityStatement,
    Area,
    Control,
    Implementation,
    Nis2Point,
    Requirement,
    RequirementStatus,
    Status,
    parse_attribute,
)

router = Router(tags=["security requirements"])

ATTRIBUTE_PATTERN = "^(" + "|".join(
    f"{name}:({'|'.join(choices.values)})" for name, (_label, choices) in ATTRIBUTE_SETS.items()) + ")?$"


class ControlOut(Schema):
    id: int
    number: str
    theme: str
    name_en: str
    name_sv: str
    control_types: list[str]
    properties: list[str]
    concepts: list[str]
    capabilities: list[str]
    domains: list[str]

    # The model stores each attribute set as a tag string; the API gives lists.
    @staticmethod
    def resolve_control_types(obj: Control) -> list[str]:
        return obj.attribute_values("control_types")

    @staticmethod
    def resolve_properties(obj: Control) -> list[str]:
        return obj.attribute_values("properties")

    @staticmethod
    def resolve_concepts(obj: Control) -> list[str]:
        return obj.attribute_values("concepts")

    @staticmethod
    def resolve_capabilities(obj: Control) -> list[str]:
        return obj.attribute_values("capabilities")

    @staticmethod
    def resolve_domains(obj: Control) -> list[str]:
        return obj.attribute_values("domains")


class RequirementOut(Schema):
    id: int
    code: str
    own: bool
    area: str
    title: str
    title_en: str
    title_shall: str
    title_shall_en: str
    text_is: str
    text_shall: str
    levels: dict[str, int]
    controls: list[str]
    nis2: list[str]
    catalogue_version: str

    @staticmethod
    def resolve_own(obj: Requirement) -> bool:
        return not obj.is_catalogue

    @staticmethod
    def resolve_controls(obj: Requirement) -> list[str]:
        return [c.number for c in obj.controls.all()]


class RequirementPage(Schema):
    count: int
    page: int
    pages: int
    results: list[RequirementOut]


class CatalogueQuery(InputSchema):
    q: str = ""
    area: str = Field("", pattern="^(" + "|".join(Area.values) + ")?$")
    control: str = Field("", pattern=r"^([5-8]\.\d{1,2})?$")
    nis2: str = Field("", pattern="^[a-j]?$")
    attribute: str = Field("", pattern=ATTRIBUTE_PATTERN, description="<attribute set>:<value>, e.g. capabilities:continuity")
    origin: str = Field("", pattern="^(catalogue|own)?$")
    page: int = Field(1, ge=1)


@router.get("/catalogue", response=RequirementPage, summary="The requirement catalogue with the organisation's own (50 a page)")
def list_catalogue(request, filters: Query[CatalogueQuery]):
    data = filters.dict()
    page_number = data.pop("page")
    qs = selectors.catalogue_list(tenant=request.tenant, filters=selectors.CatalogueFilters(**data))
    paginator = Paginator(qs, 50)
    page = paginator.get_page(page_number)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


class RequirementIn(InputSchema):
    """One of the organisation's own requirements (the page's form: every field but the English title required)."""

    code: str = Field(..., min_length=1, max_length=20, description="Your own code, e.g. EGEN-01")
    area: Area
    title: str = Field(..., min_length=1, max_length=200, description="Swedish title")
    title_en: str = Field("", max_length=200)
    title_shall: str = Field("", max_length=200, description="Swedish title as shall (SKA); empty: the title")
    title_shall_en: str = Field("", max_length=200, description="English title as shall")
    text_is: str = Field(..., min_length=1, description="The requirement as present state (ÄR)")
    text_shall: str = Field(..., min_length=1, description="The requirement as shall (SKA)")
    levels: dict[str, int] = Field(..., description="Aspect (K, R, T, S) → the lowest level (0–3) at which it "
                                                    "applies, at least one aspect")
    controls: list[str] = Field(..., min_length=1, description="Annex A control numbers, e.g. 5.15")
    nis2: list[Nis2Point] = Field(..., min_length=1, description="Points of NIS2 article 21(2)")


def _requirement_data(payload: RequirementIn) -> dict:
    """The form's cleaned data: control numbers become the controls (unknown ones are 422)."""
    data = payload.dict(exclude={"controls", "nis2"})
    data["area"] = str(payload.area)
    data["nis2"] = [str(point) for point in payload.nis2]
    numbers = [number.strip() for number in payload.controls]
    data["controls"] = list(Control.objects.filter(number__in=numbers))
    unknown = sorted(set(numbers) - {c.number for c in data["controls"]})
    if unknown:
        raise ValidationError({"controls": _("No Annex A control has the number %(numbers)s.") % {
            "numbers": ", ".join(unknown)}})
    return data


def _own_requirement(request, requirement_id: int) -> Requirement:
    """The organisation's own requirement to change: 403 for a role that may not, 404 outside the
    tenant's scope, 403 with its reason for an entry of the shared catalogue."""
    return request.tenant.get_own(Requirement, requirement_id, catalogue_refusal=_(
        "Requirements of the shared catalogue cannot be changed; add one of your own instead."))


def _requirement_out(request, pk) -> Requirement:
    return request.tenant.get(Requirement, pk, queryset=Requirement.objects.prefetch_related("controls"))


def _save_requirement(save) -> Requirement:
    try:
        return save()
    except IntegrityError:
        # Two requests with the same code at once; the service's check answers the rest (422).
        raise HttpError(409, _("A requirement with this code already exists."))


@router.get("/catalogue/{int:requirement_id}", response=RequirementOut, summary="One requirement of the catalogue or your own")
def get_requirement(request, requirement_id: RecordId):
    return _requirement_out(request, requirement_id)


@router.post("/catalogue", response={201: RequirementOut}, summary="Add a requirement of your own")
def create_requirement(request, payload: RequirementIn):
    tenant = request.tenant
    tenant.new(Requirement)  # 403 before anything is read when the role may not add requirements
    requirement = _save_requirement(lambda: services.requirement_create(tenant=tenant, data=_requirement_data(payload)))
    return Reply(201, _requirement_out(request, requirement.pk))


@router.put("/catalogue/{int:requirement_id}", response=RequirementOut,
            summary="Change a requirement of your own (the shared catalogue is read-only: 403)")
def update_requirement(request, requirement_id: RecordId, payload: RequirementIn):
    tenant = request.tenant
    requirement = _own_requirement(request, requirement_id)
    _save_requirement(lambda: services.requirement_update(tenant=tenant, requirement=requirement,
                                                          data=_requirement_data(payload)))
    return _requirement_out(request, requirement_id)


class ControlQuery(InputSchema):
    theme: str = Field("", pattern="^(organisational|people|physical|technological)?$")
    control_type: str = Field("", pattern="^(preventive|detective|corrective)?$")
    property: str = Field("", pattern="^(confidentiality|integrity|availability)?$")
    concept: str = Field("", pattern="^(identify|protect|detect|respond|recover)?$")
    capability: str = ""
    domain: str = ""


@router.get("/controls", response=list[ControlOut], summary="The 93 Annex A controls with their ISO/IEC 27002 attributes")
def list_controls(request, filters: Query[ControlQuery]):
    wanted = {"control_types": filters.control_type, "properties": filters.property, "concepts": filters.concept,
              "capabilities": filters.capability, "domains": filters.domain}
    attributes = tuple(f"{name}:{value}" for name, value in wanted.items() if value)
    unknown = [a for a in attributes if not parse_attribute(a)]
    if unknown:
        raise ValidationError(_("Unknown attribute values: %(values)s") % {"values": ", ".join(unknown)})
    return list(selectors.control_list(filters=selectors.ControlFilters(theme=filters.theme, attributes=attributes)))


class StatusOut(Schema):
    id: int
    status: str
    reason: str
    override_reason: str
    evidence: str
    link: str
    evidence_file: str | None
    assessed_by: str | None = Field(None, alias="assessed_by.email")
    assessed_at: datetime | None
    version: int

    @staticmethod
    def resolve_evidence_file(obj: RequirementStatus) -> str | None:
        return obj.file_name or None


class DerivedOut(Schema):
    status: str
    reason: str
    source: str


class SystemRequirementOut(Schema):
    requirement: RequirementOut
    applies_through: list[str]
    effective_status: str = Field(description="The status that counts: derived from data unless overridden, "
                                              "else the assessment's, else unassessed")
    derived: DerivedOut | None = Field(None, description="For a requirement Tillit answers from its own data: "
                                                         "the derived status and why")
    overridden: bool = False
    status: StatusOut | None
    open_actions: list[ActionOut] = Field(description="Open actions of the assessment in the action plan; they "
                                                      "stay until closed, also when the status has become met")


class SystemRequirementsOut(Schema):
    system_id: int
    scheme: str
    need: dict[str, int | None]
    classified: bool
    protection_analysis: list[str] = Field(description="Aspects at level 4: no requirements derived, a protection analysis is needed")
    summary: dict[str, int]
    requirements: list[SystemRequirementOut]


@router.get("/systems/{int:system_id}", response=SystemRequirementsOut,
            summary="A system's requirements derived from its protection need, with their statuses")
def system_requirements(request, system_id: RecordId):
    system = selectors.own_system(tenant=request.tenant, pk=system_id)
    report = selectors.system_requirements(tenant=request.tenant, system=system)
    return {
        "system_id": system.pk, "scheme": report.scheme, "need": report.need,
        "classified": report.derivation.classified, "protection_analysis": list(report.derivation.analysis_aspects),
        "summary": report.summary,
        "requirements": [{"requirement": row.requirement, "applies_through": list(row.triggers), "status": row.status,
                          "effective_status": row.status_key, "derived": row.derived, "overridden": row.overridden,
                          "open_actions": list(row.actions)} for row in report.rows],
    }


class StatusIn(InputSchema):
    status: Status
    reason: str = Field("", description="Why the requirement does not apply: required for not_applicable, "
                                        "refused (422) for every other status")
    override_reason: str = Field("", description="For a requirement Tillit derives from its data: required (422) "
                                                 "when the status differs from the derived one")
    evidence: str = ""
    link: str = Field("", max_length=500)
    version: int | None = Field(None, description="The version you read; a different current version answers 409")


@router.put("/systems/{int:system_id}/requirements/{int:requirement_id}", response={200: StatusOut, 409: dict},
            summary="Assess one requirement for a system")
def set_status(request, system_id: RecordId, requirement_id: RecordId, payload: StatusIn):
    tenant = request.tenant
    tenant.new(RequirementStatus)  # permission check before anything is read
    system = selectors.own_system(tenant=tenant, pk=system_id)
    requirement = tenant.get(Requirement, requirement_id)
    if payload.reason.strip() and payload.status != Status.NOT_APPLICABLE:
        # The page's form may keep a reason typed before the status changed; an API client
        # that sends one means it, so it is told rather than have it silently dropped.
        raise ValidationError({"reason": _("A reason is only recorded for the status “not applicable”; "
                                           "leave it empty for this status.")})
    try:
        return services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                               data=payload.dict(), version=payload.version)
    except services.VersionConflict as exc:
        return Reply(409, {"detail": str(exc), "version": exc.current.version})


STATUS_PATH = "/systems/{int:system_id}/requirements/{int:requirement_id}"


def _assessment(request, system_id: int, requirement_id: int):
    """(system, requirement) of the tenant's own system, or 404."""
    system = selectors.own_system(tenant=request.tenant, pk=system_id)
    return system, request.tenant.get(Requirement, requirement_id)


class StatusActionIn(InputSchema):
    owner: str = Field(..., max_length=254, description="E-mail of a member of the organisation")
    due_date: date
    title: str = Field("", max_length=300, description="Empty: “<system>: meet <code> <title>”")
    description: str = Field("", max_length=10_000, description="Empty: the requirement's ÄR text (the state to reach)")


class Detail(Schema):
    detail: str


@router.post(STATUS_PATH + "/actions", response={201: ActionOut, 409: Detail},
             summary="Put a requirement that is not met or partly met into the action plan")
def create_status_action(request, system_id: RecordId, requirement_id: RecordId, payload: StatusActionIn):
    """The action's source is the assessment. 409 when the requirement is not assessed, is met or not
    applicable, or already has an open action; 422 when the owner is not a member."""
    tenant = request.tenant
    tenant.new(RequirementStatus)  # permission checks before anything is read
    tenant.new(Action)
    system, requirement = _assessment(request, system_id, requirement_id)
    owner = tenant.users().filter(email__iexact=payload.owner.strip()).first()
    if owner is None:
        raise ValidationError({"owner": _("Choose a member of your organisation.")})
    try:
        action = services.requirement_action_create(
            tenant=tenant, system=system, requirement=requirement, owner=owner, due_date=payload.due_date,
            title=payload.title, description=payload.description)
    except services.AssessmentConflict as exc:
        return Reply(409, {"detail": str(exc)})
    return Reply(201, action)


@router.post(STATUS_PATH + "/evidence", response={200: StatusOut, 409: dict},
             summary="Upload the evidence file of an assessment (replaces the current file)")
def upload_evidence(request, system_id: RecordId, requirement_id: RecordId, file: File[UploadedFile],
                    version: Form[int | None] = None):
    """Multipart field `file`: PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or text, at most 10 MB
    (422 otherwise). `version`, when given, must be the assessment's current version (else 409)."""
    try:
        return _set_evidence(request, system_id, requirement_id, file, version)
    except ValidationError as exc:
        # Errors of the file are named after the request's field, not the model's.
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        if "evidence_file" in errors:
            errors["file"] = errors.pop("evidence_file")
        raise ValidationError(errors)


@router.delete(STATUS_PATH + "/evidence", response={200: StatusOut, 409: dict},
               summary="Remove the evidence file of an assessment (the stored file stays, named by the trail)")
def remove_evidence(request, system_id: RecordId, requirement_id: RecordId, version: int | None = None):
    return _set_evidence(request, system_id, requirement_id, None, version)


def _set_evidence(request, system_id: int, requirement_id: int, file, version: int | None):
    """Replace (or with file=None remove) an assessment's evidence file; 409 on a stale version or
    an unassessed requirement."""
    tenant = request.tenant
    tenant.new(RequirementStatus)  # permission check before anything is read
    system, requirement = _assessment(request, system_id, requirement_id)
    try:
        return services.requirement_evidence_upload(tenant=tenant, system=system, requirement=requirement,
                                                    evidence_file=file, version=version)
    except services.VersionConflict as exc:
        return Reply(409, {"detail": str(exc), "version": exc.current.version})
    except services.AssessmentConflict as exc:
        return Reply(409, {"detail": str(exc)})


EVIDENCE_DOWNLOAD = {"responses": {200: {"description": "The evidence file, as an attachment", "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}}


@router.get(STATUS_PATH + "/evidence", summary="Download the evidence file of an assessment",
            openapi_extra=EVIDENCE_DOWNLOAD)
def download_evidence(request, system_id: RecordId, requirement_id: RecordId):
    system, requirement = _assessment(request, system_id, requirement_id)
    return evidence_file_response(
        request.tenant.scope(RequirementStatus).filter(system=system, requirement=requirement).first())


@router.get("/systems/{int:system_id}/export", summary="The requirement list as XLSX or DOCX (SKA form by default)")
def export_system(request, system_id: RecordId, format: str = Query("xlsx", pattern="^(xlsx|docx)$"),
                  form: str = Query("shall", pattern="^(is|shall)$"), lang: str = Query("sv", pattern="^(sv|en)$")):
    system = selectors.own_system(tenant=request.tenant, pk=system_id)
    report = selectors.system_requirements(tenant=request.tenant, system=system)
    build, content_type = (exports.system_docx, exports.DOCX_TYPE) if format == "docx" else (exports.system_xlsx, exports.XLSX_TYPE)
    today = selectors.today()
    response = HttpResponse(build(report, form=form, language=lang, today=today), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, exports.filename(report, form, format, today, lang))
    return response


class SoaOut(Schema):
    control: ControlOut
    applicable: bool | None
    reason: str
    reason_pending: bool
    implementation: str | None = Field(description="The status that counts: derived from the systems' requirement "
                                                   "statuses unless overridden")
    implementation_derived: str | None = Field(None, description="What the systems' statuses give (null: nothing "
                                                                 "linked applies to a system)")
    implementation_basis: str = ""
    implementation_override_reason: str = ""
    note: str
    requirements: list[str]
    proposed_applicable: bool


@router.get("/soa", response=list[SoaOut], summary="The statement of applicability: one row per Annex A control")
def list_soa(request):
    result = []
    for row in selectors.soa_rows(tenant=request.tenant):
        statement = row.statement
        result.append({
            "control": row.control, "applicable": statement.applicable if statement else None,
            "reason": statement.reason if statement else "", "reason_pending": bool(statement and statement.reason_pending),
            "implementation": row.implementation, "note": statement.note if statement else "",
            "implementation_derived": row.derived.implementation if row.derived else None,
            "implementation_basis": row.derived.reason if row.derived else "",
            "implementation_override_reason": statement.implementation_override_reason if statement else "",
            "requirements": [r.code for r in row.requirements], "proposed_applicable": row.suggested_applicable,
        })
    return result


class SoaIn(InputSchema):
    applicable: bool
    reason: str = ""
    implementation: Implementation | None = Field(None, description="Leave out to follow the systems' requirement "
                                                                    "statuses")
    implementation_override_reason: str = Field("", description="Required (422) when the implementation differs "
                                                                "from what the systems' statuses give")
    note: str = ""


class SoaRowOut(Schema):
    control: str = Field(alias="control.number")
    applicable: bool
    reason: str
    implementation: str
    note: str


@router.put("/soa/{int:control_id}", response=SoaRowOut, summary="Decide one control of the statement of applicability")
def set_soa(request, control_id: RecordId, payload: SoaIn):
    request.tenant.new(ApplicabilityStatement)  # permission check
    row = selectors.soa_row(tenant=request.tenant, control_pk=control_id)
    return services.applicability_set(tenant=request.tenant, control=row.control, data=payload.dict())


class GenerateOut(Schema):
    created: int


@router.post("/soa/generate", response=GenerateOut, summary="Create the missing rows of the statement of applicability")
def generate_soa(request):
    return {"created": services.applicability_generate(tenant=request.tenant)}


@router.get("/soa/export", summary="The statement of applicability as XLSX")
def export_soa(request, lang: str = Query("sv", pattern="^(sv|en)$")):
    tenant = request.tenant
    today = selectors.today()
    content = exports.soa_xlsx(selectors.soa_rows(tenant=tenant), organisation_name=tenant.organisation.name,
                               language=lang, today=today)
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, exports.soa_filename(tenant.organisation.name, today, lang))
    return response

