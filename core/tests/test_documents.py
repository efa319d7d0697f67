"""The shared document toolkit: what every DOCX and PDF of Tillit gets from it."""

import datetime
import io

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from core import documents


def _document(draft=False) -> documents.Document:
    doc = documents.Document(organisation="Lindö kommun", kind="Granskningsrapport",
                             title="Granskning av IT-leverantören", date=datetime.date(2026, 12, 2),
                             reference="KS 2026/123", draft=draft)
    doc.heading("Sammanfattning").paragraph("Kommunen har inte specificerat krav i avtalet.")
    doc.facts([("Beställare", "Kommunstyrelsen"), ("Granskad period", None)])
    doc.table(header=["Område", "Prioritet"], rows=[["Incidenthantering", "Lång sikt"]] * 80, caption="Iakttagelser")
    doc.chart(documents.BarChart(title="Mognad per område", labels=["Styrning", "Åtkomst"],
                                 series=[("År 1", [1, 2]), ("År 2", [2, 4])], maximum=5))
    doc.bullets(["Första åtgärden"], caption="Rekommendationer")
    return doc


def _pdf_text(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def test_the_pdf_has_the_header_and_numbered_pages_on_every_page():
    reader, pages = _pdf_text(_document().render_pdf())
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Lindö kommun" in text and "Granskningsrapport" in text and "KS 2026/123" in text
        assert f"{number} ({len(pages)})" in text
    assert reader.metadata.author == "Lindö kommun"
    assert reader.metadata.title == "Granskning av IT-leverantören"
    assert "Åtkomst" in pages[-1] and "År 2" in pages[-1]  # the chart's Swedish letters are text
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)


def test_a_draft_is_marked_as_one_and_a_final_document_is_not():
    _reader, draft_pages = _pdf_text(_document(draft=True).render_pdf())
    _reader, final_pages = _pdf_text(_document().render_pdf())
    assert all("UTKAST" in text for text in draft_pages)
    assert not any("UTKAST" in text for text in final_pages)
    word = WordDocument(io.BytesIO(_document(draft=True).render_docx()))
    assert "UTKAST" in "\n".join(p.text for p in word.sections[0].header.paragraphs)


def test_the_docx_is_a4_with_header_footer_page_fields_and_the_organisation_as_author():
    word = WordDocument(io.BytesIO(_document().render_docx()))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    header = "\n".join(p.text for p in section.header.paragraphs)
    assert "Lindö kommun" in header and "Granskningsrapport" in header and "KS 2026/123" in header
    footer_xml = section.footer._element.xml
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml
    assert word.core_properties.author == "Lindö kommun"
    assert word.core_properties.language == "sv"
    assert "UTKAST" not in header
    assert [t.rows[0].cells[0].text for t in word.tables][1] == "Område"
    assert len(word.inline_shapes) == 1  # the chart, as a picture


def test_the_chart_picture_is_drawn_with_a_font_that_has_swedish_letters():
    font = documents.font(22)
    # Pillow's bitmap default draws å, ä and ö as empty boxes; a TrueType font has the glyphs.
    assert font.getmask("Å").getbbox() != font.getmask("\uffff").getbbox()
    png = documents.chart_png(documents.BarChart(title="t", labels=["Åtkomst"], series=[("År 1", [3])]))
    assert png.startswith(b"\x89PNG")


def test_the_chart_axis_has_even_steps_and_honours_a_fixed_scale():
    assert documents._ticks(4.5) == (6.0, [0.0, 2.0, 4.0, 6.0])
    assert documents._ticks(100) == (100.0, [0.0, 25.0, 50.0, 75.0, 100.0])
    assert documents._ticks(0) == (1.0, [0.0, 1.0])
    svg = documents.chart_svg(documents.BarChart(title="Mognad", labels=["A"], series=[("År", [2])], maximum=5))
    assert ">5<" in svg.replace(" ", "") or ">5</text>" in svg
    assert 'role="img"' in svg and "<title>Mognad</title>" in svg


@pytest.mark.parametrize(("name", "expected"), [
    ("Granskningsrapport Lindö kommun 2026-12-02", "Granskningsrapport Lindö kommun 2026-12-02.pdf"),
    ("Incident: e-post/Outlook <avbrott>", "Incident e-post Outlook avbrott.pdf"),
    ("   ", "Dokument.pdf"),
])
def test_file_names_are_swedish_and_safe(name, expected):
    assert documents.filename(name, "pdf") == expected


def test_the_response_names_the_file_in_utf8():
    answer = documents.response(_document(), "docx", filename="Granskningsrapport Lindö")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert answer["Content-Disposition"] == "attachment; filename*=utf-8''Granskningsrapport%20Lind%C3%B6.docx"
    with pytest.raises(ValueError):
        documents.response(_document(), "odt", filename="x")


def test_a_table_takes_column_widths_bold_leads_and_blank_cells_to_fill_in():
    doc = documents.Document(organisation="Björkviks kommun", kind="Kravbilaga", title="Säkerhetskrav")
    doc.table(header=["Id", "Krav", "Svar", "Kommentar"], widths=[2, 9, 3.5, 3.5], blank="",
              rows=[["ÅS-03", documents.Cell("Systemet ska kräva tvåfaktorsautentisering", "Text om kravet."),
                     "☐ Uppfylls\n☐ Uppfylls inte", ""]])
    word = WordDocument(io.BytesIO(doc.render_docx()))
    table = word.tables[0]
    widths = [cell.width for cell in table.rows[1].cells]
    assert widths[1] > 2 * widths[2] > 0 and widths[2] == widths[3] and widths[0] < widths[2]
    section = word.sections[0]
    assert abs(sum(widths) - (section.page_width - section.left_margin - section.right_margin)) < 12700  # within a point
    lead, text = table.rows[1].cells[1].paragraphs
    assert (lead.text, lead.runs[0].bold, text.text, bool(text.runs[0].bold)) == (
        "Systemet ska kräva tvåfaktorsautentisering", True, "Text om kravet.", False)
    assert "<w:br/>" in table.rows[1].cells[2]._tc.xml and table.rows[1].cells[2].text == "☐ Uppfylls\n☐ Uppfylls inte"
    assert table.rows[1].cells[3].text == ""
    _reader, pages = _pdf_text(doc.render_pdf())
    assert "tvåfaktorsautentisering\nText om kravet." in pages[0] and "☐ Uppfylls inte" in pages[0]
    with pytest.raises(ValueError):
        doc.table(header=["A", "B"], rows=[], widths=[1])
