"""Fixtures of the management review tests: Kommun A's coordinator holds the review; Kommun B is outside."""

import datetime

import pytest
from django.utils import timezone

from reviews import services


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def coordinator(org_a, as_member):
    """(user, tenant) of Kommun A's coordinator."""
    return as_member(org_a, "coordinator")


@pytest.fixture
def tenant_a(coordinator):
    return coordinator[1]


@pytest.fixture
def review_a(tenant_a, today):
    """Kommun A's review of the last year, held today, inputs not yet gathered."""
    return services.review_save(tenant=tenant_a, review=None, data={
        "title": "Ledningens genomgång", "held_on": today, "period_start": today - datetime.timedelta(days=365),
        "period_end": today, "status": "held", "chair": tenant_a.user, "participants": [tenant_a.user],
        "other_participants": "Kommundirektör\nIT-chef"})
