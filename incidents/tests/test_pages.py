"""The incident pages: reporting, the municipality's handling, documents, the supplier's view."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import IncidentCase, StageSubmission

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(served, org_a, org_b, member):
    lead = member(served, "security_lead")
    from core.tenancy import tenant_for
    case = services.incident_report(tenant=tenant_for(lead, served.pk), data={
        "title": "Intrång i katalogtjänsten", "description": "Misstänkt intrång.", "category": "intrusion",
        "detected_at": timezone.now() - datetime.timedelta(hours=1), "addressees": [org_a, org_b]})
    return case.incident, lead


def test_report_form_keeps_what_was_typed_when_refused(org_a, member, login):
    client = login(member(org_a, "reader"))
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("incidents:incident_create"), {
        "title": "Borttappad dator", "description": "Lämnad på bussen.", "category": "device", "detected_at": future})
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert "Borttappad dator" in response.content.decode()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("incidents:incident_create"), {
        "title": "Borttappad dator", "description": "Lämnad på bussen.", "category": "device", "detected_at": now})
    case = IncidentCase.objects.get()
    assert response.status_code == 302 and response.url == reverse("incidents:case_detail", args=[case.pk])


def test_municipality_assesses_and_submits_through_the_pages(told, org_a, member, login):
    incident, _lead = told
    user = member(org_a, "coordinator")
    client = login(user)
    case = IncidentCase.objects.get(incident=incident, organisation=org_a)
    page = client.get(reverse("incidents:incident_list")).content.decode()
    assert incident.title in page and "Early warning" in page
    response = client.post(reverse("incidents:case_assess", args=[case.pk]), {
        "version": case.version, "significant": "yes", "significance_reason": "Alla användare påverkas.",
        "breach": "no", "malicious": "yes", "cross_border": "no", "manager": user.pk})
    assert response.status_code == 302
    submitted = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("incidents:stage_submit", args=[case.pk, "early_warning"]), {
        "submitted_at": submitted, "summary": "Misstänkt intrång", "malicious": "yes", "cross_border": "no"})
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = StageSubmission.objects.get(case=case)
    assert submission.content["malicious"] is True
    detail = client.get(reverse("incidents:case_detail", args=[case.pk])).content.decode()
    assert "Submitted on time" in detail and "Incident notification" in detail
    for fmt, kind in (("docx", "officedocument"), ("pdf", "pdf")):
        doc = client.get(reverse("incidents:submission_document", args=[submission.pk, fmt]))
        assert doc.status_code == 200 and kind in doc["Content-Type"]
    data = json.loads(client.get(reverse("incidents:submission_document", args=[submission.pk, "json"])).content)
    assert data["content"] == {"summary": "Misstänkt intrång", "malicious": True, "cross_border": False}
    assert data["recipient"].startswith("Myndigheten för civilt försvar")
    draft = client.get(reverse("incidents:stage_draft", args=[case.pk, "notification", "pdf"]))
    assert draft.status_code == 200
    for name in ("incidents:clocks", "incidents:breach_list", "incidents:severity_list"):
        assert client.get(reverse(name)).status_code == 200


def test_the_supplier_sees_each_status_and_cannot_assess(told, org_a, org_b, login):
    incident, lead = told
    client = login(lead)
    page = client.get(reverse("incidents:incident_detail", args=[incident.pk])).content.decode()
    assert "Kommun A" in page and "Kommun B" in page
    case_a = IncidentCase.objects.get(incident=incident, organisation=org_a)
    assert client.get(reverse("incidents:case_detail", args=[case_a.pk])).status_code == 200
    response = client.post(reverse("incidents:case_assess", args=[case_a.pk]), {"significant": "yes",
                                                                              "significance_reason": "x"})
    assert response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.significant is None


def test_one_municipality_cannot_open_the_others_case(told, org_a, org_b, member, login):
    incident, _lead = told
    client = login(member(org_b, "coordinator"))
    case_a = IncidentCase.objects.get(incident=incident, organisation=org_a)
    assert client.get(reverse("incidents:case_detail", args=[case_a.pk])).status_code == 404
    page = client.get(reverse("incidents:incident_detail", args=[incident.pk])).content.decode()
    assert "Kommun A" not in page
