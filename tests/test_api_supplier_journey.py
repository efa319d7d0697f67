"""The "Done when" walks of the supplier-governance issue through the API alone, as
tests/browser/test_supplier_flow.py walks them in a browser.

A supplier organisation (the shared IT company) serves two municipalities. Its service manager
defines a KPI addressed to both and reports one month once for both; each municipality's
coordinator gives its own verdict, municipality 2 with remarks that become an action of its own
plan; the supplier reads both verdicts, municipality 1 only its own. Municipality 1 asks the
supplier a question about a system and the service manager answers it; the coordinator reads who
answered and when. A coordinator records a contract, assesses its checklist, reads the gaps and
turns them into actions. Every step checks the status code and the body.
"""

import datetime

import pytest
from django.utils import translation

from accounts.models import ApiToken
from actions.models import Action
from classification.models import SupplierQuestion
from kpis.models import KpiReport, KpiVerdict, last_ended_start
from suppliers.checklist import checklist_areas
from suppliers.models import ContractAssessment
from tests.factories import OrganisationFactory, SystemFactory

pytestmark = pytest.mark.django_db


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


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def it_company(db, org_a, org_b):
    """The shared IT company, serving both municipalities."""
    org = OrganisationFactory(name="Mellanskogs IT AB", slug="mellanskogs-it", kind="supplier")
    org.customers.add(org_a, org_b)
    return org


def _month() -> datetime.date:
    return last_ended_start("month", datetime.date.today())


def test_the_supplier_reports_once_each_municipality_decides_and_remarks_become_an_action(
        client, org_a, org_b, it_company, member):
    manager_user = member(it_company, "service_manager")
    manager = Caller(client, manager_user, it_company)
    first_user, second_user = member(org_a, "coordinator"), member(org_b, "coordinator")
    first, second = Caller(client, first_user, org_a), Caller(client, second_user, org_b)
    month = _month()

    # 1. The supplier defines a KPI addressed to both municipalities.
    definition = ok(manager.post("/kpis/definitions", {
        "name": "Tillgänglighet e-post", "service": "IT-arbetsplats", "unit": "percent", "direction": "higher",
        "target": "99.5", "period": "month", "reported_from": (month - datetime.timedelta(days=90)).isoformat(),
        "addressed_to": [org_a.slug, org_b.slug]}), 201)
    assert (definition["supplier"], sorted(definition["addressed_to"])) == (it_company.slug, [org_a.slug, org_b.slug])
    # Both municipalities read it.
    assert ok(first.get(f"/kpis/definitions/{definition['id']}"))["name"] == "Tillgänglighet e-post"
    assert ok(second.get(f"/kpis/definitions/{definition['id']}"))["name"] == "Tillgänglighet e-post"

    # 2. One report of the month, once, to both; one value below its target.
    report = ok(manager.post("/kpis/reports", {
        "period_kind": "month", "period_start": month.isoformat(), "addressed_to": [org_a.slug, org_b.slug],
        "comment": "Driftstörning den 12:e.",
        "values": [{"definition_id": definition["id"], "value": "98.7", "comment": "Störning i e-posttjänsten."}]}),
        201)
    assert (report["period_start"], sorted(report["addressed_to"])) == (month.isoformat(), [org_a.slug, org_b.slug])
    assert [(v["definition_id"], v["met"]) for v in report["values"]] == [(definition["id"], False)]
    assert KpiReport.objects.filter(organisation=it_company).count() == 1
    # Each municipality reads the one report and sees only itself among the addressees.
    assert ok(first.get(f"/kpis/reports/{report['id']}"))["addressed_to"] == [org_a.slug]
    assert ok(second.get(f"/kpis/reports/{report['id']}"))["addressed_to"] == [org_b.slug]

    # The supplier does not decide for its customers.
    refused = manager.put(f"/kpis/reports/{report['id']}/verdict", {"verdict": "approved"})
    assert refused.status_code == 403
    assert not KpiVerdict.objects.exists()

    # 3. Municipality 1 approves; municipality 2 has remarks, which need a comment.
    approved = ok(first.put(f"/kpis/reports/{report['id']}/verdict", {"verdict": "approved"}))
    assert (approved["organisation"], approved["verdict"], approved["decided_by"]) == (
        org_a.slug, "approved", first_user.email)
    assert approved["decided_at"] is not None
    blank = second.put(f"/kpis/reports/{report['id']}/verdict", {"verdict": "remarks", "comment": " "})
    assert blank.status_code == 422
    assert blank.json()["errors"] == {"comment": ["Explain the remarks or why the report is not approved."]}
    remark = "Tillgängligheten under målet; vi vill se en åtgärdsplan för e-posttjänsten."
    remarks = ok(second.put(f"/kpis/reports/{report['id']}/verdict", {"verdict": "remarks", "comment": remark}))
    assert (remarks["organisation"], remarks["verdict"], remarks["comment"], remarks["decided_by"],
            remarks["action_id"]) == (org_b.slug, "remarks", remark, second_user.email, None)

    # Municipality 1 cannot turn municipality 2's remarks into an action (it does not see them).
    assert first.post(f"/kpis/verdicts/{remarks['id']}/action").status_code == 404
    # An approval has no remarks to act on.
    assert first.post(f"/kpis/verdicts/{approved['id']}/action").status_code == 422
    assert not Action.objects.exists()

    # 4. Municipality 2 turns its remarks into an action of its own plan, once.
    made = ok(second.post(f"/kpis/verdicts/{remarks['id']}/action"), 201)
    assert made["title"] == f"Follow up KPI report {month:%Y-%m}"
    again = second.post(f"/kpis/verdicts/{remarks['id']}/action")
    assert again.status_code == 422
    plan = ok(second.get("/actions", view="open"))
    assert [(a["id"], a["description"], a["source_kind"]) for a in plan["results"]] == [
        (made["action_id"], remark, "kpis.kpiverdict")]
    assert ok(first.get("/actions", view="all"))["count"] == 0
    assert first.get(f"/actions/{made['action_id']}").status_code == 404
    assert ok(second.get(f"/kpis/reports/{report['id']}/verdicts"))[0]["action_id"] == made["action_id"]

    # 5. The supplier reads both verdicts; municipality 1 only its own, municipality 2 only its own.
    seen = {v["organisation"]: (v["verdict"], v["comment"], v["decided_by"])
            for v in ok(manager.get(f"/kpis/reports/{report['id']}/verdicts"))}
    assert seen == {org_a.slug: ("approved", "", first_user.email), org_b.slug: ("remarks", remark, second_user.email)}
    assert [v["organisation"] for v in ok(first.get(f"/kpis/reports/{report['id']}/verdicts"))] == [org_a.slug]
    assert [v["organisation"] for v in ok(second.get(f"/kpis/reports/{report['id']}/verdicts"))] == [org_b.slug]
    # The municipalities' list of reports: the one report; the supplier's: both verdicts on it.
    listed = ok(manager.get("/kpis/reports"))
    assert [r["id"] for r in listed["results"]] == [report["id"]]
    assert ok(first.get("/kpis/reports"))["results"][0]["addressed_to"] == [org_a.slug]


def test_a_municipality_asks_the_supplier_and_the_supplier_answers_in_tillit(
        client, org_a, org_b, it_company, member):
    coordinator_user = member(org_a, "coordinator")
    manager_user = member(it_company, "service_manager")
    coordinator = Caller(client, coordinator_user, org_a)
    manager = Caller(client, manager_user, it_company)
    other = Caller(client, member(org_b, "coordinator"), org_b)
    system = SystemFactory(organisation=org_a, name="Ekonomisystem")

    # 1. The municipality's register names the IT company as a supplier in Tillit.
    supplier = ok(coordinator.post("/suppliers", {"name": "Mellanskogs IT AB",
                                                  "tillit_organisation": it_company.slug}), 201)
    assert supplier["tillit_organisation"] == it_company.slug

    # 2. It asks a question about a system.
    due = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    text = "Hur länge sparas behörighetsloggarna för ekonomisystemet?"
    asked = ok(coordinator.post("/classification/questions", {
        "supplier_id": supplier["id"], "system_id": system.pk, "question": text, "due_date": due}), 201)
    assert (asked["system"], asked["asked_by"], asked["answer"], asked["answered_by"], asked["due_date"]) == (
        "Ekonomisystem", coordinator_user.email, "", None, due)

    # 3. The supplier's service manager reads it among the questions to it …
    to_us = ok(manager.get("/classification/questions-to-us"))
    assert [(q["id"], q["question"]) for q in to_us["results"]] == [(asked["id"], text)]
    # … which another municipality's coordinator cannot answer.
    assert other.post(f"/classification/questions-to-us/{asked['id']}/answer",
                      {"answer": "Ett år."}).status_code in (403, 404)
    assert other.get(f"/classification/questions/{asked['id']}").status_code == 404
    assert SupplierQuestion.objects.get(pk=asked["id"]).answer == ""

    # 4. … and answers it.
    answer = "Behörighetsloggarna sparas i 24 månader och granskas varje kvartal."
    replied = ok(manager.post(f"/classification/questions-to-us/{asked['id']}/answer", {"answer": answer}))
    assert (replied["answer"], replied["answered_by"]) == (answer, manager_user.email)
    assert ok(manager.get("/classification/questions-to-us"))["count"] == 0  # no longer open

    # 5. The coordinator reads the answer, who gave it and when.
    seen = ok(coordinator.get(f"/classification/questions/{asked['id']}"))
    assert (seen["answer"], seen["answered_by"], seen["recorded_by"], seen["answered_on"]) == (
        answer, manager_user.email, None, datetime.date.today().isoformat())
    assert seen["answered_at"] is not None
    answered = ok(coordinator.get("/classification/questions", view="answered"))
    assert [q["id"] for q in answered["results"]] == [asked["id"]]


def test_a_contracts_checklist_shows_its_gaps_which_become_actions(client, org_a, org_b, it_company, member):
    coordinator_user = member(org_a, "coordinator")
    coordinator = Caller(client, coordinator_user, org_a)
    other = Caller(client, member(org_b, "coordinator"), org_b)
    manager = Caller(client, member(it_company, "service_manager"), it_company)
    supplier = ok(coordinator.post("/suppliers", {"name": "Mellanskogs IT AB",
                                                  "tillit_organisation": it_company.slug}), 201)

    # 1. A main agreement in force.
    contract = ok(coordinator.post("/suppliers/contracts", {
        "supplier": supplier["id"], "kind": "main", "title": "Huvudavtal IT-drift", "reference": "KS 2024/118",
        "valid_from": "2024-01-01", "valid_until": None, "notice_months": 12}), 201)
    assert (contract["title"], contract["in_force"], contract["supplier_id"]) == (
        "Huvudavtal IT-drift", True, supplier["id"])
    areas = ok(coordinator.get("/suppliers/checklist"))
    keys = [a["key"] for a in areas]
    assert len(keys) == len(checklist_areas()) >= 3
    rows = ok(coordinator.get(f"/suppliers/contracts/{contract['id']}/assessments"))
    assert {r["status"] for r in rows} == {"not_assessed"}

    # 2. Every area assessed: the first two not covered and partly covered, the rest covered.
    covered_needs_clause = coordinator.put(f"/suppliers/contracts/{contract['id']}/assessments/{keys[2]}",
                                           {"status": "covered"})
    assert covered_needs_clause.status_code == 422
    assert covered_needs_clause.json()["errors"] == {"clause": ["Name the clause that covers the area."]}
    not_covered = ok(coordinator.put(f"/suppliers/contracts/{contract['id']}/assessments/{keys[0]}", {
        "status": "not_covered", "comment": "Avtalet saknar krav på säkerhetspolicy."}))
    assert (not_covered["status"], not_covered["assessed_by"]) == ("not_covered", coordinator_user.email)
    ok(coordinator.put(f"/suppliers/contracts/{contract['id']}/assessments/{keys[1]}", {
        "status": "partly", "clause": "Bilaga 3, 4.2", "comment": "Endast driftrutiner nämns."}))
    for key in keys[2:]:
        ok(coordinator.put(f"/suppliers/contracts/{contract['id']}/assessments/{key}",
                           {"status": "covered", "clause": "Bilaga 2, 5.1"}))
    # Another municipality cannot assess it.
    assert other.put(f"/suppliers/contracts/{contract['id']}/assessments/{keys[2]}",
                     {"status": "not_covered"}).status_code == 404
    assert manager.put(f"/suppliers/contracts/{contract['id']}/assessments/{keys[2]}",
                       {"status": "not_covered"}).status_code in (403, 404)
    assert ContractAssessment.objects.get(contract_id=contract["id"], area__key=keys[2]).status == "covered"

    # 3. The supplier's gaps: the two areas not fully covered.
    gaps = ok(coordinator.get(f"/suppliers/{supplier['id']}/gaps"))
    assert [(g["area_key"], g["status"], g["contract_id"]) for g in gaps] == [
        (keys[0], "not_covered", contract["id"]), (keys[1], "partly", contract["id"])]
    assert gaps[1]["clause"] == "Bilaga 3, 4.2"
    assert other.get(f"/suppliers/{supplier['id']}/gaps").status_code == 404

    # 4. The gaps become actions, once.
    made = ok(coordinator.post(f"/suppliers/{supplier['id']}/gaps/actions"), 201)
    assert len(made) == 2
    assert all(a["source_kind"] == "suppliers.contractassessment" for a in made)
    assert all(a["title"].startswith("Contract gap with Mellanskogs IT AB: ") for a in made)
    assert ok(coordinator.post(f"/suppliers/{supplier['id']}/gaps/actions"), 201) == []
    plan = ok(coordinator.get("/actions", view="open"))
    assert sorted(a["id"] for a in plan["results"]) == sorted(a["id"] for a in made)
    assert ok(other.get("/actions", view="all"))["count"] == 0
    assert Action.objects.filter(organisation=org_a).count() == 2
