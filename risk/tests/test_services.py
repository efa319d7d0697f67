"""Risk services: links, versions, acceptance, orphaned risks, treatment → action, the matrix."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions import services as action_services
from actions.models import Action
from inventory import services as inventory_services
from risk import selectors, services
from risk.models import Risk, RiskMatrix, RiskStatus, RiskSystem, Treatment
from tests.factories import InformationTypeFactory, SupplierFactory, SystemFactory
from trail.chain import verify
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- creating and changing risks -------------------------------------------------------------


def test_a_risk_links_the_organisations_own_records(make_risk, org_a, system_a, people):
    info = InformationTypeFactory(organisation=org_a, name="Socialtjänstakter")
    supplier = SupplierFactory(organisation=org_a, name="Omsorgsdata AB")
    risk = make_risk("Ransomware", systems=[system_a], information_types=[info], suppliers=[supplier],
                     owner=people["system_owner"], inherent=(3, 4), residual=(2, 4))
    assert [(link.system_id, link.system_name) for link in risk.system_links.all()] == [(system_a.pk, system_a.name)]
    assert list(risk.information_types.all()) == [info]
    assert list(risk.suppliers.all()) == [supplier]
    assert (risk.inherent_score, risk.residual_score, risk.status) == (12, 8, RiskStatus.ASSESSED)


@pytest.mark.parametrize("field", ["systems", "information_types", "suppliers"])
def test_another_organisations_records_cannot_be_linked(make_risk, org_b, field):
    foreign = {"systems": SystemFactory, "information_types": InformationTypeFactory,
               "suppliers": SupplierFactory}[field](organisation=org_b)
    with pytest.raises(ValidationError) as info:
        make_risk("Intrång", **{field: [foreign]})
    assert list(info.value.message_dict) == [field]
    assert Risk.objects.count() == 0


def test_the_owner_must_be_a_member(make_risk, org_b, member):
    with pytest.raises(ValidationError) as info:
        make_risk("X", owner=member(org_b, "coordinator"))
    assert list(info.value.message_dict) == ["owner"]
    assert Risk.objects.count() == 0


def test_levels_beyond_the_scale_and_half_assessments_are_refused(make_risk):
    with pytest.raises(ValidationError) as info:
        make_risk("X", inherent=(5, 1))
    assert list(info.value.message_dict) == ["inherent_likelihood"]
    with pytest.raises(ValidationError) as info:
        make_risk("X", residual_likelihood=2)
    assert list(info.value.message_dict) == ["residual_consequence"]
    assert Risk.objects.count() == 0


def test_reading_never_creates_the_matrix_but_the_first_risk_does(as_role, make_risk, org_a):
    matrix = selectors.matrix_for(as_role("reader"))
    assert (matrix.pk, matrix.likelihood_size, matrix.consequence_size) == (None, 4, 4)
    assert RiskMatrix.objects.count() == 0
    make_risk("X")
    assert list(RiskMatrix.objects.values_list("organisation_id", "likelihood_size")) == [(org_a.pk, 4)]


def test_a_stale_version_is_refused_and_nothing_changes(make_risk, as_role):
    risk = make_risk("Original")
    services.risk_update(tenant=as_role("coordinator"), risk=risk, data={"title": "Första"}, version=1)
    with pytest.raises(services.VersionConflict) as info:
        services.risk_update(tenant=as_role("system_administrator"), risk=risk, data={"title": "Andra"}, version=1)
    assert info.value.current.version == 2
    risk.refresh_from_db()
    assert (risk.title, risk.version) == ("Första", 2)


def test_a_reader_may_not_create_or_change(make_risk, as_role):
    risk = make_risk("X")
    with pytest.raises(PermissionDenied):
        services.risk_create(tenant=as_role("reader"), data={"title": "Y"})
    with pytest.raises(PermissionDenied):
        services.risk_update(tenant=as_role("auditor"), risk=risk, data={"title": "Y"}, version=1)
    assert list(Risk.objects.values_list("title", "version")) == [("X", 1)]


def test_status_accepted_cannot_be_set_without_the_acceptance(make_risk):
    with pytest.raises(ValidationError) as info:
        make_risk("X", residual=(1, 1), status=RiskStatus.ACCEPTED)
    assert list(info.value.message_dict) == ["status"]
    assert Risk.objects.count() == 0


# --- acceptance ----------------------------------------------------------------------------------


def test_the_system_owner_accepts_a_residual_risk_above_the_threshold(make_risk, as_role, people):
    risk = make_risk("Ransomware", residual=(2, 4), owner=people["system_owner"])  # 8: high, above "medium"
    accepted = services.risk_accept(tenant=as_role("system_owner"), risk=risk, justification="  Beslut i KS.  ",
                                    version=risk.version)
    assert (accepted.status, accepted.accepted_by, accepted.acceptance_justification) == (
        RiskStatus.ACCEPTED, people["system_owner"], "Beslut i KS.")
    assert accepted.accepted_at is not None
    assert accepted.version == 2


@pytest.mark.parametrize("role", ["coordinator", "system_administrator"])
def test_others_who_analyse_may_not_accept_above_the_threshold(make_risk, as_role, role):
    risk = make_risk("Ransomware", residual=(2, 4))
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.risk_accept(tenant=as_role(role), risk=risk, justification="Vi tål det.", version=risk.version)
    risk.refresh_from_db()
    assert (risk.status, risk.accepted_at, risk.accepted_by, risk.version) == (RiskStatus.ASSESSED, None, None, 1)
    assert AuditEntry.objects.count() == entries


def test_a_coordinator_accepts_within_the_threshold_with_a_justification(make_risk, as_role, people):
    risk = make_risk("Felskickad e-post", residual=(3, 2))  # 6: medium, at the threshold
    accepted = services.risk_accept(tenant=as_role("coordinator"), risk=risk, justification="Inom kriterierna.",
                                    version=1)
    assert (accepted.status, accepted.accepted_by) == (RiskStatus.ACCEPTED, people["coordinator"])


@pytest.mark.parametrize("justification", ["", "   "])
def test_a_justification_is_required(make_risk, as_role, justification):
    risk = make_risk("X", residual=(1, 1))
    with pytest.raises(ValidationError) as info:
        services.risk_accept(tenant=as_role("system_owner"), risk=risk, justification=justification, version=1)
    assert list(info.value.message_dict) == ["justification"]
    risk.refresh_from_db()
    assert (risk.status, risk.accepted_at) == (RiskStatus.ASSESSED, None)


def test_an_unassessed_residual_risk_cannot_be_accepted(make_risk, as_role):
    risk = make_risk("X", inherent=(2, 2))
    with pytest.raises(ValidationError):
        services.risk_accept(tenant=as_role("system_owner"), risk=risk, justification="Ok", version=1)
    assert Risk.objects.get().accepted_at is None


def test_a_reader_may_not_accept_even_a_low_risk(make_risk, as_role):
    risk = make_risk("X", residual=(1, 1))
    with pytest.raises(PermissionDenied):
        services.risk_accept(tenant=as_role("reader"), risk=risk, justification="Ok", version=1)
    assert Risk.objects.get().accepted_at is None


def test_a_new_residual_assessment_withdraws_the_acceptance(make_risk, as_role):
    risk = make_risk("X", residual=(1, 2))
    risk = services.risk_accept(tenant=as_role("coordinator"), risk=risk, justification="Låg", version=1)
    risk = services.risk_update(tenant=as_role("coordinator"), risk=risk, data={"title": "Ny titel"},
                                version=risk.version)
    assert risk.is_accepted and risk.status == RiskStatus.ACCEPTED  # other changes keep it
    risk = services.risk_update(tenant=as_role("coordinator"), risk=risk,
                                data={"residual_likelihood": 4, "residual_consequence": 4}, version=risk.version)
    assert (risk.status, risk.accepted_at, risk.accepted_by, risk.acceptance_justification) == (
        RiskStatus.ASSESSED, None, None, "")


# --- orphaned risks ------------------------------------------------------------------------------


def test_a_deleted_system_leaves_its_risks_visible_as_orphaned(make_risk, as_role, org_a, system_a):
    other = SystemFactory(organisation=org_a, name="E-post")
    risk = make_risk("Ransomware", systems=[system_a, other], residual=(2, 2))
    inventory_services.system_delete(tenant=as_role("coordinator"), system=system_a)
    risk = Risk.objects.get(pk=risk.pk)
    assert [(link.system_id, link.system_name) for link in risk.system_links.order_by("system_name")] == [
        (other.pk, "E-post"), (None, "Verksamhetssystem IFO")]
    tenant = as_role("reader")
    matrix = selectors.matrix_for(tenant)
    orphaned = selectors.risk_list(tenant=tenant, filters=selectors.RiskFilters(orphaned=True), matrix=matrix)
    assert list(orphaned) == [risk]
    # Editing the risk keeps the record of the deleted system.
    services.risk_update(tenant=as_role("coordinator"), risk=risk, data={"systems": [other]}, version=risk.version)
    assert RiskSystem.objects.filter(risk=risk, system__isnull=True).get().system_name == "Verksamhetssystem IFO"


def test_unlinking_a_live_system_removes_the_link(make_risk, as_role, system_a):
    risk = make_risk("X", systems=[system_a])
    services.risk_update(tenant=as_role("coordinator"), risk=risk, data={"systems": []}, version=1)
    assert RiskSystem.objects.count() == 0


# --- treatments and the action plan ----------------------------------------------------------


def _actions(treatment):
    return list(Action.objects.filter(source_id=str(treatment.pk)).order_by("pk")
                .values_list("title", "owner_id", "due_date", "status"))


def test_a_treatment_becomes_an_action_and_its_changes_follow(make_risk, as_role, people):
    risk = make_risk("Nätfiske", residual=(2, 3))
    due = datetime.date(2026, 6, 30)
    treatment = services.treatment_add(tenant=as_role("coordinator"), risk=risk, data={
        "description": "Inför tvåfaktorsinloggning\nför alla konton", "owner": people["system_administrator"],
        "due_date": due})
    assert _actions(treatment) == [("Inför tvåfaktorsinloggning", people["system_administrator"].pk, due, "open")]
    action = Action.objects.get()
    assert (action.source, action.description) == (treatment, "Treatment of the risk “Nätfiske”.")

    later = datetime.date(2026, 9, 1)
    services.treatment_update(tenant=as_role("coordinator"), treatment=treatment,
                              data={"owner": people["system_owner"], "due_date": later, "status": "in_progress"})
    assert _actions(treatment) == [("Inför tvåfaktorsinloggning", people["system_owner"].pk, later, "in_progress")]

    services.treatment_update(tenant=as_role("coordinator"), treatment=treatment, data={"status": "done"})
    action.refresh_from_db()
    assert (action.status, action.completed_at is not None) == ("done", True)
    assert Action.objects.count() == 1


def test_a_cancelled_treatment_cancels_its_action_and_reopening_plans_a_new_one(make_risk, as_role):
    treatment = services.treatment_add(tenant=as_role("coordinator"), risk=make_risk("X"),
                                       data={"description": "Åtgärd"})
    services.treatment_update(tenant=as_role("coordinator"), treatment=treatment, data={"status": "cancelled"})
    assert [a[3] for a in _actions(treatment)] == ["cancelled"]
    services.treatment_update(tenant=as_role("coordinator"), treatment=treatment, data={"status": "open"})
    assert [a[3] for a in _actions(treatment)] == ["cancelled", "open"]


def test_a_treatment_recorded_as_done_enters_the_plan_closed(make_risk, as_role):
    treatment = services.treatment_add(tenant=as_role("coordinator"), risk=make_risk("X"),
                                       data={"description": "Redan gjort", "status": "done"})
    assert [a[3] for a in _actions(treatment)] == ["done"]


def test_finishing_the_action_in_the_plan_finishes_its_treatment(make_risk, as_role, people):
    # The action's owner (a system administrator) may edit actions but not risks: the treatment
    # follows anyway, and the change is in the trail as the treatment's own update.
    treatment = services.treatment_add(tenant=as_role("coordinator"), risk=make_risk("Nätfiske"),
                                       data={"description": "Utbilda", "owner": people["system_administrator"]})
    action = Action.objects.get()
    administrator = as_role("system_administrator")
    action_services.action_update(tenant=administrator, action=action, data={"status": "in_progress"})
    treatment.refresh_from_db()
    assert treatment.status == "in_progress"
    action_services.action_update(tenant=administrator, action=action, data={"status": "done"})
    treatment.refresh_from_db()
    assert (treatment.status, treatment.is_open) == ("done", False)
    assert AuditEntry.objects.filter(model="risk.treatment", object_id=str(treatment.pk), action="update").count() == 2
    # Reopening the action reopens the treatment; no second action is planned.
    action_services.action_update(tenant=administrator, action=action, data={"status": "open"})
    treatment.refresh_from_db()
    assert treatment.status == "open" and Action.objects.count() == 1
    assert verify().ok


def test_an_action_edit_that_keeps_the_status_leaves_the_treatment_alone(make_risk, as_role):
    treatment = services.treatment_add(tenant=as_role("coordinator"), risk=make_risk("X"),
                                       data={"description": "Åtgärd", "status": "in_progress"})
    before = AuditEntry.objects.filter(model="risk.treatment").count()
    action_services.action_update(tenant=as_role("coordinator"), action=Action.objects.get(), data={"title": "Ny titel"})
    treatment.refresh_from_db()
    assert treatment.status == "in_progress"
    assert AuditEntry.objects.filter(model="risk.treatment").count() == before


def test_a_reader_may_not_add_treatments(make_risk, as_role):
    risk = make_risk("X")
    with pytest.raises(PermissionDenied):
        services.treatment_add(tenant=as_role("reader"), risk=risk, data={"description": "Y"})
    assert (Treatment.objects.count(), Action.objects.count()) == (0, 0)


# --- the matrix --------------------------------------------------------------------------------


def _matrix_data(size_l=4, size_c=4, thresholds=(4, 8, 12), **extra):
    return {"likelihood_size": size_l, "consequence_size": size_c, "medium_from": thresholds[0],
            "high_from": thresholds[1], "very_high_from": thresholds[2], "acceptance_level": "medium", **extra}


def test_without_risks_the_size_changes_without_a_mapping(as_role):
    matrix = services.matrix_update(tenant=as_role("coordinator"), data=_matrix_data(5, 5, (5, 10, 16)), version=1)
    assert (matrix.likelihood_size, matrix.consequence_size, matrix.thresholds, matrix.version) == (5, 5, (5, 10, 16), 2)


def test_a_new_size_with_risks_requires_a_mapping_and_changes_nothing_until_given(make_risk, as_role):
    make_risk("A", inherent=(4, 4), residual=(3, 2))
    with pytest.raises(services.MappingRequired) as info:
        services.matrix_update(tenant=as_role("coordinator"), data=_matrix_data(5, 4), version=1)
    assert (info.value.likelihood, info.value.consequence, info.value.risks) == ({1: 1, 2: 2, 3: 4, 4: 5}, None, 1)
    matrix = RiskMatrix.objects.get()
    assert (matrix.likelihood_size, matrix.version) == (4, 1)
    assert list(Risk.objects.values_list("inherent_likelihood", "residual_likelihood")) == [(4, 3)]


def test_mapping_4_to_5_moves_every_risk_inherent_and_residual_and_records_each(make_risk, as_role):
    risks = [make_risk(f"R{l}{c}", inherent=(l, c), residual=(l, c)) for l in range(1, 5) for c in range(1, 5)]
    before = AuditEntry.objects.filter(model="risk.risk").count()
    mapping = {1: 1, 2: 2, 3: 4, 4: 5}
    services.matrix_update(tenant=as_role("coordinator"), data=_matrix_data(5, 5, (5, 10, 16)), version=1,
                           likelihood_mapping=mapping, consequence_mapping=mapping)
    after = {r.title: (r.inherent_likelihood, r.inherent_consequence, r.residual_likelihood, r.residual_consequence,
                       r.residual_score) for r in Risk.objects.all()}
    assert len(after) == 16
    for risk in risks:
        l, c = risk.inherent_likelihood, risk.inherent_consequence
        assert after[risk.title] == (mapping[l], mapping[c], mapping[l], mapping[c], mapping[l] * mapping[c])
    # Every risk changed except R11 and R12, R21, R22 (levels 1 and 2 keep their numbers).
    changed = AuditEntry.objects.filter(model="risk.risk").count() - before
    assert changed == 12
    assert RiskMatrix.objects.get().likelihood_size == 5


def test_mapping_5_to_4_loses_no_risk(as_role, make_risk):
    services.matrix_update(tenant=as_role("coordinator"), data=_matrix_data(5, 5, (5, 10, 16)), version=1)
    for l in range(1, 6):
        make_risk(f"R{l}", inherent=(l, l), residual=(l, 1))
    suggestion = {1: 1, 2: 2, 3: 3, 4: 3, 5: 4}
    services.matrix_update(tenant=as_role("coordinator"), data=_matrix_data(4, 4), version=2,
                           likelihood_mapping=suggestion, consequence_mapping=suggestion)
    assert list(Risk.objects.order_by("title").values_list("inherent_likelihood", "inherent_consequence",
                                                           "residual_likelihood")) == [
        (1, 1, 1), (2, 2, 2), (3, 3, 3), (3, 3, 3), (4, 4, 4)]


def test_an_invalid_mapping_changes_nothing(make_risk, as_role):
    make_risk("A", inherent=(4, 4))
    with pytest.raises(ValidationError) as info:
        services.matrix_update(tenant=as_role("coordinator"), data=_matrix_data(5, 4), version=1,
                               likelihood_mapping={1: 3, 2: 2, 3: 4, 4: 5})
    assert list(info.value.message_dict) == ["likelihood_mapping"]
    assert (RiskMatrix.objects.get().likelihood_size, Risk.objects.get().inherent_likelihood) == (4, 4)


def test_only_coordinators_and_admins_configure_the_matrix(as_role):
    with pytest.raises(PermissionDenied):
        services.matrix_update(tenant=as_role("system_owner"), data=_matrix_data(thresholds=(3, 8, 12)), version=1)
    assert RiskMatrix.objects.count() == 0
    services.matrix_update(tenant=as_role("admin"), data=_matrix_data(thresholds=(3, 8, 12)), version=1)
    assert RiskMatrix.objects.get().medium_from == 3


def test_a_stale_matrix_version_is_refused(as_role):
    services.matrix_update(tenant=as_role("coordinator"), data=_matrix_data(acceptance_level="high"), version=1)
    with pytest.raises(services.VersionConflict):
        services.matrix_update(tenant=as_role("coordinator"), data=_matrix_data(acceptance_level="low"), version=1)
    assert RiskMatrix.objects.get().acceptance_level == "high"


def test_custom_labels_are_kept_and_reset_with_a_new_size(as_role):
    matrix = services.matrix_update(tenant=as_role("coordinator"), version=1,
                                    data=_matrix_data(likelihood_labels=["Sällan", "", "Ofta"]))
    assert matrix.likelihood_scale()[0] == "Sällan" and matrix.likelihood_scale()[2] == "Ofta"
    assert matrix.likelihood_scale()[1] == "Possible"
    matrix = services.matrix_update(tenant=as_role("coordinator"), version=2,
                                    data=_matrix_data(5, 4, likelihood_labels=["Sällan"]))
    assert matrix.likelihood_labels == []


def test_a_system_owner_who_owns_neither_the_risk_nor_its_systems_may_not_accept_above_the_threshold(
        make_risk, as_role, people, member, org_a):
    risk = make_risk("Ransomware", residual=(2, 4), owner=member(org_a, "system_owner", email="other-owner@kommun-a.example"))
    with pytest.raises(PermissionDenied) as refused:
        services.risk_accept(tenant=as_role("system_owner"), risk=risk, justification="Ok", version=risk.version)
    assert "owner" in str(refused.value)
    risk.refresh_from_db()
    assert (risk.status, risk.accepted_at, risk.version) == (RiskStatus.ASSESSED, None, 1)


def test_the_owner_of_a_linked_system_and_an_administrator_may_accept(make_risk, as_role, people, org_a):
    system = SystemFactory(organisation=org_a, owner=people["system_owner"])
    risk = make_risk("Ransomware", residual=(2, 4), systems=[system])
    accepted = services.risk_accept(tenant=as_role("system_owner"), risk=risk, justification="Ok", version=1)
    assert accepted.accepted_by == people["system_owner"]
    other = make_risk("Brand", residual=(2, 4))
    assert services.risk_accept(tenant=as_role("admin"), risk=other, justification="Ok",
                                version=1).accepted_by == people["admin"]


def test_an_acceptance_holds_a_year_by_default_and_lapses_into_review(make_risk, as_role, people):
    from risk import reminders, selectors

    risk = make_risk("Felskickad e-post", residual=(1, 2), owner=people["coordinator"])
    accepted = services.risk_accept(tenant=as_role("coordinator"), risk=risk, justification="Ok", version=1)
    today = datetime.date.today()
    assert accepted.accepted_until == services.default_accepted_until()
    assert not accepted.acceptance_lapsed(today)
    risk.refresh_from_db()
    risk.accepted_until = today - datetime.timedelta(days=1)
    risk.save()
    assert risk.acceptance_lapsed(today)
    due = selectors.risk_list(tenant=as_role("coordinator"), filters=selectors.RiskFilters(review_due=True),
                              matrix=selectors.matrix_for(as_role("coordinator")))
    assert [r.pk for r in due] == [risk.pk]
    keys = [r.key for r in reminders.reviews_due(today=today, horizon=today)]
    assert keys == [f"risk-acceptance:{risk.pk}"]


def test_treatments_not_started_ask_for_confirmation(make_risk, as_role, people):
    risk = make_risk("Ransomware", residual=(1, 2))
    services.treatment_add(tenant=as_role("coordinator"), risk=risk, data={"description": "Kryptera"})
    with pytest.raises(services.TreatmentsNotStarted):
        services.risk_accept(tenant=as_role("coordinator"), risk=risk, justification="Ok", version=1)
    risk.refresh_from_db()
    assert risk.accepted_at is None
    assert services.risk_accept(tenant=as_role("coordinator"), risk=risk, justification="Ok", version=1,
                                confirm=True).is_accepted
