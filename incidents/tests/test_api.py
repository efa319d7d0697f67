"""The same journey through the API: reported once, each municipality assesses, reports and reviews."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Action
from incidents.models import IncidentCase

pytestmark = pytest.mark.django_db


def _post(client, url, headers, body):
    return client.post(url, body, content_type="application/json", **headers)


def test_api_journey(client, served, org_a, org_b, member, api_headers):
    lead = api_headers(member(served, "security_lead"), served)
    now = timezone.now()
    response = _post(client, "/api/incidents/incidents", lead, {
        "title": "Avbrott i lönesystemet", "description": "Lönesystemet svarar inte.", "category": "outage",
        "detected_at": (now - datetime.timedelta(hours=1)).isoformat(), "addressee_ids": [org_a.pk, org_b.pk]})
    assert response.status_code == 201, response.content
    incident_id = response.json()["incident_id"]
    detail = client.get(f"/api/incidents/incidents/{incident_id}", **lead).json()
    assert sorted(c["organisation"] for c in detail["cases"]) == ["Drift AB", "Kommun A", "Kommun B"]

    coordinator = member(org_a, "coordinator")
    a = api_headers(coordinator, org_a)
    cases = client.get("/api/incidents/cases?state=open", **a).json()
    assert cases["count"] == 1
    case = cases["results"][0]
    assert case["clocks"][0]["stage"] == "early_warning" and case["clocks"][0]["provisional"] is True

    # The supplier may read but not assess the municipality's case.
    refused = _post(client, f"/api/incidents/cases/{case['id']}/assessment", lead,
                    {"significant": True, "significance_reason": "x"})
    assert refused.status_code == 403 and "detail" in refused.json()

    stale = _post(client, f"/api/incidents/cases/{case['id']}/assessment", a, {"version": case["version"] + 5,
                                                                              "breach": False})
    assert stale.status_code == 409
    assessed = _post(client, f"/api/incidents/cases/{case['id']}/assessment", a, {
        "version": case["version"], "significant": True, "significance_reason": "Löner kan inte betalas ut.",
        "breach": False, "manager": coordinator.email})
    assert assessed.status_code == 200 and assessed.json()["significant"] is True

    twice = None
    for stage in ("early_warning", "notification"):
        response = _post(client, f"/api/incidents/cases/{case['id']}/submissions", a, {
            "stage": stage, "submitted_at": timezone.now().isoformat(), "content": {"cross_border": False}})
        assert response.status_code == 201, response.content
        twice = response
    assert twice.json()["recipient"].startswith("Myndigheten för civilt försvar")
    again = _post(client, f"/api/incidents/cases/{case['id']}/submissions", a, {
        "stage": "notification", "submitted_at": timezone.now().isoformat()})
    assert again.status_code == 422 and "already been submitted" in again.content.decode()
    report = client.get(f"/api/incidents/cases/{case['id']}/reports/notification", **a).json()
    assert report["submitted"] is True and set(report["content"]) == {"severity_impact", "indicators", "malicious",
                                                                     "cross_border"}

    closing = _post(client, f"/api/incidents/cases/{case['id']}/close", a, {})
    assert closing.status_code == 422  # the progress report is still due
    assert client.put(f"/api/incidents/cases/{case['id']}/review", {
        "held_on": timezone.localdate().isoformat(), "participants": "Kommunen och Drift AB",
        "supplier_took_part": True, "causes": "Fel i databasen.", "what_was_done": "Återställning."},
        content_type="application/json", **a).status_code == 200
    lesson = _post(client, f"/api/incidents/cases/{case['id']}/review/lessons", a, {
        "text": "Testa återläsning varje kvartal", "owner": coordinator.email,
        "due_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()})
    assert lesson.status_code == 201
    assert Action.objects.get(pk=lesson.json()["action_id"]).organisation_id == org_a.pk

    # Kommun B never reads Kommun A's case.
    b = api_headers(member(org_b, "coordinator"), org_b)
    assert client.get(f"/api/incidents/cases/{case['id']}", **b).status_code == 404
    assert IncidentCase.objects.get(pk=case["id"]).significant is True


def test_api_refuses_bad_input_with_json(client, org_a, member, api_headers):
    a = api_headers(member(org_a, "coordinator"), org_a)
    future = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    response = _post(client, "/api/incidents/incidents", a, {"title": "X", "description": "Y", "detected_at": future})
    assert response.status_code == 422 and "future" in str(response.json()["errors"])
    response = _post(client, "/api/incidents/incidents", a, {"title": "X", "description": "Y",
                                                             "detected_at": "igår"})
    assert response.status_code == 422
    assert not IncidentCase.objects.exists()
