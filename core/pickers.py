"""What the type-ahead picker (core.widgets) can search: one entry per kind of record.

Every search goes through the tenant: its scope of the model, or the members of its active
organisation for people. The form the picker sits in still validates what is posted against
its own queryset; these searches only offer matches.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.tenancy import Tenant
from inventory.models import InformationType, System
from suppliers.models import Supplier

# A picker shows at most this many matches; typing more narrows them.
MAX_MATCHES = 20


@dataclass(frozen=True)
class PickerKind:
    records: Callable[[Tenant], QuerySet]
    search: Callable[[str], Q]


def _by_name(q: str) -> Q:
    return Q(name__icontains=q)


def _by_person(q: str) -> Q:
    return Q(full_name__icontains=q) | Q(email__icontains=q)


KINDS: dict[str, PickerKind] = {
    "systems": PickerKind(lambda t: t.scope(System).filter(archived_at__isnull=True).order_by("name", "pk"), _by_name),
    "information-types": PickerKind(lambda t: t.scope(InformationType).order_by("name", "pk"), _by_name),
    "suppliers": PickerKind(lambda t: t.scope(Supplier).order_by("name", "pk"), _by_name),
    "people": PickerKind(lambda t: t.users(), _by_person),
    # Owners of systems, information and risks: members whose role may own (roles.can_own).
    "owners": PickerKind(lambda t: t.owners(), _by_person),
}


def picker_matches(*, tenant: Tenant, kind: str, q: str) -> tuple[list, bool]:
    """Up to MAX_MATCHES records of `kind` matching `q`, and whether there were more. KeyError
    for an unknown kind."""
    entry = KINDS[kind]
    records = entry.records(tenant)
    q = q.strip()[:100]
    if q:
        records = records.filter(entry.search(q))
    rows = list(records[: MAX_MATCHES + 1])
    return rows[:MAX_MATCHES], len(rows) > MAX_MATCHES
