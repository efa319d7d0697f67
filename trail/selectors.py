"""Reading the audit trail, always within the tenant's reach."""

from django.db.models import QuerySet

from core.tenancy import Tenant
from trail.models import AuditEntry


def organisation_log(*, tenant: Tenant) -> QuerySet:
    """Entries about the active organisation's records (newest first)."""
    tenant.require("trail.view")
    return AuditEntry.objects.filter(organisation_id=tenant.membership.organisation_id).order_by("-seq")


def recent_entries(*, tenant: Tenant, limit: int) -> list[AuditEntry]:
    return list(organisation_log(tenant=tenant)[:limit])


def record_history(*, obj) -> QuerySet:
    """Entries about one record. The caller has already fetched `obj` through the tenant."""
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-seq")
