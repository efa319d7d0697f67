from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.tenancy import Tenant
from organisations.models import Unit
from organisations.roles import Perm
from organisations.selectors import descendant_ids


def unit_create(*, tenant: Tenant, data: dict) -> Unit:
    """Add a unit (nämnd, förvaltning, bolag) to the active organisation."""
    tenant.require(Perm.ORG_MANAGE)
    with transaction.atomic():
        unit = Unit(organisation=tenant.organisation, **data)
        unit.full_clean()
        unit.save()
    return unit


def unit_update(*, tenant: Tenant, unit: Unit, data: dict) -> Unit:
    """Rename a unit, change its kind or what it is part of (never itself or a unit below it)."""
    tenant.require(Perm.ORG_MANAGE)
    with transaction.atomic():
        current = tenant.get(Unit, unit.pk)
        parent = data.get("parent")
        if parent is not None:
            if not tenant.owns(parent):
                raise ValidationError({"parent": _("Choose a unit of your own organisation.")})
            if parent.pk == current.pk or parent.pk in descendant_ids(tenant=tenant, unit=current):
                raise ValidationError({"parent": _("A unit cannot be part of itself or of a unit below it.")})
        current.name, current.kind, current.parent = data["name"], data["kind"], parent
        current.full_clean()
        current.save()
    return current
