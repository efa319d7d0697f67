"""Reads of background jobs: a member sees their own jobs in the active organisation."""

from django.db.models import QuerySet

from core.tenancy import Tenant
from jobs.models import Job

# The file contents stay in the database until someone downloads them.
_HEAVY = ("input_data", "result_data")


def my_jobs(*, tenant: Tenant) -> QuerySet:
    return tenant.scope(Job).filter(user_id=tenant.user.pk).defer(*_HEAVY).order_by("-created_at", "-pk")


def my_job(*, tenant: Tenant, pk, with_result: bool = False) -> Job:
    """One of the member's own jobs, or Http404 (another member's job is not theirs to see)."""
    queryset = tenant.scope(Job).filter(user_id=tenant.user.pk)
    if not with_result:
        queryset = queryset.defer(*_HEAVY)
    return tenant.get(Job, pk, queryset=queryset)
