"""Systems through the API: the same selectors, services and tenancy as the pages."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from core.api import InputSchema, RecordId
from core.countries import parse_country_codes
from inventory import selectors, services
from inventory.models import Criticality, Hosting, InformationType, Lifecycle, System
from organisations.models import Organisation, Unit
from suppliers.models import Supplier

router = Router(tags=["systems"])


class SystemOut(Schema):
    id: int
    organisation: str = Field(alias="organisation.slug")
    name: str
    purpose: str
    unit_id: int | None
    owner: str | None = Field(None, alias="owner.email")
    administrator: str | None = Field(None, alias="administrator.email")
    supplier_id: int | None
    supplier_contact: str
    contract: str
    hosting: str
    hosting_provider: str
    storage_countries: list[str]
    processing_countries: list[str]
    provider_jurisdiction: str
    criticality: str
    lifecycle: str
    personal_data: bool
    archived_at: datetime | None
    version: int
    updated_at: datetime


class SystemDetailOut(SystemOut):
    information_type_ids: list[int]
    shared_with: list[str]

    # Resolvers, because the model has no such attributes (`shared_with` is the manager of
    # organisations); both read the prefetched relations of selectors.system_detail.
    @staticmethod
    def resolve_information_type_ids(obj: System) -> list[int]:
        return [i.pk for i in obj.information_types.all()]

    @staticmethod
    def resolve_shared_with(obj: System) -> list[str]:
        return [o.slug for o in obj.shared_with.all()]


class SystemPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SystemOut]


class SystemIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    purpose: str = ""
    unit_id: RecordId | None = None
    owner: str | None = Field(None, description="E-mail of a member of the organisation")
    administrator: str | None = None
    supplier_id: RecordId | None = None
    supplier_contact: str = ""
    contract: str = ""
    hosting: Hosting = Hosting.OWN_DATA_CENTRE
    hosting_provider: str = ""
    storage_countries: list[str] = []
    processing_countries: list[str] = []
    provider_jurisdiction: str = ""
    criticality: Criticality = Criticality.MEDIUM
    lifecycle: Lifecycle = Lifecycle.OPERATION
    personal_data: bool = False
    information_type_ids: list[RecordId] = []
    shared_with: list[str] = Field([], description="Slugs of supplier organisations serving you")

    @field_validator("storage_countries", "processing_countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        try:
            return parse_country_codes(",".join(value))
        except ValidationError as exc:
            raise ValueError(exc.messages[0])

    @field_validator("provider_jurisdiction")
    @classmethod
    def _jurisdiction(cls, value: str) -> str:
        try:
            codes = parse_country_codes(value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0])
        return codes[0] if codes else ""


class SystemUpdateIn(SystemIn):
    version: int = Field(..., description="The version you read; a newer one on the server gives 409")


class SystemQuery(InputSchema):
    q: str = ""
    lifecycle: str = ""
    hosting: str = ""
    criticality: str = ""
    personal_data: str = ""
    archived: bool = False
    sort: str = "name"
    page: int = Field(1, ge=1)


def _resolve(request, payload: SystemIn) -> dict:
    """Turn ids, e-mails and slugs into the tenant's own records; unknown ones are 422."""
    tenant = request.tenant
    data = payload.dict(exclude={"unit_id", "owner", "administrator", "supplier_id", "information_type_ids",
                                 "shared_with", "version"})
    errors = {}

    def one(qs, value, field):
        if value in (None, ""):
            return None
        obj = qs.filter(**({"email__iexact": value} if field in ("owner", "administrator") else {"pk": value})).first()
        if obj is None:
            errors[field] = _("No such record in your organisation.")
        return obj

    data["unit"] = one(Unit.objects.filter(organisation=tenant.organisation), payload.unit_id, "unit_id")
    data["owner"] = one(tenant.users(), payload.owner, "owner")
    data["administrator"] = one(tenant.users(), payload.administrator, "administrator")
    data["supplier"] = one(tenant.scope(Supplier), payload.supplier_id, "supplier_id")
    data["information_types"] = list(tenant.scope(InformationType).filter(pk__in=payload.information_type_ids))
    if len(data["information_types"]) != len(set(payload.information_type_ids)):
        errors["information_type_ids"] = _("No such record in your organisation.")
    data["shared_with"] = list(Organisation.objects.filter(slug__in=payload.shared_with))
    if len(data["shared_with"]) != len(set(payload.shared_with)):
        errors["shared_with"] = _("No such organisation.")
    if errors:
        raise ValidationError(errors)
    return data


def _detail(request, pk) -> System:
    return selectors.system_detail(tenant=request.tenant, pk=pk)


def _out(system: System) -> SystemDetailOut:
    return SystemDetailOut.from_orm(system)


@router.get("", response=SystemPage, summary="List systems (50 a page)")
def list_systems(request, filters: Query[SystemQuery]):
    flt = selectors.SystemFilters(**filters.dict(exclude={"page"}))
    paginator = Paginator(selectors.system_list(tenant=request.tenant, filters=flt), 50)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


@router.get("/{int:system_id}", response=SystemDetailOut, summary="One system")
def get_system(request, system_id: int):
    return _out(_detail(request, system_id))


@router.post("", response={201: SystemDetailOut}, summary="Create a system")
def create_system(request, payload: SystemIn):
    request.tenant.new(System)  # 403 before any lookup when the role may not create
    try:
        system = services.system_create(tenant=request.tenant, data=_resolve(request, payload))
    except IntegrityError:
        raise HttpError(409, _("A system with this name already exists."))
    return Status(201, _out(_detail(request, system.pk)))


@router.put("/{int:system_id}", response=SystemDetailOut, summary="Replace a system's fields")
def update_system(request, system_id: int, payload: SystemUpdateIn):
    system = request.tenant.get(System, system_id, write=True)
    try:
        services.system_update(tenant=request.tenant, system=system, data=_resolve(request, payload),
                               version=payload.version)
    except services.VersionConflict as exc:
        raise HttpError(409, str(exc) + " " + _("Current version: %(v)d.") % {"v": exc.current.version})
    except IntegrityError:
        raise HttpError(409, _("A system with this name already exists."))
    return _out(_detail(request, system_id))


@router.post("/{int:system_id}/archive", response=SystemDetailOut, summary="Archive or restore a system")
def archive_system(request, system_id: int):
    system = request.tenant.get(System, system_id, write=True)
    services.system_archive(tenant=request.tenant, system=system)
    return _out(_detail(request, system_id))


@router.delete("/{int:system_id}", response={204: None}, summary="Delete a system")
def delete_system(request, system_id: int):
    system = request.tenant.get(System, system_id, write=True)
    services.system_delete(tenant=request.tenant, system=system)
    return Status(204, None)
