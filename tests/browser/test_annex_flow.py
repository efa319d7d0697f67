"""The requirement annex in a real browser: a coordinator opens a system's requirements, asks for
the contract annex (DOCX), follows the background job and downloads a file named in words whose
tables have the tenderer's answer and comment columns and the requirements' shall titles."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from playwright.sync_api import expect

from classification.models import Classification
from requirements.catalogue import load_catalogue
from tests.factories import InformationTypeFactory, SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_downloads_the_contract_annex_for_a_tender(live_server, page, sign_in, org_a, member):
    member(org_a, "coordinator")
    load_catalogue()  # a transactional test starts from an empty database
    system = SystemFactory(organisation=org_a, name="Ekonomisystem")
    info = InformationTypeFactory(organisation=org_a)
    Classification.objects.create(organisation=org_a, information_type=info, scheme="klassa",
                                  confidentiality=2, integrity=2, availability=2, traceability=1)
    system.information_types.add(info)
    with translation.override("sv"):
        button = translation.gettext("Contract annex (DOCX)")
        header = [translation.gettext(h) for h in ("Requirement ID", "Requirement", "Supplier's answer", "Comment")]
        name = translation.gettext("Requirement annex %(system)s %(date)s")

    sign_in(page, "coordinator@kommun-a.example")
    page.goto(live_server.url + reverse("requirements:system_requirements", args=[system.pk]) + "?form=shall")
    expect(page.locator("main")).to_contain_text("Systemet ska kräva tvåfaktorsautentisering för fjärråtkomst")
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    assert "/jobs/" in page.url
    with page.expect_download() as download:
        page.locator("main a.button").first.click()
    from requirements.selectors import today

    assert download.value.suggested_filename == name % {"system": "Ekonomisystem", "date": today().isoformat()} + ".docx"
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    tables = document.tables[1:]
    assert tables and all([c.text for c in table.rows[0].cells] == header for table in tables)
    titles = [row.cells[1].paragraphs[0].text for table in tables for row in table.rows[1:]]
    assert "Systemet ska kräva tvåfaktorsautentisering för fjärråtkomst och administratörer" in titles
