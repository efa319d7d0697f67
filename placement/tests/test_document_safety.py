"""Issue 13, point 6: a stored control character does not break the decision documents."""

import io

import docx
import pytest

from placement import demo, documents
from placement.models import Assessment
from placement.tests.test_documents import bjorkvik  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_docx_and_pdf_are_written_with_a_control_character_in_stored_text(bjorkvik):  # noqa: F811
    assessment = Assessment.objects.get(title=demo.EMAIL_TITLE)
    assessment.title = "E-post\u000boch\x01 kalender"
    assessment.save()
    doc = documents.build(tenant=bjorkvik, assessment=assessment)

    content = documents.render_docx(doc)
    written = docx.Document(io.BytesIO(content))
    assert "E-postoch kalender" in "\n".join(p.text for p in written.paragraphs)
    assert documents.render_pdf(doc).startswith(b"%PDF")


def test_the_docx_writes_a_block_whose_text_is_only_control_characters(bjorkvik):  # noqa: F811
    assessment = Assessment.objects.get(title=demo.EMAIL_TITLE)
    doc = documents.build(tenant=bjorkvik, assessment=assessment)
    doc.blocks.append(documents.Block(kind="list", text="\u000b", items=["a\u000bb"]))
    doc.blocks.append(documents.Block(kind="table", text="\x0c", header=["\x0b"], rows=[["x\x1fy"]]))
    written = docx.Document(io.BytesIO(documents.render_docx(doc)))
    assert "ab" in [p.text for p in written.paragraphs]
    assert written.tables[-1].rows[1].cells[0].text == "xy"
