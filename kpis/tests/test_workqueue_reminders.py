import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis import reminders, services, workqueue
from kpis.tests.conftest import TODAY


def test_supplier_queue_shows_due_periods_and_remarks(world, make_definition, report):
    d = make_definition(reported_from=datetime.date(2026, 10, 1))
    r = report(d, "99")
    services.verdict_set(tenant=world["t"]["a"], report=r, verdict="remarks", comment="Orsak saknas")
    groups = workqueue.items(tenant=world["t"]["supplier"], today=TODAY)
    assert [g.total for g in groups] == [2, 1]  # November for A and B; A's remarks
    assert groups[0].items[0].overdue is False


def test_municipality_queue_shows_reports_awaiting_its_verdict(world, make_definition, report):
    r = report(make_definition(), "99")
    assert [g.total for g in workqueue.items(tenant=world["t"]["a"], today=TODAY)] == [1]
    services.verdict_set(tenant=world["t"]["a"], report=r, verdict="approved")
    assert workqueue.items(tenant=world["t"]["a"], today=TODAY) == []
    assert [g.total for g in workqueue.items(tenant=world["t"]["b"], today=TODAY)] == [1]
    assert workqueue.items(tenant=world["t"]["auditor_a"], today=TODAY) == []


def test_queue_query_count_is_constant(world, make_definition, report):
    for i in range(2):
        report(make_definition(name=f"K{i}"), "99")
    with CaptureQueriesContext(connection) as small:
        workqueue.items(tenant=world["t"]["a"], today=TODAY)
    for i in range(2, 8):
        report(make_definition(name=f"K{i}"), "99")
    with CaptureQueriesContext(connection) as large:
        workqueue.items(tenant=world["t"]["a"], today=TODAY)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_reminders_go_to_service_managers(world, make_definition, report, member):
    d = make_definition(reported_from=datetime.date(2026, 10, 1))
    report(d, "99", to=[world["a"]])
    found = list(reminders.reports_due(today=TODAY, horizon=TODAY + datetime.timedelta(days=7)))
    assert {(r.recipient_id, r.title.split(":")[0]) for r in found} == {
        (world["people"]["manager"].pk, "KPI report 2026-10")}
    later = list(reminders.reports_due(today=TODAY, horizon=TODAY + datetime.timedelta(days=10)))
    assert len(later) == 3  # October for B (late), November for A and B
