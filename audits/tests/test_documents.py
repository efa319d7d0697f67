"""The audit report: opened as DOCX (python-docx) and PDF (pypdf), checked for its sections, its
observations with their priorities and recommendations, the maturity per area and the draft marking."""

import datetime
import io
import re
from urllib.parse import quote

import docx
import pypdf
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audits import documents, maturity, selectors, services
from audits.models import AuditStatus, FrameworkRequirement
from core.findings import PRIORITIES

pytestmark = pytest.mark.django_db


def text_of(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\xa0", " ")).strip()


def sv(message: str, **params) -> str:
    with translation.override("sv"):
        return text_of(_(message) % params if params else _(message))


def docx_text(content: bytes):
    document = docx.Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    return headings, text_of("\n".join(parts)), text_of(header), document


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return text_of(" ".join(page.extract_text() for page in reader.pages))


SECTIONS = ["Summary", "1. Introduction", "2. Answers to the audit questions", "3. Review of the areas",
            "4. Observations and recommendations", "Appendix 1: Sources"]


@pytest.fixture
def reported(auditor_a, tenant_a, audit_a, frameworks, today):
    """The audit with two observations, a recommendation in the action plan, a response and a maturity
    assessment of two areas."""
    msb = list(FrameworkRequirement.objects.filter(framework__key="msb-lis").order_by("order"))
    services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=msb[0], level=1)
    services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=msb[1], level=2)
    services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=msb[2], level=3)
    first = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={
        "title": "Säkerhetskrav är inte specificerade i avtalet med leverantören", "priority": "short",
        "description": "Huvudavtalet från 2016 är skrivet på övergripande nivå.",
        "risk": "Kommunen får inte de tjänster den betalar för.",
        "evidence": [{"label": "Avtal: Huvudavtal 2016", "url": "/suppliers/contracts/1/"}],
        "recommendations": ["Komplettera avtalet med krav på informationssäkerhet.", "Inför en upphandlingsinstruktion."]})
    services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={
        "title": "Ingen utvärdering av incidenter", "priority": "long", "description": "Incidenter stängs utan genomgång.",
        "recommendations": ["Inför en process för utvärdering av incidenter."]})
    services.recommendation_to_action(tenant=tenant_a, recommendation=first.recommendations.get(number=1),
                                      owner=tenant_a.user, due_date=today + datetime.timedelta(days=90))
    services.respond(tenant=tenant_a, observation=first, response="Avtalet omarbetas under hösten.")
    return selectors.audit_detail(tenant=tenant_a, pk=audit_a.pk)


def test_maturity_per_area_and_over_time(tenant_a, reported):
    areas, overall, previous = maturity.for_audit(tenant=tenant_a, audit=reported)
    assert previous is None  # the organisation's first assessment
    assert [(a.name, a.level, a.assessed) for a in areas] == [
        ("Steg 1 Identifiera och analysera", 1.5, 2), ("Steg 2 Utforma", 3.0, 1)]
    assert overall == 2.0


def test_maturity_compares_with_the_previous_audit(auditor_a, tenant_a, audit_a, frameworks):
    msb = list(FrameworkRequirement.objects.filter(framework__key="msb-lis").order_by("order"))
    services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=msb[0], level=1)
    later = services.audit_save(tenant=auditor_a, audit=None, data={"title": "Uppföljande granskning",
                                                                    "frameworks": frameworks})
    services.assessment_save(tenant=auditor_a, audit=later, requirement=msb[0], level=3)
    areas, overall, previous = maturity.for_audit(tenant=tenant_a, audit=later)
    assert [(a.level, a.previous) for a in areas] == [(3.0, 1.0)]
    assert (overall, previous) == (3.0, 1.0)


def test_the_report_as_docx_has_the_sections_observations_and_recommendations(tenant_a, reported, today):
    doc = documents.report(tenant=tenant_a, audit=reported)
    assert doc.draft  # in progress, not yet reported
    headings, text, header, word = docx_text(doc.render_docx())
    positions = [next(i for i, h in enumerate(headings) if h.startswith(sv(s))) for s in SECTIONS]
    assert positions == sorted(positions)
    for section in ("Background", "Purpose", "Audit criteria", "Audit questions", "Scope of the audit",
                    "Method and conduct"):
        assert any(sv(section) in h for h in headings), section
    assert "4.1. Säkerhetskrav är inte specificerade i avtalet med leverantören" in headings
    assert "4.2. Ingen utvärdering av incidenter" in headings
    with translation.override("sv"):
        short, long_ = text_of(str(PRIORITIES["short"])), text_of(str(PRIORITIES["long"]))
    assert short in text and long_ in text
    assert "Komplettera avtalet med krav på informationssäkerhet." in text
    # The recommendation in the plan names who is responsible and by when.
    owner = str(tenant_a.user)
    assert f"1 | Komplettera avtalet med krav på informationssäkerhet. | {owner} | " \
           f"{(today + datetime.timedelta(days=90)).isoformat()}" in text
    assert sv("Not yet in the action plan") in text
    assert "Avtal: Huvudavtal 2016" in text and "Avtalet omarbetas under hösten." in text
    assert "Styrs säkerheten enligt god praxis? | Delvis." in text
    # Maturity per area: the table and the chart (a picture), and the observations per priority.
    assert "Steg 1 Identifiera och analysera | 2 | 1,5" in text
    assert len(word.inline_shapes) == 2
    assert sv("DRAFT") in header and "KS 2026/7" in header and tenant_a.organisation.name in header
    assert word.core_properties.author == tenant_a.organisation.name


def test_the_report_as_pdf_says_the_same(tenant_a, reported):
    text = pdf_text(documents.report(tenant=tenant_a, audit=reported).render_pdf())
    for section in SECTIONS:
        assert sv(section) in text, section
    assert "Säkerhetskrav är inte specificerade i avtalet med leverantören" in text
    assert "Komplettera avtalet med krav på informationssäkerhet." in text
    assert sv("Maturity per area (0–%(top)d)", top=5) in text
    assert sv("DRAFT") in text
    assert re.search(r"1 \(\d+\)", text)  # the footer's page numbers


def test_a_reported_audit_is_no_draft(auditor_a, tenant_a, reported, today):
    services.audit_save(tenant=auditor_a, audit=reported, data={"status": AuditStatus.REPORTED, "report_date": today})
    audit = selectors.audit_detail(tenant=tenant_a, pk=reported.pk)
    doc = documents.report(tenant=tenant_a, audit=audit)
    assert not doc.draft and doc.date == today
    _headings, _text, header, _word = docx_text(doc.render_docx())
    assert sv("DRAFT") not in header


def test_the_audit_page_links_the_report_and_it_downloads_with_a_swedish_name(login, org_a, as_member, reported):
    reader, _tenant = as_member(org_a, "reader")
    client = login(reader)
    page = client.get(reverse("audits:audit_detail", args=[reported.pk])).content.decode()
    docx_url = reverse("audits:audit_report_docx", args=[reported.pk])
    pdf_url = reverse("audits:audit_report_pdf", args=[reported.pk])
    assert docx_url in page and pdf_url in page
    response = client.get(docx_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    name = sv("Audit report %(date)s %(title)s", date=reported.period_end.isoformat(), title=reported.title)
    assert quote(f"{name}.docx") in response["Content-Disposition"]
    response = client.get(pdf_url)
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"


def test_another_organisation_gets_no_report(login, org_b, as_member, reported):
    user, _tenant = as_member(org_b, "coordinator")
    assert login(user).get(reverse("audits:audit_report_pdf", args=[reported.pk])).status_code == 404
