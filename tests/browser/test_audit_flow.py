"""The "Done when" walk of audits (issue 11) in a real browser, on the demo's reference case 2.

Lindö kommun's auditor sees the five automatic findings of the second seed with their priorities
(short, short, medium, long, long), starts an audit, adopts them as observations, puts a
recommendation in the municipality's action plan and downloads the report as DOCX and PDF, which
read like the seed. Then the coordinator fixes the contract's checklist: observation 4.1 is gone
from the findings and nothing else is.
"""

import io
import re

import docx
import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from actions.models import Action
from audits.models import Audit, Observation
from core.findings import PRIORITIES, THEMES_BY_KEY
from demo import data as demo
from organisations.models import Organisation
from suppliers.models import ChecklistArea, Contract
from tests.browser.pickers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_THEMES = ["contract_requirements", "needs_based_requirements", "delivery_follow_up", "incident_evaluation",
               "change_involvement"]
SEED_PRIORITIES = ["short", "short", "medium", "long", "long"]
TITLE = "Granskning av leverantörsstyrning 2026"


def sv(msgid: str) -> str:
    with translation.override("sv"):
        return str(translation.gettext(msgid))


def text_of(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\xa0", " ")).strip()


def click(page, locator):
    with page.expect_navigation():
        locator.click()


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_login", email)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    click(page, page.locator("main form.form button[type=submit]"))


def theme_titles(page) -> list[str]:
    return [text_of(t) for t in page.locator("section.finding-theme h2").all_inner_texts()]


def test_the_auditor_finds_adopts_plans_and_reports_and_fixing_the_contract_removes_only_4_1(live_server, page):
    call_command("load_demo", stdout=io.StringIO())
    lindo = Organisation.objects.get(slug="lindo")
    sign_in(page, live_server, "revisor@lindo.example")

    # The findings: exactly the seed's five observations, in its order, with its priorities.
    click(page, page.get_by_role("link", name=sv("Automatic findings")).first)
    with translation.override("sv"):
        expected = [f"{n}. {THEMES_BY_KEY[k].title}" for n, k in enumerate(SEED_THEMES, start=1)]
        labels = [str(PRIORITIES[p]) for p in SEED_PRIORITIES]
    assert theme_titles(page) == expected
    assert [text_of(t) for t in page.locator("section.finding-theme .priority").all_inner_texts()] == labels

    # A new audit, the findings adopted into it.
    page.goto(live_server.url + reverse("audits:audit_add"))
    page.fill("#id_title", TITLE)
    page.fill("#id_purpose", "Att bedöma om kommunen styr och följer upp sin IT-leverantör.")
    click(page, page.get_by_role("button", name=sv("Save")))
    audit = Audit.objects.get(organisation=lindo, title=TITLE)
    click(page, page.get_by_role("button", name=sv("Adopt the automatic findings")))
    observations = list(Observation.objects.filter(audit=audit).order_by("number"))
    assert [(o.theme, o.priority) for o in observations] == list(zip(SEED_THEMES, SEED_PRIORITIES))
    headings = [text_of(h) for h in page.locator("main section h3 a").all_inner_texts()]
    assert headings == [f"{o.number}. {o.title}" for o in observations]

    # The auditor puts the contract observation's first recommendation in the municipality's plan.
    click(page, page.get_by_role("link", name=f"1. {observations[0].title}"))
    first = observations[0].recommendations.order_by("number").first()
    coordinator = lindo.memberships.get(role="coordinator").user
    prefix = f"id_rec{first.pk}"
    pick(page, f"{prefix}-owner", coordinator.email.split("@")[0], value=coordinator.pk)
    due = timezone.localdate().replace(year=timezone.localdate().year + 1, month=3, day=31)
    page.fill(f"#{prefix}-due_date", due.isoformat())
    click(page, page.locator(f"#rec-{first.number} button[type=submit]"))
    action = Action.objects.get(organisation=lindo, source_id=str(first.pk), title=first.text[:300])
    assert (action.owner, action.due_date) == (coordinator, due)
    assert page.locator(f"#rec-{first.number} a[href='{action.get_absolute_url()}']").count() == 1

    # The report in both formats, with the seed's sections and the five observations.
    page.goto(live_server.url + reverse("audits:audit_detail", args=[audit.pk]))
    with page.expect_download() as word:
        page.get_by_role("link", name=sv("Audit report as Word document")).click()
    assert word.value.suggested_filename == f"{sv('Audit report')} {TITLE}.docx"
    document = docx.Document(word.value.path())
    heads = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for section in ("Summary", "1. Introduction", "4. Observations and recommendations"):
        assert sv(section) in heads
    body = text_of(" ".join(p.text for p in document.paragraphs))
    for o in observations:
        assert o.title in body
    with page.expect_download() as pdf:
        page.get_by_role("link", name=sv("Audit report as PDF")).click()
    reader = pypdf.PdfReader(pdf.value.path())
    pdf_body = text_of(" ".join(p.extract_text() for p in reader.pages))
    assert observations[0].title in pdf_body and sv("Short term") in pdf_body and sv("Long term") in pdf_body

    # The coordinator fixes the contract's checklist; only 4.1 goes.
    sign_in(page, live_server, coordinator.email)
    contract = Contract.objects.get(organisation=lindo, title__startswith="Avtal mellan Mellanskogs IT AB")
    page.goto(live_server.url + reverse("suppliers:contract_detail", args=[contract.pk]))
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    for area in ChecklistArea.objects.filter(withdrawn=False):
        answer = page.request.post(live_server.url + reverse("suppliers:assessment_edit", args=[contract.pk, area.pk]),
                                   form={"csrfmiddlewaretoken": token, "status": "covered", "clause": "Bilaga 3"},
                                   headers={"Referer": page.url})
        assert answer.ok
    sign_in(page, live_server, "revisor@lindo.example")
    page.goto(live_server.url + reverse("audits:finding_list"))
    with translation.override("sv"):
        remaining = [f"{n}. {THEMES_BY_KEY[k].title}" for n, k in enumerate(SEED_THEMES[1:], start=1)]
    assert theme_titles(page) == remaining
