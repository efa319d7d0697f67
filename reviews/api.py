"""Management reviews through the API: the same services, rules and permissions as the pages."""

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from core import documents as shared_documents
from core.api import InputSchema
from organisations.roles import SHARED_ONLY_ROLES
from reviews import documents, selectors, services
from reviews.models import ManagementReview, ReviewStatus

router = Router(tags=["reviews"])


def _tenant(request):
    """Like the pages: the reviews are the organisation's own, never a supplier-role user's."""
    tenant = request.tenant
    if tenant.role in SHARED_ONLY_ROLES:
        raise Http404
    return tenant


class ReviewRowOut(Schema):
    id: int
    title: str
    held_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    status: str
    chair: str | None = None
    decision_count: int = 0

    @staticmethod
    def resolve_chair(obj):
        return obj.chair.email if obj.chair_id else None


class ReviewPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ReviewRowOut]


class ReviewDecisionOut(Schema):
    id: int
    number: int
    text: str
    owner: str | None = None
    due_date: datetime.date | None
    action_id: int | None
    action_status: str | None = None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.email if obj.owner_id else None

    @staticmethod
    def resolve_action_status(obj):
        return obj.action.status if obj.action_id else None


class ManagementReviewOut(ReviewRowOut):
    participants: list[str]
    other_participants: str
    interested_parties_changes: str
    objectives: str
    interested_parties_feedback: str
    improvement_opportunities: str
    conclusions: str
    inputs: dict
    gathered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    closed_by: str | None = None
    decisions: list[ReviewDecisionOut]

    @staticmethod
    def resolve_participants(obj):
        return [u.email for u in obj.participants.all()]

    @staticmethod
    def resolve_closed_by(obj):
        return obj.closed_by.email if obj.closed_by_id else None

    @staticmethod
    def resolve_decisions(obj):
        return list(obj.decisions.all())

    @staticmethod
    def resolve_decision_count(obj):
        return len(obj.decisions.all())


class ReviewFilters(InputSchema):
    page: int = Field(1, ge=1)


@router.get("", response=ReviewPage, summary="The organisation's management reviews, newest first (50 a page)")
def list_reviews(request, filters: Query[ReviewFilters]):
    paginator = Paginator(selectors.review_list(tenant=_tenant(request)), 50)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


@router.get("/{int:review_id}", response=ManagementReviewOut, summary="One management review with its inputs and decisions")
def get_review(request, review_id: int):
    return selectors.review_detail(tenant=_tenant(request), pk=review_id)


class ManagementReviewIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    held_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    status: str = Field(ReviewStatus.PLANNED, description="planned or held; adopting is POST …/close")
    chair: str | None = Field(None, max_length=254, description="E-mail of a member")
    participants: list[str] = Field([], description="E-mails of members")
    other_participants: str = Field("", max_length=5000)
    interested_parties_changes: str = Field("", max_length=20000)
    objectives: str = Field("", max_length=20000)
    interested_parties_feedback: str = Field("", max_length=20000)
    improvement_opportunities: str = Field("", max_length=20000)
    conclusions: str = Field("", max_length=20000)


def _review_data(tenant, payload: ManagementReviewIn) -> dict:
    data = payload.dict()
    if data["status"] not in services.EDITABLE_STATUSES:
        raise ValidationError({"status": _("Adopt the review with its own button, once its inputs are gathered.")})
    chair = data.pop("chair")
    data["chair"] = None
    if chair:
        data["chair"] = tenant.users().filter(email__iexact=chair.strip()).first()
        if data["chair"] is None:
            raise ValidationError({"chair": _("The chair must be a member of your organisation.")})
    emails = {e.strip().lower() for e in data.pop("participants") if e.strip()}
    people = list(tenant.users().filter(email__in=emails))
    if len({u.email.lower() for u in people}) != len(emails):
        raise ValidationError({"participants": _("The participants must be members of your organisation.")})
    data["participants"] = people
    return data


@router.post("", response={201: ManagementReviewOut}, summary="Plan a management review")
def create_review(request, payload: ManagementReviewIn):
    tenant = _tenant(request)
    tenant.new(ManagementReview)
    review = services.review_save(tenant=tenant, review=None, data=_review_data(tenant, payload))
    return Status(201, selectors.review_detail(tenant=tenant, pk=review.pk))


@router.put("/{int:review_id}", response=ManagementReviewOut, summary="Change a management review that is not yet adopted")
def update_review(request, review_id: int, payload: ManagementReviewIn):
    tenant = _tenant(request)
    review = tenant.get(ManagementReview, review_id, write=True)
    services.review_save(tenant=tenant, review=review, data=_review_data(tenant, payload))
    return selectors.review_detail(tenant=tenant, pk=review_id)


@router.post("/{int:review_id}/gather", response=ManagementReviewOut,
             summary="Gather the inputs for the review's period now (again until the review is adopted)")
def gather(request, review_id: int):
    tenant = _tenant(request)
    review = tenant.get(ManagementReview, review_id, write=True)
    services.review_gather(tenant=tenant, review=review)
    return selectors.review_detail(tenant=tenant, pk=review_id)


class ReviewDecisionIn(InputSchema):
    text: str = Field(..., max_length=5000)
    owner: str | None = Field(None, max_length=254, description="E-mail of a member who owns the action")
    due_date: datetime.date | None = None


@router.post("/{int:review_id}/decisions", response={201: ReviewDecisionOut},
             summary="Record a decision of the review; it becomes an action of the action plan")
def add_decision(request, review_id: int, payload: ReviewDecisionIn):
    tenant = _tenant(request)
    review = tenant.get(ManagementReview, review_id, write=True)
    owner = None
    if payload.owner:
        owner = tenant.users().filter(email__iexact=payload.owner.strip()).first()
        if owner is None:
            raise ValidationError({"owner": services.OWNER_NOT_MEMBER})
    decision = services.decision_add(tenant=tenant, review=review, text=payload.text, owner=owner,
                                     due_date=payload.due_date)
    return Status(201, decision)


@router.post("/{int:review_id}/close", response=ManagementReviewOut,
             summary="Adopt (fastställ) the review: it is frozen, with who adopted it and when")
def close(request, review_id: int):
    tenant = _tenant(request)
    review = tenant.get(ManagementReview, review_id, write=True)
    services.review_close(tenant=tenant, review=review)
    return selectors.review_detail(tenant=tenant, pk=review_id)


class ReviewDocumentFormat(InputSchema):
    format: str = Field("docx", pattern="^(docx|pdf)$")


@router.get("/{int:review_id}/document", response={200: None}, summary="The management review as DOCX or PDF")
def review_document(request, review_id: int, query: Query[ReviewDocumentFormat]):
    review = selectors.review_detail(tenant=_tenant(request), pk=review_id)
    return shared_documents.response(documents.document(review), query.format, filename=documents.filename(review))
