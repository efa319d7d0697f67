"""The "Done when" walks of the supplier-governance issue in a real browser, as a person does them.

The shared IT company serves two municipalities. Its service manager defines a KPI addressed to
both and reports one month once for both; the coordinator of municipality 1 approves the report,
the coordinator of municipality 2 gives remarks and turns them into an action of its own plan;
the supplier reads both verdicts, municipality 1 only its own. A coordinator asks the supplier a
question about a system, the service manager answers it on "Questions to us" and the coordinator
reads who answered and when. A coordinator assesses a contract's checklist; the supplier page and
the gap list show the gaps, which become actions in the plan. The API walks the same in
tests/test_api_supplier_journey.py.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from actions.models import Action
from classification.models import SupplierQuestion
from core.tenancy import tenant_for
from kpis.models import KpiDefinition, KpiReport, KpiVerdict, last_ended_start, period_label
from suppliers.checklist import checklist_areas
from suppliers.models import ContractAssessment
from suppliers.services import assessment_save
from tests.browser.pickers import pick
from tests.factories import OrganisationFactory, SupplierFactory, SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KPI_NAME = "Tillgänglighet e-post"
SERVICE = "IT-arbetsplats"
REMARK = "Tillgängligheten under målet; vi vill se en åtgärdsplan för e-posttjänsten."


def sv(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


def label(msgid: str, *, model: bool = True) -> str:
    """A form field's label as the form shows it: a model field's verbose name capitalised (or a
    form field's own label), with the label suffix."""
    return (capfirst(sv(msgid)) if model else sv(msgid)) + sv(":")


@pytest.fixture
def new_page(browser):
    """new_page() → a page in a browser context of its own: another person signed in."""
    contexts = []

    def make():
        context = browser.new_context(bypass_csp=True, locale="sv-SE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def it_company(org_a, org_b):
    """The shared IT company, serving both municipalities."""
    org = OrganisationFactory(name="Mellanskogs IT AB", slug="mellanskogs-it", kind="supplier")
    org.customers.add(org_a, org_b)
    return org


def menu(page, name: str):
    """Follow an entry of the main menu."""
    with page.expect_navigation():
        page.get_by_role("navigation", name=sv("Main menu")).get_by_role("link", name=name, exact=True).click()


def click(page, locator):
    with page.expect_navigation():
        locator.click()


def test_the_supplier_reports_a_month_once_and_each_municipality_gives_its_own_verdict(
        live_server, page, new_page, sign_in, org_a, org_b, it_company, member):
    member(it_company, "service_manager")
    member(org_a, "coordinator")
    member(org_b, "coordinator")
    month = last_ended_start("month", datetime.date.today())
    period = period_label("month", month)
    supplier, first, second = page, new_page(), new_page()
    sign_in(supplier, "service_manager@mellanskogs-it.example")
    sign_in(first, "coordinator@kommun-a.example")
    sign_in(second, "coordinator@kommun-b.example")

    # 1. The service manager defines a KPI addressed to both municipalities.
    menu(supplier, sv("KPIs"))
    click(supplier, supplier.get_by_role("link", name=sv("New KPI")))
    supplier.get_by_label(label("name"), exact=True).fill(KPI_NAME)
    supplier.get_by_label(label("service"), exact=True).fill(SERVICE)
    supplier.get_by_label(label("target"), exact=True).fill("99.5")
    supplier.get_by_label(label("reported from"), exact=True).fill((month - datetime.timedelta(days=60)).isoformat())
    supplier.get_by_label("Kommun A").check()
    supplier.get_by_label("Kommun B").check()
    click(supplier, supplier.get_by_role("button", name=sv("Save"), exact=True))
    expect(supplier.locator(".messages")).to_contain_text(sv("The KPI was saved."))
    definition = KpiDefinition.objects.get(organisation=it_company)
    assert set(definition.shared_with.all()) == {org_a, org_b}

    # 2. … and reports the past month once, addressed to both; the value misses the target.
    menu(supplier, sv("KPI reports"))
    click(supplier, supplier.get_by_role("link", name=sv("Report a period")))
    supplier.get_by_label(label("First day of the period", model=False), exact=True).fill(month.isoformat())
    supplier.get_by_label("Kommun A").check()
    supplier.get_by_label("Kommun B").check()
    supplier.get_by_label(f"{definition} ({definition.get_period_display().lower()})").fill("98,7")
    supplier.get_by_label(sv("Comment on %(kpi)s") % {"kpi": definition}).fill("Störning i e-posttjänsten.")
    click(supplier, supplier.get_by_role("button", name=sv("Submit"), exact=True))
    expect(supplier.locator(".messages")).to_contain_text(sv("The report was submitted."))
    report = KpiReport.objects.get(organisation=it_company)
    report_url = live_server.url + reverse("kpis:report_detail", args=[report.pk])
    assert supplier.url == report_url
    assert (report.period_start, set(report.shared_with.all())) == (month, {org_a, org_b})
    facts = supplier.locator("dl.facts")
    expect(facts).to_contain_text("Kommun A, Kommun B")
    value_row = supplier.locator("main table.list tbody tr")
    expect(value_row).to_have_count(1)
    expect(value_row).to_contain_text(KPI_NAME)
    expect(value_row.locator(".kpi-missed")).to_have_text(sv("Missed"))
    # The supplier is not offered a verdict of its own.
    expect(supplier.get_by_role("button", name=sv("Save verdict"))).to_have_count(0)

    # 3. Municipality 1 finds the report awaiting its verdict and approves it.
    menu(first, sv("KPI reports"))
    row = first.locator("main table.list tbody tr").filter(has_text=period)
    expect(row).to_contain_text(sv("Awaiting our verdict"))
    click(first, row.get_by_role("link", name=period))
    assert first.url == report_url
    expect(first.locator("dl.facts")).not_to_contain_text("Kommun B")  # it sees only itself addressed
    first.get_by_label(sv("Approved"), exact=True).check()
    click(first, first.get_by_role("button", name=sv("Save verdict")))
    expect(first.locator(".messages")).to_contain_text(sv("Your verdict was saved."))
    verdicts = first.locator("section[aria-labelledby=verdict-title] ul li")
    expect(verdicts).to_have_count(1)
    expect(verdicts).to_contain_text(f"Kommun A: {sv('Approved')}")

    # 4. Municipality 2 gives remarks with a comment; without the comment it is refused.
    menu(second, sv("KPI reports"))
    click(second, second.locator("main table.list tbody tr").filter(has_text=period).get_by_role("link", name=period))
    second.get_by_label(sv("Approved with remarks"), exact=True).check()
    with second.expect_navigation():
        second.get_by_role("button", name=sv("Save verdict")).click()
    expect(second.locator("form.form")).to_contain_text(sv("Explain the remarks or why the report is not approved."))
    assert not KpiVerdict.objects.filter(organisation=org_b).exists()
    second.get_by_label(label("Comment", model=False), exact=True).fill(REMARK)
    click(second, second.get_by_role("button", name=sv("Save verdict")))
    expect(second.locator(".messages")).to_contain_text(sv("Your verdict was saved."))
    mine = second.locator("section[aria-labelledby=verdict-title] ul li")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(f"Kommun B: {sv('Approved with remarks')} – {REMARK}")

    # … and turns the remarks into an action of its own plan.
    click(second, second.get_by_role("button", name=sv("Add the remarks to our action plan")))
    expect(second.locator(".messages")).to_contain_text(sv("The remarks were added to your action plan."))
    expect(second.get_by_role("button", name=sv("Add the remarks to our action plan"))).to_have_count(0)
    action = Action.objects.get()
    assert action.organisation == org_b
    assert KpiVerdict.objects.get(organisation=org_b).action == action
    in_plan = second.locator("section[aria-labelledby=verdict-title]").get_by_role("link", name=action.title)
    expect(in_plan).to_be_visible()
    menu(second, sv("Action plan"))
    expect(second.locator("main table.list tbody")).to_contain_text(action.title)
    menu(first, sv("Action plan"))
    expect(first.locator("main")).not_to_contain_text(action.title)

    # 5. The supplier sees both verdicts on its report; municipality 1 never sees municipality 2's.
    supplier.reload()
    both = supplier.locator("section[aria-labelledby=verdict-title] ul li")
    expect(both).to_have_count(2)
    expect(both.filter(has_text="Kommun A")).to_contain_text(sv("Approved"))
    expect(both.filter(has_text="Kommun B")).to_contain_text(REMARK)
    menu(supplier, sv("KPI reports"))
    listed = supplier.locator("main table.list tbody tr").filter(has_text=period)
    expect(listed).to_contain_text(f"Kommun A: {sv('Approved')}")
    expect(listed).to_contain_text(f"Kommun B: {sv('Approved with remarks')}")
    first.goto(report_url)
    expect(first.locator("main")).not_to_contain_text(REMARK)
    expect(first.locator("main")).not_to_contain_text("Kommun B")


def test_the_supplier_answers_a_municipalitys_question_in_tillit(
        live_server, page, new_page, sign_in, org_a, org_b, it_company, member):
    coordinator_user = member(org_a, "coordinator")
    manager_user = member(it_company, "service_manager")
    SupplierFactory(organisation=org_a, name="Mellanskogs IT AB", tillit_organisation=it_company)
    SystemFactory(organisation=org_a, name="Ekonomisystem")
    coordinator, manager = page, new_page()
    sign_in(coordinator, coordinator_user.email)
    sign_in(manager, manager_user.email)
    text = "Hur länge sparas behörighetsloggarna för ekonomisystemet?"
    answer = "Behörighetsloggarna sparas i 24 månader och granskas varje kvartal."

    # 1. The coordinator asks the IT company a question about a system.
    menu(coordinator, sv("Questions to suppliers"))
    click(coordinator, coordinator.get_by_role("link", name=sv("Ask a supplier a question")))
    coordinator.get_by_label(label("supplier"), exact=True).select_option(label="Mellanskogs IT AB")
    coordinator.get_by_label(label("system"), exact=True).select_option(label="Ekonomisystem")
    coordinator.get_by_label(label("question"), exact=True).fill(text)
    click(coordinator, coordinator.get_by_role("button", name=sv("Record the question")))
    expect(coordinator.locator(".messages")).to_contain_text(sv("The question to the supplier was recorded."))
    question = SupplierQuestion.objects.get()
    question_url = live_server.url + reverse("classification:question_detail", args=[question.pk])
    assert coordinator.url == question_url
    expect(coordinator.locator("dl.facts")).to_contain_text(sv("Not answered yet"))
    expect(coordinator.locator("main .notice")).to_contain_text(
        sv("The supplier is in Tillit: its service managers and security leads answer the question there."))

    # 2. The service manager finds it on "Questions to us" and answers it.
    menu(manager, sv("Questions to us"))
    row = manager.locator("main table.list tbody tr").filter(has_text=text)
    expect(row).to_contain_text("Kommun A")
    expect(row).to_contain_text("Ekonomisystem")
    click(manager, row.get_by_role("link", name=text))
    expect(manager.locator("h1")).to_have_text(sv("Question from %(org)s").replace("%(org)s", "Kommun A"))
    manager.get_by_label(label("Your answer", model=False), exact=True).fill(answer)
    click(manager, manager.get_by_role("button", name=sv("Send the answer")))
    expect(manager.locator(".messages")).to_contain_text(sv("Your answer was saved."))
    expect(manager.locator("main table.list tbody")).not_to_contain_text(text)  # no longer open
    question.refresh_from_db()
    assert (question.answer, question.answered_by, question.recorded_by) == (answer, manager_user, None)

    # 3. The coordinator reads the answer, who gave it and when.
    coordinator.reload()
    facts = coordinator.locator("dl.facts")
    expect(facts).to_contain_text(answer)
    today = datetime.date.today().isoformat()
    expect(facts).to_contain_text(
        sv("Answered in Tillit by %(who)s, %(when)s") % {"who": manager_user.email, "when": today})


def test_a_contracts_checklist_shows_its_gaps_which_become_actions(
        live_server, page, sign_in, org_a, it_company, member):
    coordinator_user = member(org_a, "coordinator")
    supplier = SupplierFactory(organisation=org_a, name="Mellanskogs IT AB", tillit_organisation=it_company)
    areas = checklist_areas()
    covered, partly, missing = areas[0], areas[1], areas[2]
    sign_in(page, coordinator_user.email)

    # 1. The coordinator records the main agreement.
    menu(page, sv("Contracts"))
    click(page, page.get_by_role("link", name=sv("New contract")))
    pick(page, "id_supplier", "Mellanskogs IT AB")
    page.get_by_label(label("title"), exact=True).fill("Huvudavtal IT-drift")
    page.get_by_label(label("valid from"), exact=True).fill("2024-01-01")
    click(page, page.get_by_role("button", name=sv("Save"), exact=True))
    expect(page.locator(".messages")).to_contain_text(sv("The contract was saved."))
    contract = supplier.contracts.get()
    assert page.url == live_server.url + reverse("suppliers:contract_detail", args=[contract.pk])

    # The other areas were assessed as covered earlier (given); three are assessed on the page.
    tenant = tenant_for(coordinator_user, org_a.pk)
    for area in areas[3:]:
        assessment_save(tenant=tenant, contract=contract, area=area, status="covered", clause="Bilaga 2, 5.1")
    page.reload()

    def assess(area, status: str, clause: str, comment: str):
        row = page.locator(f"#area-{area.pk}")
        row.get_by_role("link", name=f"{sv('Assess')} {area.title}").click()
        expect(row.locator("form")).to_be_visible()  # the row turned into its form in place
        row.get_by_label(label("Status", model=False), exact=True).select_option(label=sv(status))
        row.get_by_label(label("Clause reference", model=False), exact=True).fill(clause)
        row.get_by_label(label("Comment", model=False), exact=True).fill(comment)
        row.get_by_role("button", name=sv("Save")).click()
        expect(row.locator(".status")).to_have_text(sv(status))
        return row

    assess(covered, "Covered", "Avsnitt 7", "Incidenter rapporteras inom 24 timmar.")
    row = assess(partly, "Partly covered", "Bilaga 3, 4.2", "Endast driftrutiner nämns.")
    expect(row).to_contain_text(f"{coordinator_user.email}")
    assess(missing, "Not covered", "", "Avtalet saknar krav på detta.")
    saved = {a.area_id: a.status for a in ContractAssessment.objects.filter(contract=contract)}
    assert (saved[covered.pk], saved[partly.pk], saved[missing.pk]) == ("covered", "partly", "not_covered")

    # 2. The supplier's page shows the two gaps …
    click(page, page.locator("dl.facts").get_by_role("link", name="Mellanskogs IT AB"))
    gaps = page.locator("section[aria-labelledby=gaps-title] table.list tbody tr")
    expect(gaps).to_have_count(2)
    expect(gaps.nth(0).locator("th")).to_have_text(partly.title)
    expect(gaps.nth(0)).to_contain_text(sv("Partly covered"))
    expect(gaps.nth(1).locator("th")).to_have_text(missing.title)
    expect(gaps.nth(1)).to_contain_text(sv("Not covered"))

    # … as does the gap list, where they become actions in one step.
    menu(page, sv("Contract gaps"))
    section = page.locator(f"section[aria-labelledby=gaps-{supplier.pk}]")
    expect(section.locator("tbody tr")).to_have_count(2)
    click(page, section.get_by_role("button", name=sv("Turn the gaps into actions")))
    with translation.override("sv"):
        added = translation.ngettext("%(n)d action was added to the action plan.",
                                     "%(n)d actions were added to the action plan.", 2) % {"n": 2}
    expect(page.locator(".messages")).to_contain_text(added)
    actions = list(Action.objects.filter(organisation=org_a).order_by("pk"))
    assert len(actions) == 2
    menu(page, sv("Action plan"))
    plan = page.locator("main table.list tbody")
    for action in actions:
        expect(plan).to_contain_text(action.title)
    expect(plan).to_contain_text(partly.title)
    expect(plan).to_contain_text(missing.title)
