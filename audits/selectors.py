"""Reads of audits and the findings history, always through the tenant."""

from django.db.models import Count, Prefetch

from audits.models import Audit, FindingRecord, MaturityLevel, Observation, Recommendation
from core.tenancy import Tenant


def audit_list(*, tenant: Tenant):
    return (tenant.scope(Audit).annotate(observation_count=Count("observations", distinct=True))
            .order_by("-period_start", "-pk"))


def audit_detail_queryset():
    return Audit.objects.select_related("organisation").prefetch_related(
        "auditors", "frameworks",
        Prefetch("observations", queryset=Observation.objects.prefetch_related(
            Prefetch("recommendations", queryset=Recommendation.objects.select_related("action", "action__owner")))))


def audit_detail(*, tenant: Tenant, pk) -> Audit:
    return tenant.get(Audit, pk, queryset=audit_detail_queryset())


def observation_detail(*, tenant: Tenant, pk) -> Observation:
    queryset = Observation.objects.select_related("audit", "responded_by").prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.select_related("action", "action__owner")))
    return tenant.get(Observation, pk, queryset=queryset)


def finding_history(*, tenant: Tenant):
    return tenant.scope(FindingRecord).order_by("-first_seen", "-pk")


def maturity_scale() -> list[MaturityLevel]:
    """The maturity scale as loaded (a read: pages never load the frameworks; an assessment does)."""
    return list(MaturityLevel.objects.order_by("level"))
