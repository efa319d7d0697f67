"""Pages and API: forms keep input, the flows work, exports open, the API answers with the same rules."""

import io
import json

import pytest
from django.urls import reverse
from docx import Document as Docx
from openpyxl import load_workbook

from privacy import services
from privacy.models import Dpia, ProcessingActivity, ProcessorAgreement
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(tenant_a, units_a):
    return services.activity_save(tenant=tenant_a, activity=None, data={
        "name": "Utredningar enligt SoL", "controllers": [units_a["sn"]], "legal_basis": "e", "purpose": "Utredning",
        "data_categories": ["identity", "health"], "art9_ground": "h", "status": "complete",
        "retention": "Gallras efter fem år", "retention_months": 60})


def test_the_form_keeps_what_was_typed_when_completion_is_refused(org_a, member, login, units_a):
    client = login(member(org_a, "coordinator"))
    response = client.post(reverse("privacy:activity_create"), {
        "name": "Bygglov utan grund", "controllers": [units_a["sn"].pk], "status": "complete"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bygglov utan grund" in page and "no legal basis" in page
    assert not ProcessingActivity.objects.exists()


def test_list_filter_detail_and_the_record_exports(org_a, member, login, activity, units_a):
    client = login(member(org_a, "dpo"))
    page = client.get(reverse("privacy:activity_list"), {"controller": units_a["sn"].pk}).content.decode()
    assert "Utredningar enligt SoL" in page and reverse("privacy:record_xlsx", args=[units_a["sn"].pk]) in page
    assert "Utredningar enligt SoL" not in client.get(reverse("privacy:activity_list"),
                                                      {"controller": units_a["bun"].pk}).content.decode()
    assert "Socialnämnden" in client.get(reverse("privacy:activity_detail", args=[activity.pk])).content.decode()
    xlsx = client.get(reverse("privacy:record_xlsx", args=[units_a["sn"].pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Processing activity", "(a) Controllers", "(b) Purpose")
    assert rows[1][0] == "Utredningar enligt SoL" and "60" in rows[1][8]
    docx = client.get(reverse("privacy:record_docx", args=[units_a["sn"].pk]))
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    cells = " ".join(c.text for t in Docx(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert "Utredningar enligt SoL" in text and "(f) Retention (gallring)" in cells and "Gallras efter fem år" in cells
    pdf = client.get(reverse("privacy:record_pdf", args=[units_a["sn"].pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_dpia_journey_on_the_pages(org_a, member, login, activity, tenant_a):
    coordinator, dpo, owner = tenant_a.user, member(org_a, "dpo"), member(org_a, "system_owner")
    client = login(coordinator)
    client.post(reverse("privacy:dpia_create"), {"title": "DPIA socialtjänst", "activity": activity.pk,
                                                 "criteria": ["sensitive", "vulnerable"], "description": "Beskrivning",
                                                 "necessity": "Nödvändigt"})
    dpia = Dpia.objects.get()
    assert "DPIA required" in client.get(reverse("privacy:dpia_detail", args=[dpia.pk])).content.decode()
    client.post(reverse("privacy:dpia_request_advice", args=[dpia.pk]))
    client = login(owner)
    client.post(reverse("privacy:dpia_decide", args=[dpia.pk]), {"decision": "proceed", "reason": "Ok"})
    dpia.refresh_from_db()
    assert dpia.status == "awaiting_advice" and dpia.decided_by is None  # refused: no advice yet
    client = login(dpo)
    client.post(reverse("privacy:dpia_advise", args=[dpia.pk]), {"advice": "Genomför med åtgärderna."})
    client = login(owner)
    client.post(reverse("privacy:dpia_decide", args=[dpia.pk]), {"decision": "proceed", "reason": "Låg restrisk"})
    dpia.refresh_from_db()
    assert (dpia.status, dpia.decided_by) == ("decided", owner)
    docx = client.get(reverse("privacy:dpia_docx", args=[dpia.pk]))
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    assert "Genomför med åtgärderna." in text and "Necessity and proportionality" in text
    assert client.get(reverse("privacy:dpia_pdf", args=[dpia.pk])).content.startswith(b"%PDF")


def test_agreement_pages_flag_gaps_and_missing_agreements(org_a, member, login, activity, tenant_a):
    it = SupplierFactory(organisation=org_a, name="Mellanskogs IT AB")
    services.activity_save(tenant=tenant_a, activity=activity, data={
        "name": activity.name, "controllers": list(activity.controllers.all()), "legal_basis": "e",
        "processors": [it]})
    client = login(tenant_a.user)
    page = client.get(reverse("privacy:dpa_list")).content.decode()
    assert "Processors without an agreement" in page and "Mellanskogs IT AB" in page
    response = client.post(reverse("privacy:dpa_create"), {"supplier": it.pk, "title": "PUB-avtal 2019",
                                                           "signed_on": "2019-11-20", "point_instructions": "2.1"})
    agreement = ProcessorAgreement.objects.get()
    assert response.status_code == 302 and agreement.points == {"instructions": "2.1"}
    detail = client.get(reverse("privacy:dpa_detail", args=[agreement.pk])).content.decode()
    assert "7 gaps" in detail and "The processor has not been audited yet." in detail
    assert "Every processor has an agreement" in client.get(reverse("privacy:dpa_list")).content.decode()


def test_the_api_applies_the_same_rules(org_a, org_b, member, client, api_headers, units_a, activity, tenant_a):
    headers = api_headers(tenant_a.user, org_a)
    body = {"name": "Utan grund", "controller_ids": [units_a["bun"].pk], "status": "complete"}
    response = client.post("/api/privacy/activities", json.dumps(body), content_type="application/json", **headers)
    assert response.status_code == 422
    assert "no legal basis" in json.dumps(response.json())
    assert ProcessingActivity.objects.count() == 1
    body = {**body, "status": "draft"}
    created = client.post("/api/privacy/activities", json.dumps(body), content_type="application/json", **headers)
    assert created.status_code == 201 and created.json()["problems"] == [
        "The processing has no legal basis under GDPR art. 6(1)."]
    transfer = client.post(f"/api/privacy/activities/{activity.pk}/transfers",
                           json.dumps({"country": "US", "recipient": "Moln Inc."}), content_type="application/json",
                           **headers)
    assert transfer.status_code == 201 and transfer.json()["lawful"] is False
    rows = client.get("/api/privacy/transfers?without_basis=true", **headers).json()
    assert [(r["label"], r["country"]) for r in rows] == [("Utredningar enligt SoL", "US")]
    other = api_headers(member(org_b, "coordinator"), org_b)
    assert client.get(f"/api/privacy/activities/{activity.pk}", **other).status_code == 404
    export = client.get(f"/api/privacy/controllers/{units_a['sn'].pk}/record?format=xlsx", **headers)
    assert export.status_code == 200 and export.content.startswith(b"PK")


def test_the_api_refuses_a_decision_without_advice(org_a, member, client, api_headers, tenant_a):
    dpia = services.dpia_save(tenant=tenant_a, dpia=None, data={"title": "DPIA"})
    headers = api_headers(member(org_a, "system_owner"), org_a)
    response = client.post(f"/api/privacy/dpias/{dpia.pk}/decision",
                           json.dumps({"decision": "proceed", "reason": "Ok"}), content_type="application/json",
                           **headers)
    assert response.status_code == 422 and "advice" in json.dumps(response.json())
    dpia.refresh_from_db()
    assert dpia.status == "draft"
