"""Reads of change management, all through the tenant, each in a constant number of queries."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q

from changes.models import (
    OPEN_STATUSES,
    AcceptanceTest,
    Change,
    ChangeDecision,
    ChangeRequest,
    ChangeStep,
    ClosingConfirmation,
    Kind,
    Status,
)
from core.tenancy import Tenant
from inventory.models import System
from organisations.models import Organisation


def change_list(*, tenant: Tenant, filters: dict | None = None):
    """Changes the tenant reads (its own, or addressed to it), with addressees and the decisions it
    may see: 4 queries a page whatever the number of changes."""
    filters = filters or {}
    qs = (tenant.scope(Change).select_related("organisation", "cab_meeting")
          .prefetch_related(
              Prefetch("shared_with", queryset=Organisation.objects.only("pk", "name", "slug").order_by("name")),
              Prefetch("decisions", queryset=tenant.scope(ChangeDecision).select_related("organisation")
                       .order_by("organisation__name")))
          .order_by("-window_start", "-pk"))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("risk_level"):
        qs = qs.filter(risk_level=filters["risk_level"])
    if filters.get("system"):
        qs = qs.filter(systems=filters["system"])
    if filters.get("q"):
        qs = qs.filter(Q(title__icontains=filters["q"]) | Q(description__icontains=filters["q"]))
    if filters.get("without_separation"):
        qs = qs.filter(deployed_at__isnull=False).filter(Q(separation_met=False) | Q(acceptance_met=False))
    return qs


def awaiting(*, tenant: Tenant):
    """Open changes addressed to the active municipality that it has not decided on (papers sent
    first, soonest CAB first)."""
    mine = tenant.my_responses(ChangeDecision).filter(change=OuterRef("pk"))
    return (tenant.addressed_to_me(Change).filter(status__in=OPEN_STATUSES).exclude(Exists(mine))
            .select_related("organisation", "cab_meeting")
            .order_by("cab_meeting__starts_at", "window_start", "pk"))


def emergency_to_review(*, tenant: Tenant):
    """The IT company's emergency changes deployed before every affected municipality decided."""
    through = Change.shared_with.through
    undecided = through.objects.filter(change_id=OuterRef("pk")).exclude(
        organisation_id__in=ChangeDecision.objects.filter(change_id=OuterRef(OuterRef("pk")))
        .values("organisation_id"))
    return (tenant.editable(Change).filter(kind=Kind.EMERGENCY, status__in=(Status.DEPLOYED, Status.CLOSED))
            .filter(Exists(undecided)).order_by("-deployed_at", "-pk"))


def calendar(*, tenant: Tenant, start: datetime.datetime, end: datetime.datetime):
    """Changes with a planned window overlapping [start, end), in order of their windows (the
    affected municipalities only for the IT company's own changes: a municipality sees itself)."""
    qs = (tenant.scope(Change).exclude(status=Status.CANCELLED)
          .filter(window_start__lt=end, window_end__gt=start)
          .select_related("organisation").order_by("window_start", "pk"))
    if tenant.customers().exists():
        qs = qs.prefetch_related(Prefetch("shared_with", queryset=Organisation.objects.only("pk", "name")
                                          .order_by("name")))
    return qs


def cab_agenda(*, tenant: Tenant, meeting):
    """The changes on a CAB meeting's agenda with every decision the tenant may read."""
    return (tenant.scope(Change).filter(cab_meeting=meeting).select_related("organisation")
            .prefetch_related(
                Prefetch("shared_with", queryset=Organisation.objects.only("pk", "name").order_by("name")),
                Prefetch("decisions", queryset=tenant.scope(ChangeDecision).select_related("organisation",
                                                                                          "decided_by")))
            .order_by("pk"))


def change_detail(*, tenant: Tenant, change: Change) -> dict:
    """Everything of one change the tenant reads: systems it may see, steps, each municipality's
    decision, acceptance test and answer to the closing report (only its own, for a municipality)."""
    return {
        "systems": list(tenant.scope(System).filter(pk__in=change.systems.values("pk"))
                        .select_related("organisation").order_by("name")),
        "addressees": list(change.shared_with.order_by("name")) if tenant.owns(change)
        else [tenant.organisation],
        "test_environment_for": set(change.test_environment_for.values_list("pk", flat=True)),
        "steps": list(tenant.scope(ChangeStep).filter(change=change)
                      .select_related("performed_by", "recorded_by", "exception_by").order_by("performed_at", "pk")),
        "decisions": list(tenant.scope(ChangeDecision).filter(change=change)
                          .select_related("organisation", "decided_by").order_by("organisation__name")),
        "tests": list(tenant.scope(AcceptanceTest).filter(change=change)
                      .select_related("organisation", "tested_by").order_by("organisation__name")),
        "answers": list(tenant.scope(ClosingConfirmation).filter(change=change)
                        .select_related("organisation", "decided_by", "action").order_by("organisation__name")),
    }


def request_list(*, tenant: Tenant):
    """Requests the tenant reads: its own, or those addressed to it (an IT company)."""
    return (tenant.scope(ChangeRequest).select_related("organisation", "addressed_to", "requested_by")
            .prefetch_related(Prefetch("changes", queryset=tenant.scope(Change).only("pk", "title", "request_id")))
            .order_by("-created_at", "-pk"))
