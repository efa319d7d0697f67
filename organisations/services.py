from django.db import transaction

from core.tenancy import Tenant
from organisations.models import Unit
from organisations.roles import Perm


def unit_create(*, tenant: Tenant, data: dict) -> Unit:
    """Add a unit (nämnd, förvaltning, bolag) to the active organisation."""
    tenant.require(Perm.ORG_MANAGE)
    with transaction.atomic():
        unit = Unit(organisation=tenant.organisation, **data)
        unit.full_clean()
        unit.save()
    return unit
