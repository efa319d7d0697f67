"""Evidence files: allowed types (by name and content), at most 10 MB, stored and served only to the organisation."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook

from requirements.models import Requirement, RequirementStatus
from requirements.validators import MAX_EVIDENCE_BYTES, validate_evidence_file
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _docx() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize("name, content", [
    ("intyg.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
    ("skärmbild.PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
    ("foto.jpeg", b"\xff\xd8\xff\xe1\x00\x10Exif"),
    ("rutin.docx", None),
    ("logg.xlsx", None),
    ("anteckning.txt", "Återläsning testad 2026-03-01.".encode()),
    ("windows.txt", "Åtgärd klar".encode("cp1252")),
], ids=["pdf", "png", "jpg", "jpeg", "docx", "xlsx", "utf8-text", "cp1252-text"])
def test_allowed_files_pass(name, content):
    if content is None:
        content = _docx() if name.endswith(".docx") else _xlsx()
    validate_evidence_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize("name, content, code", [
    ("program.exe", b"MZ\x90\x00", "file_type"),
    ("skript.js", b"alert(1)", "file_type"),
    ("utan-filändelse", b"%PDF-1.7", "file_type"),
    ("förklädd.pdf", b"MZ\x90\x00\x03", "file_content"),
    ("fel.docx", None, "file_content"),  # a workbook named .docx
    ("binär.txt", b"abc\x00def", "file_content"),
    ("bild.png", b"\xff\xd8\xff\xe0", "file_content"),  # a JPEG named .png
], ids=["exe", "js", "no-extension", "exe-as-pdf", "xlsx-as-docx", "binary-txt", "jpeg-as-png"])
def test_other_files_are_refused_with_a_clear_message(name, content, code):
    with pytest.raises(ValidationError) as exc:
        validate_evidence_file(SimpleUploadedFile(name, content if content is not None else _xlsx()))
    assert exc.value.code == code
    if code == "file_type":
        assert exc.value.messages[0].startswith("Upload a PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or text file;")
    else:
        assert "does not match its file type" in exc.value.messages[0]


def test_a_file_over_10_mb_is_refused_and_one_at_the_limit_passes():
    with pytest.raises(ValidationError) as exc:
        validate_evidence_file(SimpleUploadedFile("stor.txt", b"a" * (MAX_EVIDENCE_BYTES + 1)))
    assert exc.value.code == "file_size"
    assert exc.value.messages == ["The file is 10.0\xa0MB; files of at most 10.0\xa0MB can be uploaded."]
    validate_evidence_file(SimpleUploadedFile("precis.txt", b"a" * MAX_EVIDENCE_BYTES))


@pytest.fixture
def assessed(system, classify, catalogue):
    classify(system, K=2)
    return Requirement.objects.get(code="ÅS-03")


def test_uploading_storing_and_downloading_evidence(login, editor, system, assessed, media):
    client = login(editor)
    url = reverse("requirements:status_edit", args=[system.pk, assessed.pk])
    upload = SimpleUploadedFile("MFA-rapport.pdf", b"%PDF-1.7\nbevis", content_type="application/pdf")
    response = client.post(url, {"status": "met", "evidence_file": upload}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    status = RequirementStatus.objects.get()
    assert status.evidence_file.name.startswith(f"requirements/evidence/{system.organisation_id}/")
    assert status.file_name == "MFA-rapport.pdf"
    assert (media / status.evidence_file.name).read_bytes() == b"%PDF-1.7\nbevis"
    # The trail names the stored file.
    entry = AuditEntry.objects.filter(model="requirements.requirementstatus").latest("seq")
    assert entry.changes["evidence_file"] == [None, status.evidence_file.name]
    download = client.get(reverse("requirements:evidence_file", args=[status.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="MFA-rapport.pdf"'
    assert b"".join(download.streaming_content) == b"%PDF-1.7\nbevis"


def test_a_refused_upload_stores_nothing(login, editor, system, assessed, media):
    client = login(editor)
    url = reverse("requirements:status_edit", args=[system.pk, assessed.pk])
    response = client.post(url, {"status": "met", "evidence_file": SimpleUploadedFile("virus.pdf", b"MZ\x90")},
                           HTTP_HX_REQUEST="true")
    assert "does not match its file type" in response.content.decode()
    assert RequirementStatus.objects.count() == 0
    assert not (media / "requirements").exists()


def test_removing_the_file_keeps_the_stored_copy(login, editor, system, assessed, media):
    client = login(editor)
    url = reverse("requirements:status_edit", args=[system.pk, assessed.pk])
    client.post(url, {"status": "met", "evidence_file": SimpleUploadedFile("a.txt", b"bevis")}, HTTP_HX_REQUEST="true")
    name = RequirementStatus.objects.get().evidence_file.name
    client.post(url, {"status": "met", "remove_file": "on", "version": "1"}, HTTP_HX_REQUEST="true")
    assert RequirementStatus.objects.get().evidence_file.name == ""
    assert (media / name).exists()


def test_other_organisations_cannot_download_evidence(login, editor, member, org_b, system, assessed):
    client = login(editor)
    client.post(reverse("requirements:status_edit", args=[system.pk, assessed.pk]),
                {"status": "met", "evidence_file": SimpleUploadedFile("a.txt", b"hemligt")}, HTTP_HX_REQUEST="true")
    status = RequirementStatus.objects.get()
    assert login(member(org_b)).get(reverse("requirements:evidence_file", args=[status.pk])).status_code == 404
