from core.tenancy import Tenant
from organisations.models import Membership


def organisation_overview(*, tenant: Tenant) -> dict:
    """Units, members, suppliers and customers of the active organisation."""
    org = tenant.organisation
    members = None
    if tenant.role != "supplier":
        members = Membership.objects.filter(organisation=org).select_related("user").order_by("user__email")
    return {
        "organisation": org,
        "units": org.units.select_related("parent").order_by("name"),
        "members": members,
        "suppliers": org.suppliers.order_by("name"),
        "customers": org.customers.order_by("name"),
    }
