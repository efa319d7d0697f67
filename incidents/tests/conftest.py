"""Fixtures of the incident tests: Kommun A and B served by Drift AB, members by role."""

import pytest

from core.tenancy import tenant_for


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def as_member(member):
    """as_member(org, role) → (user, Tenant)."""

    def make(org, role, email=None):
        user = member(org, role, email=email)
        return user, tenant_for(user, org.pk)

    return make


@pytest.fixture
def served(supplier_org, org_b):
    supplier_org.customers.add(org_b)
    return supplier_org


@pytest.fixture
def api():
    from accounts.models import ApiToken

    def make(user, org=None):
        _token, raw = ApiToken.issue(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if org is not None:
            headers["HTTP_X_ORGANISATION"] = org.slug
        return headers

    return make
