"""The walk of issue 3 through the API alone, as tests/browser/test_risk_flow.py walks it in a browser.

A coordinator and a system owner of one municipality, each with an API token: the coordinator
records a system and an information type, links them and classifies the information through
the questionnaire; the system owner approves. The coordinator reads the system's protection need
and its derived requirements, assesses one, records a risk-analysis session and a risk above
the acceptance level with a treatment (an action of the plan), and is refused the acceptance; the
system owner accepts it with a justification. The heat maps count the risk; the coordinator
finishes the action in the plan and the treatment follows. Every step checks the status code
and the body.
"""

import datetime

import pytest
from django.utils import translation

from accounts.models import ApiToken
from actions.models import Action, ActionStatus
from classification.models import Classification, ClassificationStatus
from inventory.models import InformationType, System
from requirements.catalogue import load_catalogue
from risk.models import Risk, RiskStatus, TreatmentStatus

pytestmark = pytest.mark.django_db

# The questionnaire's answers for the social services' case decisions, and the levels they give
# (as in the browser test): K 3 from secrecy under OSL chapter 26, R 2 and T 2 from significant
# harm to life and health (T also from a day's tolerable outage), S 2 from sensitive personal data.
ANSWERS = {
    "personal_data": True, "sensitive_personal_data": True, "criminal_offence_data": False, "national_id": True,
    "osl_chapters": ["26"], "security_classified": False, "security_sensitive_operations": False,
    "impact_life_health": "significant", "impact_services": "moderate", "impact_finances": "moderate",
    "impact_trust": "significant", "outage_tolerance": "day", "integrity_consequence": "significant",
    "traceability_consequence": "moderate",
}
LEVELS = {"K": 3, "R": 2, "T": 2, "S": 2}
TUPLE = "3-2-2-2"


class Caller:
    """The test client with one member's API token, in English, for the organisation org."""

    def __init__(self, client, user, org):
        _token, raw = ApiToken.issue(user=user, name="journey")
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": org.slug,
                        "HTTP_ACCEPT_LANGUAGE": "en"}

    def get(self, path, **params):
        return self.client.get("/api" + path, params, **self.headers)

    def post(self, path, body=None):
        return self.client.post("/api" + path, body or {}, content_type="application/json", **self.headers)

    def put(self, path, body):
        return self.client.put("/api" + path, body, content_type="application/json", **self.headers)


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_coordinator_and_a_system_owner_do_the_whole_walk_through_the_api(client, org_a, org_b, member):
    load_catalogue()
    coordinator_user = member(org_a, "coordinator")
    owner_user = member(org_a, "system_owner")
    coordinator = Caller(client, coordinator_user, org_a)
    owner = Caller(client, owner_user, org_a)
    outsider = Caller(client, member(org_b, "coordinator"), org_b)

    # 1. A system and an information type, linked through the system.
    system = ok(coordinator.post("/systems", {"name": "Verksamhetssystem socialtjänst", "owner": owner_user.email,
                                              "personal_data": True}), 201)
    assert (system["owner"], system["information_type_ids"], system["version"]) == (owner_user.email, [], 1)
    info = ok(coordinator.post("/information-types", {"name": "Biståndsbeslut", "description": "Beslut om bistånd "
                                                      "enligt socialtjänstlagen", "personal_data": True}), 201)
    assert (info["name"], info["personal_data"], info["system_count"], info["system_ids"]) == (
        "Biståndsbeslut", True, 0, [])
    linked = ok(coordinator.put(f"/systems/{system['id']}", {"name": system["name"], "owner": owner_user.email,
                                                            "personal_data": True, "information_type_ids": [info["id"]],
                                                            "version": system["version"]}))
    assert (linked["information_type_ids"], linked["version"]) == ([info["id"]], 2)
    info = ok(coordinator.get(f"/information-types/{info['id']}"))
    assert (info["system_count"], info["system_ids"]) == (1, [system["id"]])
    found = ok(coordinator.get("/information-types", q="bistånd"))
    assert [i["id"] for i in found["results"]] == [info["id"]]
    # Another municipality sees neither.
    assert outsider.get(f"/information-types/{info['id']}").status_code == 404
    assert outsider.get(f"/systems/{system['id']}").status_code == 404
    # Nothing is classified yet: no protection need.
    need = ok(coordinator.get(f"/classification/systems/{system['id']}/protection-need"))
    assert need == {"system_id": system["id"], "levels": {"K": None, "R": None, "T": None, "S": None}, "tuple": "–"}

    # 2. The questionnaire's answers give the levels; the draft goes to review and the owner approves.
    questions = {q["id"] for q in ok(coordinator.get("/classification/questionnaire"))}
    assert questions == set(ANSWERS)
    draft = ok(coordinator.post("/classification", {
        "information_type_id": info["id"], "answers": ANSWERS,
        "reasoning": {"osl_chapters": "Sekretess enligt OSL 26 kap. 1 § för uppgifter om enskildas personliga förhållanden."},
    }), 201)
    assert (draft["status"], draft["levels"], draft["tuple"], draft["information_type"]) == (
        "draft", LEVELS, TUPLE, "Biståndsbeslut")
    assert draft["reasoning"]["osl_chapters"].startswith("Sekretess enligt OSL 26 kap.")
    assert {fired["rule"] for fired in draft["computed"]["fired"]} >= {"osl_strong_secrecy"}
    cid = draft["id"]
    assert ok(coordinator.post(f"/classification/{cid}/submit"))["status"] == "review"
    refused = coordinator.post(f"/classification/{cid}/approve")
    assert (refused.status_code, refused.json()) == (403, {"detail": "Your role does not allow this."})
    approved = ok(owner.post(f"/classification/{cid}/approve"))
    assert (approved["status"], approved["approved_by"], approved["levels"], approved["stale"]) == (
        "approved", owner_user.email, LEVELS, False)
    assert approved["review_date"] > datetime.date.today().isoformat()
    assert Classification.objects.get(pk=cid).status == ClassificationStatus.APPROVED

    # 3. The system's protection need is the highest level of its information …
    need = ok(coordinator.get(f"/classification/systems/{system['id']}/protection-need"))
    assert need == {"system_id": system["id"], "levels": LEVELS, "tuple": TUPLE}
    # … and its requirements follow from it: K 3 brings ÅS-06; R 3 (ÅS-11) is not reached.
    derived = ok(coordinator.get(f"/requirements/systems/{system['id']}"))
    assert (derived["need"], derived["classified"], derived["protection_analysis"]) == (LEVELS, True, [])
    by_code = {row["requirement"]["code"]: row for row in derived["requirements"]}
    assert by_code["ÅS-06"]["applies_through"] == ["K"] and by_code["ÅS-06"]["status"] is None
    assert "ÅS-11" not in by_code
    assert derived["summary"]["total"] == len(derived["requirements"]) > 0
    # Nothing is assessed by hand yet; what is met is what Tillit answers from its own data (an owner
    # named, the classification current, the system in the inventory …).
    from_data = [r["requirement"]["code"] for r in derived["requirements"]
                 if r["derived"] and r["effective_status"] == "met"]
    assert derived["summary"]["met"] == len(from_data) and "ÅS-06" not in from_data
    requirement_id = by_code["ÅS-06"]["requirement"]["id"]
    evidence = "Inloggning med e-legitimation, se rutin IS-12."
    status = ok(coordinator.put(f"/requirements/systems/{system['id']}/requirements/{requirement_id}",
                                {"status": "met", "evidence": evidence}))
    assert (status["status"], status["evidence"], status["assessed_by"], status["version"]) == (
        "met", evidence, coordinator_user.email, 1)
    derived = ok(coordinator.get(f"/requirements/systems/{system['id']}"))
    row = next(r for r in derived["requirements"] if r["requirement"]["code"] == "ÅS-06")
    assert (row["status"]["status"], row["status"]["evidence"], derived["summary"]["met"]) == (
        "met", evidence, len(from_data) + 1)

    # 4. A risk-analysis session finds a risk above the acceptance level (medium by default).
    matrix = ok(coordinator.get("/risks/matrix"))
    assert (matrix["likelihood_size"], matrix["consequence_size"], matrix["acceptance_level"]) == (4, 4, "medium")
    session = ok(coordinator.post("/risks/sessions", {
        "title": "Riskanalys socialtjänstens verksamhetssystem", "date": "2026-03-10",
        "scope": "Behörigheter och åtkomst till biståndsbeslut.",
        "participants": [coordinator_user.email, owner_user.email]}), 201)
    assert sorted(session["participants"]) == sorted([coordinator_user.email, owner_user.email])
    risk = ok(coordinator.post("/risks", {
        "title": "Obehörig åtkomst till biståndsbeslut",
        "description": "Handläggare kan läsa beslut i ärenden de inte arbetar med.",
        "system_ids": [system["id"]], "information_type_ids": [info["id"]],
        "inherent_likelihood": 4, "inherent_consequence": 4, "residual_likelihood": 3, "residual_consequence": 3,
        "owner": owner_user.email, "strategy": "reduce", "session_id": session["id"]}), 201)
    assert (risk["session_id"], risk["system_ids"], risk["information_type_ids"], risk["owner"]) == (
        session["id"], [system["id"]], [info["id"]], owner_user.email)
    assert (risk["inherent_score"], risk["inherent_level"], risk["residual_score"], risk["residual_level"]) == (
        16, "very_high", 9, "high")
    assert (risk["status"], risk["accepted_by"]) == ("assessed", None)
    in_session = ok(coordinator.get("/risks", session=session["id"]))
    assert [r["id"] for r in in_session["results"]] == [risk["id"]]

    # The treatment becomes an action of the plan, the coordinator's own.
    due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    treatment = ok(coordinator.post(f"/risks/{risk['id']}/treatments", {
        "description": "Inför behörighetsstyrning per ärende och logguppföljning varje månad.",
        "owner": coordinator_user.email, "due_date": due}), 201)
    assert (treatment["risk_id"], treatment["status"], treatment["owner"], treatment["due_date"]) == (
        risk["id"], "open", coordinator_user.email, due)
    assert len(treatment["action_ids"]) == 1
    action_id = treatment["action_ids"][0]

    # 5. Above the acceptance level: the coordinator is refused and told who may accept …
    version = ok(coordinator.get(f"/risks/{risk['id']}"))["version"]
    refused = coordinator.post(f"/risks/{risk['id']}/accept", {"justification": "Godtas.", "version": version})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only the risk's owner, the owner of a system the risk concerns, or an "
                                        "administrator may accept a residual risk above the acceptance level."}
    unchanged = ok(coordinator.get(f"/risks/{risk['id']}"))
    assert (unchanged["status"], unchanged["accepted_at"], unchanged["version"]) == ("assessed", None, version)
    # … and the system owner must give the reason.
    blank = owner.post(f"/risks/{risk['id']}/accept", {"justification": "  ", "version": version})
    assert blank.status_code == 422
    assert blank.json()["errors"] == {"justification": ["Give the reason for accepting the risk."]}
    justification = "Kvarvarande risk godtas till dess att behörighetsstyrningen är införd."
    # The treatment has not started: the API asks for confirmation first (409).
    warned = owner.post(f"/risks/{risk['id']}/accept", {"justification": justification, "version": version})
    assert warned.status_code == 409
    accepted = ok(owner.post(f"/risks/{risk['id']}/accept",
                             {"justification": justification, "version": version, "confirm": True}))
    assert (accepted["status"], accepted["accepted_by"], accepted["acceptance_justification"], accepted["version"]) == (
        "accepted", owner_user.email, justification, version + 1)
    assert accepted["accepted_at"] is not None
    stored = Risk.objects.get(pk=risk["id"])
    assert (stored.status, stored.accepted_by) == (RiskStatus.ACCEPTED, owner_user)

    # 6. The heat maps count the risk in its cells.
    for kind, (likelihood, consequence, level) in (("inherent", (4, 4, "very_high")), ("residual", (3, 3, "high"))):
        heatmap = ok(coordinator.get("/risks/heatmap", kind=kind))
        assert (heatmap["kind"], heatmap["total"], len(heatmap["cells"])) == (kind, 1, 16)
        assert len(heatmap["likelihood_labels"]) == len(heatmap["consequence_labels"]) == 4
        filled = [cell for cell in heatmap["cells"] if cell["count"]]
        assert filled == [{"likelihood": likelihood, "consequence": consequence, "count": 1, "level": level}]
    assert outsider.get("/risks/heatmap").json()["total"] == 0

    # 7. The coordinator finishes the action in the plan; the treatment follows.
    mine = ok(coordinator.get("/actions", view="mine"))
    assert [a["id"] for a in mine["results"]] == [action_id]
    action = mine["results"][0]
    assert (action["source_kind"], action["owner"], action["due_date"], action["status"]) == (
        "risk.treatment", coordinator_user.email, due, "open")
    assert ok(owner.get("/actions", view="mine"))["results"] == []
    done = ok(coordinator.put(f"/actions/{action_id}", {"title": action["title"], "description": action["description"],
                                                        "owner": action["owner"], "due_date": action["due_date"],
                                                        "status": "done"}))
    assert (done["id"], done["status"]) == (action_id, "done")
    assert ok(coordinator.get("/actions", view="mine"))["results"] == []
    assert [a["id"] for a in ok(coordinator.get("/actions", view="done"))["results"]] == [action_id]
    treatments = ok(coordinator.get(f"/risks/{risk['id']}/treatments"))
    assert [(t["id"], t["status"], t["action_ids"]) for t in treatments] == [(treatment["id"], "done", [action_id])]

    stored_action = Action.objects.get(pk=action_id)
    assert stored_action.status == ActionStatus.DONE and stored_action.completed_at is not None
    assert stored.treatments.get().status == TreatmentStatus.DONE
    # Everything was recorded for Kommun A only.
    assert System.objects.filter(organisation=org_a).count() == 1
    assert InformationType.objects.filter(organisation=org_a).count() == 1
