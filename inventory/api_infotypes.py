"""Information types through the API: the same selector, service and tenancy as the pages.

There is no DELETE: the pages offer no deleting of an information type either (its
classification, risks and systems refer to it).
"""

from datetime import datetime

from django.core.paginator import Paginator
from django.db import IntegrityError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from core.api import InputSchema
from inventory import selectors, services
from inventory.models import InformationType

router = Router(tags=["information types"])


class InformationTypeOut(Schema):
    id: int
    name: str
    description: str
    personal_data: bool
    system_count: int = Field(description="Active systems handling it")
    updated_at: datetime


class InformationTypeDetailOut(InformationTypeOut):
    system_ids: list[int] = Field(description="The active systems handling it; link one through the system's "
                                              "information_type_ids")


class InformationTypePage(Schema):
    count: int
    page: int
    pages: int
    results: list[InformationTypeOut]


class InformationTypeIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    personal_data: bool = False

    @field_validator("name", "description")
    @classmethod
    def _strip(cls, value: str) -> str:
        # As the page's form does; a name of spaces only is then refused by the service.
        return value.strip()


class InformationTypeQuery(InputSchema):
    q: str = Field("", description="Part of the name or description")
    page: int = Field(1, ge=1)


def _detail(request, pk) -> InformationType:
    return selectors.infotype_detail(tenant=request.tenant, pk=pk)


def _save(request, infotype: InformationType | None, payload: InformationTypeIn) -> InformationType:
    try:
        return services.infotype_save(tenant=request.tenant, infotype=infotype, data=payload.dict())
    except IntegrityError:
        # Two requests creating the same name at once; the service's check catches the rest (422).
        raise HttpError(409, _("An information type with this name already exists."))


@router.get("", response=InformationTypePage, summary="List information types (50 a page)")
def list_information_types(request, filters: Query[InformationTypeQuery]):
    paginator = Paginator(selectors.infotype_list(tenant=request.tenant, q=filters.q), 50)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


@router.get("/{int:information_type_id}", response=InformationTypeDetailOut, summary="One information type")
def get_information_type(request, information_type_id: int):
    return _detail(request, information_type_id)


@router.post("", response={201: InformationTypeDetailOut}, summary="Create an information type")
def create_information_type(request, payload: InformationTypeIn):
    request.tenant.new(InformationType)  # 403 before anything else when the role may not create
    infotype = _save(request, None, payload)
    return Status(201, _detail(request, infotype.pk))


@router.put("/{int:information_type_id}", response=InformationTypeDetailOut,
            summary="Replace an information type's fields")
def update_information_type(request, information_type_id: int, payload: InformationTypeIn):
    infotype = request.tenant.get(InformationType, information_type_id, write=True)
    _save(request, infotype, payload)
    return _detail(request, information_type_id)
