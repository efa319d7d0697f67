"""The audits API: the same services, rules and permissions as the pages; errors as JSON with `detail`."""

import datetime

import pytest

from actions.models import Action
from audits.models import Assessment, Audit, FindingRecord, FrameworkRequirement, Observation, Recommendation

pytestmark = pytest.mark.django_db

BASE = "/api/audits"


def _json(client, method, url, headers, body=None):
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def test_findings_now_and_their_history(client, api, tenant_a, org_a, overdue, today):
    from audits import engine

    action = overdue("Uppdatera kontinuitetsplanen")
    headers = api(tenant_a.user, org_a)
    response = client.get(f"{BASE}/findings", **headers)
    assert response.status_code == 200
    [theme] = response.json()
    assert (theme["theme"], theme["priority"]) == ("action_follow_up", "medium")
    [finding] = theme["findings"]
    assert finding["rule"] == "actions.overdue" and finding["citation"]
    assert finding["evidence"] == [{"key": f"actions.action:{action.pk}", "label": finding["evidence"][0]["label"],
                                    "url": action.get_absolute_url()}]
    assert not FindingRecord.objects.exists()  # reading changes nothing

    engine.evaluate_and_record(org_a, today=today)
    history = client.get(f"{BASE}/findings/history?open=true", **headers).json()
    assert history["count"] == 1 and history["results"][0]["first_seen"] == today.isoformat()
    assert client.get(f"{BASE}/findings/history?open=false", **headers).json()["count"] == 0


def test_an_audit_from_creation_to_recommendations_in_the_action_plan(client, api, org_a, auditor_a, tenant_a,
                                                                      frameworks, overdue, today):
    overdue("Uppdatera kontinuitetsplanen")
    auditor = api(auditor_a.user, org_a)
    body = {"title": "Granskning av informationssäkerheten", "reference": "KS 2026/7",
            "questions": ["Styrs säkerheten enligt god praxis?"], "answers": ["Delvis."],
            "period_start": (today - datetime.timedelta(days=30)).isoformat(), "period_end": today.isoformat(),
            "framework_ids": [f.pk for f in frameworks]}
    response = _json(client, "post", f"{BASE}/audits", auditor, body)
    assert response.status_code == 201, response.json()
    audit = response.json()
    assert audit["auditors"] == [auditor_a.user.email]
    assert audit["questions"] == ["Styrs säkerheten enligt god praxis?"] and audit["status"] == "planned"
    audit_id = audit["id"]

    listed = client.get(f"{BASE}/audits", **auditor).json()
    assert [a["id"] for a in listed["results"]] == [audit_id]

    adopted = client.post(f"{BASE}/audits/{audit_id}/adopt", **auditor)
    assert adopted.status_code == 201
    [obs] = adopted.json()
    assert (obs["number"], obs["theme"], obs["priority"]) == (1, "action_follow_up", "medium")
    assert len(obs["recommendations"]) == 1

    written = _json(client, "post", f"{BASE}/audits/{audit_id}/observations", auditor, {
        "title": "Avtalet saknar säkerhetskrav", "description": "Huvudavtalet reglerar inte säkerheten.",
        "priority": "short", "recommendations": ["Komplettera avtalet."]})
    assert written.status_code == 201
    obs2 = written.json()
    assert obs2["number"] == 2 and obs2["recommendations"][0]["number"] == 1
    more = _json(client, "post", f"{BASE}/observations/{obs2['id']}/recommendations", auditor,
                 {"text": "Inför en upphandlingsinstruktion."})
    assert more.status_code == 201 and more.json()["number"] == 2

    msb = FrameworkRequirement.objects.filter(framework__key="msb-lis").order_by("order").first()
    assessed = _json(client, "post", f"{BASE}/audits/{audit_id}/assessments", auditor,
                     {"requirement_id": msb.pk, "level": 2, "comment": "Påbörjat.",
                      "evidence": [{"label": "Handlingsplanen", "url": "/actions/"}]})
    assert assessed.status_code == 201 and assessed.json()["level"] == 2

    # The audit's auditor puts its recommendation in the audited organisation's plan, with an owner there.
    rec_id = obs2["recommendations"][0]["id"]
    due = (today + datetime.timedelta(days=60)).isoformat()
    refused = _json(client, "post", f"{BASE}/recommendations/{rec_id}/action", auditor,
                    {"owner": "ingen@annanstans.example", "due_date": due})
    assert refused.status_code in (404, 422) and refused.json()["detail"]
    coordinator = api(tenant_a.user, org_a)
    made = _json(client, "post", f"{BASE}/recommendations/{rec_id}/action", auditor,
                 {"owner": tenant_a.user.email, "due_date": due})
    assert made.status_code == 201
    action = Action.objects.get(pk=made.json()["action_id"])
    assert (action.organisation_id, action.owner, action.due_date.isoformat()) == (org_a.pk, tenant_a.user, due)
    again = _json(client, "post", f"{BASE}/recommendations/{rec_id}/action", coordinator,
                  {"owner": tenant_a.user.email, "due_date": due})
    assert again.status_code == 422

    answered = _json(client, "post", f"{BASE}/observations/{obs2['id']}/response", coordinator,
                     {"response": "Avtalet omarbetas."})
    assert answered.status_code == 200 and answered.json()["response"] == "Avtalet omarbetas."

    detail = client.get(f"{BASE}/audits/{audit_id}", **coordinator).json()
    assert [o["number"] for o in detail["observations"]] == [1, 2]
    assert detail["observations"][1]["recommendations"][0]["action_owner"] == tenant_a.user.email
    assert detail["maturity"] == [{"framework": str(msb.framework), "area": msb.group, "level": 2.0, "assessed": 1,
                                   "previous": None}]
    assert detail["overall_maturity"] == 2.0

    report = client.get(f"{BASE}/audits/{audit_id}/report?format=pdf", **coordinator)
    assert report.status_code == 200 and report.content[:5] == b"%PDF-"
    assert client.get(f"{BASE}/audits/{audit_id}/report?format=xls", **coordinator).status_code == 422


def test_bad_input_gives_a_clear_answer_and_saves_nothing(client, api, org_a, auditor_a, tenant_a, audit_a,
                                                          frameworks):
    auditor = api(auditor_a.user, org_a)
    before = Observation.objects.count()
    response = _json(client, "post", f"{BASE}/audits/{audit_a.pk}/observations", auditor,
                     {"title": "Utan prioritet", "description": "Beskrivning."})
    assert response.status_code == 422 and "priority" in response.json()["errors"]
    msb = FrameworkRequirement.objects.filter(framework__key="msb-lis").first()
    response = _json(client, "post", f"{BASE}/audits/{audit_a.pk}/assessments", auditor,
                     {"requirement_id": msb.pk, "level": 9})
    assert response.status_code == 422 and "level" in response.json()["errors"]
    response = _json(client, "post", f"{BASE}/audits", auditor, {
        "title": "Baklänges", "period_start": "2026-06-01", "period_end": "2026-05-01"})
    assert response.status_code == 422 and "period_end" in response.json()["errors"]
    response = _json(client, "post", f"{BASE}/audits", auditor, {"title": "Okänd granskare",
                                                                 "auditors": ["ingen@example.com"]})
    assert response.status_code == 422 and "auditors" in response.json()["errors"]
    response = _json(client, "post", f"{BASE}/audits", auditor, {"title": "Flerradig",
                                                                 "questions": ["En\nTvå"]})
    assert response.status_code == 422 and "questions" in response.json()["errors"]

    obs = _json(client, "post", f"{BASE}/audits/{audit_a.pk}/observations", auditor, {
        "title": "Iakttagelse", "description": "Beskrivning.", "priority": "long",
        "recommendations": ["Gör något."]}).json()
    rec_id = obs["recommendations"][0]["id"]
    coordinator = api(tenant_a.user, org_a)
    response = _json(client, "post", f"{BASE}/recommendations/{rec_id}/action", coordinator, {})
    assert response.status_code == 422 and {"owner", "due_date"} <= set(response.json()["errors"])
    response = _json(client, "post", f"{BASE}/recommendations/{rec_id}/action", coordinator,
                     {"owner": "ingen@example.com", "due_date": "2027-01-01"})
    assert response.status_code == 422 and "owner" in response.json()["errors"]
    assert Observation.objects.count() == before + 1
    assert not Assessment.objects.exists() and not Action.objects.exists()
    assert Audit.objects.count() == 1
    assert Recommendation.objects.get(pk=rec_id).action_id is None


def test_permissions_match_the_pages(client, api, org_a, org_b, as_member, member, supplier_org, auditor_a,
                                     audit_a):
    reader, _tenant = as_member(org_a, "reader")
    headers = api(reader, org_a)
    assert client.get(f"{BASE}/audits/{audit_a.pk}", **headers).status_code == 200
    response = _json(client, "post", f"{BASE}/audits", headers, {"title": "Egen"})
    assert response.status_code == 403 and response.json()["detail"]
    assert client.post(f"{BASE}/audits/{audit_a.pk}/adopt", **headers).status_code == 403
    response = _json(client, "post", f"{BASE}/audits/{audit_a.pk}/observations", headers,
                     {"title": "x", "description": "x", "priority": "short"})
    assert response.status_code == 403

    other_auditor, _tenant = as_member(org_a, "auditor", email="revisor2@kommun-a.example")
    response = _json(client, "post", f"{BASE}/audits/{audit_a.pk}/observations", api(other_auditor, org_a),
                     {"title": "x", "description": "x", "priority": "short"})
    assert response.status_code == 403

    outsider = api(member(org_b, "auditor"), org_b)
    assert client.get(f"{BASE}/audits/{audit_a.pk}", **outsider).status_code == 404
    assert client.get(f"{BASE}/audits", **outsider).json()["count"] == 0
    response = _json(client, "post", f"{BASE}/audits/{audit_a.pk}/observations", outsider,
                     {"title": "x", "description": "x", "priority": "short"})
    assert response.status_code == 404 and response.json()["detail"]

    supplier = api(member(supplier_org, "supplier"), supplier_org)
    assert client.get(f"{BASE}/findings", **supplier).status_code == 404
    assert client.get(f"{BASE}/audits", **supplier).status_code == 404
    assert not Observation.objects.exists()


def test_the_audit_list_reads_the_same_number_of_queries(client, api, org_a, auditor_a, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audits import services

    headers = api(auditor_a.user, org_a)

    def grow(n):
        for i in range(n):
            audit = services.audit_save(tenant=auditor_a, audit=None, data={"title": f"Granskning {i}"})
            services.observation_save(tenant=auditor_a, audit=audit, observation=None, data={
                "title": "Iakttagelse", "description": "Beskrivning.", "priority": "short"})

    def count():
        client.get(f"{BASE}/audits", **headers)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{BASE}/audits", **headers).status_code == 200
        return len(ctx)

    grow(2)
    small = count()
    grow(10)
    assert count() == small


def test_the_auditor_changes_and_removes_an_observation_through_the_api(client, api, auditor_a, tenant_a, audit_a,
                                                                        org_a):
    from audits import services

    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={
        "title": "Avtalet saknar säkerhetskrav", "description": "Huvudavtalet.", "priority": "short",
        "recommendations": ["Komplettera avtalet."]})
    auditor = api(auditor_a.user, org_a)
    changed = _json(client, "put", f"{BASE}/observations/{obs.pk}", auditor, {
        "title": "Avtalet saknar säkerhetskrav", "description": "Huvudavtalet.", "priority": "medium",
        "recommendations": ["Komplettera avtalet.", "Följ upp."]})
    assert changed.status_code == 200
    assert changed.json()["priority"] == "medium" and len(changed.json()["recommendations"]) == 2
    no_priority = _json(client, "put", f"{BASE}/observations/{obs.pk}", auditor, {
        "title": "x", "description": "y", "priority": "", "recommendations": []})
    assert no_priority.status_code == 422 and "priority" in str(no_priority.json())
    coordinator = api(tenant_a.user, org_a)
    assert client.delete(f"{BASE}/observations/{obs.pk}", **coordinator).status_code == 403
    assert client.delete(f"{BASE}/observations/{obs.pk}", **auditor).status_code == 204
    assert client.get(f"{BASE}/observations/{obs.pk}", **auditor).status_code == 404
