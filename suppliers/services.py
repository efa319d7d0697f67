from django.db import transaction

from core.tenancy import Tenant
from suppliers.models import Supplier

FIELDS = ("name", "org_number", "contact_email", "website", "description", "tillit_organisation")


def supplier_save(*, tenant: Tenant, supplier: Supplier | None, data: dict) -> Supplier:
    """Create or change a supplier in the active organisation's register."""
    with transaction.atomic():
        obj = supplier or tenant.new(Supplier)
        for name in FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        obj.full_clean()
        obj.save()
    return obj
