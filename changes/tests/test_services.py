import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actions.models import Action
from changes import rules, services
from changes.models import (
    AcceptanceTest,
    ChangeDecision,
    ChangeSettings,
    ChangeStep,
    Level,
    Separation,
    StandingApproval,
    Status,
)


def _now(minutes=0):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def _step(world, change, kind, who, *, by="lead", **extra):
    return services.step_record(tenant=world["t"][by], change=change, kind=kind, performed_by=world["people"][who],
                                performed_at=_now(5), **extra)


def _approve_all(world, change, **extra):
    services.decision_set(tenant=world["t"]["a"], change=change, decision="approve", **extra)
    services.decision_set(tenant=world["t"]["b"], change=change, decision="approve")


# Rules at their edges ----------------------------------------------------------------------------

@pytest.mark.parametrize("likelihood, consequence, level", [
    (1, 1, Level.LOW), (1, 3, Level.LOW), (2, 2, Level.MEDIUM), (2, 4, Level.MEDIUM), (3, 3, Level.HIGH),
    (4, 4, Level.HIGH), (None, 3, Level.MEDIUM)])
def test_risk_level_on_the_change_scale(likelihood, consequence, level):
    assert rules.risk_level(likelihood, consequence) == level


def test_separation_rules_per_kind():
    dev, tester, other = 1, 2, 3
    all3 = Separation.ALL_DIFFERENT
    assert rules.separation_problem(all3, "test", dev, developers={dev}, testers=set())
    assert rules.separation_problem(all3, "test", tester, developers={dev}, testers=set()) is None
    assert rules.separation_problem(all3, "deploy", tester, developers={dev}, testers={tester})
    assert rules.separation_problem(all3, "deploy", other, developers={dev}, testers={tester}) is None
    medium = Separation.DEVELOPER_NOT_DEPLOYER
    assert rules.separation_problem(medium, "deploy", dev, developers={dev}, testers=set())
    assert rules.separation_problem(medium, "deploy", tester, developers={dev}, testers={tester}) is None
    assert rules.separation_problem(medium, "test", dev, developers={dev}, testers=set()) is None
    assert rules.separation_problem(Separation.NONE, "deploy", dev, developers={dev}, testers={dev}) is None


def test_standard_change_approved_by_a_pre_approved_class():
    assert rules.approved_by(kind="standard", standard_class="Månadsuppdatering ", decision=None,
                             standing_classes={"månadsuppdatering"})
    assert not rules.approved_by(kind="normal", standard_class="Månadsuppdatering", decision=None,
                                 standing_classes={"månadsuppdatering"})
    assert not rules.approved_by(kind="standard", standard_class="Annat", decision="abstain",
                                 standing_classes={"månadsuppdatering"})


# Registration ----------------------------------------------------------------------------------

def test_change_addressed_to_the_owners_of_the_affected_systems(world, make_change):
    change = make_change()
    assert set(change.shared_with.all()) == {world["a"], world["b"]}
    assert change.risk_level == Level.HIGH
    only_a = make_change(systems=[world["system_a"]])
    assert list(only_a.shared_with.all()) == [world["a"]]


def test_change_cannot_address_an_organisation_not_served(world, make_change):
    with pytest.raises(ValidationError):
        make_change(systems=[], to=[world["c"]])


def test_change_window_must_end_after_it_starts(world, make_change):
    start = timezone.now()
    with pytest.raises(ValidationError) as exc:
        make_change(window_start=start, window_end=start)
    assert "window_end" in exc.value.message_dict


def test_municipality_files_a_request_that_the_it_company_registers(world, make_change):
    request = services.request_save(tenant=world["t"]["a"], request=None, data={
        "addressed_to": world["s"], "title": "Ny e-tjänst", "description": "Koppla e-tjänst till Procapita",
        "kind": "normal", "systems": [world["system_a"]], "wants_acceptance_test": True})
    assert world["t"]["dev"].scope(type(request)).filter(pk=request.pk).exists()
    assert not world["t"]["b"].scope(type(request)).filter(pk=request.pk).exists()
    change = make_change(systems=[], request=request)
    assert list(change.shared_with.all()) == [world["a"]]
    assert services.approval_state(change)["acceptance_wanted"] == {world["a"].pk}


def test_request_to_an_organisation_that_does_not_serve_us_is_refused(world):
    with pytest.raises(ValidationError):
        services.request_save(tenant=world["t"]["c"], request=None, data={
            "addressed_to": world["s"], "title": "X", "description": "Y", "kind": "normal"})


# CAB ------------------------------------------------------------------------------------------

def test_papers_go_to_the_deciders_of_each_affected_municipality(world, make_change, cab):
    change = make_change()
    meeting = cab()
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
    services.papers_send(tenant=world["t"]["dev"], meeting=meeting)
    change.refresh_from_db()
    assert change.status == Status.PAPERS_SENT and change.papers_sent_at
    assert set(meeting.shared_with.all()) == {world["a"], world["b"]}


@pytest.mark.django_db(transaction=True)
def test_papers_e_mail_reaches_deciders_only(world, make_change, cab):
    change = make_change()
    meeting = cab()
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
    services.papers_send(tenant=world["t"]["dev"], meeting=meeting)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["coordinator@kommun-a.example", "coordinator@kommun-b.example",
                          "system_owner@kommun-a.example"]
    assert change.reference in mail.outbox[0].body


def test_papers_for_a_cab_in_the_past_are_refused(world, make_change, cab):
    change = make_change()
    meeting = cab(days=3)
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
    later = timezone.now() + datetime.timedelta(days=4)
    with pytest.raises(ValidationError) as exc:
        services.papers_send(tenant=world["t"]["dev"], meeting=meeting, now=later)
    assert "already taken place" in str(exc.value)
    change.refresh_from_db()
    assert change.papers_sent_at is None
    with pytest.raises(ValidationError):
        services.change_schedule(tenant=world["t"]["dev"], change=make_change(), meeting=cab(days=-1))


# Decisions ------------------------------------------------------------------------------------

def test_each_municipality_decides_for_itself(world, make_change):
    change = make_change()
    services.decision_set(tenant=world["t"]["a"], change=change, decision="approve")
    services.decision_set(tenant=world["t"]["b"], change=change, decision="conditions",
                          conditions="Endast efter kl. 18", wants_acceptance_test=True)
    assert world["t"]["a"].scope(ChangeDecision).filter(change=change).count() == 1  # not B's
    assert world["t"]["dev"].scope(ChangeDecision).filter(change=change).count() == 2
    state = services.approval_state(change)
    assert state["approved"] == {world["a"].pk, world["b"].pk}
    assert state["acceptance_wanted"] == {world["b"].pk}


def test_conditions_and_rejections_need_their_text(world, make_change):
    change = make_change()
    with pytest.raises(ValidationError):
        services.decision_set(tenant=world["t"]["a"], change=change, decision="conditions")
    with pytest.raises(ValidationError):
        services.decision_set(tenant=world["t"]["a"], change=change, decision="reject")
    assert not ChangeDecision.objects.exists()


def test_a_decision_by_an_organisation_not_affected_is_refused(world, make_change):
    change = make_change(systems=[world["system_a"]])
    with pytest.raises(Http404):
        services.decision_set(tenant=world["t"]["b"], change=change, decision="approve")
    with pytest.raises(Http404):
        services.decision_set(tenant=world["t"]["c"], change=change, decision="approve")
    with pytest.raises(PermissionDenied):
        services.decision_set(tenant=world["t"]["dev"], change=change, decision="approve")
    with pytest.raises(PermissionDenied):
        services.decision_set(tenant=world["t"]["reader_a"], change=change, decision="approve")
    assert not ChangeDecision.objects.exists()


def test_concurrent_decisions_never_overwrite_each_other(world, make_change):
    change = make_change()
    first = services.decision_set(tenant=world["t"]["a"], change=change, decision="approve")
    services.decision_set(tenant=world["t"]["owner_a"], change=change, decision="reject", comment="Fel tid",
                          version=first.version)
    with pytest.raises(services.DecisionConflict):
        services.decision_set(tenant=world["t"]["a"], change=change, decision="abstain", version=first.version)
    assert ChangeDecision.objects.get().decision == "reject"


# Implementation --------------------------------------------------------------------------------

def test_deployment_before_every_municipality_approved_is_refused(world, make_change):
    change = make_change(likelihood=1, consequence=1)
    services.decision_set(tenant=world["t"]["a"], change=change, decision="approve")
    _step(world, change, "develop", "dev")
    with pytest.raises(ValidationError) as exc:
        _step(world, change, "deploy", "lead")
    assert "Kommun B" in str(exc.value)
    services.decision_set(tenant=world["t"]["b"], change=change, decision="abstain")
    with pytest.raises(ValidationError):
        _step(world, change, "deploy", "lead")
    assert not ChangeStep.objects.filter(kind="deploy").exists()
    change.refresh_from_db()
    assert change.status == Status.IN_PROGRESS


def test_developer_cannot_deploy_a_high_risk_change(world, make_change):
    change = make_change()
    _approve_all(world, change)
    _step(world, change, "develop", "dev", by="dev")
    with pytest.raises(ValidationError) as exc:
        _step(world, change, "test", "dev", by="dev")
    assert "someone other than the developer tests" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _step(world, change, "deploy", "tester", by="dev")
    assert "successful test" in str(exc.value)
    _step(world, change, "test", "tester", by="dev")
    with pytest.raises(ValidationError):
        _step(world, change, "deploy", "dev", by="dev")
    with pytest.raises(ValidationError):
        _step(world, change, "deploy", "tester", by="dev")
    _step(world, change, "deploy", "lead", by="dev")
    change.refresh_from_db()
    assert change.status == Status.DEPLOYED and change.separation_met and not change.separation_excepted


def test_medium_rule_only_keeps_the_developer_from_deploying(world, make_change):
    change = make_change(likelihood=2, consequence=2)
    _approve_all(world, change)
    _step(world, change, "develop", "dev")
    with pytest.raises(ValidationError):
        _step(world, change, "deploy", "dev")
    _step(world, change, "deploy", "tester")


def test_the_rule_is_configurable_per_organisation(world, make_change):
    services.settings_save(tenant=world["t"]["lead"], data={"separation_high": Separation.NONE})
    change = make_change()
    _approve_all(world, change)
    _step(world, change, "develop", "dev")
    _step(world, change, "deploy", "dev")
    assert ChangeSettings.objects.get().papers_lead_days == 5


def test_an_exception_is_authorised_with_its_reason_and_stays_visible(world, make_change):
    change = make_change(likelihood=2, consequence=2)
    _approve_all(world, change)
    _step(world, change, "develop", "dev")
    with pytest.raises(ValidationError) as exc:
        _step(world, change, "deploy", "dev", by="dev", exception_reason="Ensam i beredskap")
    assert "may not authorise" in str(exc.value)
    step = _step(world, change, "deploy", "dev", by="lead", exception_reason="Ensam i beredskap under helgen")
    assert step.exception_by == world["people"]["lead"] and step.exception_at
    change.refresh_from_db()
    assert change.separation_excepted and change.separation_met is False
    assert world["t"]["a"].scope(ChangeStep).filter(pk=step.pk, exception_reason__startswith="Ensam").exists()


def test_acceptance_test_asked_for_must_pass_before_deployment(world, make_change):
    change = make_change(likelihood=1, consequence=1)
    _approve_all(world, change, wants_acceptance_test=True)
    with pytest.raises(ValidationError):  # not developed yet
        services.acceptance_record(tenant=world["t"]["a"], change=change, tested_by=world["people"]["coord_a"],
                                   tested_at=_now(1), passed=True)
    _step(world, change, "develop", "dev")
    with pytest.raises(ValidationError) as exc:
        _step(world, change, "deploy", "lead")
    assert "acceptance test" in str(exc.value)
    failed = services.acceptance_record(tenant=world["t"]["a"], change=change, tested_by=world["people"]["coord_a"],
                                        tested_at=_now(2), passed=False, comment="Utskrift fungerar inte")
    with pytest.raises(ValidationError):
        _step(world, change, "deploy", "lead")
    services.acceptance_record(tenant=world["t"]["a"], change=change, tested_by=world["people"]["coord_a"],
                               tested_at=_now(1), passed=True, version=failed.version)
    _step(world, change, "deploy", "lead")
    change.refresh_from_db()
    assert change.acceptance_met is True


def test_acceptance_test_recorded_by_the_supplier_is_refused(world, make_change):
    change = make_change()
    _step(world, change, "develop", "dev")
    with pytest.raises(PermissionDenied):
        services.acceptance_record(tenant=world["t"]["dev"], change=change, tested_by=world["people"]["dev"],
                                   tested_at=_now(1), passed=True)
    with pytest.raises(ValidationError):  # the tester must be a member of the municipality
        services.acceptance_record(tenant=world["t"]["a"], change=change, tested_by=world["people"]["dev"],
                                   tested_at=_now(1), passed=True)
    assert not AcceptanceTest.objects.exists()


def test_emergency_change_proceeds_before_the_cab_and_awaits_review(world, make_change):
    change = make_change(kind="emergency", likelihood=1, consequence=1)
    _step(world, change, "develop", "dev")
    _step(world, change, "deploy", "lead")
    change.refresh_from_db()
    state = services.approval_state(change)
    assert rules.needs_review(kind=change.kind, deployed=True, addressees=set(state["addressees"]),
                              decided=state["decided"])
    decision = services.decision_set(tenant=world["t"]["a"], change=change, decision="approve")
    assert decision.after_deployment


def test_standard_change_pre_approved_by_class(world, make_change):
    services.standing_approval_save(tenant=world["t"]["a"], supplier=world["s"], change_class="Månadsuppdatering")
    services.standing_approval_save(tenant=world["t"]["b"], supplier=world["s"], change_class="månadsuppdatering")
    change = make_change(kind="standard", standard_class="Månadsuppdatering", likelihood=1, consequence=1)
    _step(world, change, "develop", "dev")
    _step(world, change, "deploy", "lead")
    assert world["t"]["dev"].scope(StandingApproval).count() == 2
    with pytest.raises(ValidationError):
        services.standing_approval_save(tenant=world["t"]["c"], supplier=world["s"], change_class="X")


def test_closing_report_confirmed_or_remark_becomes_an_action(world, make_change):
    change = make_change(likelihood=1, consequence=1)
    _approve_all(world, change)
    with pytest.raises(ValidationError):
        services.change_close(tenant=world["t"]["dev"], change=change, report="Klart")
    _step(world, change, "develop", "dev")
    _step(world, change, "deploy", "lead")
    with pytest.raises(ValidationError):
        services.closing_answer(tenant=world["t"]["a"], change=change, outcome="confirmed")
    services.change_close(tenant=world["t"]["dev"], change=change, report="Genomförd utan störning.")
    services.closing_answer(tenant=world["t"]["a"], change=change, outcome="confirmed")
    answer = services.closing_answer(tenant=world["t"]["b"], change=change, outcome="remark",
                                     comment="Användarna informerades inte")
    action = Action.objects.get()
    assert answer.action == action and action.organisation == world["b"]
    with pytest.raises(PermissionDenied):
        services.closing_answer(tenant=world["t"]["dev"], change=change, outcome="confirmed")


def test_test_environment_provided_only_for_an_addressee(world, make_change):
    change = make_change(systems=[world["system_a"]])
    services.test_environment_set(tenant=world["t"]["dev"], change=change, organisation=world["a"], provided=True)
    assert list(change.test_environment_for.all()) == [world["a"]]
    with pytest.raises(ValidationError):
        services.test_environment_set(tenant=world["t"]["dev"], change=change, organisation=world["b"],
                                      provided=True)
    with pytest.raises(PermissionDenied):
        services.test_environment_set(tenant=world["t"]["a"], change=change, organisation=world["a"],
                                      provided=True)


def test_two_first_decisions_at_once_the_second_is_told_not_saved(world, make_change, monkeypatch):
    """Two members of one municipality decide at the same moment: both read "no decision yet";
    the unique constraint refuses the second, which gets the conflict with the first decision."""
    from core.tenancy import Tenant

    change = make_change()
    first = services.decision_set(tenant=world["t"]["a"], change=change, decision="approve")
    monkeypatch.setattr(Tenant, "my_responses", lambda self, model: model.objects.none())
    with pytest.raises(services.DecisionConflict) as exc:
        services.decision_set(tenant=world["t"]["owner_a"], change=change, decision="reject", comment="Nej")
    assert exc.value.current.pk == first.pk
    assert ChangeDecision.objects.get().decision == "approve"
