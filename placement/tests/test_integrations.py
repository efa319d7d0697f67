"""Placement with the requirement catalogue, the risk register and the reminders."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from actions import reminders
from placement import integrations, selectors, services
from placement.models import RaisedRisk
from requirements.models import Requirement
from risk.models import Risk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _requirement(code, levels, organisation=None):
    return Requirement.objects.create(organisation=organisation, code=code, area="operations", title=code,
                                      text_is="x", text_shall="x", levels=levels)


def test_requirements_apply_at_the_highest_levels_and_decide_the_security_verdict(make_assessment, tenant):
    # The e-mail information is 2-1-2-2: K 2 and T 2 reach these, R 3 does not.
    applies_k = _requirement("K-2", {"K": 2})
    applies_t = _requirement("T-1", {"T": 1})
    _requirement("R-3", {"R": 3})
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    local = assessment.alternatives.get(name="Lokal drift")
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    assert [r.code for r in result.perspectives["security"].details["requirements"]] == ["K-2", "T-1"]
    assert {c.verdict for c in result.perspectives["security"].cells.values()} == {"neutral"}
    services.requirements_mark(tenant=tenant, alternative=cloud, marks={str(applies_k.pk): True, str(applies_t.pk): True})
    services.requirements_mark(tenant=tenant, alternative=local, marks={str(applies_k.pk): True, str(applies_t.pk): False})
    cells = selectors.assessment_analysis(tenant=tenant, assessment=assessment).perspectives["security"].cells
    assert (cells[cloud.pk].verdict, cells[local.pk].verdict) == ("favours", "against")
    assert cells[local.pk].computed_rationale == "Meets 1 of 2 assessed requirements (2 apply)."
    services.requirements_mark(tenant=tenant, alternative=local, marks={str(applies_t.pk): None})
    assert selectors.alternatives_of(tenant=tenant, assessment=assessment)[1].requirements_met == {
        str(applies_k.pk): True}


def test_another_organisations_own_requirements_do_not_apply(make_assessment, tenant, org_b):
    _requirement("B-1", {"K": 0}, organisation=org_b)
    result = selectors.assessment_analysis(tenant=tenant, assessment=make_assessment())
    assert result.perspectives["security"].details["requirements"] == []


def test_a_risk_raised_from_a_perspective_enters_the_register_and_counts(make_assessment, tenant, email_system):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    risk = integrations.risk_raise(tenant=tenant, alternative=cloud, perspective="legal", title="Röjande via CLOUD Act")
    assert Risk.objects.get() == risk and risk.title == "Röjande via CLOUD Act"
    assert risk.description.startswith("Raised from the placement assessment \u201cE-post\u201d (Law).")
    assert list(risk.system_links.values_list("system_id", flat=True)) == [email_system.pk]
    assert list(RaisedRisk.objects.values_list("alternative_id", "perspective", "risk_id")) == [(cloud.pk, "legal",
                                                                                               risk.pk)]
    # Assessed in the register as likelihood 4 × consequence 4: very high → high here.
    risk.residual_likelihood, risk.residual_consequence = 4, 4
    risk.save()
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    assert result.perspectives["legal"].cells[cloud.pk].residual_risk == "high"
    assert [(r.title, r.url) for r in result.risks_of(cloud.pk)] == [
        ("Röjande via CLOUD Act", reverse("risk:risk_detail", args=[risk.pk]))]


def test_the_assessors_residual_risk_wins_over_the_registers(make_assessment, tenant):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    risk = integrations.risk_raise(tenant=tenant, alternative=cloud, perspective="legal")
    risk.residual_likelihood, risk.residual_consequence = 4, 4
    risk.save()
    services.verdict_save(tenant=tenant, alternative=cloud, perspective="legal", verdict="", rationale="",
                          residual_risk="low")
    cells = selectors.assessment_analysis(tenant=tenant, assessment=assessment).perspectives["legal"].cells
    assert cells[cloud.pk].residual_risk == "low"
    assert risk.title == "Exchange Online: law risk in E-post"


def test_the_raise_risk_button_on_the_page(login, coordinator, make_assessment, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    client = login(coordinator)
    assert "Raise a risk in the register" in client.get(reverse("placement:law", args=[assessment.pk])).content.decode()
    response = client.post(reverse("placement:risk_raise", args=[cloud.pk]), {"perspective": "technical", "title": ""})
    assert response["Location"] == reverse("placement:technology", args=[assessment.pk]) + f"#alternative-{cloud.pk}"
    assert list(RaisedRisk.objects.values_list("perspective", flat=True)) == ["technical"]


def test_the_follow_up_of_a_decision_is_reminded(make_assessment, tenant, coordinator):
    assessment = make_assessment()
    services.decision_record(tenant=tenant, assessment=assessment, data={
        "body": "kommunfullmaktige", "registration_number": "KS 1", "decided_on": datetime.date(2021, 5, 20),
        "decision": "Molnet.", "follow_up_date": datetime.date(2022, 5, 20)})
    assert reminders.collect(today=datetime.date(2022, 5, 12)) == []
    found = reminders.collect(today=datetime.date(2022, 5, 13))
    assert [(r.recipient_id, r.title, r.due, r.path) for r in found] == [
        (coordinator.pk, "Follow up the placement decision: E-post", datetime.date(2022, 5, 20),
         reverse("placement:detail", args=[assessment.pk]))]
    # Once a new version is started, the old decision is followed up through it.
    assessment.refresh_from_db()
    services.assessment_new_version(tenant=tenant, assessment=assessment, today=datetime.date(2022, 5, 14))
    assert reminders.collect(today=datetime.date(2022, 5, 20)) == []
