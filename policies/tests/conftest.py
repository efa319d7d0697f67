"""Fixtures of the policies tests: Kommun A with members, a supplier serving it, Kommun B outside."""

import datetime

import pytest

from core.tenancy import tenant_for
from policies import services
from policies.models import Kind


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(org_a, member):
    return member(org_a, "coordinator")


@pytest.fixture
def tenant_a(org_a, coordinator):
    return tenant_for(coordinator, org_a.pk)


@pytest.fixture
def as_member(member):
    """as_member(org, role) → (user, Tenant)."""

    def make(org, role):
        user = member(org, role)
        return user, tenant_for(user, org.pk)

    return make


@pytest.fixture
def make_doc():
    def make(tenant, title="Informationssäkerhetspolicy", **data):
        data = {"kind": Kind.POLICY, "title": title, "status": "in_force", "adopted_on": datetime.date(2024, 1, 31),
                **data}
        return services.document_save(tenant=tenant, document=None, data=data)

    return make


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    """Pages in English too (the msgids), so that the tests hold once Swedish is translated."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
