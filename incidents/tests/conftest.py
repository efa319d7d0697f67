"""Fixtures of the incident tests: Kommun A and B served by Drift AB, members by role."""

import pytest


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def served(supplier_org, org_b):
    supplier_org.customers.add(org_b)
    return supplier_org
