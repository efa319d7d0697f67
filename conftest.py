"""Shared fixtures: two municipalities (A, B), a supplier organisation serving A, members by role."""

import os

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "Secret-Pass-123!"


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    note = "" if engine == "postgresql" else " (set DATABASE_URL to run on PostgreSQL)"
    return f"Tillit tests on {engine}{note}; CI={os.environ.get('CI', 'false')}"


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Kommun A", slug="kommun-a")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Kommun B", slug="kommun-b")


@pytest.fixture
def supplier_org(db, org_a):
    org = OrganisationFactory(name="Drift AB", slug="drift-ab", kind="supplier")
    org.customers.add(org_a)
    return org


@pytest.fixture
def member(db):
    """member(org, role) → a user with that role in org."""

    def make(org, role="coordinator", email=None):
        user = UserFactory(email=email or f"{role}@{org.slug}.example")
        MembershipFactory(user=user, organisation=org, role=role)
        return user

    return make


@pytest.fixture
def login(client):
    """login(user) → the test client signed in as user."""

    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def as_member(member):
    """as_member(org, role) → (user, Tenant): a member and the tenant the services take."""
    from core.tenancy import tenant_for

    def make(org, role, email=None):
        user = member(org, role, email=email)
        return user, tenant_for(user, org.pk)

    return make


@pytest.fixture
def api_headers():
    """api_headers(user, org=None) → the headers of an API call with a new token of `user`."""
    from accounts.models import ApiToken

    def make(user, org=None):
        _token, raw = ApiToken.issue(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if org is not None:
            headers["HTTP_X_ORGANISATION"] = org.slug
        return headers

    return make
