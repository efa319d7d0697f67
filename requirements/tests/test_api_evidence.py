"""Evidence files through the API: upload (multipart `file`) and download, as checked and audited as on the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requirements import services
from requirements.models import Requirement, RequirementStatus
from requirements.validators import MAX_EVIDENCE_BYTES
from tests.factories import SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\nbevis"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def requirement(system, classify, catalogue):
    classify(system, K=2)
    return Requirement.objects.get(code="ÅS-03", organisation__isnull=True)


@pytest.fixture
def assessment(tenant, system, requirement):
    return services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                           data={"status": "partly_met", "evidence": "MFA för admin"})


def _url(system, requirement) -> str:
    return f"/api/requirements/systems/{system.pk}/requirements/{requirement.pk}/evidence"


def _upload(client, url, headers, name="MFA-rapport.pdf", content=PDF, **extra):
    return client.post(url, {"file": SimpleUploadedFile(name, content), **extra}, **headers)


def test_uploading_replacing_and_downloading_evidence(client, api, editor, system, requirement, assessment, media):
    headers, url = api(editor), _url(system, requirement)
    response = _upload(client, url, headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["evidence_file"], body["version"], body["status"], body["evidence"]) == (
        "MFA-rapport.pdf", 2, "partly_met", "MFA för admin")
    first = RequirementStatus.objects.get().evidence_file.name
    assert first.startswith(f"requirements/evidence/{system.organisation_id}/")
    assert (media / first).read_bytes() == PDF
    download = client.get(url, **headers)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="MFA-rapport.pdf"'
    assert b"".join(download.streaming_content) == PDF
    # A replacement is audited, naming the file before and after; the earlier file is kept.
    assert _upload(client, url, headers, name="logg.txt", content=b"Inloggningar med MFA", version="2").status_code == 200
    current = RequirementStatus.objects.get()
    assert (current.file_name, current.version) == ("logg.txt", 3)
    entry = AuditEntry.objects.filter(model="requirements.requirementstatus", object_id=str(current.pk)).latest("seq")
    assert (entry.action, entry.source, entry.actor_id) == ("update", "api", editor.pk)
    assert entry.changes["evidence_file"] == [first, current.evidence_file.name]
    assert (media / first).exists()
    assert b"".join(client.get(url, **headers).streaming_content) == b"Inloggningar med MFA"


@pytest.mark.parametrize("name, content, message", [
    ("program.exe", b"MZ\x90\x00", "Upload a PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or text file;"),
    ("förklädd.pdf", b"MZ\x90\x00", "The content of “förklädd.pdf” does not match its file type"),
    ("stor.txt", b"a" * (MAX_EVIDENCE_BYTES + 1), "The file is 10.0\xa0MB; files of at most 10.0\xa0MB can be uploaded."),
], ids=["wrong type", "wrong content", "too large"])
def test_a_refused_file_answers_422_and_stores_nothing(client, api, editor, system, requirement, assessment, media,
                                                       name, content, message):
    headers = api(editor)
    entries = AuditEntry.objects.count()
    response = _upload(client, _url(system, requirement), headers, name=name, content=content)
    assert response.status_code == 422
    assert response.json()["detail"] and response.json()["errors"]["file"][0].startswith(message)
    assert RequirementStatus.objects.get().evidence_file.name == ""
    assert AuditEntry.objects.count() == entries
    assert not (media / "requirements").exists()


def test_other_bad_uploads_answer_json(client, api, editor, system, requirement, assessment):
    headers, url = api(editor), _url(system, requirement)
    missing = client.post(url, {}, **headers)
    assert missing.status_code == 422 and missing.json()["detail"]
    stale = _upload(client, url, headers, version="7")
    assert stale.status_code == 409 and stale.json()["version"] == 1
    assert "Someone else has changed this assessment" in stale.json()["detail"]
    assert _upload(client, url, headers, version="ett").status_code == 422
    assert client.get(url, **headers).status_code == 404  # no file yet
    assert RequirementStatus.objects.get().version == 1


def test_a_requirement_not_yet_assessed_answers_409(client, api, editor, system, requirement, media):
    response = _upload(client, _url(system, requirement), api(editor))
    assert response.status_code == 409 and response.json()["detail"].startswith("Assess the requirement first")
    assert RequirementStatus.objects.count() == 0 and not (media / "requirements").exists()
    assert client.get(_url(system, requirement), **api(editor)).status_code == 404


def test_another_organisation_gets_404_and_a_reader_may_only_download(client, api, member, org_a, org_b, editor,
                                                                        system, requirement, assessment):
    url = _url(system, requirement)
    assert _upload(client, url, api(editor)).status_code == 200
    foreign = api(member(org_b, "coordinator"))
    assert _upload(client, url, foreign, name="byte.txt", content=b"annat").status_code == 404
    assert client.get(url, **foreign).status_code == 404
    own_b = SystemFactory(organisation=org_b)
    assert client.get(_url(own_b, requirement), **foreign).status_code == 404
    reader = api(member(org_a, "reader"))
    assert _upload(client, url, reader, name="byte.txt", content=b"annat").status_code == 403
    assert client.get(url, **reader).status_code == 200
    supplier = api(member(org_a, "supplier"))
    assert client.get(url, **supplier).status_code == 404
    assert RequirementStatus.objects.get().file_name == "MFA-rapport.pdf"


def test_the_download_and_upload_are_in_the_openapi_schema(client, api, editor):
    spec = client.get("/api/openapi.json").json()
    path = spec["paths"]["/api/requirements/systems/{system_id}/requirements/{requirement_id}/evidence"]
    assert path["get"]["responses"]["200"]["content"]["application/octet-stream"]["schema"] == {
        "type": "string", "format": "binary"}
    upload = path["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["properties"]["file"]["format"] == "binary" and upload["required"] == ["file"]


def test_removing_the_evidence_file(client, api, editor, system, requirement, assessment, media):
    headers, url = api(editor), _url(system, requirement)
    assert _upload(client, url, headers).status_code == 200
    stored = RequirementStatus.objects.get().evidence_file.name
    stale = client.delete(url + "?version=1", **headers)
    assert stale.status_code == 409 and stale.json()["version"] == 2
    removed = client.delete(url + "?version=2", **headers)
    assert removed.status_code == 200, removed.content
    assert (removed.json()["evidence_file"], removed.json()["version"]) == (None, 3)
    assert client.get(url, **headers).status_code == 404
    # The file stays in storage; the trail names it as the evidence of its time.
    assert (media / stored).read_bytes() == PDF
    entry = AuditEntry.objects.filter(model="requirements.requirementstatus", action="update").order_by("-seq")[0]
    assert entry.changes["evidence_file"] == [stored, ""]
