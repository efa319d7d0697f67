"""Fixtures of the risk tests: Kommun A's members by role as tenants, and a risk factory."""

import pytest

from core.tenancy import tenant_for
from risk import services
from tests.factories import SystemFactory


@pytest.fixture
def people(org_a, member):
    """Kommun A's members: coordinator, system owner, system administrator, reader, auditor, admin."""
    roles = ("coordinator", "system_owner", "system_administrator", "reader", "auditor", "admin")
    return {role: member(org_a, role) for role in roles}


@pytest.fixture
def as_role(org_a, people):
    """as_role("coordinator") → the Tenant of that member of Kommun A."""
    return lambda role: tenant_for(people[role], org_a.pk)


@pytest.fixture
def make_risk(as_role, org_a):
    """make_risk(title, residual=(l, c), inherent=(l, c), systems=[...], **fields) through the service."""

    def make(title="Risk", *, residual=None, inherent=None, role="coordinator", **fields):
        data = {"title": title, **fields}
        if inherent:
            data["inherent_likelihood"], data["inherent_consequence"] = inherent
        if residual:
            data["residual_likelihood"], data["residual_consequence"] = residual
        return services.risk_create(tenant=as_role(role), data=data)

    return make


@pytest.fixture
def system_a(org_a):
    return SystemFactory(organisation=org_a, name="Verksamhetssystem IFO")


@pytest.fixture(autouse=True)
def _english():
    """Messages in English (the msgids), whatever the translators later make of them."""
    from django.utils import translation

    with translation.override("en"):
        yield
