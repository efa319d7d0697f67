"""The list and detail pages, and gathering the inputs, read a number of queries that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action
from policies.models import DocumentStatus, GoverningDocument
from reviews import services
from risk.models import Risk, Treatment

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _count(client, url) -> int:
    client.get(url)  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.fixture
def grow(tenant_a, org_a, today):
    """grow(n) adds n reviews with a decision each, and n of every record the inputs count."""
    made = [0]

    def more(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            review = services.review_save(tenant=tenant_a, review=None, data={
                "title": f"Genomgång {i:03d}", "held_on": today - (400 + i) * DAY,
                "period_start": today - (800 + i) * DAY, "period_end": today - (400 + i) * DAY, "status": "held",
                "chair": tenant_a.user, "participants": [tenant_a.user]})
            services.decision_add(tenant=tenant_a, review=review, text=f"Beslut {i:03d}", owner=tenant_a.user,
                                  due_date=today - DAY)
            Action(organisation=org_a, title=f"Åtgärd {i:03d}", due_date=today - (1 + i) * DAY).save()
            GoverningDocument(organisation=org_a, kind="policy", title=f"Policy {i:03d}", status=DocumentStatus.IN_FORCE,
                              adopted_on=datetime.date(2010, 1, 1), next_review=today - (30 + i) * DAY).save()
            risk = Risk(organisation=org_a, title=f"Risk {i:03d}", residual_likelihood=1 + i % 4,
                        residual_consequence=1 + i % 3)
            risk.save()
            Treatment(organisation=org_a, risk=risk, description=f"Åtgärd {i:03d}", due_date=today - DAY).save()

    return more


def test_the_list_page_reads_the_same_number_of_queries(login, coordinator, grow):
    client = login(coordinator[0])
    grow(3)
    small = _count(client, reverse("reviews:review_list"))
    grow(25)
    assert _count(client, reverse("reviews:review_list")) == small
    assert "Genomgång 027" in client.get(reverse("reviews:review_list")).content.decode()


def test_gathering_and_the_detail_page_read_the_same_number_of_queries(login, coordinator, tenant_a, review_a, grow):
    def gather() -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.review_gather(tenant=tenant_a, review=review_a)
        return len(ctx)

    client = login(coordinator[0])
    grow(3)
    gather()
    small, small_page = gather(), _count(client, review_a.get_absolute_url())
    grow(25)
    assert gather() == small
    assert _count(client, review_a.get_absolute_url()) == small_page
    assert "Beslut 027" in client.get(review_a.get_absolute_url()).content.decode()
