"""The DPO's journey through the API, as tests/browser/test_dpo_flow.py walks it in the browser.

The DPO of Kommun A, B and C reads the overview across them (never Kommun D, where it is not a
member), finds Kommun B's transfer without a lawful basis, screens a DPIA there and gives the
advice; B's system owner decides. An incident where personal data may be affected is suspected in
the breach log and the overview until the coordinator assesses it as a breach. Last the DPO exports
Socialnämnden's record of processing.
"""

import datetime
import io
import json

import pytest
from django.utils import timezone
from docx import Document as Docx
from openpyxl import load_workbook

from actions.models import Action
from core.tenancy import tenant_for
from organisations.models import Unit
from privacy import services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
ACTIVITY = "Digital tillsyn i hemtjänsten"
HIDDEN = "Molnbaserad skolplattform i Kommun D"


def _activity(org, *, name: str, transfer: bool):
    coordinator = UserFactory(email=f"samordnare@{org.slug}.example")
    MembershipFactory(user=coordinator, organisation=org, role="coordinator")
    tenant = tenant_for(coordinator, org.pk)
    unit = Unit.objects.create(organisation=org, name="Socialnämnden", kind="board")
    activity = services.activity_save(tenant=tenant, activity=None, data={
        "name": name, "controllers": [unit], "legal_basis": "e", "purpose": "Tillsyn av brukare nattetid",
        "data_categories": ["identity", "health"], "art9_ground": "h", "status": "complete",
        "retention": "Gallras två år efter avslutad insats", "retention_months": 24})
    if transfer:
        services.transfer_add(tenant=tenant, activity=activity,
                              data={"country": "US", "recipient": "Leverantörens molntjänst"})
    return coordinator, unit, activity


@pytest.fixture
def world(org_a, org_b):
    org_c = OrganisationFactory(name="Kommun C", slug="kommun-c")
    org_d = OrganisationFactory(name="Kommun D", slug="kommun-d")
    dpo = UserFactory(email="dataskyddsombud@samverkan.example")
    for org in (org_a, org_b, org_c):
        MembershipFactory(user=dpo, organisation=org, role="dpo")
    _activity(org_a, name="Färdtjänstutredningar", transfer=False)
    coordinator_b, unit_b, activity_b = _activity(org_b, name=ACTIVITY, transfer=True)
    _activity(org_c, name="Skolskjutsar", transfer=False)
    _c, unit_d, activity_d = _activity(org_d, name=HIDDEN, transfer=True)
    owner_b = UserFactory(email="systemagare@kommun-b.example")
    MembershipFactory(user=owner_b, organisation=org_b, role="system_owner")
    return {"dpo": dpo, "b": org_b, "d": org_d, "coordinator_b": coordinator_b, "owner_b": owner_b,
            "unit_b": unit_b, "activity_b": activity_b, "unit_d": unit_d, "activity_d": activity_d}


def _post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_dpo_journey_through_the_api(client, api_headers, world):
    w = world
    dpo = api_headers(w["dpo"], w["b"])

    # The overview across the DPO's organisations: A, B and C; the transfer without basis is B's.
    overview = client.get("/api/privacy/overview", **api_headers(w["dpo"])).json()
    assert [p["organisation"] for p in overview["organisations"]] == ["kommun-a", "kommun-b", "kommun-c"]
    transfers = [(p["organisation"], t["label"], t["country"], t["lawful"])
                 for p in overview["organisations"] for t in p["transfers_without_basis"]]
    assert transfers == [("kommun-b", ACTIVITY, "US", False)]
    assert HIDDEN not in json.dumps(overview)

    # A DPIA of the activity in B: screened, the DPO asks for and gives the advice, and cannot decide.
    created = _post(client, "/api/privacy/dpias", {
        "title": "Konsekvensbedömning digital tillsyn", "activity_id": w["activity_b"].pk,
        "criteria": ["sensitive", "vulnerable", "new_technology"],
        "description": "Kameror och sensorer i brukarnas hem ersätter nattliga besök.",
        "necessity": "Tillsynen kräver bild nattetid."}, dpo)
    assert created.status_code == 201 and created.json()["screening_required"] is True
    dpia = created.json()["id"]
    assert _post(client, f"/api/privacy/dpias/{dpia}/request-advice", {}, dpo).json()["status"] == "awaiting_advice"
    advised = _post(client, f"/api/privacy/dpias/{dpia}/advice",
                    {"advice": "Kamerabild endast vid larm; logga all åtkomst."}, dpo)
    assert (advised.json()["status"], advised.json()["dpo_advice_by"]) == ("awaiting_decision", w["dpo"].email)
    refused = _post(client, f"/api/privacy/dpias/{dpia}/decision", {"decision": "proceed", "reason": "Ok"}, dpo)
    assert refused.status_code == 403 and "detail" in refused.json()
    decided = _post(client, f"/api/privacy/dpias/{dpia}/decision",
                    {"decision": "proceed", "reason": "Restrisken är godtagbar."}, api_headers(w["owner_b"], w["b"]))
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["decided_by"]) == ("decided", w["owner_b"].email)

    # The DPO reports an incident that may affect personal data: suspected in the log and the overview.
    reported = _post(client, "/api/incidents/incidents", {
        "title": "Felskickad e-post med biståndsbeslut", "description": "Beslutet skickades till fel mottagare.",
        "detected_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(), "possible_breach": True}, dpo)
    assert reported.status_code == 201
    case = reported.json()["id"]
    log = client.get("/api/incidents/breaches", **dpo).json()
    assert [(r["id"], r["breach"]) for r in log["results"]] == [(case, None)]
    breaches = client.get("/api/privacy/overview", **dpo).json()["breaches"]
    assert [(b["organisation"], b["suspected"]) for b in breaches] == [("Kommun B", True)]

    # The coordinator assesses it as a breach likely to result in a risk.
    assessed = _post(client, f"/api/incidents/cases/{case}/assessment", {
        "breach": True, "breach_notifiable": True, "breach_reason": "Uppgifter om hälsa.", "significant": False,
        "significance_reason": "Ingen driftpåverkan."}, api_headers(w["coordinator_b"], w["b"]))
    assert assessed.status_code == 200 and assessed.json()["breach"] is True
    breaches = client.get("/api/privacy/overview", **dpo).json()["breaches"]
    assert [(b["organisation"], b["title"], b["suspected"]) for b in breaches] == [
        ("Kommun B", f"{assessed.json()['reference']} Felskickad e-post med biståndsbeslut", False)]

    # Socialnämnden's record of processing, in the three formats.
    url = f"/api/privacy/controllers/{w['unit_b'].pk}/record"
    rows = list(load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}, **dpo).content)).active.iter_rows(
        values_only=True))
    assert [r[0] for r in rows[1:]] == [ACTIVITY]
    word = Docx(io.BytesIO(client.get(url, {"format": "docx"}, **dpo).content))
    cells = " ".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    assert "Gallras två år efter avslutad insats" in cells and HIDDEN not in cells
    assert client.get(url, {"format": "pdf"}, **dpo).content.startswith(b"%PDF")


def test_the_api_overview_and_its_actions_never_reach_an_organisation_the_dpo_is_not_a_member_of(client, api_headers, world):
    w = world
    dpo = api_headers(w["dpo"], w["b"])
    [row] = [t for p in client.get("/api/privacy/overview", **dpo).json()["organisations"]
             for t in p["transfers_without_basis"]]
    kind = f"transfer-{row['source']}"
    outside = client.get("/api/privacy/overview", **api_headers(w["dpo"], w["d"]))
    assert outside.status_code == 403 and "detail" in outside.json()
    action = _post(client, "/api/privacy/overview/actions",
                   {"organisation": "kommun-d", "kind": "transfer-activity", "pk": w["activity_d"].pk}, dpo)
    assert action.status_code == 404 and "detail" in action.json()
    # B's row, asked for in A's name, is not A's either.
    wrong = _post(client, "/api/privacy/overview/actions",
                  {"organisation": "kommun-a", "kind": kind, "pk": row["id"]}, dpo)
    assert wrong.status_code == 422 and "detail" in wrong.json()
    assert not Action.objects.exists()
    record = client.get(f"/api/privacy/controllers/{w['unit_d'].pk}/record", {"format": "xlsx"}, **dpo)
    assert record.status_code == 404
    made = _post(client, "/api/privacy/overview/actions",
                 {"organisation": "kommun-b", "kind": kind, "pk": row["id"]}, dpo)
    assert made.status_code == 201 and made.json()["organisation"] == "kommun-b" and ACTIVITY in made.json()["title"]
    assert list(Action.objects.values_list("organisation__slug", flat=True)) == ["kommun-b"]
