"""Reads of the incident module, in a constant number of queries per page."""

import datetime

from django.db.models import Prefetch, Q, QuerySet

from core.tenancy import Tenant
from incidents import rules
from incidents.models import OPEN_STATUSES, IncidentCase, StageSubmission


def _cases(qs: QuerySet) -> QuerySet:
    return qs.select_related("incident", "incident__organisation", "severity", "manager", "organisation")


def case_list(*, tenant: Tenant, q: str = "", state: str = "", significant: bool = False, breach: bool = False,
              due_soon: bool = False, without_review: bool = False,
              now: datetime.datetime | None = None) -> QuerySet:
    """The organisation's own cases (its own incidents and those it was told of), newest first."""
    qs = _cases(tenant.my_responses(IncidentCase))
    if q:
        qs = qs.filter(Q(incident__title__icontains=q) | Q(incident__reference__icontains=q)
                       | Q(incident__description__icontains=q))
    if state == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif state == "closed":
        qs = qs.filter(status="closed")
    if significant:
        qs = qs.filter(significant=True)
    if breach:
        qs = qs.filter(breach=True)
    if due_soon and now is not None:
        qs = qs.filter(next_deadline__lte=now + rules.SOON, status__in=OPEN_STATUSES)
    if without_review:
        qs = qs.filter(closed_without_review=True)
    return qs.order_by("-aware_at", "-pk")


def with_submissions(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(Prefetch("submissions", queryset=StageSubmission.objects.order_by("submitted_at")))


def submitted_of(case: IncidentCase) -> dict:
    """Stage → first submission instant, from prefetched submissions."""
    first = {}
    for s in case.submissions.all():
        first.setdefault(s.stage, s.submitted_at)
    return first


def attach_clocks(cases, now: datetime.datetime) -> list:
    """Set `clocks` and `next_clock` on each case (its submissions prefetched)."""
    for case in cases:
        case.clocks = rules.clocks(case.facts(submitted_of(case)), now) if case.is_open else []
        case.next_clock = rules.next_due(case.clocks)
    return cases


def clock_overview(*, tenant: Tenant) -> QuerySet:
    """Open cases of the organisation with a running deadline, the most urgent first."""
    qs = _cases(tenant.my_responses(IncidentCase)).filter(status__in=OPEN_STATUSES, next_deadline__isnull=False)
    return with_submissions(qs).order_by("next_deadline", "pk")


def case_detail(*, tenant: Tenant, pk) -> IncidentCase:
    qs = with_submissions(_cases(IncidentCase.objects.all())).select_related(
        "significance_by", "breach_by", "closed_by", "incident__reported_by")
    return tenant.get(IncidentCase, pk, queryset=qs)


def cases_of_incident(*, tenant: Tenant, incident) -> QuerySet:
    """The cases of an incident the tenant reads: the registering organisation reads every
    addressee's, an addressee only its own (core.tenancy)."""
    return with_submissions(_cases(tenant.scope(IncidentCase).filter(incident=incident))).order_by(
        "organisation__name")


def breach_log(*, tenant: Tenant) -> QuerySet:
    """Every personal data breach of the organisation, notified or not (GDPR art. 33(5)), and the
    incidents reported as possibly affecting personal data that are not assessed yet."""
    suspected = Q(breach__isnull=True, incident__possible_breach=True)
    return with_submissions(_cases(tenant.my_responses(IncidentCase)).filter(Q(breach=True) | suspected)).select_related(
        "breach_by").order_by("-aware_at", "-pk")
