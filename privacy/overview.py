"""The DPO's overview across organisations: one page built from a Tenant per membership.

A data protection officer shared by several municipalities is a member of each. Every row of
the overview is read through the Tenant of the membership in that organisation
(tenant.scope, never around it), and only memberships whose role keeps the record of
processing (Perm.PRIVACY_EDIT) are included: a membership as reader or supplier adds
nothing. Breaches come from the incidents app through an optional hook.
"""

import datetime
from dataclasses import dataclass, field

from core.loading import optional_hooks
from core.tenancy import Memberships, Tenant
from organisations.roles import Perm
from privacy import selectors

BREACH_HOOKS = ["incidents.overview.breaches"]
ROWS_SHOWN = 10


@dataclass
class OrganisationPart:
    tenant: Tenant
    reviews: list = field(default_factory=list)
    reviews_total: int = 0
    dpias: list = field(default_factory=list)
    dpias_total: int = 0
    transfers: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def organisation(self):
        return self.tenant.organisation

    @property
    def can_act(self) -> bool:
        return self.tenant.can(Perm.ACTION_EDIT)


@dataclass
class Overview:
    parts: list[OrganisationPart]
    breaches: list[dict]
    breaches_available: bool

    @property
    def transfers(self):
        return [(p, t) for p in self.parts for t in p.transfers]

    @property
    def missing(self):
        return [(p, m) for p in self.parts for m in p.missing]


def tenants_of(user, memberships=None) -> list[Tenant]:
    """The Tenants of the user's memberships whose role keeps the record of processing."""
    found = memberships if memberships is not None else Memberships(user).all
    return [Tenant(m) for m in found if Tenant(m).can(Perm.PRIVACY_EDIT)]


def tenant_of(*, user, organisation_id) -> Tenant | None:
    """The user's Tenant in one organisation of the overview (for an action), or None."""
    return next((t for t in tenants_of(user) if str(t.organisation.pk) == str(organisation_id)), None)


def part_for(tenant: Tenant, today: datetime.date) -> OrganisationPart:
    reviews = selectors.reviews_due(tenant=tenant, today=today)
    dpias = selectors.open_dpias(tenant=tenant).select_related("activity")
    return OrganisationPart(
        tenant=tenant,
        reviews=list(reviews[:ROWS_SHOWN]), reviews_total=reviews.count(),
        dpias=list(dpias[:ROWS_SHOWN]), dpias_total=dpias.count(),
        transfers=selectors.transfers_without_basis(tenant=tenant, today=today),
        missing=selectors.missing_agreements(tenant=tenant),
    )


def build(*, user, today: datetime.date, memberships=None) -> Overview:
    tenants = tenants_of(user, memberships)
    breaches, available = [], False
    for hook in optional_hooks(BREACH_HOOKS):
        available = True
        breaches += hook(tenants=tenants, today=today)
    return Overview(parts=[part_for(t, today) for t in tenants], breaches=breaches, breaches_available=available)
