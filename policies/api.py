"""Governing documents through the API: the same selectors, services and tenancy as the pages."""

import datetime
import math

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from accounts.models import User
from core.api import InputSchema, RecordId
from organisations.models import Organisation
from policies import rules, selectors, services
from policies.models import DocumentStatus, GoverningDocument, Kind, Outcome
from policies.views import PAGE_SIZE, file_response

router = Router(tags=["policies"])


class DocumentOut(Schema):
    id: int
    organisation: str = Field(..., alias="organisation.slug")
    organisation_name: str = Field(..., alias="organisation.name")
    kind: str
    title: str
    scope: str
    owner: str | None = Field(None, alias="owner.email")
    adopted_by: str
    adopted_on: datetime.date | None
    version: str
    review_interval_months: int
    last_reviewed_on: datetime.date | None
    next_review: datetime.date | None
    status: str
    review_overdue: bool
    overdue_months: int | None
    link: str
    file_name: str
    replaces_id: int | None
    updated_at: datetime.datetime

    @staticmethod
    def resolve_review_overdue(obj: GoverningDocument) -> bool:
        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_overdue_months(obj: GoverningDocument) -> int | None:
        today = timezone.localdate()
        return rules.months_between(obj.next_review, today) if obj.is_overdue(today) else None


class ReviewOut(Schema):
    id: int
    reviewed_on: datetime.date
    reviewed_by: str | None = Field(None, alias="reviewed_by.email")
    outcome: str
    comment: str
    next_review: datetime.date | None


class DocumentDetailOut(DocumentOut):
    shared_with: list[str]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_shared_with(obj: GoverningDocument) -> list[str]:
        return [o.slug for o in obj.shared_with.all()]

    @staticmethod
    def resolve_reviews(obj: GoverningDocument) -> list:
        return list(obj.reviews.all())


class DocumentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[DocumentOut]


class DocumentFilterIn(InputSchema):
    q: str = Field("", max_length=200)
    kind: Kind | None = None
    status: DocumentStatus | None = None
    overdue: bool = False
    origin: str = Field("", pattern="^(|own|shared)$", description="own, or shared (by another organisation)")
    page: int = Field(1, ge=1, le=2**31)


class DocumentIn(InputSchema):
    kind: Kind
    title: str = Field(..., min_length=1, max_length=300)
    scope: str = ""
    owner: str | None = Field(None, description="E-mail of a member of the organisation")
    adopted_by: str = Field("", max_length=200)
    adopted_on: datetime.date | None = None
    version: str = Field("", max_length=40)
    review_interval_months: int | None = Field(None, ge=1, le=120, description="Default: 24 for policies, else 12")
    next_review: datetime.date | None = Field(None, description="Default: last review or adoption + interval")
    status: DocumentStatus = DocumentStatus.IN_FORCE
    link: str = Field("", max_length=500)
    replaces_id: RecordId | None = None
    shared_with: list[str] = Field([], description="Slugs of organisations you serve or your suppliers")


class DocumentChangeIn(InputSchema):
    kind: Kind | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    scope: str | None = None
    owner: str | None = None
    adopted_by: str | None = Field(None, max_length=200)
    adopted_on: datetime.date | None = None
    version: str | None = Field(None, max_length=40)
    review_interval_months: int | None = Field(None, ge=1, le=120)
    next_review: datetime.date | None = None
    status: DocumentStatus | None = None
    link: str | None = Field(None, max_length=500)
    replaces_id: RecordId | None = None
    shared_with: list[str] | None = None


class ReviewIn(InputSchema):
    outcome: Outcome
    comment: str = ""
    reviewed_on: datetime.date | None = None
    next_review: datetime.date | None = None


def _data(request, payload: InputSchema, *, partial: bool) -> dict:
    """The service's data from a body: e-mails and slugs become records (unknown ones: 422)."""
    tenant = request.tenant
    given = payload.model_dump(exclude_unset=partial)
    data = {k: v for k, v in given.items() if k not in ("owner", "replaces_id", "shared_with")}
    errors = {}
    if "owner" in given:
        data["owner"] = None
        if given["owner"]:
            data["owner"] = tenant.users().filter(email__iexact=given["owner"]).first()
            if data["owner"] is None:
                errors["owner"] = [services.OWNER_NOT_MEMBER]
    if "replaces_id" in given:
        data["replaces"] = None
        if given["replaces_id"]:
            data["replaces"] = tenant.editable(GoverningDocument).filter(pk=given["replaces_id"]).first()
            if data["replaces"] is None:
                errors["replaces_id"] = [services.REPLACES_NOT_OWN]
    if given.get("shared_with") is not None:
        slugs = set(given["shared_with"])
        orgs = list(services.share_targets(tenant=tenant).filter(slug__in=slugs))
        if len(orgs) != len(slugs):
            errors["shared_with"] = [services.SHARE_REFUSED]
        data["shared_with"] = orgs
    if errors:
        raise ValidationError(errors)
    return data


def _detail(request, pk: int) -> GoverningDocument:
    return selectors.document_detail(tenant=request.tenant, pk=pk)


@router.get("/documents", response=DocumentPage, summary="Governing documents: own and shared with you")
def list_documents(request, filters: Query[DocumentFilterIn]):
    tenant = request.tenant
    values = {k: v for k, v in filters.model_dump().items() if k != "page" and v not in (None, "", False)}
    qs = selectors.document_list(tenant=tenant, filters=selectors.DocumentFilters(**values),
                                 today=timezone.localdate())
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(filters.page) if filters.page <= max(paginator.num_pages, 1) else None
    return {"count": paginator.count, "page": filters.page, "pages": math.ceil(paginator.count / PAGE_SIZE),
            "results": list(page) if page is not None else []}


@router.get("/documents/{int:document_id}", response=DocumentDetailOut, summary="One governing document with its reviews")
def get_document(request, document_id: RecordId):
    return _detail(request, document_id)


@router.post("/documents", response={201: DocumentDetailOut}, summary="Register a governing document")
def create_document(request, payload: DocumentIn):
    request.tenant.new(GoverningDocument)  # permission check before anything is read
    doc = services.document_save(tenant=request.tenant, document=None, data=_data(request, payload, partial=False))
    return Status(201, _detail(request, doc.pk))


@router.patch("/documents/{int:document_id}", response=DocumentDetailOut, summary="Change a governing document")
def change_document(request, document_id: RecordId, payload: DocumentChangeIn):
    doc = selectors.document_to_change(tenant=request.tenant, pk=document_id)
    services.document_save(tenant=request.tenant, document=doc, data=_data(request, payload, partial=True))
    return _detail(request, document_id)


@router.post("/documents/{int:document_id}/review", response={201: DocumentDetailOut},
             summary="Mark a governing document as reviewed (moves its next review)")
def review_document(request, document_id: RecordId, payload: ReviewIn):
    doc = selectors.document_to_change(tenant=request.tenant, pk=document_id)
    services.document_review(tenant=request.tenant, document=doc, outcome=payload.outcome, comment=payload.comment,
                             reviewed_on=payload.reviewed_on, next_review=payload.next_review)
    return Status(201, _detail(request, document_id))


@router.post("/documents/{int:document_id}/file", response=DocumentDetailOut,
             summary="Upload the document's file (PDF, Word, Excel, PNG, JPEG or text, at most 10 MB)")
def upload_file(request, document_id: RecordId, file: File[UploadedFile]):
    doc = selectors.document_to_change(tenant=request.tenant, pk=document_id)
    services.document_save(tenant=request.tenant, document=doc, data={}, file=file)
    return _detail(request, document_id)


FILE_DOWNLOAD = {"responses": {200: {"description": "The document file, as an attachment", "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}}


@router.get("/documents/{int:document_id}/file", summary="Download the document's file", openapi_extra=FILE_DOWNLOAD)
def download_file(request, document_id: RecordId):
    return file_response(request.tenant.get(GoverningDocument, document_id))
