"""The "Done when" walk of the data-protection issue in a real browser, as the DPO does it.

The data protection officer shared by four municipalities is a member of three of them as DPO
(the fourth has its own). On the overview across its organisations it finds the third-country
transfer without a lawful basis in Kommun B, opens it there (switching to Kommun B), screens a DPIA, asks for and
gives the DPO's advice; the controller's system owner decides it in a browser session of its own.
The DPO reports an incident where personal data may be affected: the breach log lists it as
suspected, and so does the overview's breach section until the coordinator assesses it as a breach.
Last the DPO exports Socialnämnden's record of processing as Excel, Word and PDF, and the files
hold the activity. The overview never shows the municipality the DPO is not a member of. The API
walks the same in privacy/tests/test_dpo_journey_api.py.
"""

import datetime
import io

import docx
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from core.tenancy import tenant_for
from incidents.models import IncidentCase
from organisations.models import Unit
from privacy import services
from privacy.models import Dpia, DpiaStatus
from tests.browser.test_accessibility import Auditor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DPO_EMAIL = "dataskyddsombud@samverkan.example"
ACTIVITY = "Digital tillsyn i hemtjänsten"
HIDDEN = "Molnbaserad skolplattform i Kommun D"
DPIA = "Konsekvensbedömning digital tillsyn"
INCIDENT = "Felskickad e-post med biståndsbeslut"


def sv(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


@pytest.fixture
def new_page(browser):
    """new_page() → a page in a browser context of its own: another person signed in."""
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


def menu(page, name: str):
    with page.expect_navigation():
        page.get_by_role("navigation", name=sv("Main menu")).get_by_role("link", name=name, exact=True).click()


def _activity(org, *, name: str, transfer: bool):
    """A processing activity of Socialnämnden, kept by the organisation's coordinator."""
    coordinator = UserFactory(email=f"samordnare@{org.slug}.example")
    MembershipFactory(user=coordinator, organisation=org, role="coordinator")
    tenant = tenant_for(coordinator, org.pk)
    unit = Unit.objects.create(organisation=org, name="Socialnämnden", kind="board")
    activity = services.activity_save(tenant=tenant, activity=None, data={
        "name": name, "controllers": [unit], "legal_basis": "e", "purpose": "Tillsyn av brukare nattetid",
        "data_categories": ["identity", "health"], "art9_ground": "h", "status": "complete",
        "retention": "Gallras två år efter avslutad insats", "retention_months": 24})
    if transfer:
        services.transfer_add(tenant=tenant, activity=activity,
                              data={"country": "US", "recipient": "Leverantörens molntjänst"})
    return coordinator, unit, activity


@pytest.fixture
def dpo_world(org_a, org_b):
    """Four municipalities; the DPO is a member of A, B and C, not of D. B and D have a transfer without basis."""
    org_c = OrganisationFactory(name="Kommun C", slug="kommun-c")
    org_d = OrganisationFactory(name="Kommun D", slug="kommun-d")
    dpo = UserFactory(email=DPO_EMAIL)
    for org in (org_a, org_b, org_c):
        MembershipFactory(user=dpo, organisation=org, role="dpo")
    _activity(org_a, name="Färdtjänstutredningar", transfer=False)
    coordinator_b, unit_b, activity_b = _activity(org_b, name=ACTIVITY, transfer=True)
    _activity(org_c, name="Skolskjutsar", transfer=False)
    _activity(org_d, name=HIDDEN, transfer=True)
    owner_b = UserFactory(email="systemagare@kommun-b.example")
    MembershipFactory(user=owner_b, organisation=org_b, role="system_owner")
    return {"dpo": dpo, "b": org_b, "d": org_d, "coordinator_b": coordinator_b, "owner_b": owner_b,
            "unit_b": unit_b, "activity_b": activity_b}


def _switch(page, org):
    page.select_option("#org-switch", str(org.pk))
    click(page, page.locator(".org-switch button[type=submit]"))
    expect(page.locator("#org-switch")).to_have_value(str(org.pk))


def _download(page, href: str) -> bytes:
    with page.expect_download() as info:
        page.locator(f"a[href='{href}']").click()
    return open(info.value.path(), "rb").read()


def test_the_dpo_finds_the_transfer_screens_a_dpia_logs_a_breach_and_exports_the_record(
        live_server, new_page, sign_in, inject_axe, org_a, dpo_world):
    w = dpo_world
    org_b = w["b"]
    dpo = sign_in(new_page(), DPO_EMAIL)
    _switch(dpo, org_a)

    # 1. The overview across the DPO's organisations: the transfer without basis is Kommun B's.
    menu(dpo, sv("Across my organisations"))
    expect(dpo.get_by_role("heading", level=1)).to_have_text(sv("Across my organisations"))
    transfers = dpo.get_by_role("table", name=sv("Transfers without lawful basis"))
    expect(transfers.get_by_role("row")).to_have_count(2)  # the header and Kommun B's transfer
    row = transfers.get_by_role("row").nth(1)
    expect(row.get_by_role("cell").first).to_have_text("Kommun B")
    expect(row).to_contain_text(ACTIVITY)
    for org in ("Kommun A", "Kommun B", "Kommun C"):
        expect(dpo.get_by_role("heading", name=org, exact=True)).to_be_visible()
    expect(dpo.get_by_text("Kommun D")).to_have_count(0)
    expect(dpo.get_by_text(HIDDEN)).to_have_count(0)

    assert Auditor(inject_axe).axe(dpo) == []  # WCAG 2.1 AA, the row's switch-and-open button included

    # … and opens it from there, in Kommun B.
    click(dpo, row.get_by_role("button", name=ACTIVITY))
    expect(dpo.locator("#org-switch")).to_have_value(str(org_b.pk))
    expect(dpo.get_by_role("heading", level=1)).to_have_text(ACTIVITY)

    # 2. In Kommun B the DPO screens a DPIA of the activity and asks for, then gives, the advice.
    menu(dpo, sv("Impact assessments (DPIA)"))
    click(dpo, dpo.get_by_role("link", name=sv("New impact assessment (DPIA)")))
    dpo.fill("#id_title", DPIA)
    dpo.select_option("#id_activity", str(w["activity_b"].pk))
    dpo.check("input[name=criteria][value=sensitive]")
    dpo.check("input[name=criteria][value=vulnerable]")
    dpo.check("input[name=criteria][value=new_technology]")
    dpo.fill("#id_description", "Kameror och sensorer i brukarnas hem ersätter nattliga besök.")
    dpo.fill("#id_necessity", "Tillsynen kräver bild nattetid; ljud och larm räcker inte för alla brukare.")
    click(dpo, dpo.get_by_role("button", name=sv("Save"), exact=True))
    expect(dpo.locator(".messages")).to_contain_text(sv("The DPIA was saved."))
    expect(dpo.get_by_text(sv("DPIA required"), exact=True)).to_be_visible()
    dpia = Dpia.objects.get(organisation=org_b)
    click(dpo, dpo.get_by_role("button", name=sv("Ask the DPO for advice")))
    expect(dpo.locator(".messages")).to_contain_text(sv("The DPIA was updated."))
    dpo.fill("#id_advice", "Genomför behandlingen med kamerabild endast vid larm och logga all åtkomst.")
    click(dpo, dpo.get_by_role("button", name=sv("Give the advice")))
    expect(dpo.get_by_role("button", name=sv("Decide"))).to_have_count(0)  # the DPO does not decide
    dpia.refresh_from_db()
    assert dpia.status == DpiaStatus.AWAITING_DECISION and dpia.dpo_advice_by == w["dpo"]
    # From another organisation, the overview lists B's open DPIA and opens it in B.
    _switch(dpo, org_a)
    menu(dpo, sv("Across my organisations"))
    click(dpo, dpo.get_by_role("region", name="Kommun B").get_by_role("button", name=DPIA))
    expect(dpo.get_by_role("heading", level=1)).to_have_text(DPIA)
    expect(dpo.locator("#org-switch")).to_have_value(str(org_b.pk))

    # 3. The controller's system owner decides, in a browser session of its own.
    owner = sign_in(new_page(), w["owner_b"].email)
    owner.goto(live_server.url + reverse("privacy:dpia_detail", args=[dpia.pk]))
    advice = owner.locator("section[aria-labelledby=advice-title]")
    expect(advice).to_contain_text("Genomför behandlingen med kamerabild endast vid larm och logga all åtkomst.")
    expect(advice).to_contain_text(w["dpo"].full_name)
    owner.check("input[name=decision][value=proceed]")
    owner.fill("#id_reason", "Restrisken är godtagbar med dataskyddsombudets åtgärder.")
    click(owner, owner.get_by_role("button", name=sv("Decide")))
    decision = owner.locator("section[aria-labelledby=decision-title]")
    expect(decision).to_contain_text(w["owner_b"].full_name)
    expect(decision).to_contain_text("Restrisken är godtagbar med dataskyddsombudets åtgärder.")
    dpia.refresh_from_db()
    assert (dpia.status, dpia.decided_by) == (DpiaStatus.DECIDED, w["owner_b"])

    # 4. The DPO reports an incident where personal data may be affected: the breach log lists it as suspected.
    menu(dpo, sv("Incidents"))
    dpo.goto(live_server.url + reverse("incidents:incident_create"))
    dpo.fill("#id_title", INCIDENT)
    dpo.fill("#id_description", "Ett biståndsbeslut skickades med e-post till fel mottagare.")
    dpo.fill("#id_detected_at", (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    dpo.check("#id_possible_breach")
    click(dpo, dpo.get_by_role("button", name=sv("Save"), exact=True))
    expect(dpo.get_by_text(sv("The incident was reported."))).to_be_visible()
    case = IncidentCase.objects.get(organisation=org_b, incident__title=INCIDENT)
    menu(dpo, sv("Breach log"))
    expect(dpo.get_by_role("heading", level=1)).to_have_text("Incidentlogg för personuppgifter")
    log_row = dpo.get_by_role("row", name=INCIDENT)
    expect(log_row).to_contain_text(sv("Suspected, not assessed yet"))
    menu(dpo, sv("Across my organisations"))
    breaches = dpo.get_by_role("table", name=sv("Personal data breaches and their deadlines"))
    expect(breaches.get_by_role("row", name=INCIDENT)).to_contain_text(sv("Suspected, not assessed yet"))

    # 5. The coordinator assesses it as a breach; it is in the overview's breach section.
    coordinator = sign_in(new_page(), w["coordinator_b"].email)
    coordinator.goto(live_server.url + reverse("incidents:case_assess", args=[case.pk]))
    coordinator.select_option("#id_breach", "yes")
    coordinator.select_option("#id_breach_notifiable", "yes")
    coordinator.fill("#id_breach_reason", "Beslutet innehåller uppgifter om hälsa; risk för den registrerade.")
    click(coordinator, coordinator.get_by_role("button", name=sv("Save"), exact=True))
    expect(coordinator.get_by_text(sv("The assessment was saved."))).to_be_visible()
    case.refresh_from_db()
    assert case.breach is True
    dpo.reload()
    breach_row = breaches.get_by_role("row", name=INCIDENT)
    expect(breach_row.get_by_role("cell").first).to_have_text("Kommun B")
    expect(breach_row).not_to_contain_text(sv("Suspected, not assessed yet"))
    menu(dpo, sv("Breach log"))
    expect(dpo.get_by_role("row", name=INCIDENT)).to_contain_text(sv("Yes"))
    menu(dpo, sv("Across my organisations"))
    click(dpo, breach_row.get_by_role("link", name=INCIDENT))
    expect(dpo.get_by_role("heading", level=1)).to_contain_text(INCIDENT)

    # 6. The DPO exports Socialnämnden's record of processing; the files hold the activity.
    menu(dpo, sv("Record of processing"))
    with dpo.expect_response(lambda r: "controller=" in r.url):
        dpo.select_option("#id_controller", str(w["unit_b"].pk))
    unit = w["unit_b"].pk
    sheet = load_workbook(io.BytesIO(_download(dpo, reverse("privacy:record_xlsx", args=[unit])))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == ACTIVITY and "Socialnämnden" in rows[1][1]
    assert any("USA" in str(cell) for cell in rows[1] if cell)
    word = docx.Document(io.BytesIO(_download(dpo, reverse("privacy:record_docx", args=[unit]))))
    text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        c.text for t in word.tables for r in t.rows for c in r.cells)
    assert ACTIVITY in text and "Gallras två år efter avslutad insats" in text
    assert "Färdtjänstutredningar" not in text  # Kommun A's record is not Kommun B's
    pdf = PdfReader(io.BytesIO(_download(dpo, reverse("privacy:record_pdf", args=[unit]))))
    pdf_text = " ".join(p.extract_text() for p in pdf.pages)
    assert ACTIVITY in pdf_text and "Socialnämnden" in pdf_text


def test_the_overview_never_shows_an_organisation_the_dpo_is_not_a_member_of(live_server, new_page, sign_in,
                                                                              org_a, dpo_world):
    """Kommun D's DPO keeps its own overview; the shared DPO cannot see D, nor act in it."""
    w = dpo_world
    own_dpo = UserFactory(email="dataskyddsombud@kommun-d.example")
    MembershipFactory(user=own_dpo, organisation=w["d"], role="dpo")
    page = sign_in(new_page(), own_dpo.email)
    page.goto(live_server.url + reverse("privacy:overview"))
    expect(page.get_by_role("table", name=sv("Transfers without lawful basis"))).to_contain_text(HIDDEN)
    for org in ("Kommun A", "Kommun B", "Kommun C"):
        expect(page.get_by_text(org, exact=True)).to_have_count(0)
    expect(page.get_by_text(ACTIVITY)).to_have_count(0)
    shared = sign_in(new_page(), DPO_EMAIL)
    shared.goto(live_server.url + reverse("privacy:overview"))
    expect(shared.get_by_text(HIDDEN)).to_have_count(0)
    expect(shared.locator("#org-switch option", has_text="Kommun D")).to_have_count(0)
