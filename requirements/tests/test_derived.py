"""Requirements answered from Tillit's own data (requirements.derived): the status follows the
data on read, with the reason in words, and a person overrides it only with a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from classification.models import Classification, ClassificationStatus
from privacy.models import ProcessorAgreement
from requirements import selectors, services
from requirements.models import Requirement, RequirementStatus
from risk.models import Risk, RiskSystem
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def _rows(tenant, system) -> dict:
    return {row.requirement.code: row for row in selectors.system_requirements(tenant=tenant, system=system).rows}


@pytest.fixture
def classified(system, classify, catalogue):
    """The system with one information type at K2-R2-T2-S2: every derived requirement applies."""
    info = classify(system, K=2, R=2, T=2, S=2)
    return info


def test_the_system_owner_requirement_follows_the_inventory(tenant, system, classified, member, org_a):
    row = _rows(tenant, system)["ST-01"]
    assert (row.status_key, row.derived.reason, row.status) == (
        "not_met", "No system owner is named; no system administrator is named.", None)
    system.owner = member(org_a, "system_owner")
    system.owner.full_name = "Ekonomichef"
    system.owner.save()
    system.save()
    row = _rows(tenant, system)["ST-01"]
    assert (row.status_key, row.derived.reason) == ("partly_met", "System owner: Ekonomichef; no system administrator "
                                                                  "is named.")
    system.administrator = member(org_a, "system_administrator", email="forvaltare@a.example")
    system.administrator.full_name = "Systemförvaltare ekonomi"
    system.administrator.save()
    system.save()
    row = _rows(tenant, system)["ST-01"]
    assert (row.status_key, row.derived.reason) == (
        "met", "System owner: Ekonomichef; system administrator: Systemförvaltare ekonomi.")


def test_the_classification_requirement_is_met_only_while_the_approval_is_current(tenant, system, classified):
    classification = Classification.objects.get(information_type=classified)
    assert _rows(tenant, system)["ST-02"].status_key == "not_met"
    today = timezone.localdate()
    classification.status, classification.review_date = ClassificationStatus.APPROVED, today
    classification.approved_at = timezone.now() - datetime.timedelta(days=30)
    classification.save()
    row = _rows(tenant, system)["ST-02"]
    approved = classification.approved_at.astimezone(timezone.get_current_timezone()).date()
    assert (row.status_key, row.derived.reason) == (
        "met", f"{classified.name}: approved {approved.isoformat()}, valid until {today.isoformat()}.")
    classification.review_date = today - datetime.timedelta(days=1)
    classification.save()
    row = _rows(tenant, system)["ST-02"]
    assert (row.status_key, row.derived.reason) == (
        "not_met", f"{classified.name}: review was due {classification.review_date.isoformat()}.")


def test_the_risk_analysis_requirement_reads_the_systems_open_risks(tenant, system, classified, org_a):
    assert _rows(tenant, system)["ST-03"].derived.reason == "No risks are registered for the system."
    risk = Risk.objects.create(organisation=org_a, title="Avbrott", review_date=datetime.date(2099, 1, 1))
    RiskSystem.objects.create(organisation=org_a, risk=risk, system=system, system_name=system.name)
    assert _rows(tenant, system)["ST-03"].status_key == "not_met"  # registered, not assessed
    risk.residual_likelihood = risk.residual_consequence = 2
    risk.save()
    row = _rows(tenant, system)["ST-03"]
    assert (row.status_key, row.derived.reason) == ("met", "1 open risks registered, 1 assessed, 0 past their review "
                                                           "date.")
    risk.review_date = datetime.date(2020, 1, 1)
    risk.save()
    assert _rows(tenant, system)["ST-03"].status_key == "partly_met"


def test_data_in_the_eea_follows_the_systems_countries(tenant, system, classified):
    system.hosting, system.storage_countries, system.processing_countries = "cloud", ["SE", "IE"], ["SE"]
    system.save()
    row = _rows(tenant, system)["LE-04"]
    assert (row.status_key, row.derived.reason) == ("met", "Stored and processed in Ireland, Sweden.")
    system.processing_countries = ["US"]
    system.save()
    row = _rows(tenant, system)["LE-04"]
    assert (row.status_key, row.derived.reason) == (
        "not_met", "Stored or processed in Ireland, Sweden, United States; outside the EU/EEA: United States.")
    system.storage_countries = system.processing_countries = []
    system.save()
    # A cloud service with no countries recorded: the data cannot tell, so it is assessed by hand.
    assert _rows(tenant, system)["LE-04"].derived is None


def test_a_signed_processor_agreement_with_the_supplier_meets_the_dpa_requirement(tenant, system, classified, org_a):
    system.personal_data, system.supplier = True, SupplierFactory(organisation=org_a, name="Skolsystem AB")
    system.save()
    row = _rows(tenant, system)["DS-02"]
    assert (row.status_key, row.derived.reason) == (
        "not_met", "No data processing agreement with Skolsystem AB is recorded.")
    ProcessorAgreement.objects.create(organisation=org_a, supplier=system.supplier, title="PUB-avtal skolsystem",
                                      signed_on=datetime.date(2025, 1, 10))
    row = _rows(tenant, system)["DS-02"]
    assert (row.status_key, row.derived.reason) == (
        "met", "Data processing agreement: PUB-avtal skolsystem, signed 2025-01-10.")


def test_overriding_a_derived_status_needs_a_reason_which_is_stored_and_shown(tenant, system, classified, login,
                                                                             editor):
    requirement = Requirement.objects.get(code="ST-03", organisation__isnull=True)
    with pytest.raises(ValidationError) as exc:
        services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                        data={"status": "met"})
    assert list(exc.value.message_dict) == ["override_reason"]
    assert not RequirementStatus.objects.exists()
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={
        "status": "met", "override_reason": "Riskanalysen gjordes i kommunens gemensamma verktyg 2026-02-01."})
    row = _rows(tenant, system)["ST-03"]
    assert (row.status_key, row.overridden, row.derived.status) == ("met", True, "not_met")
    page = login(editor).get(reverse("requirements:system_requirements", args=[system.pk])).content.decode()
    assert "Riskanalysen gjordes i kommunens gemensamma verktyg 2026-02-01." in page
    assert "Derived from data: Not met. No risks are registered for the system." in page
    # The derived status itself needs no reason: the row follows the data again.
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                    data={"status": "not_met", "evidence": "Riskanalys planeras"})
    row = _rows(tenant, system)["ST-03"]
    assert (row.overridden, row.status.override_reason, row.effective) == (False, "", row.derived)


def test_the_page_shows_the_reason_a_derived_status_follows_from(tenant, system, classified, login, editor):
    page = login(editor).get(reverse("requirements:system_requirements", args=[system.pk])).content.decode()
    assert "from Tillit&#x27;s data" in page or "from Tillit's data" in page
    assert "The system is in the inventory with 1 information types." in page


def test_the_form_asks_for_an_override_reason_only_on_derived_requirements(system, classified, login, editor):
    client = login(editor)
    derived_req = Requirement.objects.get(code="ST-01", organisation__isnull=True)
    manual = Requirement.objects.get(code="ÅS-03", organisation__isnull=True)
    form = client.get(reverse("requirements:status_edit", args=[system.pk, derived_req.pk])).content.decode()
    assert 'name="override_reason"' in form
    form = client.get(reverse("requirements:status_edit", args=[system.pk, manual.pk])).content.decode()
    assert 'name="override_reason"' not in form
    response = client.post(reverse("requirements:status_edit", args=[system.pk, derived_req.pk]), {"status": "met"})
    assert response.status_code == 200 and "Give the reason you set another status." in response.content.decode()
    assert not RequirementStatus.objects.exists()


def test_a_derived_requirement_not_met_goes_into_the_action_plan(tenant, system, classified, login, editor):
    # ST-01 is not met (nobody named) with no assessment of its own: the row still offers the action.
    from actions.models import Action

    requirement = Requirement.objects.get(code="ST-01", organisation=None)
    client = login(editor)
    page_url = reverse("requirements:system_requirements", args=[system.pk])
    url = reverse("requirements:status_action", args=[system.pk, requirement.pk])
    assert url in client.get(page_url).content.decode()
    response = client.post(url, {"title": "Utse systemägare", "owner": editor.pk, "due_date": "2030-06-30"})
    assert response.status_code == 302
    status = RequirementStatus.objects.get(system=system, requirement=requirement)
    action = Action.objects.get()
    assert (status.status, status.override_reason, action.source_id) == ("not_met", "", str(status.pk))
    row = _rows(tenant, system)["ST-01"]
    assert row.actions == (action,) and not row.wants_action and not row.overridden
    assert "Utse systemägare" in client.get(page_url).content.decode()


def test_a_derived_requirement_that_is_met_gets_no_action(tenant, system, classified, login, editor):
    requirement = Requirement.objects.get(code="TI-01", organisation=None)  # in the inventory: met
    url = reverse("requirements:status_action", args=[system.pk, requirement.pk])
    response = login(editor).post(url, {"title": "Onödig", "owner": editor.pk, "due_date": "2030-06-30"})
    assert response.status_code == 200 and "only a requirement that is not met or partly met" in response.content.decode()
    assert not RequirementStatus.objects.filter(system=system, requirement=requirement).exists()


def test_the_counts_other_modules_state_are_those_of_the_systems_own_list(tenant, system, classified):
    # The record of processing states each system's measures (privacy.exports.system_measures):
    # the same counts as the system's own requirement list, derived statuses included.
    from classification.selectors import attach_protection_need
    from privacy.exports import system_measures

    services.requirement_status_set(tenant=tenant, system=system, requirement=Requirement.objects.get(code="SK-01"),
                                    data={"status": "partly_met", "evidence": "MFA för administratörer"})
    summary = selectors.system_requirements(tenant=tenant, system=system).summary
    [counted] = selectors.status_counts(tenant=tenant, systems=attach_protection_need([system])).values()
    assert (counted["met"], counted["partly_met"], counted["not_met"]) == (
        summary["met"], summary["partly_met"], summary["not_met"])
    assert counted["not_met"] >= 1 and counted["met"] >= 1  # ST-01 (nobody named), TI-01 (in the inventory)
    [measured] = system_measures(tenant=tenant, systems=[system])
    assert (measured.met, measured.partly, measured.not_met) == (
        summary["met"], summary["partly_met"], summary["not_met"])
