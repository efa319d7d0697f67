"""Reading the audit trail, always within the tenant's reach."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from core.tenancy import Tenant
from organisations.roles import SHARED_ONLY_ROLES, Perm
from trail.models import AuditEntry


def organisation_log(*, tenant: Tenant) -> QuerySet:
    """Entries about the active organisation's records (newest first)."""
    tenant.require("trail.view")
    return AuditEntry.objects.filter(organisation_id=tenant.membership.organisation_id).order_by("-seq")


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in Swedish time (the period a person means)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_log(*, tenant: Tenant, person: int | str | None = None, date_from: datetime.date | None = None,
                 date_to: datetime.date | None = None, record_type: str | None = None, action: str | None = None,
                 source: str | None = None) -> QuerySet:
    """The organisation's log narrowed as the auditor asks: by the person who wrote ("system" for
    entries written by no person), a period of whole days (both ends included), a record type
    (its label, e.g. "risk.risk"), an action and a channel. Newest first."""
    entries = organisation_log(tenant=tenant)
    if person == "system":
        entries = entries.filter(actor_id__isnull=True)
    elif person is not None:
        entries = entries.filter(actor_id=person)
    if date_from:
        entries = entries.filter(created_at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if record_type:
        entries = entries.filter(model=record_type)
    if action:
        entries = entries.filter(action=action)
    if source:
        entries = entries.filter(source=source)
    return entries


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
