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
                     "Catalogue version": "2026.2"}
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Area")
    assert rows[header_at] == ["Area", "Requirement ID", "Title", "Requirement", "Annex A", "NIS2 article 21(2)",
                               "Supplier's answer", "Comment"]  # the tenderer's columns, no statuses
    data = rows[header_at + 1:]
    assert len(data) == len(report.rows)
    two_factor = next(row for row in data if row[1] == "ÅS-03")
    assert two_factor == ["Access control", "ÅS-03",
                          "The system shall require two-factor authentication for remote access and administrators",
                              "Systemet ska kräva tvåfaktorsautentisering för administratörer och för all åtkomst från internet.",
                              "5.17, 8.2, 8.5", "i, j", None, None]


def test_the_xlsx_annex_freezes_its_header_filters_and_offers_the_answers(report):
    sheet = load_workbook(io.BytesIO(exports.system_xlsx(report, form="shall", language="en", today=DAY))).active
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Area")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref == f"A{header_row}:H{sheet.max_row}"
    (choice,) = sheet.data_validations.dataValidation
    assert (choice.type, choice.formula1) == ("list", '"Fulfilled,Partly fulfilled,Not fulfilled"')
    assert str(choice.sqref) == f"G{header_row + 1}:G{sheet.max_row}"
    assert sheet.column_dimensions["D"].width >= 60 and sheet.column_dimensions["H"].width >= 30
    assert sheet.cell(header_row + 1, 4).alignment.wrap_text is True


def test_the_swedish_annex_has_shall_titles_and_the_self_assessment_present_state_titles(report):
    shall = _rows(exports.system_xlsx(report, form="shall", today=DAY))
    present = _rows(exports.system_xlsx(report, form="is", today=DAY))
    assert next(row for row in shall if row[1] == "ÅS-03")[2] == \
        "Systemet ska kräva tvåfaktorsautentisering för fjärråtkomst och administratörer"
    assert next(row for row in shall if row[1] == "LE-04")[2] == "Leverantören ska lagra och behandla informationen inom EU/EES"
    assert next(row for row in present if row[1] == "ÅS-03")[2] == "Tvåfaktorsautentisering för fjärråtkomst och administratörer"


def test_the_xlsx_self_assessment_has_the_statuses(report):
    rows = _rows(exports.system_xlsx(report, form="is", language="en", today=DAY))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Area")
    assert rows[header_at][6:10] == ["Status", "How it is met (evidence)", "Reason it does not apply", "Assessed"]
    sheet = load_workbook(io.BytesIO(exports.system_xlsx(report, form="is", language="en", today=DAY))).active
    assert sheet.freeze_panes == f"A{header_at + 2}" and not sheet.data_validations.dataValidation
    backup = next(row for row in rows if row[1] == "SK-01")
    assert backup[3] == "Säkerhetskopior tas dagligen, förvaras separerat och återläsning testas minst årligen."
    assert backup[6:8] == ["Partly met", "Test saknas"]
    assert next(row for row in rows if row[1] == "ÅS-03")[6] == "Not assessed"


def _headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]


def test_the_docx_annex_has_a_table_per_area_for_the_tenderer_to_fill_in(report):
    document = Document(io.BytesIO(exports.system_docx(report, form="shall", today=DAY)))
    headings = _headings(document)
    with translation.override("sv"):
        assert headings[0] == translation.gettext("Security requirements for %(system)s") % {"system": "Elevregister"}
        instruction = translation.gettext("How to answer")
        assert headings[1] == instruction
        assert headings[2:] == [str(label) for label, _rows in report.groups()]
        header = [translation.gettext(h) for h in ("Requirement ID", "Requirement", "Supplier's answer", "Comment")]
        answers = exports.answers()
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert {"Kommun A", "Elevregister", "2-1-3-1", "2026-03-02", "2026.2"} <= set(facts.values())
    tables = document.tables[1:]
    assert len(tables) == len(headings) - 2
    assert all([c.text for c in table.rows[0].cells] == header for table in tables)
    widths = [c.width for c in tables[0].rows[1].cells]
    assert widths[1] == max(widths) and widths[1] > sum(widths) * 0.45  # the requirement column is the wide one
    rows = {row.cells[0].text: row.cells for table in tables for row in table.rows[1:]}
    assert len(rows) == len(report.rows)
    title, text = rows["ÅS-03"][1].paragraphs
    assert (title.text, title.runs[0].bold) == ("Systemet ska kräva tvåfaktorsautentisering för fjärråtkomst och administratörer", True)
    assert text.text == "Systemet ska kräva tvåfaktorsautentisering för administratörer och för all åtkomst från internet."
    assert rows["ÅS-03"][2].text == "\n".join(f"☐ {a}" for a in answers) and rows["ÅS-03"][3].text == ""


def test_the_docx_self_assessment_keeps_the_status_column(report):
    document = Document(io.BytesIO(exports.system_docx(report, form="is", language="en", today=DAY)))
    assert "How to answer" not in _headings(document)
    tables = document.tables[1:]
    assert [c.text for c in tables[0].rows[0].cells] == ["Requirement ID", "Requirement", "Annex A", "Status"]
    rows = {row.cells[0].text: [c.text for c in row.cells] for table in tables for row in table.rows[1:]}
    assert rows["SK-01"][3] == "Partly met" and rows["ÅS-03"][2:] == ["5.17, 8.2, 8.5", "Not assessed"]
    assert rows["ÅS-03"][1].startswith("Two-factor authentication for remote access and administrators\n")


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
    today = selectors.today().isoformat()
    assert docx["Content-Disposition"] == f'attachment; filename="Requirement annex Elevregister {today}.docx"'
    assert _headings(Document(io.BytesIO(docx.content)))[0] == "Security requirements for Elevregister"
    xlsx = client.get(reverse("requirements:system_export_xlsx", args=[system.pk]), {"lang": "en", "form": "is"})
    assert xlsx["Content-Type"] == exports.XLSX_TYPE
    assert xlsx["Content-Disposition"] == \
        f'attachment; filename="Self-assessment security requirements Elevregister {today}.xlsx"'
    assert any(row[1] == "SK-01" and row[6] == "Partly met" for row in _rows(xlsx.content))


def test_the_annex_is_swedish_by_default(login, editor, report, system):
    # Requirement titles follow the export language: Swedish unless lang=en.
    content = login(editor).get(reverse("requirements:system_export_xlsx", args=[system.pk])).content
    assert any(row[1] == "ÅS-03" and row[2] == "Systemet ska kräva tvåfaktorsautentisering för fjärråtkomst och "
               "administratörer" for row in _rows(content))


def test_the_soa_xlsx_has_93_rows(login, editor, tenant, report):
    services.applicability_generate(tenant=tenant)
    response = login(editor).get(reverse("requirements:soa_export"), {"lang": "en"})
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"] == \
        f'attachment; filename="Statement of applicability Kommun A {selectors.today().isoformat()}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A6", f"A5:N{sheet.max_row}")
    rows = _rows(response.content)
    assert rows[0][0] == "Statement of applicability"
    assert rows[1] == ["Organisation", "Kommun A"] + [None] * (len(rows[1]) - 2)
    header = rows[4]
    assert header[:9] == ["Control", "Name", "Theme", "Applicable", "Reason", "Implementation status",
                          "Basis of the implementation status", "Note", "Linked requirements"]
    assert header[9:14] == ["Control type", "Information security property", "Cybersecurity concept",
                            "Operational capability", "Security domain"]
    data = rows[5:]
    assert [row[0] for row in data][:2] == ["5.1", "5.2"] and len(data) == 93
    backup = next(row for row in data if row[0] == "8.13")
    assert (backup[1], backup[2], backup[3], backup[9], backup[10]) == (
        "Backup", "Technological", "Yes", "Corrective", "Integrity, Availability")
    assert "SK-01" in backup[8]
    # The implementation status follows from the system's statuses of the linked requirements, with why.
    assert backup[5] in ("Not implemented", "Partly implemented", "Implemented")
    assert backup[6].startswith("From the systems' requirement statuses: ")
    source_code = next(row for row in data if row[0] == "8.4")
    assert (source_code[3], source_code[4]) == ("No", "Reason pending")


def test_the_docx_is_written_in_swedish_by_default(login, editor, report, system):
    # Through the translations: whatever the Swedish catalogue says for the heading and the area.
    with translation.override("sv"):
        heading = translation.gettext("Security requirements for %(system)s") % {"system": system.name}
        area = translation.gettext("Access control")
    document = Document(io.BytesIO(login(editor).get(reverse("requirements:system_export_docx", args=[system.pk])).content))
    headings = _headings(document)
    assert headings[0] == heading
    assert area in headings
