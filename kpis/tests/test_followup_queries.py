"""The follow-up page: a constant number of queries whatever the number of KPIs and periods."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis import selectors, services
from kpis.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
URL = "/kpis/follow-up/"


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _grow(world, make_definition, names, months):
    for name in names:
        d = make_definition(name=name)
        for month in months:
            services.report_create(tenant=world["t"]["supplier"], period_kind="month",
                                   period_start=datetime.date(2026, month, 1), customers=[world["a"], world["b"]],
                                   values=[services.ValueIn(d, Decimal(90) + month)], today=TODAY)


def test_the_followup_page_runs_a_constant_number_of_queries(world, make_definition, login, client):
    login(world["people"]["coord_a"])
    _grow(world, make_definition, ["K0", "K1"], [1, 2])
    client.get(URL)  # the first request of a session loads more (session, memberships)
    small, _ = _count(client, URL)
    _grow(world, make_definition, [f"K{i}" for i in range(2, 12)], [1, 2, 3, 4, 5, 6])
    large, page = _count(client, URL)
    assert "K11" in page
    assert large == small


def test_trends_of_many_is_the_trend_of_each(world, make_definition, report):
    one, two = make_definition(name="Ett"), make_definition(name="Två")
    report(one, "99.9")
    report(two, "90")
    report(one, "99.1", start=datetime.date(2026, 11, 1))
    tenant = world["t"]["a"]
    together = selectors.trends_of(tenant=tenant, definitions=[one, two], customer_ids={world["a"].pk})
    for d in (one, two):
        assert together[d.pk] == selectors.trends(tenant=tenant, definition=d, customer_ids={world["a"].pk})
    assert [p.value for p in together[one.pk][world["a"]]] == [Decimal("99.9"), Decimal("99.1")]
    assert list(together[two.pk]) == [world["a"]]
