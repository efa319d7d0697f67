"""Reading the audit trail, always within the tenant's reach."""

from django.db.models import QuerySet

from core.tenancy import Tenant
from organisations.roles import SHARED_ONLY_ROLES, Perm
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


def history_for(*, tenant: Tenant, obj, limit: int = 50) -> QuerySet | None:
    """The latest entries about `obj` for a record page, or None when the page shows no history.

    A record page shows the history of the organisation's own records to its members who may
    read them; a record that is not saved yet (a default), a catalogue record, a record shared
    by another organisation or a supplier-role member get none. `obj` was fetched through the
    tenant.
    """
    if obj is None or obj.pk is None or not tenant.can(Perm.VIEW) or tenant.role in SHARED_ONLY_ROLES:
        return None
    if not tenant.owns(obj):
        return None
    return record_history(obj=obj)[:limit]


def latest_checkpoint(*, tenant: Tenant):
    """The newest signed checkpoint of the whole chain (it names no record, only a sequence number and hash)."""
    from trail.models import Checkpoint

    tenant.require("trail.view")
    return Checkpoint.objects.order_by("-created_at", "-pk").first()
