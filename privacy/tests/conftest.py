"""Fixtures of the privacy tests: Kommun A with members and units, a supplier serving it, Kommun B outside."""

import pytest

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
def tenant_a(org_a, as_member):
    return as_member(org_a, "coordinator")[1]


@pytest.fixture
def units_a(org_a):
    return {key: Unit.objects.create(organisation=org_a, name=name, kind="board")
            for key, name in (("sn", "Socialnämnden"), ("bun", "Barn- och utbildningsnämnden"))}
