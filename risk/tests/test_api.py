"""The risk API: same rules and tenancy as the pages, JSON errors, constant query counts."""

import datetime

import pytest
from django.db import connection
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from actions.models import Action
from risk import services
from risk.catalogue import load_threats
from risk.models import Risk, RiskMatrix, RiskSession, Treatment
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, people):
    """api(role) → a function (method, path, json=None) → response, authenticated as that member."""

    def as_role(role):
        _, raw = ApiToken.issue(user=people[role], name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}

        def call(method, path, json=None):
            return getattr(client, method)(f"/api/risks{path}", data=json, content_type="application/json", **headers)

        return call

    return as_role


def test_create_read_update_delete(api, org_a, system_a, people):
    load_threats()
    call = api("coordinator")
    created = call("post", "", {"title": "Ransomware", "threat": "ransomware", "system_ids": [system_a.pk],
                                "inherent_likelihood": 3, "inherent_consequence": 4, "residual_likelihood": 2,
                                "residual_consequence": 4, "owner": people["system_owner"].email,
                                "strategy": "reduce"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["threat"], body["system_ids"], body["inherent_level"], body["residual_level"], body["status"],
            body["owner"], body["version"]) == ("ransomware", [system_a.pk], "very_high", "high", "assessed",
                                                 people["system_owner"].email, 1)
    pk = body["id"]
    assert call("get", f"/{pk}").json()["title"] == "Ransomware"
    updated = call("put", f"/{pk}", {"title": "Ransomware i IFO", "version": 1, "residual_likelihood": 1,
                                     "residual_consequence": 4, "status": "treated"})
    assert updated.status_code == 200
    assert (updated.json()["title"], updated.json()["residual_level"], updated.json()["version"]) == (
        "Ransomware i IFO", "medium", 2)
    stale = call("put", f"/{pk}", {"title": "Gammal", "version": 1})
    assert stale.status_code == 409
    assert Risk.objects.get().title == "Ransomware i IFO"
    assert call("delete", f"/{pk}").status_code == 204
    assert Risk.objects.count() == 0


def test_foreign_links_are_refused_with_422_and_nothing_is_created(api, org_b):
    foreign = SystemFactory(organisation=org_b)
    response = api("coordinator")("post", "", {"title": "X", "system_ids": [foreign.pk]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"system_ids": ["No such record in your organisation."]}
    assert Risk.objects.count() == 0


def test_another_organisations_risk_is_404(api, org_b, member):
    from core.tenancy import tenant_for

    foreign = services.risk_create(tenant=tenant_for(member(org_b, "coordinator"), org_b.pk), data={"title": "B"})
    call = api("coordinator")
    assert call("get", f"/{foreign.pk}").status_code == 404
    assert call("put", f"/{foreign.pk}", {"title": "Stulen", "version": 1}).status_code == 404
    assert Risk.objects.get().title == "B"


def test_a_reader_may_not_write(api, make_risk):
    risk = make_risk("X")
    call = api("reader")
    assert call("post", "", {"title": "Y"}).status_code == 403
    assert call("put", f"/{risk.pk}", {"title": "Y", "version": 1}).status_code == 403
    assert call("delete", f"/{risk.pk}").status_code == 403
    assert list(Risk.objects.values_list("title", "version")) == [("X", 1)]


def test_acceptance_above_the_threshold_only_by_the_system_owner(api, make_risk, people):
    risk = make_risk("Ransomware", residual=(3, 4), owner=people["system_owner"])
    refused = api("coordinator")("post", f"/{risk.pk}/accept", {"justification": "Ok", "version": 1})
    assert refused.status_code == 403
    risk.refresh_from_db()
    assert (risk.accepted_at, risk.status, risk.version) == (None, "assessed", 1)
    accepted = api("system_owner")("post", f"/{risk.pk}/accept", {"justification": "Beslut i KS", "version": 1})
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["accepted_by"], accepted.json()["acceptance_justification"]) == (
        "accepted", people["system_owner"].email, "Beslut i KS")


def test_acceptance_needs_a_justification(api, make_risk):
    risk = make_risk("X", residual=(1, 1))
    response = api("system_owner")("post", f"/{risk.pk}/accept", {"justification": " ", "version": 1})
    assert response.status_code == 422
    assert Risk.objects.get().accepted_at is None


def test_treatments_become_actions(api, make_risk, people):
    risk = make_risk("X")
    call = api("coordinator")
    created = call("post", f"/{risk.pk}/treatments", {"description": "Öva återläsning",
                                                      "owner": people["system_administrator"].email,
                                                      "due_date": "2026-05-01"})
    assert created.status_code == 201
    action = Action.objects.get()
    assert created.json()["action_ids"] == [action.pk]
    treatment_id = created.json()["id"]
    done = call("put", f"/treatments/{treatment_id}", {"description": "Öva återläsning", "status": "done",
                                                       "owner": people["system_administrator"].email})
    assert done.json()["status"] == "done"
    action.refresh_from_db()
    assert action.status == "done"
    listed = call("get", f"/{risk.pk}/treatments").json()
    assert [(t["id"], t["status"], t["action_ids"]) for t in listed] == [(treatment_id, "done", [action.pk])]


def test_sessions(api, people):
    call = api("coordinator")
    created = call("post", "/sessions", {"title": "Workshop", "date": "2026-03-10",
                                         "participants": [people["system_owner"].email],
                                         "external_participants": "IT-bolaget"})
    assert created.status_code == 201
    assert created.json()["participants"] == [people["system_owner"].email]
    session_id = created.json()["id"]
    changed = call("put", f"/sessions/{session_id}", {"title": "Workshop 2", "date": "2026-03-11", "participants": []})
    assert (changed.json()["title"], changed.json()["participants"]) == ("Workshop 2", [])
    assert call("get", "/sessions").json()["count"] == 1
    refused = call("post", "/sessions", {"title": "X", "date": "2026-03-10", "participants": ["nobody@x.example"]})
    assert refused.status_code == 422
    assert RiskSession.objects.count() == 1


def test_matrix_put_with_risks_answers_409_with_a_suggestion_then_applies_the_mapping(api, make_risk):
    make_risk("A", inherent=(4, 3), residual=(3, 3))
    call = api("coordinator")
    assert call("get", "/matrix").json()["likelihood_labels"] == ["Unlikely", "Possible", "Likely", "Very likely"]
    wanted = {"likelihood_size": 5, "consequence_size": 5, "medium_from": 5, "high_from": 10, "very_high_from": 16,
              "acceptance_level": "medium", "version": 1}
    conflict = call("put", "/matrix", wanted)
    assert conflict.status_code == 409
    assert (conflict.json()["suggested_likelihood_mapping"], conflict.json()["risks"]) == (
        {"1": 1, "2": 2, "3": 4, "4": 5}, 1)
    mapping = {"1": 1, "2": 2, "3": 4, "4": 5}
    done = call("put", "/matrix", {**wanted, "likelihood_mapping": mapping, "consequence_mapping": mapping})
    assert done.status_code == 200 and done.json()["version"] == 2
    assert list(Risk.objects.values_list("inherent_likelihood", "inherent_consequence", "residual_likelihood")) == [
        (5, 4, 4)]


def test_matrix_put_is_refused_for_the_system_owner(api):
    response = api("system_owner")("put", "/matrix", {
        "likelihood_size": 4, "consequence_size": 4, "medium_from": 3, "high_from": 8, "very_high_from": 12,
        "acceptance_level": "medium", "version": 1})
    assert response.status_code == 403
    assert RiskMatrix.objects.count() == 0


def test_threats_and_heatmap(api, make_risk):
    load_threats()
    make_risk("A", residual=(3, 2))
    make_risk("B", residual=(3, 2))
    call = api("reader")
    threats = call("get", "/threats").json()
    assert len(threats) == 35 and all(t["catalogue"] for t in threats)
    heat = call("get", "/heatmap?kind=residual").json()
    assert heat["total"] == 2 and len(heat["cells"]) == 16
    assert [c for c in heat["cells"] if c["count"]] == [{"likelihood": 3, "consequence": 2, "count": 2,
                                                          "level": "medium"}]
    assert call("get", "/heatmap?kind=inherent").json()["total"] == 0
    assert call("get", "/heatmap?kind=bogus").status_code == 422


def test_list_endpoint_query_count_is_constant(api, make_risk, org_a, as_role, people):
    call = api("reader")

    def grow(start, n):
        for i in range(start, start + n):
            risk = make_risk(f"Risk {i:03d}", residual=(1 + i % 4, 2), inherent=(4, 4), owner=people["system_owner"],
                             systems=[SystemFactory(organisation=org_a, name=f"S{i}")])
            services.treatment_add(tenant=as_role("coordinator"), risk=risk, data={
                "description": "X", "due_date": datetime.date(2026, 1, 1)})
            services.risk_accept(tenant=as_role("system_owner"), risk=risk, justification="Ok", version=risk.version,
                                 confirm=True)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = call("get", "?sort=title")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()

    grow(0, 3)
    call("get", "?sort=title")  # records the token's last use (at most once a minute)
    small, _ = count()
    grow(3, 30)
    large, body = count()
    # The token with its user, the memberships, the matrix, COUNT for the paginator, one page
    # of risks with owner, threat and acceptor, their system links.
    assert small == large == 6
    assert body["count"] == 33 and body["results"][0]["title"] == "Risk 000"
    assert body["results"][32]["accepted_by"] == people["system_owner"].email
    assert Treatment.objects.count() == 33


@pytest.mark.parametrize("path, expected", [
    # The token with its user, the memberships, COUNT for the paginator, one page of
    # sessions, their participants (the token's last use was recorded by the warm-up).
    ("/sessions", 5),
    # The token (2), the catalogue and own threats with the organisation's use of each.
    ("/threats", 3),
    # The token (2), the matrix, the counts per cell.
    ("/heatmap?kind=inherent", 4),
    # The token (2), the risk, its treatments with owners, their actions.
    ("/{first}/treatments", 5),
], ids=["sessions", "threats", "heatmap", "treatments"])
def test_other_list_endpoints_query_counts_are_constant(api, make_risk, as_role, people, path, expected):
    load_threats()
    tenant = as_role("coordinator")
    first = make_risk("Första", inherent=(2, 2))
    call = api("reader")

    def grow(start, n):
        for i in range(start, start + n):
            make_risk(f"Risk {i}", inherent=(1 + i % 4, 1 + i % 3))
            services.session_create(tenant=tenant, data={"title": f"Möte {i}", "date": datetime.date(2026, 1, 1),
                                                         "participants": [people["coordinator"], people["reader"]]})
            services.treatment_add(tenant=tenant, risk=first, data={"description": f"Åtgärd {i}",
                                                                     "owner": people["system_owner"]})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = call("get", path.format(first=first.pk))
        assert response.status_code == 200, response.content
        return len(ctx.captured_queries)

    grow(0, 3)
    call("get", path.format(first=first.pk))  # warms the content-type cache
    small = count()
    grow(3, 20)
    assert count() == small == expected


def test_export_and_import_through_the_api(client, api, people, org_a, make_risk, system_a):
    from io import BytesIO

    from openpyxl import load_workbook

    make_risk("Nätfiske", residual=(2, 3), systems=[system_a])
    make_risk("Strömavbrott", residual=(1, 2))
    _, raw = ApiToken.issue(user=people["coordinator"], name="io")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}
    exported = client.get("/api/risks/export", {"system_name": "IFO"}, **headers)
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(exported.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Nätfiske"]  # filtered by the linked system's name
    # The exported file imports back unchanged; a row without an id adds a risk.
    sheet.append([None, "Obehörig åtkomst"])
    buffer = BytesIO()
    sheet.parent.save(buffer)
    upload = SimpleUploadedFile("risker.xlsx", buffer.getvalue())
    answer = client.post("/api/risks/import", {"file": upload}, **headers)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"created": 1, "updated": 0, "unchanged": 1}
    assert Risk.objects.filter(title="Obehörig åtkomst", organisation=org_a).exists()
    # A file with errors saves nothing and lists them per row and column.
    bad = SimpleUploadedFile("risker.csv", "Title;Residual likelihood\nX;9\n".encode())
    refused = client.post("/api/risks/import", {"file": bad}, **headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["row"] == 2 and refused.json()["errors"][0]["column"] == "Residual likelihood"
    assert not Risk.objects.filter(title="X").exists()
    # A reader may export but not import.
    _, reader = ApiToken.issue(user=people["reader"], name="io")
    assert client.post("/api/risks/import", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 403


def test_a_system_owner_who_does_not_own_the_risk_is_refused_with_the_reason(api, make_risk, people, member, org_a):
    other_owner = member(org_a, "system_owner", email="other-owner@kommun-a.example")
    risk = make_risk("Ransomware", residual=(3, 4), owner=other_owner)
    refused = api("system_owner")("post", f"/{risk.pk}/accept", {"justification": "Ok", "version": 1})
    assert refused.status_code == 403
    assert "owner" in refused.json()["detail"]
    risk.refresh_from_db()
    assert (risk.accepted_at, risk.accepted_until, risk.status, risk.version) == (None, None, "assessed", 1)


def test_accepting_with_treatments_not_started_answers_409_unless_confirmed(api, make_risk, people, as_role):
    risk = make_risk("Ransomware", residual=(3, 4), owner=people["system_owner"])
    services.treatment_add(tenant=as_role("coordinator"), risk=risk, data={"description": "Säkerhetskopior"})
    call = api("system_owner")
    warned = call("post", f"/{risk.pk}/accept", {"justification": "Ok", "version": 1})
    assert warned.status_code == 409
    assert "not started" in warned.json()["detail"]
    risk.refresh_from_db()
    assert (risk.accepted_at, risk.version) == (None, 1)
    until = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    accepted = call("post", f"/{risk.pk}/accept",
                    {"justification": "Ok", "version": 1, "confirm": True, "accepted_until": until})
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["accepted_until"]) == ("accepted", until)


def test_an_acceptance_cannot_end_in_the_past(api, make_risk, people):
    risk = make_risk("X", residual=(1, 1))
    response = api("coordinator")("post", f"/{risk.pk}/accept", {
        "justification": "Ok", "version": 1, "accepted_until": "2000-01-01"})
    assert response.status_code == 422
    assert "accepted_until" in response.json()["errors"]
    risk.refresh_from_db()
    assert risk.accepted_at is None


def test_the_list_filtered_as_a_heatmap_cell_counts_what_the_cell_counts(api, make_risk):
    from risk.models import RiskStatus

    make_risk("A", residual=(3, 2))
    make_risk("B", residual=(3, 2), status=RiskStatus.CLOSED)
    call = api("reader")
    cell = next(c for c in call("get", "/heatmap?kind=residual").json()["cells"] if (c["likelihood"], c["consequence"]) == (3, 2))
    listed = call("get", "?kind=residual&l=3&c=2&status=open").json()
    assert cell["count"] == listed["count"] == 1 and [r["title"] for r in listed["results"]] == ["A"]
    # Without the status filter the closed risk is listed: it is still a record.
    assert call("get", "?kind=residual&l=3&c=2").json()["count"] == 2


def test_the_api_refuses_a_risk_owner_whose_role_may_not_own(api, people):
    response = api("coordinator")("post", "", {"title": "Avbrott", "owner": people["system_administrator"].email})
    assert response.status_code == 422
    assert "a system owner, a coordinator or an administrator" in str(response.json())
    assert Risk.objects.count() == 0
