"""The rules and services at their edges, without HTTP."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action
from organisations.models import Unit
from privacy import rules, selectors, services
from privacy.models import ActivityTransfer, Dpia, DpiaStatus, ProcessingActivity, ProcessorRecord
from tests.factories import SupplierFactory, SystemFactory

pytestmark = pytest.mark.django_db


def test_screening_needs_two_wp248_criteria_or_a_case_of_art_35_3():
    assert rules.screen(["sensitive"], []).required is False
    assert rules.screen(["sensitive", "vulnerable"], []).required is True
    assert rules.screen([], ["public_monitoring"]).required is True
    assert rules.screen(["unknown", "sensitive"], []).criteria == ["sensitive"]
    threshold, nine, cases = rules.dpia_screening()
    assert (threshold, len(nine), len(cases)) == (2, 9, 3)
    assert all(p.citation.startswith("WP248 rev.01") for p in nine)


def test_the_art_28_checklist_has_points_a_to_h_and_flags_gaps():
    version, points = rules.art28_checklist()
    assert [p.letter for p in points] == list("abcdefgh")
    assert [p.key for p in rules.agreement_gaps({"instructions": "2.1", "audits": " "})] == [
        p.key for p in points if p.key != "instructions"]


def test_transfers_are_judged_by_the_placement_rules_on_their_date():
    # Privacy Shield ended on 16 July 2020; the Data Privacy Framework applies from 10 July 2023.
    assert rules.judge("US", datetime.date(2022, 1, 1), dpf_certified=True, scc_signed=False, tia_done=False).ok is False
    assert rules.judge("US", datetime.date(2024, 1, 1), dpf_certified=True, scc_signed=False, tia_done=False).ok is True
    assert rules.judge("US", datetime.date(2024, 1, 1), dpf_certified=False, scc_signed=True, tia_done=False).ok is False
    assert rules.third_country("SE") is False and rules.third_country("US") is True


def _data(units, **extra):
    return {"name": "Elevhälsa", "controllers": [units["bun"]], "legal_basis": "e", "data_categories": ["identity"],
            **extra}


def test_an_activity_without_legal_basis_is_kept_as_a_flagged_draft_but_never_complete(tenant_a, units_a):
    with pytest.raises(ValidationError) as refused:
        services.activity_save(tenant=tenant_a, activity=None, data=_data(units_a, legal_basis="", status="complete"))
    assert "no legal basis" in " ".join(refused.value.messages)
    assert ProcessingActivity.objects.count() == 0
    draft = services.activity_save(tenant=tenant_a, activity=None, data=_data(units_a, legal_basis=""))
    assert draft.status == "draft"
    assert rules.problems_of(draft) == ["The processing has no legal basis under GDPR art. 6(1)."]


def test_special_categories_need_an_art_9_ground_to_be_complete(tenant_a, units_a):
    data = _data(units_a, data_categories=["identity", "health"], status="complete")
    with pytest.raises(ValidationError, match="special categories"):
        services.activity_save(tenant=tenant_a, activity=None, data=data)
    done = services.activity_save(tenant=tenant_a, activity=None, data={**data, "art9_ground": "h"})
    assert done.status == "complete" and rules.problems_of(done) == []


def test_links_to_another_organisation_are_refused(tenant_a, units_a, org_b):
    foreign_unit = Unit.objects.create(organisation=org_b, name="Socialnämnden", kind="board")
    with pytest.raises(ValidationError):
        services.activity_save(tenant=tenant_a, activity=None, data=_data(units_a, controllers=[foreign_unit]))
    with pytest.raises(ValidationError):
        services.activity_save(tenant=tenant_a, activity=None,
                               data=_data(units_a, systems=[SystemFactory(organisation=org_b)]))
    assert ProcessingActivity.objects.count() == 0


def test_a_transfer_inside_the_eea_is_refused_and_one_without_basis_is_listed(tenant_a, units_a):
    activity = services.activity_save(tenant=tenant_a, activity=None, data=_data(units_a))
    with pytest.raises(ValidationError, match="EU/EEA"):
        services.transfer_add(tenant=tenant_a, activity=activity, data={"country": "FI", "recipient": "X"})
    with pytest.raises(ValidationError, match="country from the list"):
        services.transfer_add(tenant=tenant_a, activity=activity, data={"country": "XX", "recipient": "X"})
    services.transfer_add(tenant=tenant_a, activity=activity, data={"country": "US", "recipient": "Moln Inc."})
    rows = selectors.transfers_without_basis(tenant=tenant_a, today=datetime.date(2026, 3, 1))
    assert [(r.label, r.country, r.basis.basis) for r in rows] == [("Elevhälsa", "US", "none")]


def test_a_system_country_recorded_on_the_activity_is_one_transfer(tenant_a, units_a, org_a):
    system = SystemFactory(organisation=org_a, personal_data=True, storage_countries=["SE"],
                           processing_countries=["SE", "US"])
    activity = services.activity_save(tenant=tenant_a, activity=None, data=_data(units_a, systems=[system]))
    today = datetime.date(2026, 3, 1)
    assert [(t.source, t.country) for t in selectors.transfers(tenant=tenant_a, today=today)] == [("system", "US")]
    services.transfer_add(tenant=tenant_a, activity=activity,
                          data={"country": "US", "recipient": "Moln Inc.", "dpf_certified": True})
    found = selectors.transfers(tenant=tenant_a, today=today)
    assert [(t.source, t.country, t.ok) for t in found] == [("activity", "US", True)]


def test_a_processor_without_an_agreement_for_the_controller_is_missing(tenant_a, units_a, org_a):
    it = SupplierFactory(organisation=org_a, name="Drift AB")
    services.activity_save(tenant=tenant_a, activity=None, data=_data(units_a, processors=[it]))
    assert [(m.supplier, m.unit) for m in selectors.missing_agreements(tenant=tenant_a)] == [
        ("Drift AB", "Barn- och utbildningsnämnden")]
    agreement = services.agreement_save(tenant=tenant_a, agreement=None, data={
        "supplier": it, "title": "PUB-avtal", "controllers": [units_a["sn"]], "points": {"instructions": "1"}})
    assert len(selectors.missing_agreements(tenant=tenant_a)) == 1  # covers another nämnd
    services.agreement_save(tenant=tenant_a, agreement=agreement, data={
        "supplier": it, "title": "PUB-avtal", "controllers": []})  # no controllers named: all of them
    assert selectors.missing_agreements(tenant=tenant_a) == []


def _dpia(tenant):
    return services.dpia_save(tenant=tenant, dpia=None, data={
        "title": "Konsekvensbedömning", "criteria": ["sensitive", "vulnerable"], "description": "Beskrivning",
        "necessity": "Nödvändig"})


def test_a_dpia_is_not_decided_without_the_dpos_advice(org_a, tenant_a, as_member):
    owner = as_member(org_a, "system_owner")[1]
    dpia = _dpia(tenant_a)
    with pytest.raises(ValidationError, match="without the data protection officer"):
        services.dpia_decide(tenant=owner, dpia=dpia, decision="proceed", reason="Godtagbart")
    dpia.refresh_from_db()
    assert (dpia.status, dpia.decided_by, dpia.decision) == (DpiaStatus.DRAFT, None, "")
    with pytest.raises(PermissionDenied):  # the coordinator is not the DPO
        services.dpia_advise(tenant=tenant_a, dpia=dpia, advice="Råd")
    services.dpia_request_advice(tenant=tenant_a, dpia=dpia)
    dpo_user, dpo = as_member(org_a, "dpo")
    services.dpia_advise(tenant=dpo, dpia=dpia, advice="Kan genomföras med åtgärderna.")
    with pytest.raises(PermissionDenied):  # the DPO does not decide for the controller
        services.dpia_decide(tenant=dpo, dpia=dpia, decision="proceed", reason="x")
    with pytest.raises(ValidationError, match="reason"):
        services.dpia_decide(tenant=owner, dpia=dpia, decision="proceed", reason=" ")
    decided = services.dpia_decide(tenant=owner, dpia=dpia, decision="proceed", reason="Restrisken är låg.")
    assert (decided.status, decided.decided_by, decided.dpo_advice_by) == ("decided", owner.user, dpo_user)
    with pytest.raises(ValidationError):
        services.dpia_save(tenant=tenant_a, dpia=decided, data={"title": "Ändrad"})


def test_prior_consultation_is_flagged_while_residual_risk_stays_high(tenant_a):
    dpia = services.dpia_save(tenant=tenant_a, dpia=None, data={"title": "Kamerabevakning", "residual_high": True})
    assert dpia.prior_consultation_needed is True
    dpia = services.dpia_save(tenant=tenant_a, dpia=dpia, data={"title": "Kamerabevakning", "residual_high": True,
                                                                "imy_consulted_on": datetime.date(2026, 1, 5)})
    assert dpia.prior_consultation_needed is False


def test_a_dpia_risk_goes_into_the_risk_register(tenant_a):
    dpia = _dpia(tenant_a)
    risk = services.dpia_add_risk(tenant=tenant_a, dpia=dpia, title="Obehörig åtkomst till journaler")
    assert list(dpia.risks.all()) == [risk] and risk.organisation_id == tenant_a.organisation.pk


def test_the_processors_record_is_addressed_only_to_a_customer(supplier_org, org_a, org_b, as_member):
    lead = as_member(supplier_org, "security_lead")[1]
    data = {"controller_name": "Socialnämnden", "processing": "Drift"}
    with pytest.raises(ValidationError):
        services.processor_record_save(tenant=lead, record=None, data={**data, "customer": org_b})
    record = services.processor_record_save(tenant=lead, record=None, data={**data, "customer": org_a})
    reader_a = as_member(org_a, "reader")[1]
    reader_b = as_member(org_b, "reader")[1]
    assert list(reader_a.scope(ProcessorRecord)) == [record]
    assert list(reader_b.scope(ProcessorRecord)) == []


def test_an_action_from_the_overview_lands_in_the_rows_organisation(tenant_a, units_a):
    activity = services.activity_save(tenant=tenant_a, activity=None, data=_data(units_a))
    transfer = services.transfer_add(tenant=tenant_a, activity=activity, data={"country": "CN", "recipient": "X"})
    action = services.overview_action(tenant=tenant_a, kind="transfer-activity", pk=transfer.pk,
                                      today=datetime.date(2026, 3, 1))
    assert action.organisation_id == tenant_a.organisation.pk
    assert action.source_id == str(transfer.pk)
    with pytest.raises(ValidationError):
        services.overview_action(tenant=tenant_a, kind="transfer-activity", pk=transfer.pk + 99,
                                 today=datetime.date(2026, 3, 1))
    assert Action.objects.count() == 1 and ActivityTransfer.objects.count() == 1
    assert Dpia.objects.count() == 0
