"""selectors.missing counts delivered periods in the database: a correction is one period, not two."""

import datetime

from kpis import selectors
from kpis.tests.conftest import TODAY


def test_a_corrected_period_counts_once_and_the_others_stay_missing(world, make_definition, report):
    d = make_definition(reported_from=datetime.date(2026, 10, 1))  # October and November expected
    report(d, "98", start=datetime.date(2026, 10, 1), to=[world["a"]])
    report(d, "99", start=datetime.date(2026, 10, 1), to=[world["a"]])  # a correction of October
    found = {(m.customer.slug, m.period_start) for m in selectors.missing(definitions=[d], today=TODAY)}
    assert found == {("kommun-a", datetime.date(2026, 11, 1)),
                     ("kommun-b", datetime.date(2026, 10, 1)), ("kommun-b", datetime.date(2026, 11, 1))}


def test_a_fully_delivered_kpi_has_nothing_missing(world, make_definition, report):
    d = make_definition(reported_from=datetime.date(2026, 10, 1))
    report(d, "99", start=datetime.date(2026, 10, 1))
    report(d, "99", start=datetime.date(2026, 11, 1))
    assert selectors.missing(definitions=[d], today=TODAY) == []
    assert selectors.missing(definitions=[d], today=TODAY, customer_ids={world["b"].pk}) == []
