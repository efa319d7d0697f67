"""Read-side queries of the inventory. All go through the tenant's scope."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from core.tenancy import Tenant
from inventory.models import Criticality, Hosting, InformationType, Lifecycle, System, SystemDependency

SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "criticality": ("criticality", "name"),
    "lifecycle": ("lifecycle", "name"),
    "updated": ("-updated_at", "name"),
    "owner": ("owner__email", "name"),
}


@dataclass(frozen=True)
class SystemFilters:
    q: str = ""
    lifecycle: str = ""
    hosting: str = ""
    criticality: str = ""
    personal_data: str = ""  # "", "yes", "no"
    archived: bool = False
    without_owner: bool = False
    sort: str = "name"


def system_list(*, tenant: Tenant, filters: SystemFilters) -> QuerySet:
    """Systems visible to the tenant, filtered and sorted, with what the list shows preloaded."""
    # The administrator is for the API's list, which names them on every row.
    qs = tenant.scope(System).select_related("owner", "administrator", "supplier", "organisation", "unit")
    qs = qs.filter(archived_at__isnull=not filters.archived)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(purpose__icontains=filters.q) | Q(hosting_provider__icontains=filters.q))
    if filters.lifecycle in Lifecycle.values:
        qs = qs.filter(lifecycle=filters.lifecycle)
    if filters.hosting in Hosting.values:
        qs = qs.filter(hosting=filters.hosting)
    if filters.criticality in Criticality.values:
        qs = qs.filter(criticality=filters.criticality)
    if filters.personal_data in ("yes", "no"):
        qs = qs.filter(personal_data=filters.personal_data == "yes")
    if filters.without_owner:
        qs = qs.filter(owner__isnull=True)
    # The protection need of the rows shown is added by the page (attach_protection_need).
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def system_detail(*, tenant: Tenant, pk) -> System:
    """One system with everything its page shows."""
    # Each information type with its classification: the page shows the levels behind the
    # protection need, and computes the need from them (classification.selectors.protection_basis).
    infotypes = InformationType.objects.select_related("classification").order_by("name", "pk")
    qs = System.objects.select_related("owner", "administrator", "supplier", "organisation", "unit").prefetch_related(
        Prefetch("information_types", queryset=infotypes), "shared_with"
    )
    return tenant.get(System, pk, queryset=qs)


def system_dependencies(*, tenant: Tenant, system: System) -> tuple[list[SystemDependency], list[SystemDependency]]:
    """(what the system depends on, what depends on it), limited to visible systems."""
    visible = tenant.scope(System).values("pk")
    upstream = list(
        SystemDependency.objects.filter(system=system, depends_on__in=visible).select_related("depends_on")
    )
    downstream = list(SystemDependency.objects.filter(depends_on=system, system__in=visible).select_related("system"))
    return upstream, downstream


def inventory_overview(*, tenant: Tenant) -> dict:
    """Counts for the start page."""
    systems = tenant.scope(System).filter(archived_at__isnull=True)
    by_lifecycle = dict(systems.values_list("lifecycle").annotate(n=Count("pk")))
    by_hosting = dict(systems.values_list("hosting").annotate(n=Count("pk")))
    totals = systems.aggregate(
        total=Count("pk"),
        personal=Count("pk", filter=Q(personal_data=True)),
        critical=Count("pk", filter=Q(criticality=Criticality.CRITICAL)),
        no_owner=Count("pk", filter=Q(owner__isnull=True)),
    )
    return {
        "totals": totals,
        "by_lifecycle": [(label, by_lifecycle.get(value, 0)) for value, label in Lifecycle.choices],
        "by_hosting": [(label, by_hosting.get(value, 0)) for value, label in Hosting.choices],
        "information_types": tenant.scope(InformationType).count(),
    }


def infotype_list(*, tenant: Tenant, q: str = "") -> QuerySet:
    """Information types with the number of visible systems handling each; `q` searches the
    name and description."""
    qs = tenant.scope(InformationType)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(description__icontains=q.strip()))
    return qs.annotate(
        system_count=Count("systems", filter=Q(systems__archived_at__isnull=True))
    ).order_by("name")


def infotype_detail(*, tenant: Tenant, pk) -> InformationType:
    """One information type (Http404 outside the tenant's scope) with `system_count` and
    `system_ids`: the active systems handling it, as in the list."""
    infotype = tenant.get(InformationType, pk, queryset=infotype_list(tenant=tenant))
    infotype.system_ids = list(tenant.scope(System).filter(information_types=infotype, archived_at__isnull=True)
                               .order_by("pk").values_list("pk", flat=True))
    return infotype
