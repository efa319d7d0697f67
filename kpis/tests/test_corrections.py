"""Corrections per (customer, KPI): a partial correction for one customer leaves the others current."""

import datetime
from decimal import Decimal

import pytest

from kpis import selectors, services
from kpis.models import KpiCorrection
from kpis.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
OCT = datetime.date(2026, 10, 1)


def _report(world, to, values):
    return services.report_create(tenant=world["t"]["supplier"], period_kind="month", period_start=OCT, customers=to,
                                  values=[services.ValueIn(d, Decimal(v)) for d, v in values], today=TODAY)


def _pairs(report):
    return set(KpiCorrection.objects.filter(earlier=report).values_list("customer__slug", "definition__name"))


def _status(client, report):
    """The report list and the report page, in English (the words compared below)."""
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    return (client.get("/kpis/reports/", **english).content.decode(),
            client.get(f"/kpis/reports/{report.pk}/", **english).content.decode())


def test_a_full_correction_supersedes_the_earlier_report(world, make_definition):
    d, e = make_definition(name="Tillg"), make_definition(name="Inc", unit="count", target=Decimal(3), direction="lower")
    first = _report(world, [world["a"], world["b"]], [(d, "98"), (e, "2")])
    second = _report(world, [world["a"], world["b"]], [(d, "99"), (e, "1")])
    first.refresh_from_db()
    assert first.superseded_by == second
    assert _pairs(first) == {("kommun-a", "Tillg"), ("kommun-b", "Tillg"), ("kommun-a", "Inc"), ("kommun-b", "Inc")}


def test_a_partial_correction_for_one_customer_leaves_the_other_current(world, make_definition, login, client):
    d, e = make_definition(name="Tillg"), make_definition(name="Inc", unit="count", target=Decimal(3), direction="lower")
    first = _report(world, [world["a"], world["b"]], [(d, "98"), (e, "2")])
    second = _report(world, [world["a"]], [(d, "99.7")])
    first.refresh_from_db()
    assert first.superseded_by is None
    assert _pairs(first) == {("kommun-a", "Tillg")}
    # Trends: A's corrected value, B's original one.
    for who, org, value in (("a", world["a"], "99.7"), ("b", world["b"], "98")):
        series = selectors.trends(tenant=world["t"][who], definition=d, customer_ids={org.pk})
        assert [p.value for p in series[org]] == [Decimal(value)]
    # A: the earlier report is partly corrected and links to the correction; B: it is current.
    login(world["people"]["coord_a"])
    listing, detail = _status(client, first)
    assert "Partly corrected" in listing and "Partly corrected" in detail
    assert f"/kpis/reports/{second.pk}/" in detail
    login(world["people"]["coord_b"])
    listing, detail = _status(client, first)
    assert "corrected" not in listing.lower().replace("corrected by", "") and "Partly corrected" not in detail
    assert f"/kpis/reports/{second.pk}/" not in detail
    # Awaiting a verdict: A still has the earlier report's Inc value current; B has the earlier report.
    assert set(selectors.addressed_reports(tenant=world["t"]["b"], awaiting=True)) == {first}
    assert set(selectors.addressed_reports(tenant=world["t"]["a"], awaiting=True)) == {first, second}


def test_a_report_fully_corrected_for_one_customer_no_longer_awaits_its_verdict(world, make_definition, login, client):
    d = make_definition(name="Tillg")
    first = _report(world, [world["a"], world["b"]], [(d, "98")])
    second = _report(world, [world["a"]], [(d, "99.7")])
    assert set(selectors.addressed_reports(tenant=world["t"]["a"], awaiting=True)) == {second}
    assert set(selectors.addressed_reports(tenant=world["t"]["b"], awaiting=True)) == {first}
    login(world["people"]["coord_a"])
    listing, detail = _status(client, first)
    assert "Partly corrected" not in detail and "<dd>Corrected</dd>" in detail


def test_a_correction_of_a_correction(world, make_definition):
    d = make_definition(name="Tillg")
    first = _report(world, [world["a"], world["b"]], [(d, "98")])
    second = _report(world, [world["a"]], [(d, "99")])
    third = _report(world, [world["a"]], [(d, "99.9")])
    first.refresh_from_db(), second.refresh_from_db()
    assert _pairs(first) == {("kommun-a", "Tillg")}  # corrected once, by the second
    assert KpiCorrection.objects.get(earlier=first).report == second
    assert second.superseded_by == third and first.superseded_by is None
    series = selectors.trends(tenant=world["t"]["supplier"], definition=d)
    assert {o.slug: [p.value for p in ps] for o, ps in series.items()} == {
        "kommun-a": [Decimal("99.9")], "kommun-b": [Decimal("98")]}
    fourth = _report(world, [world["b"]], [(d, "97")])
    first.refresh_from_db()
    assert first.superseded_by == fourth  # now every pair of it is corrected


def test_the_supplier_sees_every_correction_and_a_municipality_only_its_own(world, make_definition):
    d = make_definition(name="Tillg")
    first = _report(world, [world["a"], world["b"]], [(d, "98")])
    _report(world, [world["a"]], [(d, "99")])
    corrected, _ = selectors.report_corrections(tenant=world["t"]["supplier"], report=first)
    assert [c.customer.slug for c in corrected] == ["kommun-a"]
    assert selectors.report_corrections(tenant=world["t"]["b"], report=first) == ([], [])
