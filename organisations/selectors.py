from core.tenancy import Tenant
from organisations.models import Membership, Unit


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


def descendant_ids(*, tenant: Tenant, unit: Unit) -> set[int]:
    """The ids of the units below `unit` (its parts, their parts …), in one query."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in tenant.scope(Unit).order_by().values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = set(), [unit.pk]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
