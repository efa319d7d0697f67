import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from changes import findings, reminders, services, workqueue
from changes.models import Change
from core.tenancy import organisation_reader


def _titles(groups):
    return {g.title: [i.title for i in g.items] for g in groups}


def _deploy(world, change, developer="dev", deployer="lead", tester=None, at=None, **extra):
    at = at or timezone.now() - datetime.timedelta(hours=1)
    services.step_record(tenant=world["t"]["lead"], change=change, kind="develop",
                         performed_by=world["people"][developer], performed_at=at)
    if tester:
        services.step_record(tenant=world["t"]["lead"], change=change, kind="test",
                             performed_by=world["people"][tester], performed_at=at)
    services.step_record(tenant=world["t"]["lead"], change=change, kind="deploy",
                         performed_by=world["people"][deployer], performed_at=at, **extra)


def test_work_queue_of_municipality_and_it_company(world, make_change, cab):
    today = timezone.localdate()
    change = make_change()
    meeting = cab(days=4)
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
    it = _titles(workqueue.items(tenant=world["t"]["dev"], today=today))
    assert it["CAB papers to send"] == [str(change)]
    assert _titles(workqueue.items(tenant=world["t"]["a"], today=today))["Changes awaiting our decision"] == [
        str(change)]
    services.papers_send(tenant=world["t"]["dev"], meeting=meeting)
    services.decision_set(tenant=world["t"]["a"], change=change, decision="approve", wants_acceptance_test=True)
    groups = _titles(workqueue.items(tenant=world["t"]["a"], today=today))
    assert "Changes awaiting our decision" not in groups
    assert groups["Changes to test before deployment"] == [str(change)]
    assert workqueue.items(tenant=world["t"]["reader_a"], today=today) == []


def test_work_queue_reads_a_constant_number_of_queries(world, make_change):
    today = timezone.localdate()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            workqueue.items(tenant=world["t"]["a"], today=today)
            workqueue.items(tenant=world["t"]["dev"], today=today)
        return len(ctx)

    make_change()
    few = count()
    for _ in range(6):
        make_change()
    assert count() == few


def test_reminders_of_papers_and_decisions(world, make_change, cab):
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=7)
    change = make_change()
    meeting = cab(days=9)  # papers due 4 days from now (5 days ahead)
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
    found = list(reminders.papers_due(today=today, horizon=horizon))
    assert {r.recipient_id for r in found} == {world["people"][k].pk for k in ("dev", "tester", "lead")}
    assert found[0].due == timezone.localtime(meeting.starts_at).date() - datetime.timedelta(days=5)
    services.papers_send(tenant=world["t"]["dev"], meeting=meeting)
    later = list(reminders.papers_due(today=today, horizon=today + datetime.timedelta(days=10)))
    keys = {r.key for r in later}
    assert f"change-decision:{change.pk}:{world['a'].pk}" in keys and not any(k.startswith("change-papers")
                                                                             for k in keys)
    services.decision_set(tenant=world["t"]["a"], change=change, decision="approve")
    keys = {r.key for r in reminders.papers_due(today=today, horizon=today + datetime.timedelta(days=10))}
    assert keys == {f"change-decision:{change.pk}:{world['b'].pk}"}


def _found(rule_key, org, today=None):
    rule = next(r for r in findings.RULES if r.key == rule_key)
    return rule.check(organisation_reader(org), today=today or timezone.localdate())


def test_findings_deployed_without_separation_or_acceptance(world, make_change):
    services.settings_save(tenant=world["t"]["lead"], data={"separation_medium": "none", "separation_high": "none"})
    seed_situation = make_change(likelihood=2, consequence=2, systems=[world["system_a"]])
    services.decision_set(tenant=world["t"]["a"], change=seed_situation, decision="approve")
    _deploy(world, seed_situation, developer="dev", deployer="dev")
    separated = make_change(likelihood=2, consequence=2, systems=[world["system_a"]])
    services.decision_set(tenant=world["t"]["a"], change=separated, decision="approve")
    _deploy(world, separated, developer="dev", tester="tester", deployer="lead")
    emergency = make_change(kind="emergency", likelihood=1, consequence=1, systems=[world["system_a"]])
    services.decision_set(tenant=world["t"]["a"], change=emergency, decision="approve", wants_acceptance_test=True)
    _deploy(world, emergency)
    assert [e.key for e in _found("changes.without_separation", world["a"])] == [
        f"changes.without_separation:{seed_situation.pk}"]
    assert [e.key for e in _found("changes.without_separation", world["s"])] == [
        f"changes.without_separation:{seed_situation.pk}"]
    assert _found("changes.without_separation", world["b"]) == []
    assert [e.key for e in _found("changes.without_acceptance", world["a"])] == [
        f"changes.without_acceptance:{emergency.pk}"]


def test_findings_closing_reports_and_emergency_reviews(world, make_change):
    change = make_change(likelihood=1, consequence=1)
    services.decision_set(tenant=world["t"]["a"], change=change, decision="approve")
    services.decision_set(tenant=world["t"]["b"], change=change, decision="approve")
    _deploy(world, change)
    services.change_close(tenant=world["t"]["dev"], change=change, report="Klart",
                          at=timezone.now() - datetime.timedelta(days=40))
    services.closing_answer(tenant=world["t"]["a"], change=change, outcome="confirmed")
    assert _found("changes.closing_not_confirmed", world["a"]) == []
    assert len(_found("changes.closing_not_confirmed", world["b"])) == 1
    assert len(_found("changes.closing_not_confirmed", world["s"])) == 1
    emergency = make_change(kind="emergency", likelihood=1, consequence=1)
    _deploy(world, emergency, at=timezone.now() - datetime.timedelta(days=45))
    services.decision_set(tenant=world["t"]["a"], change=emergency, decision="approve")
    assert _found("changes.emergency_not_reviewed", world["a"]) == []
    assert len(_found("changes.emergency_not_reviewed", world["b"])) == 1
    assert Change.objects.get(pk=emergency.pk).status == "deployed"
