"""Issue 4's journey in a real browser: a coordinator starts a placement assessment from the
cloud-service template, fills in two alternatives, reads the four perspectives and the combined
table, records the decision and downloads both documents; every page passes axe-core."""

import io

import docx
import pypdf
import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from placement.models import Assessment
from tests.browser.pickers import pick
from tests.factories import InformationTypeFactory, SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.1 AA with axe-core, as tests/browser/test_accessibility.py checks every page.
RUN_AXE = """() => axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  resultTypes: ["violations"]}).then(r => r.violations.filter(v => ["serious", "critical"].includes(v.impact))
  .map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" ")).join(", ")))"""


def audit(page, inject_axe) -> list[str]:
    """The serious and critical axe violations of the page shown, with its address."""
    inject_axe(page)
    return [f"{page.url}: {problem}" for problem in page.evaluate(RUN_AXE)]


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def test_a_coordinator_assesses_a_cloud_service_from_template_to_documents(live_server, page, sign_in, inject_axe,
                                                                           org_a, member):
    member(org_a, "coordinator")
    info = InformationTypeFactory(organisation=org_a, name="E-post och kalender", personal_data=True)
    SystemFactory(organisation=org_a, name="E-post (Exchange Online)").information_types.add(info)
    sign_in(page, "coordinator@kommun-a.example")
    problems = []

    page.goto(live_server.url + reverse("placement:list"))
    problems += audit(page, inject_axe)
    with page.expect_navigation():
        page.click(f"text={in_language('sv', 'Assess a new cloud service')}")
    page.fill("#id_title", "E-post i molnet")
    page.fill("#id_service", "e-post")
    pick(page, "id_information_types", "E-post och kalender")
    pick(page, "id_systems", "E-post (Exchange Online)")
    page.fill("#id_assessment_date", "2026-02-01")
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")
    assessment = Assessment.objects.get(organisation=org_a)
    assert page.url == live_server.url + reverse("placement:detail", args=[assessment.pk])
    problems += audit(page, inject_axe)
    own, cloud = assessment.alternatives.order_by("position")

    # The cloud alternative: where the data is, the promise and the cost of the move.
    page.goto(live_server.url + reverse("placement:alternative_edit", args=[cloud.pk]))
    problems += audit(page, inject_axe)
    page.fill("#id_alt-provider", "Microsoft Exchange Online")
    # Countries are picked by their names; the codes are stored.
    for field, codes in (("storage_countries", ("IE", "SE")), ("access_countries", ("IE", "SE", "US"))):
        for code in codes:
            page.check(f'input[name="alt-{field}"][value="{code}"]')
    page.select_option("#id_alt-provider_jurisdiction", label="USA")
    page.check("#id_alt-dpf_certified")
    page.fill("#id_alt-sla_percent", "99.9")
    page.fill("#id_alt-recovery_site", "Irland")
    page.fill("#id_costs-0-description", "Migrering")
    page.select_option("#id_costs-0-category", "consultants")
    page.fill("#id_costs-0-amount", "50000")
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")
    # Our own operation: an ageing data centre and a costly upgrade.
    page.goto(live_server.url + reverse("placement:alternative_edit", args=[own.pk]))
    page.fill("#id_alt-end_of_life", "2025-12-31")
    page.fill("#id_costs-0-description", "Uppgradering")
    page.select_option("#id_costs-0-category", "hardware")
    page.fill("#id_costs-0-amount", "2000000")
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")

    for name in ("security", "law", "technology", "economy", "combined"):
        page.goto(live_server.url + reverse(f"placement:{name}", args=[assessment.pk]))
        expect(page.locator("h1")).to_contain_text("E-post i molnet")
        problems += audit(page, inject_axe)
    expect(page.locator(".combined-table tr.total .badge-ok")).to_have_count(1)
    assert page.locator(".combined-table thead th").all_inner_texts()[2:] == [
        in_language("sv", "Run it ourselves"), in_language("sv", "Cloud service")]

    page.goto(live_server.url + reverse("placement:decision", args=[assessment.pk]))
    problems += audit(page, inject_axe)
    page.select_option("#id_body", "kommunfullmaktige")
    page.fill("#id_registration_number", "KS 2026/0012")
    page.fill("#id_decision", "E-posten driftas i molntjänsten.")
    page.fill("#id_follow_up_date", "2027-02-01")
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")
    expect(page.locator(".notice").first).to_contain_text(in_language("sv", "This assessment has been decided and is locked."))
    assessment.refresh_from_db()
    assert assessment.is_locked and assessment.decision.registration_number == "KS 2026/0012"

    # The documents are made by a background job (run at once in the tests); its page offers
    # the file when it is done.
    detail_url = page.url
    pdf_download = _document_from_job(page, in_language("sv", "Decision document (PDF)"))
    pdf = pypdf.PdfReader(pdf_download.value.path())
    assert "KS 2026/0012" in " ".join(p.extract_text() for p in pdf.pages)
    page.goto(detail_url)
    docx_download = _document_from_job(page, in_language("sv", "Decision document (DOCX)"))
    with open(docx_download.value.path(), "rb") as fh:
        document = docx.Document(io.BytesIO(fh.read()))
    assert document.paragraphs[0].text == "E-post i molnet"
    assert problems == []


def _document_from_job(page, button: str):
    """Press a document button, land on the job's page and download its result."""
    with page.expect_navigation(timeout=60_000):
        page.click(f"text={button}")
    link = page.locator("a.button", has_text=in_language("sv", "Download %(name)s").split("%(")[0].strip())
    link.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        link.first.click()
    return download
