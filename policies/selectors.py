"""Reads of governing documents, always through the tenant (except the audit selector by ids)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.tenancy import Tenant
from organisations.models import Organisation
from organisations.roles import SHARED_ONLY_ROLES
from policies.models import DocumentReview, DocumentStatus, GoverningDocument

ORIGIN_OWN, ORIGIN_SHARED = "own", "shared"


@dataclass(frozen=True)
class DocumentFilters:
    kind: str = ""
    status: str = ""
    overdue: bool = False
    origin: str = ""  # "own" or "shared" (shared with us by another organisation)
    q: str = ""


def overdue_q(today: datetime.date) -> Q:
    return Q(status=DocumentStatus.IN_FORCE, next_review__lt=today)


def document_list(*, tenant: Tenant, filters: DocumentFilters, today: datetime.date) -> QuerySet:
    """The documents the member reads, filtered, with owner and organisation preloaded."""
    qs = tenant.scope(GoverningDocument).select_related("organisation", "owner")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(overdue_q(today))
    if filters.origin == ORIGIN_OWN:
        qs = qs.filter(organisation_id=tenant.membership.organisation_id)
    elif filters.origin == ORIGIN_SHARED:
        qs = qs.exclude(organisation_id=tenant.membership.organisation_id)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(scope__icontains=filters.q) | Q(adopted_by__icontains=filters.q))
    return qs.order_by("title", "pk")


def document_detail(*, tenant: Tenant, pk) -> GoverningDocument:
    """One readable document with what its page shows (Http404 outside the scope)."""
    queryset = GoverningDocument.objects.select_related("organisation", "owner", "replaces").prefetch_related(
        Prefetch("shared_with", queryset=Organisation.objects.order_by("name")),
        Prefetch("reviews", queryset=DocumentReview.objects.select_related("reviewed_by")),
    )
    return tenant.get(GoverningDocument, pk, queryset=queryset)


def document_to_change(*, tenant: Tenant, pk, queryset: QuerySet | None = None) -> GoverningDocument:
    """One of the organisation's own documents, to change or review.

    Http404 when the member cannot read it; PermissionDenied (with the reason) for a document
    another organisation shared with us: we read it, but only its organisation changes it.
    """
    document = tenant.get(GoverningDocument, pk)
    if not tenant.owns(document):
        raise PermissionDenied(_("This document belongs to %(name)s; only they can change it.")
                               % {"name": document.organisation.name})
    return tenant.get(GoverningDocument, pk, write=True, queryset=queryset)


def replaced_by(*, tenant: Tenant, document: GoverningDocument) -> list[GoverningDocument]:
    return list(tenant.scope(GoverningDocument).filter(replaces=document).only("pk", "title"))


def documents_past_review(*, organisation_ids, today: datetime.date) -> QuerySet:
    """Documents in force past their next review, of the given organisations (for audits).

    One query when iterated: owner and organisation are joined. The caller has already
    decided which organisations it may read (an audit of its own organisation).
    """
    return (GoverningDocument.objects.filter(overdue_q(today), organisation_id__in=list(organisation_ids))
            .select_related("organisation", "owner").order_by("next_review", "pk"))


def past_review(*, tenant: Tenant, today: datetime.date) -> QuerySet:
    """The tenant-based equivalent: the active organisation's own documents past review."""
    return documents_past_review(organisation_ids=[tenant.membership.organisation_id], today=today) \
        if tenant.can("view") and tenant.role not in SHARED_ONLY_ROLES else GoverningDocument.objects.none()
