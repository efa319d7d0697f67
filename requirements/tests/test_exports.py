"""Exports: the requirement list as XLSX and DOCX (a contract annex) and the SoA as XLSX, opened and read back."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from requirements import exports, selectors, services
from requirements.models import Requirement

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def report(tenant, system, classify, catalogue):
    classify(system, K=2, R=1, T=3, S=1)
    services.requirement_status_set(tenant=tenant, system=system, requirement=Requirement.objects.get(code="SK-01"),
                                    data={"status": "partly_met", "evidence": "Test saknas"})
    return selectors.system_requirements(tenant=tenant, system=system)


def _rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_annex_has_the_facts_and_one_row_per_requirement(report, system):
    rows = _rows(exports.system_xlsx(report, form="shall", language="en", today=DAY))
    assert rows[0][0] == "Security requirements for Elevregister"
    facts = {row[0]: row[1] for row in rows[1:7]}
    assert facts == {"Organisation": "Kommun A", "System": "Elevregister", "Protection need (K-R-T-S)": "2-1-3-1",
                     "Date": "2026-03-02", "Requirement form": "SKA: shall (procurement, contract)",
                     "Catalogue version": "2026.1"}
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Area")
    assert rows[header_at][:6] == ["Area", "Code", "Title", "Requirement", "Annex A", "NIS2 article 21(2)"]
    assert rows[header_at][6:] == [None] * (len(rows[header_at]) - 6)  # no statuses in a contract annex
    data = rows[header_at + 1:]
    assert len(data) == len(report.rows)
    two_factor = next(row for row in data if row[1] == "ÅS-03")
    assert two_factor[:6] == ["Access control", "ÅS-03", "Two-factor authentication for remote access and administrators",
                              "Systemet ska kräva tvåfaktorsautentisering för administratörer och för all åtkomst från internet.",
                              "5.17, 8.2, 8.5", "i, j"]


def test_the_xlsx_self_assessment_has_the_statuses(report):
    rows = _rows(exports.system_xlsx(report, form="is", language="en", today=DAY))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Area")
    assert rows[header_at][6:10] == ["Status", "How it is met (evidence)", "Reason it does not apply", "Assessed"]
    backup = next(row for row in rows if row[1] == "SK-01")
    assert backup[3] == "Säkerhetskopior tas dagligen, förvaras separerat och återläsning testas minst årligen."
    assert backup[6:8] == ["Partly met", "Test saknas"]
    assert next(row for row in rows if row[1] == "ÅS-03")[6] == "Not assessed"


def test_the_docx_annex_has_a_table_per_area(report):
    document = Document(io.BytesIO(exports.system_docx(report, form="shall", language="en", today=DAY)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0] == "Security requirements for Elevregister"
    area_headings = headings[1:]
    with translation.override("en"):
        assert area_headings == [str(label) for label, _rows in report.groups()]
    assert "Access control" in area_headings and "Backup" in area_headings
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert (facts["Organisation"], facts["System"], facts["Protection need (K-R-T-S)"], facts["Date"]) == (
        "Kommun A", "Elevregister", "2-1-3-1", "2026-03-02")
    tables = document.tables[1:]
    assert len(tables) == len(area_headings)
    assert [c.text for c in tables[0].rows[0].cells] == ["Code", "Requirement", "Annex A"]
    all_rows = [[c.text for c in row.cells] for table in tables for row in table.rows[1:]]
    assert len(all_rows) == len(report.rows)
    assert ["ÅS-03", "Systemet ska kräva tvåfaktorsautentisering för administratörer och för all åtkomst från internet.",
            "5.17, 8.2, 8.5"] in all_rows


def test_the_docx_notes_level_4_and_missing_classification(tenant, system, classify, catalogue):
    classify(system, K=4, R=1)
    document = Document(io.BytesIO(exports.system_docx(selectors.system_requirements(tenant=tenant, system=system),
                                                       language="en", today=DAY)))
    texts = [p.text for p in document.paragraphs]
    assert "Confidentiality is at level 4: no requirements are derived for it; a separate protection analysis is needed." in texts
    from tests.factories import SystemFactory

    empty = SystemFactory(organisation=system.organisation)
    document = Document(io.BytesIO(exports.system_docx(selectors.system_requirements(tenant=tenant, system=empty),
                                                       language="en", today=DAY)))
    texts = [p.text for p in document.paragraphs]
    assert "None of the system's information is classified, so no requirements are derived." in texts
    assert "No requirements." in texts


def test_the_annex_downloads_as_files(login, editor, report, system):
    client = login(editor)
    docx = client.get(reverse("requirements:system_export_docx", args=[system.pk]), {"lang": "en"})
    assert docx["Content-Type"] == exports.DOCX_TYPE
    assert docx["Content-Disposition"].startswith('attachment; filename="requirements-elevregister-')
    assert Document(io.BytesIO(docx.content)).paragraphs[0].text == "Security requirements for Elevregister"
    xlsx = client.get(reverse("requirements:system_export_xlsx", args=[system.pk]), {"lang": "en", "form": "is"})
    assert xlsx["Content-Type"] == exports.XLSX_TYPE
    assert any(row[1] == "SK-01" and row[6] == "Partly met" for row in _rows(xlsx.content))


def test_the_annex_is_swedish_by_default(login, editor, report, system):
    # Requirement titles follow the export language: Swedish unless lang=en.
    content = login(editor).get(reverse("requirements:system_export_xlsx", args=[system.pk])).content
    assert any(row[1] == "ÅS-03" and row[2] == "Tvåfaktorsautentisering för fjärråtkomst och administratörer"
               for row in _rows(content))


def test_the_soa_xlsx_has_93_rows(login, editor, tenant, report):
    services.applicability_generate(tenant=tenant)
    response = login(editor).get(reverse("requirements:soa_export"), {"lang": "en"})
    assert response["Content-Type"] == exports.XLSX_TYPE
    rows = _rows(response.content)
    assert rows[0][0] == "Statement of applicability"
    assert rows[1] == ["Organisation", "Kommun A"] + [None] * (len(rows[1]) - 2)
    header = rows[4]
    assert header[:8] == ["Control", "Name", "Theme", "Applicable", "Reason", "Implementation status", "Note",
                          "Linked requirements"]
    assert header[8:13] == ["Control type", "Information security property", "Cybersecurity concept",
                            "Operational capability", "Security domain"]
    data = rows[5:]
    assert [row[0] for row in data][:2] == ["5.1", "5.2"] and len(data) == 93
    backup = next(row for row in data if row[0] == "8.13")
    assert (backup[1], backup[2], backup[3], backup[8], backup[9]) == (
        "Backup", "Technological", "Yes", "Corrective", "Integrity, Availability")
    assert "SK-01" in backup[7]
    source_code = next(row for row in data if row[0] == "8.4")
    assert (source_code[3], source_code[4]) == ("No", "Reason pending")


def test_the_docx_is_written_in_swedish_by_default(login, editor, report, system):
    # Through the translations: whatever the Swedish catalogue says for the heading and the area.
    with translation.override("sv"):
        heading = translation.gettext("Security requirements for %(system)s") % {"system": system.name}
        area = translation.gettext("Access control")
    document = Document(io.BytesIO(login(editor).get(reverse("requirements:system_export_docx", args=[system.pk])).content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0] == heading
    assert area in headings
