"""Reported once by the IT company, each municipality decides: the services' rules and refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actions.models import Action
from incidents import rules, services
from incidents.models import IncidentCase, Severity, StageSubmission, Status

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.timezone.utc)


def _report(tenant, **kw):
    data = {"title": "Driftstörning i e-posttjänsten", "description": "E-posten nås inte.", "category": "outage",
            "detected_at": NOW - datetime.timedelta(hours=2), **kw}
    return services.incident_report(tenant=tenant, data=data, now=NOW)


@pytest.fixture
def supplier_incident(served, org_a, org_b, as_member):
    _user, lead = as_member(served, "security_lead")
    case = _report(lead, addressees=[org_a, org_b], possible_breach=True)
    return case.incident


def test_the_supplier_reports_once_and_each_addressee_gets_its_own_case_aware_when_told(supplier_incident, org_a,
                                                                                           org_b, served):
    cases = {c.organisation_id: c for c in IncidentCase.objects.filter(incident=supplier_incident)}
    assert set(cases) == {served.pk, org_a.pk, org_b.pk}
    assert cases[org_a.pk].aware_at == NOW  # told now, not when the supplier detected it
    assert cases[served.pk].aware_at == NOW - datetime.timedelta(hours=2)
    assert cases[org_a.pk].next_stage == rules.EARLY_WARNING
    assert cases[org_a.pk].next_deadline == NOW + datetime.timedelta(hours=24)


def test_each_municipality_sees_its_own_case_and_never_the_others(supplier_incident, org_a, org_b, served,
                                                                  as_member):
    _u, a = as_member(org_a, "coordinator")
    _u, b = as_member(org_b, "coordinator")
    _u, lead = as_member(served, "service_manager", email="sm@drift.example")
    assert set(a.scope(IncidentCase).filter(incident=supplier_incident).values_list("organisation", flat=True)) == {org_a.pk}
    assert set(b.scope(IncidentCase).filter(incident=supplier_incident).values_list("organisation", flat=True)) == {org_b.pk}
    assert lead.scope(IncidentCase).filter(incident=supplier_incident).count() == 3


def test_the_supplier_cannot_assess_for_a_municipality(supplier_incident, org_a, served, as_member):
    _u, lead = as_member(served, "service_manager", email="sm@drift.example")
    case_a = IncidentCase.objects.get(incident=supplier_incident, organisation=org_a)
    with pytest.raises(PermissionDenied) as exc:
        services.case_assess(tenant=lead, case=case_a, data={"significant": True, "significance_reason": "x"}, now=NOW)
    assert "Only the organisation whose case it is" in str(exc.value)
    case_a.refresh_from_db()
    assert case_a.significant is None


def test_a_municipality_assesses_reports_and_its_clocks_follow(supplier_incident, org_a, as_member):
    user, a = as_member(org_a, "coordinator")
    case = IncidentCase.objects.get(incident=supplier_incident, organisation=org_a)
    with pytest.raises(ValidationError) as exc:
        services.case_assess(tenant=a, case=case, data={"significant": True}, now=NOW)
    assert "significance_reason" in exc.value.message_dict
    case = services.case_assess(tenant=a, case=case, now=NOW, data={
        "significant": True, "significance_reason": "Alla förvaltningar saknar e-post.", "breach": False,
        "manager": user})
    assert (case.significance_by, case.status) == (user, Status.HANDLING)
    services.stage_submit(tenant=a, case=case, stage="early_warning", submitted_at=NOW + datetime.timedelta(hours=3),
                          now=NOW + datetime.timedelta(hours=4))
    with pytest.raises(ValidationError) as exc:
        services.stage_submit(tenant=a, case=case, stage="early_warning", submitted_at=NOW + datetime.timedelta(hours=4),
                              now=NOW + datetime.timedelta(hours=5))
    assert "already been submitted" in str(exc.value)
    case.refresh_from_db()
    assert case.next_stage == rules.NOTIFICATION
    with pytest.raises(ValidationError) as exc:  # late without reasons
        services.stage_submit(tenant=a, case=case, stage="notification", submitted_at=NOW + datetime.timedelta(hours=80),
                              now=NOW + datetime.timedelta(hours=81))
    assert "late_reason" in exc.value.message_dict
    sub = services.stage_submit(tenant=a, case=case, stage="notification", submitted_at=NOW + datetime.timedelta(hours=70),
                                content={"indicators": "IP 192.0.2.10"}, now=NOW + datetime.timedelta(hours=71))
    assert sub.recipient == "Myndigheten för civilt försvar (MCF), CERT-SE"
    assert sub.content["indicators"] == "IP 192.0.2.10"
    case.refresh_from_db()
    assert case.next_stage == rules.PROGRESS  # handling still going on


def test_refused_inputs(served, org_a, as_member):
    _u, a = as_member(org_a, "coordinator")
    with pytest.raises(ValidationError) as exc:
        _report(a, detected_at=NOW + datetime.timedelta(minutes=5))
    assert "future" in str(exc.value)
    case = _report(a)
    case = services.case_assess(tenant=a, case=case, now=NOW, data={
        "significant": True, "significance_reason": "Allvarlig störning.", "breach": False})
    with pytest.raises(ValidationError) as exc:
        services.stage_submit(tenant=a, case=case, stage="early_warning",
                              submitted_at=case.aware_at - datetime.timedelta(minutes=1), now=NOW)
    assert "before the organisation became aware" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.case_close(tenant=a, case=case, now=NOW)
    assert "Required reports are not submitted" in str(exc.value)
    assert StageSubmission.objects.count() == 0


def test_a_reader_reports_but_does_not_handle(org_a, as_member):
    _u, reader = as_member(org_a, "reader")
    case = _report(reader)
    with pytest.raises(PermissionDenied):
        services.case_assess(tenant=reader, case=case, data={"breach": False}, now=NOW)


def test_closing_requires_the_review_or_a_recorded_deviation(org_a, as_member):
    user, a = as_member(org_a, "coordinator")
    high = Severity.objects.get(organisation=None, rank=3)
    case = _report(a)
    case = services.case_assess(tenant=a, case=case, now=NOW, data={
        "severity": high, "significant": False, "significance_reason": "Begränsad påverkan.", "breach": False})
    with pytest.raises(ValidationError) as exc:
        services.case_close(tenant=a, case=case, now=NOW)
    assert "post-incident review is required" in str(exc.value)
    with pytest.raises(ValidationError):
        services.case_close(tenant=a, case=case, without_review=True, now=NOW)  # no reason
    review = services.review_save(tenant=a, case=case, now=NOW, data={
        "held_on": datetime.date(2026, 11, 30), "participants": "Kommunen och Drift AB", "supplier_took_part": True,
        "causes": "Certifikat gick ut.", "what_was_done": "Nytt certifikat."})
    with pytest.raises(ValidationError) as exc:
        services.review_save(tenant=a, case=case, data={}, complete=True, now=NOW)
    assert "at least one lesson" in str(exc.value)
    lesson = services.lesson_add(tenant=a, review=review, text="Bevaka certifikatens giltighetstid",
                                 owner=user, due_date=datetime.date(2027, 1, 31))
    action = Action.objects.get(pk=lesson.action_id)
    assert (action.organisation_id, action.owner, action.due_date) == (org_a.pk, user, datetime.date(2027, 1, 31))
    second = services.lesson_add(tenant=a, review=review, text="Certifikat kan gå ut obemärkt", owner=user,
                                 due_date=datetime.date(2027, 2, 28), new_risk="Utgångna certifikat")
    assert second.risk.title == "Utgångna certifikat" and second.risk.organisation_id == org_a.pk
    assert list(case.risks.all()) == [second.risk]
    services.review_save(tenant=a, case=case, data={}, complete=True, now=NOW)
    closed = services.case_close(tenant=a, case=case, now=NOW)
    assert closed.status == Status.CLOSED and not closed.closed_without_review


def test_closed_without_the_required_review_stays_visible(org_a, as_member):
    _u, a = as_member(org_a, "coordinator")
    case = _report(a)
    case = services.case_assess(tenant=a, case=case, now=NOW, data={
        "severity": Severity.objects.get(organisation=None, rank=4), "significant": False,
        "significance_reason": "Ingen allvarlig störning.", "breach": False})
    closed = services.case_close(tenant=a, case=case, without_review=True, note="Leverantören avslutade ärendet.",
                                 now=NOW)
    assert closed.closed_without_review and closed.next_deadline is None


def test_breach_unlikely_to_result_in_a_risk_needs_its_reason_and_stays_in_the_log(org_a, as_member):
    _u, a = as_member(org_a, "coordinator")
    case = _report(a)
    with pytest.raises(ValidationError) as exc:
        services.case_assess(tenant=a, case=case, now=NOW, data={"breach": True, "breach_notifiable": False})
    assert "breach_reason" in exc.value.message_dict
    case = services.case_assess(tenant=a, case=case, now=NOW, data={
        "breach": True, "breach_notifiable": False, "breach_reason": "Krypterad dator.",
        "significant": False, "significance_reason": "Ingen störning."})
    assert case.next_deadline is None
    from incidents import selectors
    assert list(selectors.breach_log(tenant=a)) == [case]


def test_an_addressee_outside_the_customers_is_refused(supplier_org, org_b, as_member):
    _u, lead = as_member(supplier_org, "security_lead")
    with pytest.raises(ValidationError):
        _report(lead, addressees=[org_b])
    assert not IncidentCase.objects.exists()


def test_the_wrong_organisation_gets_404(supplier_incident, org_b, as_member, org_a):
    _u, b = as_member(org_b, "coordinator")
    case_a = IncidentCase.objects.get(incident=supplier_incident, organisation=org_a)
    with pytest.raises(Http404):
        b.get(IncidentCase, case_a.pk)


def test_a_suspected_breach_is_in_the_log_until_assessed_as_none(org_a, as_member):
    from incidents import selectors

    _u, dpo = as_member(org_a, "dpo")
    case = _report(dpo, possible_breach=True)  # the DPO reports; the handlers assess
    _u, a = as_member(org_a, "coordinator")
    assert list(selectors.breach_log(tenant=a)) == [case]
    services.case_assess(tenant=a, case=case, now=NOW, data={"breach": False, "significant": False,
                                                             "significance_reason": "Ingen påverkan."})
    assert list(selectors.breach_log(tenant=a)) == []


def test_the_dpo_overview_marks_a_suspected_breach_until_it_is_assessed(org_a, org_b, as_member):
    from incidents import overview

    _u, dpo = as_member(org_a, "dpo")
    case = _report(dpo, title="Felskickad e-post", possible_breach=True)
    _report(as_member(org_b, "coordinator")[1], title="Kommun B:s läcka", possible_breach=True)
    _report(dpo, title="Driftstopp utan personuppgifter")
    rows = overview.breaches(tenants=[dpo], today=NOW.date())
    assert [(r["organisation"], r["title"], r["suspected"]) for r in rows] == [
        ("Kommun A", str(case.incident), True)]
    _u, a = as_member(org_a, "coordinator")
    services.case_assess(tenant=a, case=case, now=NOW, data={
        "breach": True, "breach_notifiable": True, "breach_reason": "Uppgifter om hälsa.", "significant": False,
        "significance_reason": "Ingen driftpåverkan."})
    assert [(r["title"], r["suspected"]) for r in overview.breaches(tenants=[dpo], today=NOW.date())] == [
        (str(case.incident), False)]
