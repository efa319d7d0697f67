"""Write-side rules of the inventory. Views, API and imports call these; nothing else saves."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import concurrency
from core.tenancy import Tenant
from organisations.roles import NOT_AN_OWNER
from inventory.models import InformationType, System, SystemDependency

SYSTEM_FIELDS = (
    "name", "purpose", "unit", "owner", "administrator", "supplier", "supplier_contact", "contract",
    "hosting", "hosting_provider", "storage_countries", "processing_countries", "provider_jurisdiction",
    "criticality", "lifecycle", "personal_data",
)


class VersionConflict(concurrency.VersionConflict):
    """Someone else saved the record after the caller read it."""

    message = gettext_lazy("Someone else has changed this system since you opened it.")


def _check_references(*, tenant: Tenant, data: dict) -> None:
    """Linked records must belong to the same organisation (never a foreign one)."""
    org_id = tenant.membership.organisation_id
    errors = {}
    for name in ("unit", "supplier"):
        obj = data.get(name)
        if obj is not None and obj.organisation_id != org_id:
            errors[name] = _("Choose one of your organisation's own.")
    administrator = data.get("administrator")
    if administrator is not None and not tenant.users().filter(pk=administrator.pk).exists():
        errors["administrator"] = _("Choose a member of your organisation.")
    owner = data.get("owner")
    # The owner approves the system's classifications and accepts its risks (decision 11).
    if owner is not None and not tenant.owners().filter(pk=owner.pk).exists():
        errors["owner"] = str(NOT_AN_OWNER)
    for info in data.get("information_types") or []:
        if info.organisation_id != org_id:
            errors["information_types"] = _("Choose one of your organisation's own.")
    allowed_shares = {o.pk for o in tenant.organisation.suppliers.all()}
    for org in data.get("shared_with") or []:
        if org.pk not in allowed_shares:
            errors["shared_with"] = _("A system can be shared only with a supplier that serves your organisation.")
    if errors:
        raise ValidationError(errors)


def _set_relations(system: System, data: dict) -> None:
    if "information_types" in data:
        system.information_types.set(data["information_types"])
    if "shared_with" in data:
        system.shared_with.set(data["shared_with"])


def system_create(*, tenant: Tenant, data: dict) -> System:
    """Create a system in the active organisation."""
    _check_references(tenant=tenant, data=data)
    with transaction.atomic():
        system = tenant.new(System, **{k: v for k, v in data.items() if k in SYSTEM_FIELDS})
        system.full_clean()
        system.save()
        _set_relations(system, data)
    return system


def system_update(*, tenant: Tenant, system: System, data: dict, version: int) -> System:
    """Change a system, refusing if it was saved by someone else since `version` was read."""
    _check_references(tenant=tenant, data=data)
    with transaction.atomic():
        # Lock the row so two concurrent saves cannot both pass the version check.
        current = tenant.editable(System).select_for_update().get(pk=system.pk)
        if current.version != version:
            raise VersionConflict(current)
        for name, value in data.items():
            if name in SYSTEM_FIELDS:
                setattr(current, name, value)
        current.version += 1
        current.full_clean()
        current.save()
        _set_relations(current, data)
    return current


def system_archive(*, tenant: Tenant, system: System) -> System:
    """Archive (or with a second call, restore) a system; archived systems leave the list."""
    with transaction.atomic():
        current = tenant.editable(System).select_for_update().get(pk=system.pk)
        current.archived_at = None if current.archived_at else timezone.now()
        current.version += 1
        current.save()
    return current


def system_delete(*, tenant: Tenant, system: System) -> None:
    """Delete a system for good (the trail keeps its last values)."""
    with transaction.atomic():
        tenant.editable(System).get(pk=system.pk).delete()


def dependency_add(*, tenant: Tenant, system: System, depends_on: System, description: str = "") -> SystemDependency:
    """Record that `system` depends on `depends_on`; both must be the organisation's own."""
    if system.pk == depends_on.pk:
        raise ValidationError({"depends_on": _("A system cannot depend on itself.")})
    if not (tenant.owns(system) and tenant.owns(depends_on)):
        raise ValidationError({"depends_on": _("Choose one of your organisation's own.")})
    if SystemDependency.objects.filter(system=system, depends_on=depends_on).exists():
        raise ValidationError({"depends_on": _("This dependency is already recorded.")})
    dep = tenant.new(SystemDependency, system=system, depends_on=depends_on, description=description)
    dep.full_clean()
    dep.save()
    return dep


def dependency_remove(*, tenant: Tenant, system_id, dependency_id) -> None:
    """Remove what system_id depends on; a dependency of another system (the URL's) is not found."""
    dependency = tenant.get(SystemDependency, dependency_id, write=True)
    if dependency.system_id != int(system_id):
        raise Http404
    dependency.delete()


def infotype_save(*, tenant: Tenant, infotype: InformationType | None, data: dict) -> InformationType:
    """Create or change an information type."""
    with transaction.atomic():
        obj = infotype or tenant.new(InformationType)
        for name in ("name", "description", "personal_data"):
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
    return obj
