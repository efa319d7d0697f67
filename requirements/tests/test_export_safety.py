"""Issue 13, points 6 and 7: every requirement export writes any stored text, and never a formula."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from requirements import exports, selectors, services
from requirements.models import ApplicabilityStatement, Control, Requirement

pytestmark = pytest.mark.django_db

CONTROL = "a\u000bb"
FORMULA = '=HYPERLINK("https://evil.example/","Klicka")'


def _cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _assert_text_not_formula(content: bytes, expected: str):
    cells = [c for c in _cells(content) if c.value == expected]
    assert cells, f"{expected!r} is not in the workbook"
    assert all(c.data_type == "s" for c in cells)
    assert not [c for c in _cells(content) if c.data_type == "f"]


@pytest.fixture
def assessed(tenant, system, classify, catalogue):
    classify(system, K=2, R=1, T=3, S=1)
    services.requirement_status_set(tenant=tenant, system=system, requirement=Requirement.objects.get(code="SK-01"),
                                    data={"status": "partly_met", "evidence": CONTROL})
    services.requirement_status_set(tenant=tenant, system=system, requirement=Requirement.objects.get(code="ÅS-03"),
                                    data={"status": "not_applicable", "reason": FORMULA})
    return system


def test_the_requirement_xlsx_and_docx_download_with_a_control_character(login, editor, assessed):
    client = login(editor)
    xlsx = client.get(reverse("requirements:system_export_xlsx", args=[assessed.pk]), {"form": "is"})
    assert xlsx.status_code == 200
    assert "ab" in [c.value for c in _cells(xlsx.content)]
    docx_response = client.get(reverse("requirements:system_export_docx", args=[assessed.pk]), {"form": "is"})
    assert docx_response.status_code == 200
    Document(io.BytesIO(docx_response.content))


def test_the_requirement_xlsx_writes_a_reason_starting_with_equals_as_text(tenant, assessed):
    report = selectors.system_requirements(tenant=tenant, system=assessed)
    _assert_text_not_formula(exports.system_xlsx(report, form="is", language="en"), FORMULA)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_the_soa_xlsx_writes_formula_starts_as_text_and_survives_control_characters(login, editor, tenant, catalogue,
                                                                                     start):
    services.applicability_generate(tenant=tenant)
    control = Control.objects.get(number="8.13")
    services.applicability_set(tenant=tenant, control=control,
                               data={"applicable": False, "reason": start + "1+1", "note": CONTROL})
    assert ApplicabilityStatement.objects.get(control=control).note == CONTROL
    response = login(editor).get(reverse("requirements:soa_export"), {"lang": "en"})
    assert response.status_code == 200
    _assert_text_not_formula(response.content, start + "1+1")
    assert "ab" in [c.value for c in _cells(response.content)]


def test_the_api_exports_answer_files_not_500(client, api, editor, assessed):
    headers = api(editor)
    for fmt in ("xlsx", "docx"):
        response = client.get(f"/api/requirements/systems/{assessed.pk}/export", {"format": fmt, "form": "is"},
                              **headers)
        assert response.status_code == 200, (fmt, response.content[:200])


def test_the_api_refuses_a_reason_for_a_status_other_than_not_applicable(client, api, editor, tenant, system,
                                                                          classify, catalogue):
    from requirements.models import RequirementStatus

    classify(system, K=2, R=1, T=3, S=1)
    requirement = Requirement.objects.get(code="SK-01")
    url = f"/api/requirements/systems/{system.pk}/requirements/{requirement.pk}"
    headers = api(editor)
    response = client.put(url, {"status": "met", "reason": "Gäller inte oss"}, content_type="application/json",
                          **headers)
    assert response.status_code == 422
    assert "reason" in response.json()["errors"]
    assert not RequirementStatus.objects.exists()
    response = client.put(url, {"status": "not_applicable", "reason": "Gäller inte oss"},
                          content_type="application/json", **headers)
    assert response.status_code == 200
    assert RequirementStatus.objects.get().reason == "Gäller inte oss"
