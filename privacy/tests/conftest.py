"""Fixtures of the privacy tests: Kommun A with members and units, a supplier serving it, Kommun B outside."""

import pytest

from core.tenancy import tenant_for
from organisations.models import Unit


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
def tenant_a(org_a, as_member):
    return as_member(org_a, "coordinator")[1]


@pytest.fixture
def units_a(org_a):
    return {key: Unit.objects.create(organisation=org_a, name=name, kind="board")
            for key, name in (("sn", "Socialnämnden"), ("bun", "Barn- och utbildningsnämnden"))}


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
