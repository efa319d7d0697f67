import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from actions.models import Action
from kpis import selectors, services
from kpis.models import KpiReport, KpiValue, KpiVerdict, last_ended_start, period_end, period_start
from kpis.tests.conftest import TODAY
from tests.factories import OrganisationFactory


@pytest.mark.parametrize("kind, day, start, end", [
    ("month", datetime.date(2026, 2, 14), datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
    ("month", datetime.date(2028, 2, 29), datetime.date(2028, 2, 1), datetime.date(2028, 2, 29)),
    ("quarter", datetime.date(2026, 12, 31), datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ("quarter", datetime.date(2026, 4, 1), datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
])
def test_period_boundaries(kind, day, start, end):
    assert period_start(kind, day) == start
    assert period_end(kind, start) == end


def test_last_ended_period():
    assert last_ended_start("month", datetime.date(2026, 12, 2)) == datetime.date(2026, 11, 1)
    assert last_ended_start("quarter", datetime.date(2026, 12, 2)) == datetime.date(2026, 7, 1)
    assert last_ended_start("quarter", datetime.date(2027, 1, 1)) == datetime.date(2026, 10, 1)


@pytest.mark.parametrize("unit, target, ok", [
    ("percent", "100", True), ("percent", "100.001", False), ("percent", "-0.001", False),
    ("count", "0", True), ("count", "-1", False), ("hours", "10000", True), ("days", "-2", False),
])
def test_target_must_be_in_the_units_range(make_definition, unit, target, ok):
    if ok:
        assert make_definition(unit=unit, target=Decimal(target)).pk
    else:
        with pytest.raises(ValidationError) as exc:
            make_definition(unit=unit, target=Decimal(target))
        assert "target" in exc.value.message_dict


def test_definition_is_addressed_only_to_customers(world, make_definition):
    stranger = OrganisationFactory(slug="annan-kommun")
    with pytest.raises(ValidationError) as exc:
        make_definition(to=[world["a"], stranger])
    assert "shared_with" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_definition(to=[])


def test_a_municipality_cannot_define_kpis(world):
    with pytest.raises(PermissionDenied):
        services.definition_save(tenant=world["t"]["a"], definition=None, data={})


def test_reported_from_is_stored_as_the_first_day_of_its_period(make_definition):
    d = make_definition(period="quarter", reported_from=datetime.date(2026, 5, 17))
    assert d.reported_from == datetime.date(2026, 4, 1)


def test_report_values_and_met(world, make_definition, report):
    d = make_definition()
    r = report(d, "99.7")
    value = KpiValue.objects.get(report=r)
    assert value.met is True
    low = make_definition(name="Fel", unit="count", target=Decimal(3), direction="lower")
    r2 = report(low, "4", start=datetime.date(2026, 9, 1))
    assert KpiValue.objects.get(report=r2).met is False
    assert r.submitted_by == world["people"]["manager"] and r.submitted_at is not None
    assert set(r.shared_with.all()) == {world["a"], world["b"]}


@pytest.mark.parametrize("start, message", [
    (datetime.date(2026, 10, 2), "first day"),
    (datetime.date(2026, 12, 1), "not ended"),
    (datetime.date(2026, 11, 30), "first day"),
])
def test_period_must_be_aligned_and_ended(world, make_definition, report, start, message):
    d = make_definition()
    with pytest.raises(ValidationError) as exc:
        report(d, "99", start=start)
    assert message in str(exc.value)
    assert KpiReport.objects.count() == 0


def test_november_may_be_reported_on_the_first_of_december(world, make_definition):
    d = make_definition()
    services.report_create(tenant=world["t"]["supplier"], period_kind="month", period_start=datetime.date(2026, 11, 1),
                           customers=[world["a"]], values=[services.ValueIn(d, Decimal(99))],
                           today=datetime.date(2026, 12, 1))
    with pytest.raises(ValidationError):
        services.report_create(tenant=world["t"]["supplier"], period_kind="month",
                               period_start=datetime.date(2026, 11, 1), customers=[world["a"]],
                               values=[services.ValueIn(d, Decimal(99))], today=datetime.date(2026, 11, 30))


def test_value_outside_the_units_range_is_refused_and_nothing_saved(world, make_definition, report):
    d = make_definition()
    with pytest.raises(ValidationError) as exc:
        report(d, "100.5")
    assert "between 0 and 100" in str(exc.value)
    assert KpiReport.objects.count() == 0 and KpiValue.objects.count() == 0


def test_definition_must_apply_to_every_addressed_customer(world, make_definition, report):
    only_a = make_definition(to=[world["a"]])
    with pytest.raises(ValidationError) as exc:
        report(only_a, "99")
    assert "does not apply" in str(exc.value)
    assert report(only_a, "99", to=[world["a"]]).pk


def test_quarterly_kpi_not_in_a_monthly_report(world, make_definition, report):
    q = make_definition(name="Återläsningstest", unit="count", target=1, period="quarter")
    with pytest.raises(ValidationError):
        report(q, "1")
    assert report(q, "1", start=datetime.date(2026, 7, 1), kind="quarter").pk


def test_report_refused_for_a_customer_not_served_and_for_a_non_supplier_role(world, make_definition, report):
    d = make_definition()
    stranger = OrganisationFactory(slug="annan")
    with pytest.raises(ValidationError):
        report(d, "99", to=[stranger])
    with pytest.raises(PermissionDenied):
        services.report_create(tenant=world["t"]["a"], period_kind="month", period_start=datetime.date(2026, 10, 1),
                               customers=[world["a"]], values=[services.ValueIn(d, Decimal(99))], today=TODAY)
    assert KpiReport.objects.count() == 0


def test_correction_supersedes_and_only_the_current_value_counts(world, make_definition, report):
    d = make_definition()
    first = report(d, "98")
    second = report(d, "99.8", to=[world["a"]])
    first.refresh_from_db()
    assert first.superseded_by is None  # still current for Kommun B
    series = selectors.trends(tenant=world["t"]["supplier"], definition=d)
    values = {org.slug: [p.value for p in points] for org, points in series.items()}
    assert values == {"kommun-a": [Decimal("99.8")], "kommun-b": [Decimal("98")]}
    third = report(d, "99.9", to=[world["a"]])
    second.refresh_from_db()
    assert second.superseded_by == third
    assert KpiReport.objects.count() == 3


def test_another_period_is_not_a_correction(world, make_definition, report):
    d = make_definition()
    first = report(d, "98")
    report(d, "99", start=datetime.date(2026, 9, 1))
    first.refresh_from_db()
    assert first.superseded_by is None


def test_not_delivered_periods(world, make_definition, report):
    d = make_definition(reported_from=datetime.date(2026, 9, 1))
    report(d, "99", start=datetime.date(2026, 9, 1))
    report(d, "99", start=datetime.date(2026, 10, 1), to=[world["a"]])
    found = selectors.missing(definitions=[d], today=TODAY)
    got = {(m.customer.slug, m.period_start, m.overdue) for m in found}
    assert got == {
        ("kommun-b", datetime.date(2026, 10, 1), True),   # due 10 November
        ("kommun-a", datetime.date(2026, 11, 1), False),  # due 10 December
        ("kommun-b", datetime.date(2026, 11, 1), False),
    }
    mine = selectors.missing(definitions=[d], today=TODAY, customer_ids={world["a"].pk})
    assert {m.customer.slug for m in mine} == {"kommun-a"}
    on_due_day = selectors.missing(definitions=[d], today=datetime.date(2026, 12, 10), customer_ids={world["a"].pk})
    assert [m.overdue for m in on_due_day] == [False]
    after = selectors.missing(definitions=[d], today=datetime.date(2026, 12, 11), customer_ids={world["a"].pk})
    assert [m.overdue for m in after] == [True]


def test_two_municipalities_each_give_their_own_verdict(world, make_definition, report):
    d = make_definition()
    r = report(d, "99")
    va = services.verdict_set(tenant=world["t"]["a"], report=r, verdict="approved")
    vb = services.verdict_set(tenant=world["t"]["b"], report=r, verdict="remarks", comment="Saknar kommentar")
    assert list(world["t"]["a"].scope(KpiVerdict)) == [va]
    assert list(world["t"]["b"].scope(KpiVerdict)) == [vb]
    assert set(world["t"]["supplier"].scope(KpiVerdict)) == {va, vb}
    assert va.decided_by == world["people"]["coord_a"] and va.decided_at is not None
    changed = services.verdict_set(tenant=world["t"]["a"], report=r, verdict="not_approved", comment="Fel", version=1)
    assert changed.pk == va.pk and changed.version == 2
    assert KpiVerdict.objects.count() == 2


def test_verdict_concurrency_and_comment_rules(world, make_definition, report):
    r = report(make_definition(), "99")
    with pytest.raises(ValidationError) as exc:
        services.verdict_set(tenant=world["t"]["a"], report=r, verdict="remarks", comment="  ")
    assert "comment" in exc.value.message_dict
    services.verdict_set(tenant=world["t"]["a"], report=r, verdict="approved")
    services.verdict_set(tenant=world["t"]["a"], report=r, verdict="approved", version=1)
    with pytest.raises(services.VerdictConflict):
        services.verdict_set(tenant=world["t"]["a"], report=r, verdict="remarks", comment="x", version=1)
    assert KpiVerdict.objects.get().verdict == "approved"


def test_supplier_and_auditor_cannot_decide(world, make_definition, report):
    r = report(make_definition(), "99")
    with pytest.raises(PermissionDenied):
        services.verdict_set(tenant=world["t"]["supplier"], report=r, verdict="approved")
    with pytest.raises(PermissionDenied):
        services.verdict_set(tenant=world["t"]["auditor_a"], report=r, verdict="approved")
    assert KpiVerdict.objects.count() == 0


def test_not_addressed_municipality_cannot_decide(world, make_definition, report):
    r = report(make_definition(), "99", to=[world["a"]])
    with pytest.raises(Http404):
        services.verdict_set(tenant=world["t"]["b"], report=r, verdict="approved")


def test_remarks_become_one_action(world, make_definition, report):
    r = report(make_definition(), "99")
    v = services.verdict_set(tenant=world["t"]["a"], report=r, verdict="remarks", comment="Förklara avvikelsen")
    action = services.verdict_to_action(tenant=world["t"]["a"], verdict=v)
    assert action.organisation == world["a"] and action.source == v
    with pytest.raises(ValidationError):
        services.verdict_to_action(tenant=world["t"]["a"], verdict=v)
    assert Action.objects.count() == 1
    ok = services.verdict_set(tenant=world["t"]["b"], report=r, verdict="approved")
    with pytest.raises(ValidationError):
        services.verdict_to_action(tenant=world["t"]["b"], verdict=ok)


def test_a_former_customer_keeps_what_it_received(world, make_definition, report):
    d = make_definition()
    r = report(d, "99")
    world["s"].customers.remove(world["b"])
    assert world["t"]["b"].scope(KpiReport).filter(pk=r.pk).exists()
    assert world["t"]["b"].scope(KpiValue).filter(report=r).count() == 1
    with pytest.raises(ValidationError):
        report(d, "99", start=datetime.date(2026, 9, 1))
    # The definition can still be changed without dropping the former customer.
    services.definition_save(tenant=world["t"]["supplier"], definition=d,
                             data={"name": "Ny", "shared_with": [world["a"], world["b"]]})
    assert set(d.shared_with.all()) == {world["a"], world["b"]}
