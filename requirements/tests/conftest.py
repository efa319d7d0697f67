"""Fixtures of the requirements tests: the catalogue (bulk-loaded in a few queries), classified
systems, tenants and API tokens."""

import pytest
from django.utils import translation

from accounts.models import ApiToken
from classification.models import Classification
from core.tenancy import tenant_for
from requirements.catalogue import load_catalogue
from requirements.models import Requirement
from tests.factories import InformationTypeFactory, SystemFactory


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages and messages in English, so assertions on texts hold whatever the Swedish catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(db):
    """The bundled catalogue loaded into the test database; returns the LoadResult."""
    return load_catalogue()


@pytest.fixture
def classify():
    """classify(system, K=2, R=1, …) → gives `system` an information type classified at those levels."""

    def make(system, *, K=None, R=None, T=None, S=None, scheme="klassa"):  # noqa: N803 (aspect letters)
        info = InformationTypeFactory(organisation=system.organisation)
        Classification.objects.create(organisation=system.organisation, information_type=info, scheme=scheme,
                                      confidentiality=K, integrity=R, availability=T, traceability=S)
        system.information_types.add(info)
        return info

    return make


@pytest.fixture
def editor(org_a, member):
    return member(org_a, "system_administrator")


@pytest.fixture
def tenant(org_a, editor):
    return tenant_for(editor, org_a.pk)


@pytest.fixture
def system(org_a):
    return SystemFactory(organisation=org_a, name="Elevregister")


@pytest.fixture
def requirement(catalogue):
    """ÅS-03, two-factor authentication: applies from K 2 or R 2."""
    return Requirement.objects.get(code="ÅS-03", organisation__isnull=True)


@pytest.fixture
def api(client):
    """api(user) → request headers with a fresh API token of `user`."""

    def make(user, org=None):
        _token, raw = ApiToken.issue(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if org is not None:
            headers["HTTP_X_ORGANISATION"] = org.slug
        return headers

    return make
