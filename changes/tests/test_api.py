"""The issue's flow through /api/changes, and its refusals as JSON 4xx with `detail`."""

import datetime

from django.utils import timezone

from changes.models import AcceptanceTest, ChangeDecision, ChangeStep


def _iso(delta_days=0, minutes=0):
    return (timezone.now() + datetime.timedelta(days=delta_days, minutes=minutes)).isoformat()


def test_the_whole_flow_through_the_api(world, api, cab):
    dev = api("dev", world["s"])
    a = api("coord_a", world["a"])
    b = api("coord_b", world["b"])
    meeting = cab()
    response = dev("post", "", {"title": "Ny version av Procapita", "description": "Huvudversion", "kind": "normal",
                                "likelihood": 4, "consequence": 3, "window_start": _iso(20),
                                "window_end": _iso(20, 180), "systems": [world["system_a"].pk],
                                "addressed_to": ["kommun-b"]})
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["risk_level"] == "high" and sorted(change["addressed_to"]) == ["kommun-a", "kommun-b"]
    cid = change["id"]
    assert dev("post", f"/{cid}/schedule", {"cab_meeting_id": meeting.pk}).status_code == 200
    assert dev("post", f"/cab/{meeting.pk}/papers").json() == {"sent": [cid]}
    assert [c["id"] for c in a("get", "/awaiting").json()["results"]] == [cid]
    assert a("put", f"/{cid}/decision", {"decision": "approve"}).status_code == 200
    response = b("put", f"/{cid}/decision", {"decision": "conditions", "conditions": "Efter kl. 18",
                                             "wants_acceptance_test": True})
    assert response.status_code == 200
    seen_by_a = a("get", f"/{cid}").json()
    assert [d["organisation"] for d in seen_by_a["decisions"]] == ["kommun-a"]
    assert seen_by_a["addressed_to"] == ["kommun-a"]
    cab_page = dev("get", f"/cab/{meeting.pk}").json()
    assert {d["decision"] for d in cab_page["changes"][0]["decisions"]} == {"approve", "conditions"}

    step = {"performed_at": _iso(minutes=-30), "result": "succeeded"}
    assert dev("post", f"/{cid}/steps", {**step, "kind": "develop", "performed_by": "utvecklare@drift.example"}
               ).status_code == 201
    assert dev("post", f"/{cid}/steps", {**step, "kind": "test", "performed_by": "testare@drift.example"}
               ).status_code == 201
    b("put", f"/{cid}/acceptance-test", {"tested_by": "coordinator@kommun-b.example", "tested_at": _iso(minutes=-5),
                                         "passed": True})
    refused = dev("post", f"/{cid}/steps", {**step, "kind": "deploy", "performed_by": "utvecklare@drift.example"})
    assert refused.status_code == 422
    assert "someone other than the developer deploys" in str(refused.json()["errors"])
    assert dev("post", f"/{cid}/steps", {**step, "kind": "deploy", "performed_by": "sakerhet@drift.example"}
               ).status_code == 201
    assert dev("post", f"/{cid}/close", {"closing_report": "Genomfört."}).json()["status"] == "closed"
    assert a("put", f"/{cid}/closing-answer", {"outcome": "confirmed"}).status_code == 200
    answer = b("put", f"/{cid}/closing-answer", {"outcome": "remark", "comment": "Ingen information till användarna"})
    assert answer.json()["action_id"]
    final = dev("get", f"/{cid}").json()
    assert final["acceptance_met"] is True and final["separation_met"] is True
    assert len(final["steps"]) == 3 and len(final["closing_answers"]) == 2


def test_refusals_are_json_and_change_nothing(world, api, make_change, cab):
    change = make_change(systems=[world["system_a"]])
    dev = api("dev", world["s"])
    b = api("coord_b", world["b"])
    a = api("coord_a", world["a"])
    assert b("put", f"/{change.pk}/decision", {"decision": "approve"}).status_code == 404
    refused = dev("put", f"/{change.pk}/decision", {"decision": "approve"})
    assert refused.status_code == 403 and refused.json()["detail"]
    dev("post", f"/{change.pk}/steps", {"kind": "develop", "performed_by": "utvecklare@drift.example",
                                        "performed_at": _iso(minutes=-10)})
    refused = dev("put", f"/{change.pk}/acceptance-test", {"tested_by": "utvecklare@drift.example",
                                                            "tested_at": _iso(minutes=-1), "passed": True})
    assert refused.status_code == 403
    refused = dev("post", f"/{change.pk}/steps", {"kind": "deploy", "performed_by": "sakerhet@drift.example",
                                                  "performed_at": _iso(minutes=-1)})
    assert refused.status_code == 422 and "Kommun A" in str(refused.json()["errors"])
    past = cab(days=-2)
    refused = dev("post", f"/{change.pk}/schedule", {"cab_meeting_id": past.pk})
    assert refused.status_code == 422
    assert a("put", f"/{change.pk}/decision", {"decision": "sometimes"}).status_code == 422
    assert not ChangeDecision.objects.exists() and not AcceptanceTest.objects.exists()
    assert ChangeStep.objects.count() == 1


def test_concurrent_decisions_answer_409(world, api, make_change):
    change = make_change()
    a = api("coord_a", world["a"])
    first = a("put", f"/{change.pk}/decision", {"decision": "approve"}).json()
    assert a("put", f"/{change.pk}/decision", {"decision": "abstain", "version": first["version"]}).status_code == 200
    stale = a("put", f"/{change.pk}/decision", {"decision": "reject", "comment": "Nej", "version": first["version"]})
    assert stale.status_code == 409
    assert ChangeDecision.objects.get().decision == "abstain"


def test_requests_pre_approvals_settings_and_calendar(world, api, make_change):
    a = api("coord_a", world["a"])
    lead = api("lead", world["s"])
    response = a("post", "/requests", {"addressed_to": "drift-ab", "title": "Ny e-tjänst", "description": "Bygglov",
                                       "systems": [world["system_a"].pk]})
    assert response.status_code == 201
    assert [r["title"] for r in lead("get", "/requests").json()] == ["Ny e-tjänst"]
    rid = response.json()["id"]
    changed = a("put", f"/requests/{rid}", {"addressed_to": "drift-ab", "title": "Ny e-tjänst för bygglov",
                                            "description": "Bygglov", "wants_acceptance_test": True})
    assert changed.status_code == 200 and changed.json()["wants_acceptance_test"] is True
    assert lead("put", f"/requests/{rid}", {"addressed_to": "drift-ab", "title": "X", "description": "Y"}
                ).status_code in (403, 404)
    assert api("coord_c", world["c"])("post", "/requests", {"addressed_to": "drift-ab", "title": "X",
                                                            "description": "Y"}).status_code == 422
    assert a("post", "/pre-approvals", {"it_company": "drift-ab", "change_class": "Månadsuppdatering"}
             ).status_code == 201
    assert [p["organisation"] for p in lead("get", "/pre-approvals").json()] == ["kommun-a"]
    assert lead("put", "/settings", {"papers_lead_days": 7}).json()["papers_lead_days"] == 7
    assert a("put", "/settings", {"papers_lead_days": 7}).status_code == 403
    make_change()
    today = timezone.localdate()
    found = a("get", f"/calendar?start={today}&end={today + datetime.timedelta(days=60)}").json()
    assert len(found) == 1
    assert a("get", f"/calendar?start={today}&end={today}").status_code == 422
