"""The review as DOCX (opened with python-docx) and PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from docx import Document as DocxDocument

from actions.models import Action
from reviews import services

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> tuple[list[str], str]:
    doc = DocxDocument(io.BytesIO(content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    cells = " | ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    body = "\n".join(p.text for p in doc.paragraphs) + "\n" + cells
    for section in doc.sections:
        body += "\n" + "\n".join(p.text for p in section.header.paragraphs)
    return headings, body


def test_the_docx_has_every_input_section_a_figure_and_the_decisions(login, coordinator, tenant_a, review_a, org_a, today):
    for i in range(3):
        Action(organisation=org_a, title=f"Försenad {i}", due_date=today - datetime.timedelta(days=5 + i)).save()
    services.review_gather(tenant=tenant_a, review=review_a)
    services.decision_add(tenant=tenant_a, review=review_a, text="Revidera policyn.", owner=tenant_a.user,
                          due_date=today + datetime.timedelta(days=30))
    response = login(coordinator[0]).get(reverse("reviews:review_docx", args=[review_a.pk]))
    assert response.status_code == 200
    headings, body = _text(response.content)
    # Written in the document language (Swedish) whatever the member's.
    with translation.override("sv"):
        name = _("Management review %(organisation)s %(date)s") % {"organisation": "Kommun A",
                                                                  "date": review_a.held_on.isoformat()}
        expected = [f"a) {_('Status of actions from previous management reviews')}",
                    f"b) {_('Changes in external and internal issues')}",
                    f"c) {_('Changes in needs and expectations of interested parties')}",
                    f"d) {_('Feedback on the information security performance')}",
                    _("Nonconformities and corrective actions"), _("Monitoring and measurement results"),
                    _("Audit results"), _("Fulfilment of information security objectives"),
                    f"e) {_('Feedback from interested parties')}",
                    f"f) {_('Results of risk assessment and status of the risk treatment plan')}",
                    f"g) {_('Opportunities for continual improvement')}",
                    _("Incidents in the period"), _("Governing documents past review"), _("Decisions")]
        overdue, draft = _("Overdue actions"), _("DRAFT")
    assert response["Content-Disposition"] == content_disposition_header(True, f"{name}.docx")
    assert headings == [name] + expected
    assert f"{overdue} | 3" in body
    assert "Revidera policyn." in body
    assert draft in body


def test_the_pdf_renders(login, coordinator, tenant_a, review_a):
    services.review_gather(tenant=tenant_a, review=review_a)
    response = login(coordinator[0]).get(reverse("reviews:review_pdf", args=[review_a.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_adopted_review_is_no_draft(login, coordinator, tenant_a, review_a):
    services.review_gather(tenant=tenant_a, review=review_a)
    services.review_close(tenant=tenant_a, review=review_a)
    _headings, body = _text(login(coordinator[0]).get(reverse("reviews:review_docx", args=[review_a.pk])).content)
    with translation.override("sv"):
        assert _("DRAFT") not in body
