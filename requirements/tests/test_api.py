"""The API: catalogue, controls, a system's derived list, assessment, the SoA and exports."""

import io
import json
from urllib.parse import quote

import pytest
from django.utils import timezone
from docx import Document

from requirements import services
from requirements.models import ApplicabilityStatement, Control, Requirement, RequirementStatus
from tests.factories import SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_catalogue_with_filters(client, api, editor, catalogue):
    headers = api(editor)
    page = client.get("/api/requirements/catalogue", **headers).json()
    assert page["count"] == Requirement.objects.count() and page["pages"] == 3 and len(page["results"]) == 50
    found = client.get("/api/requirements/catalogue?control=8.5&nis2=j", **headers).json()
    assert {r["code"] for r in found["results"]} == {"ÅS-03", "ÅS-04"}
    two_factor = next(r for r in found["results"] if r["code"] == "ÅS-03")
    assert (two_factor["levels"], two_factor["controls"], two_factor["own"]) == ({"K": 2, "R": 2}, ["5.17", "8.2", "8.5"], False)
    corrective = client.get("/api/requirements/catalogue?attribute=control_types:corrective&area=backup", **headers).json()
    assert {r["code"] for r in corrective["results"]} == {"SK-01", "SK-02", "SK-03", "SK-04", "SK-05"}
    assert client.get("/api/requirements/catalogue?attribute=colour:blue", **headers).status_code == 422


def test_the_controls_with_attribute_filters(client, api, editor, catalogue):
    headers = api(editor)
    controls = client.get("/api/requirements/controls", **headers).json()
    assert len(controls) == 93 and controls[0]["number"] == "5.1" and controls[-1]["number"] == "8.34"
    resilience = client.get("/api/requirements/controls?domain=resilience&control_type=corrective", **headers).json()
    assert [c["number"] for c in resilience] == ["5.5", "5.7", "5.29", "5.30"]
    backup = next(c for c in controls if c["number"] == "8.13")
    assert (backup["control_types"], backup["properties"], backup["concepts"], backup["capabilities"], backup["domains"]) == (
        ["corrective"], ["integrity", "availability"], ["recover"], ["continuity"], ["protection"])
    assert client.get("/api/requirements/controls?capability=nonsense", **headers).status_code == 422


def test_a_systems_requirements_with_statuses(client, api, editor, tenant, system, classify, catalogue):
    classify(system, K=4, R=2, T=1, S=1)
    services.requirement_status_set(tenant=tenant, system=system, requirement=Requirement.objects.get(code="ÅS-03"),
                                    data={"status": "met", "evidence": "MFA via Freja"})
    body = client.get(f"/api/requirements/systems/{system.pk}", **api(editor)).json()
    assert (body["need"], body["classified"], body["protection_analysis"]) == ({"K": 4, "R": 2, "T": 1, "S": 1}, True, ["K"])
    by_code = {row["requirement"]["code"]: row for row in body["requirements"]}
    assert by_code["ÅS-03"]["applies_through"] == ["R"]
    assert (by_code["ÅS-03"]["status"]["status"], by_code["ÅS-03"]["status"]["evidence"]) == ("met", "MFA via Freja")
    assert by_code["SK-01"]["status"] is None
    assert "KR-02" not in by_code  # K ≥ 2 only: K at level 4 derives nothing
    # TI-01 (the system is in the inventory) is answered from Tillit's data: met, with its reason.
    assert (by_code["TI-01"]["effective_status"], by_code["TI-01"]["status"], by_code["TI-01"]["overridden"]) == (
        "met", None, False)
    assert by_code["TI-01"]["derived"]["reason"] == "The system is in the inventory with 1 information types."
    assert body["summary"]["met"] == 2 and body["summary"]["total"] == len(body["requirements"])


def test_setting_a_status_with_optimistic_locking(client, api, editor, system, classify, catalogue):
    classify(system, K=2)
    requirement = Requirement.objects.get(code="ÅS-03")
    url = f"/api/requirements/systems/{system.pk}/requirements/{requirement.pk}"
    headers = api(editor)
    created = client.put(url, {"status": "not_met", "evidence": "Saknas"}, content_type="application/json", **headers)
    assert created.status_code == 200 and created.json()["version"] == 1
    updated = client.put(url, {"status": "met", "version": 1}, content_type="application/json", **headers)
    assert updated.json()["version"] == 2 and updated.json()["assessed_by"] == editor.email
    stale = client.put(url, {"status": "partly_met", "version": 1}, content_type="application/json", **headers)
    assert stale.status_code == 409 and stale.json()["version"] == 2
    refused = client.put(url, {"status": "not_applicable", "reason": ""}, content_type="application/json", **headers)
    assert refused.status_code == 422 and "reason" in refused.json()["errors"]
    assert RequirementStatus.objects.get().status == "met"
    entry = AuditEntry.objects.filter(model="requirements.requirementstatus").latest("seq")
    assert (entry.source, entry.actor_id) == ("api", editor.pk)


def test_a_reader_cannot_set_a_status_and_nothing_changes(client, api, org_a, member, tenant, system, classify, catalogue):
    classify(system, K=2)
    requirement = Requirement.objects.get(code="ÅS-03")
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "met"})
    headers = api(member(org_a, "reader"))
    entries = AuditEntry.objects.count()
    response = client.put(f"/api/requirements/systems/{system.pk}/requirements/{requirement.pk}",
                          {"status": "not_met"}, content_type="application/json", **headers)
    assert response.status_code == 403
    assert client.put(f"/api/requirements/soa/{Control.objects.first().pk}", {"applicable": True},
                      content_type="application/json", **headers).status_code == 403
    assert client.post("/api/requirements/soa/generate", **headers).status_code == 403
    assert RequirementStatus.objects.get().status == "met"
    assert ApplicabilityStatement.objects.count() == 0
    assert AuditEntry.objects.count() == entries


def test_another_organisations_system_is_404(client, api, member, org_b, catalogue):
    foreign = SystemFactory(organisation=org_b)
    headers = api(member(org_b, "coordinator", email="b@kommun-b.example"))
    own = SystemFactory(organisation=org_b)
    assert client.get(f"/api/requirements/systems/{own.pk}", **headers).status_code == 200
    other = SystemFactory()
    assert client.get(f"/api/requirements/systems/{other.pk}", **headers).status_code == 404
    requirement = Requirement.objects.get(code="ÅS-03")
    assert client.put(f"/api/requirements/systems/{other.pk}/requirements/{requirement.pk}", {"status": "met"},
                      content_type="application/json", **headers).status_code == 404
    assert foreign.requirement_statuses.count() == 0 and RequirementStatus.objects.count() == 0


def test_the_soa_list_generate_and_update(client, api, editor, system, classify, catalogue):
    classify(system, K=2, R=1, T=1, S=1)
    headers = api(editor)
    rows = client.get("/api/requirements/soa", **headers).json()
    assert len(rows) == 93 and all(row["applicable"] is None for row in rows)
    assert next(r for r in rows if r["control"]["number"] == "8.5")["proposed_applicable"] is True
    assert client.post("/api/requirements/soa/generate", **headers).json() == {"created": 93}
    control = Control.objects.get(number="8.4")
    response = client.put(f"/api/requirements/soa/{control.pk}", {"applicable": False, "reason": ""},
                          content_type="application/json", **headers)
    assert response.status_code == 422
    response = client.put(f"/api/requirements/soa/{control.pk}",
                          {"applicable": False, "reason": "Ingen utveckling", "implementation": "not_implemented"},
                          content_type="application/json", **headers)
    assert response.json() == {"control": "8.4", "applicable": False, "reason": "Ingen utveckling",
                               "implementation": "not_implemented", "note": ""}
    row = next(r for r in client.get("/api/requirements/soa", **headers).json() if r["control"]["number"] == "8.4")
    assert (row["applicable"], row["reason_pending"], row["requirements"]) == (False, False, ["UT-10"])


def test_exports_download(client, api, editor, system, classify, catalogue):
    classify(system, K=2)
    headers = api(editor)
    docx = client.get(f"/api/requirements/systems/{system.pk}/export?format=docx&lang=en", **headers)
    assert docx.status_code == 200
    assert Document(io.BytesIO(docx.content)).paragraphs[0].text == f"Security requirements for {system.name}"
    xlsx = client.get(f"/api/requirements/systems/{system.pk}/export?format=xlsx&form=is", **headers)
    # The self-assessment, named in words (UTF-8 file name), not by slug.
    assert xlsx["Content-Disposition"] == (
        f"attachment; filename*=utf-8''Sj%C3%A4lvskattning%20s%C3%A4kerhetskrav%20{quote(system.name)}%20"
        f"{timezone.localdate().isoformat()}.xlsx")
    assert client.get(f"/api/requirements/systems/{system.pk}/export?format=pdf", **headers).status_code == 422
    soa = client.get("/api/requirements/soa/export", **headers)
    assert soa.status_code == 200 and soa.content[:2] == b"PK"


def test_nul_characters_are_refused(client, api, editor, catalogue):
    response = client.get("/api/requirements/catalogue?q=a%00b", **api(editor))
    assert response.status_code == 422
    assert json.loads(response.content)["detail"]
