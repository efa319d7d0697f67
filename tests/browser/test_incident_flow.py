"""The "Done when" walk of the incident issue in a real browser, as the people involved do it.

The IT company's security lead reports an incident once for the two municipalities it serves.
Municipality A assesses it as significant and submits its early warning and incident notification
on time; the early warning's Word document holds what CERT-SE asks for. Municipality B assesses
it as not significant. A holds the joint review, whose lesson appears in its action plan. The
supplier reads each municipality's status. The API walks the same in incidents/tests/test_api.py.
"""

import datetime
import io

import docx
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from actions.models import Action
from incidents.models import IncidentCase, StageSubmission
from tests.browser.pickers import pick
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Intrång i fjärråtkomsten"


def sv(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(bypass_csp=True, locale="sv-SE", viewport={"width": 1366, "height": 900},
                                      accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def click(page, locator):
    with page.expect_navigation():
        locator.click()


def _local(delta_minutes: int = 0) -> str:
    return (timezone.localtime() + datetime.timedelta(minutes=delta_minutes)).strftime("%Y-%m-%dT%H:%M")


def _open_my_case(page, live_server):
    page.goto(live_server.url + reverse("incidents:incident_list"))
    click(page, page.get_by_role("link", name=TITLE, exact=False))


def _assess(page, *, significant: str, reason: str):
    click(page, page.get_by_role("link", name=sv("Assess"), exact=True))
    page.select_option("#id_significant", significant)
    page.fill("#id_significance_reason", reason)
    page.select_option("#id_breach", "no")
    click(page, page.get_by_role("button", name=sv("Save")))
    expect(page.get_by_text(sv("The assessment was saved."))).to_be_visible()


def _submit(page, stage_label: str):
    click(page, page.get_by_role("link", name=stage_label, exact=True))
    page.fill("#id_submitted_at", _local())
    click(page, page.get_by_role("button", name=sv("Save")))
    expect(page.get_by_text(sv("The report was recorded."))).to_be_visible()


def test_reported_once_each_municipality_decides_and_reviews(new_page, sign_in, live_server, org_a, org_b, member):
    it = OrganisationFactory(name="Mellanskogs IT AB", slug="mellanskogs-it", kind="supplier")
    it.customers.add(org_a, org_b)
    lead = member(it, "security_lead")
    coordinator_a, coordinator_b = member(org_a, "coordinator"), member(org_b, "coordinator")

    # The IT company reports once, for both municipalities.
    supplier = sign_in(new_page(), lead.email)
    supplier.goto(live_server.url + reverse("incidents:incident_create"))
    supplier.fill("#id_title", TITLE)
    supplier.fill("#id_description", "Obehörig inloggning via fjärråtkomsten till driftmiljön.")
    supplier.select_option("#id_category", "intrusion")
    supplier.fill("#id_detected_at", _local(-60))
    supplier.get_by_label(org_a.name).check()
    supplier.get_by_label(org_b.name).check()
    click(supplier, supplier.get_by_role("button", name=sv("Save")))
    expect(supplier.get_by_text(sv("The incident was reported."))).to_be_visible()
    case_a = IncidentCase.objects.get(organisation=org_a, incident__title=TITLE)

    # Municipality A: significant, early warning and notification on time, the document holds the content.
    a = sign_in(new_page(), coordinator_a.email)
    _open_my_case(a, live_server)
    expect(a.get_by_text(sv("Running, not yet assessed")).first).to_be_visible()
    _assess(a, significant="yes", reason="Driftmiljön för alla förvaltningar kan vara påverkad.")
    _submit(a, sv("Early warning"))
    _submit(a, sv("Incident notification"))
    expect(a.get_by_text(sv("Submitted on time"))).to_have_count(2)
    early = StageSubmission.objects.get(case=case_a, stage="early_warning")
    with a.expect_download() as info:
        a.locator(f"a[href='{reverse('incidents:submission_document', args=[early.pk, 'docx'])}']").click()
    download = info.value
    assert download.suggested_filename == f"{sv('Early warning')} {case_a.incident.reference}.docx"
    text = "\n".join(cell.text for table in docx.Document(io.BytesIO(open(download.path(), "rb").read())).tables
                     for row in table.rows for cell in row.cells)
    assert sv("Suspected unlawful or malicious act") in text and "Myndigheten för civilt försvar" in text

    # Municipality B makes its own assessment: not significant.
    b = sign_in(new_page(), coordinator_b.email)
    _open_my_case(b, live_server)
    _assess(b, significant="no", reason="Kommunens system berördes inte av intrånget.")
    expect(b.get_by_text(sv("No legal deadline applies after the assessment."))).to_be_visible()

    # A's joint review; its lesson becomes an action in A's plan.
    click(a, a.get_by_role("link", name=sv("Hold the post-incident review")))
    a.fill("#id_participants", "Samordnaren i kommunen och säkerhetsansvarig på Mellanskogs IT AB")
    a.check("#id_supplier_took_part")
    a.fill("#id_causes", "Fjärråtkomsten saknade flerfaktorsinloggning.")
    a.fill("#id_what_was_done", "Kontot spärrades och loggarna granskades.")
    click(a, a.get_by_role("button", name=sv("Save")))
    a.fill("#id_lesson-text", "Inför flerfaktorsinloggning för all fjärråtkomst")
    pick(a, "id_lesson-owner", coordinator_a.email, value=coordinator_a.pk)
    a.fill("#id_lesson-due_date", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    click(a, a.get_by_role("button", name=sv("Add the lesson to the action plan")))
    expect(a.get_by_text(sv("The lesson was added to the action plan."))).to_be_visible()
    action = Action.objects.get(organisation=org_a)
    a.goto(live_server.url + reverse("actions:action_list"))
    expect(a.get_by_role("link", name="Inför flerfaktorsinloggning för all fjärråtkomst")).to_be_visible()
    assert action.owner == coordinator_a

    # The supplier reads each municipality's status; B does not read A's case.
    supplier.goto(live_server.url + reverse("incidents:incident_detail", args=[case_a.incident_id]))
    rows = supplier.get_by_role("table", name=sv("Each organisation's handling"))
    expect(rows.get_by_role("row", name=org_a.name)).to_contain_text(sv("Incident notification"))
    expect(rows.get_by_role("row", name=org_b.name)).to_be_visible()
    response = b.goto(live_server.url + reverse("incidents:case_detail", args=[case_a.pk]))
    assert response.status == 404
