"""The risk journey in a real browser: a coordinator classifies a system's information through the
guided questionnaire and the system owner approves it; the coordinator reads the system's
protection need and derived requirements and assesses one; a risk-analysis session finds a risk
above the acceptance level, whose treatment enters the action plan; the coordinator may not
accept the residual risk, the system owner accepts it with a justification; the coordinator
follows the action to done and the treatment follows. Every main page passes axe-core."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from actions.models import Action, ActionStatus
from classification.models import Classification, ClassificationStatus
from requirements.catalogue import load_catalogue
from requirements.models import Requirement, RequirementStatus
from risk.models import Risk, RiskSession, RiskStatus, TreatmentStatus
from tests.browser.pickers import pick
from tests.factories import InformationTypeFactory, SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.1 AA with axe-core, as tests/browser/test_accessibility.py checks every page.
RUN_AXE = """() => axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  resultTypes: ["violations"]}).then(r => r.violations.filter(v => ["serious", "critical"].includes(v.impact))
  .map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" ")).join(", ")))"""

# The questionnaire's answers for the social services' case decisions, and the levels they give:
# K 3 from secrecy under OSL chapter 26 (social services), R 2 and T 2 from significant harm to
# life and health (T also from a day's tolerable outage), S 2 from sensitive personal data.
ANSWERS = {
    "personal_data": "yes", "sensitive_personal_data": "yes", "criminal_offence_data": "no", "national_id": "yes",
    "security_classified": "no", "security_sensitive_operations": "no", "impact_life_health": "significant",
    "impact_services": "moderate", "impact_finances": "moderate", "impact_trust": "significant",
    "outage_tolerance": "day", "integrity_consequence": "significant", "traceability_consequence": "moderate",
}
OSL_CHAPTER = "26"
TUPLE = "3-2-2-2"


def audit(page, inject_axe) -> list[str]:
    """The serious and critical axe violations of the page shown, with its address."""
    inject_axe(page)
    return [f"{page.url}: {problem}" for problem in page.evaluate(RUN_AXE)]


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def sv(msgid: str) -> str:
    return in_language("sv", msgid)


@pytest.fixture
def second_page(browser):
    """A page in a browser context of its own: a second person signed in at the same time."""
    context = browser.new_context(bypass_csp=True, locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def submit(page, selector: str = "main form.form button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


def test_a_coordinator_classifies_assesses_analyses_and_follows_the_action_to_done(
        live_server, page, second_page, sign_in, inject_axe, org_a, member):
    coordinator = member(org_a, "coordinator")
    system_owner = member(org_a, "system_owner")
    load_catalogue()  # a transactional test starts from an empty database
    info = InformationTypeFactory(organisation=org_a, name="Biståndsbeslut", personal_data=True)
    system = SystemFactory(organisation=org_a, name="Verksamhetssystem socialtjänst", owner=system_owner)
    system.information_types.add(info)
    url = live_server.url
    owner_page = second_page
    problems = []

    # 1. The coordinator opens the system: nothing is classified yet.
    sign_in(page, "coordinator@kommun-a.example")
    sign_in(owner_page, "system_owner@kommun-a.example")
    page.goto(url + reverse("inventory:system_detail", args=[system.pk]))
    problems += audit(page, inject_axe)
    expect(page.locator("#need-title .tuple")).to_have_text("–")

    # ... and classifies its information through the guided questionnaire.
    page.goto(url + reverse("classification:list"))
    with page.expect_navigation():
        page.click("#results a >> text=Biståndsbeslut")
    assert page.url == url + reverse("classification:classify", args=[info.pk])
    problems += audit(page, inject_axe)
    for question, answer in ANSWERS.items():
        page.check(f"input[name=q_{question}][value={answer}]")
    page.check(f"input[name=q_osl_chapters][value='{OSL_CHAPTER}']")
    # The levels follow the answers while they are given (htmx preview), before anything is saved.
    expect(page.locator("#levels tbody .level-value")).to_have_text(["3", "2", "2", "2"])
    assert not Classification.objects.filter(information_type=info).exists()
    submit(page)
    classification = Classification.objects.get(information_type=info)
    assert page.url == url + reverse("classification:detail", args=[classification.pk])
    expect(page.locator("h1 .tuple")).to_have_text(TUPLE)
    problems += audit(page, inject_axe)

    submit(page, f".page-head .actions button >> text={sv('Submit for review')}")
    expect(page.locator(".messages")).to_contain_text(sv("The classification was submitted for review."))
    # Approving is the system owner's: the coordinator is not offered it.
    expect(page.locator(f".page-head .actions button >> text={sv('Approve')}")).to_have_count(0)

    owner_page.goto(url + reverse("classification:detail", args=[classification.pk]))
    submit(owner_page, f".page-head .actions button >> text={sv('Approve')}")
    expect(owner_page.locator(".messages")).to_contain_text(sv("The classification was approved."))
    expect(owner_page.locator("h1 .tuple")).to_have_text(TUPLE)
    classification.refresh_from_db()
    assert classification.status == ClassificationStatus.APPROVED
    assert classification.approved_by == system_owner
    assert (classification.confidentiality, classification.integrity, classification.availability,
            classification.traceability) == (3, 2, 2, 2)

    page.goto(url + reverse("inventory:system_detail", args=[system.pk]))
    expect(page.locator("#need-title .tuple")).to_have_text(TUPLE)
    expect(page.locator("section[aria-labelledby=need-title] .level-value")).to_have_text(["3", "2", "2", "2"])

    # 2. The requirements derived from the levels: K 3 brings ÅS-06; R 3 (ÅS-11) is not reached.
    with page.expect_navigation():
        page.click("section[aria-labelledby=requirements-title] a")
    assert page.url == url + reverse("requirements:system_requirements", args=[system.pk])
    problems += audit(page, inject_axe)
    expect(page.locator("#need-title .need-tuple")).to_have_text(TUPLE)
    applies = Requirement.objects.get(code="ÅS-06", organisation__isnull=True)
    beyond = Requirement.objects.get(code="ÅS-11", organisation__isnull=True)
    assert applies.levels == {"K": 3} and beyond.levels == {"R": 3}
    row = page.locator(f"#req-{applies.pk}")
    expect(row.locator("th")).to_have_text("ÅS-06")
    expect(page.locator(f"#req-{beyond.pk}")).to_have_count(0)

    # What Tillit answers from its own data is met already (an owner named, the system in the inventory …).
    met = page.locator("#summary dl.figures > div").filter(has_text=sv("Met")).first
    from_data = int(met.locator("dd").inner_text())
    row.get_by_role("link", name=f"{sv('Assess')} ÅS-06").click()
    expect(row.locator("form")).to_be_visible()  # the row turned into its form in place
    row.locator("select[name=status]").select_option("met")
    row.locator("textarea[name=evidence]").fill("Inloggning med e-legitimation, se rutin IS-12.")
    row.get_by_role("button", name=sv("Save")).click()
    expect(row.locator(".status")).to_have_text(sv("Met"))
    expect(row.locator(".evidence")).to_contain_text("Inloggning med e-legitimation, se rutin IS-12.")
    expect(met.locator("dd")).to_have_text(str(from_data + 1))
    status = RequirementStatus.objects.get(system=system, requirement=applies)
    assert (status.status, status.evidence, status.assessed_by) == (
        "met", "Inloggning med e-legitimation, se rutin IS-12.", coordinator)
    page.reload()  # saved, not only shown
    expect(page.locator(f"#req-{applies.pk} .status")).to_have_text(sv("Met"))

    # 3. A risk-analysis session finds a risk above the acceptance level (medium by default).
    page.goto(url + reverse("risk:session_list"))
    with page.expect_navigation():
        page.click(f"main .actions a >> text={sv('New session')}")
    problems += audit(page, inject_axe)
    page.fill("#id_title", "Riskanalys socialtjänstens verksamhetssystem")
    page.fill("#id_date", "2026-03-10")
    page.fill("#id_scope", "Behörigheter och åtkomst till biståndsbeslut.")
    pick(page, "id_participants", coordinator.email, value=coordinator.pk)
    pick(page, "id_participants", system_owner.email, value=system_owner.pk)
    submit(page)
    session = RiskSession.objects.get(organisation=org_a)
    assert page.url == url + reverse("risk:session_detail", args=[session.pk])
    assert set(session.participants.all()) == {coordinator, system_owner}

    with page.expect_navigation():
        page.click(f"main .actions a >> text={sv('Add a risk found in this session')}")
    problems += audit(page, inject_axe)
    expect(page.locator("#id_session")).to_have_value(str(session.pk))
    page.fill("#id_title", "Obehörig åtkomst till biståndsbeslut")
    page.fill("#id_description", "Handläggare kan läsa beslut i ärenden de inte arbetar med.")
    pick(page, "id_systems", "Verksamhetssystem socialtjänst")
    pick(page, "id_information_types", "Biståndsbeslut")
    page.select_option("#id_inherent_likelihood", "4")
    page.select_option("#id_inherent_consequence", "4")
    page.select_option("#id_residual_likelihood", "3")
    page.select_option("#id_residual_consequence", "3")
    pick(page, "id_owner", system_owner.email, value=system_owner.pk)
    page.select_option("#id_strategy", "reduce")
    submit(page)
    risk = Risk.objects.get(organisation=org_a)
    risk_url = url + reverse("risk:risk_detail", args=[risk.pk])
    assert page.url == risk_url
    assert (risk.session, risk.inherent_score, risk.residual_score) == (session, 16, 9)
    assert list(risk.system_links.values_list("system", flat=True)) == [system.pk]
    assessment = page.locator("section[aria-labelledby=assess-title] tbody tr")
    expect(assessment.nth(0).locator(".risk-level")).to_have_class("risk-level risk-level-very_high")
    expect(assessment.nth(1).locator(".risk-level")).to_have_class("risk-level risk-level-high")
    expect(assessment.nth(1).locator(".risk-score")).to_have_text("(9)")

    # The treatment becomes an action of the plan, here the coordinator's own.
    with page.expect_navigation():
        page.click(f".page-head .actions a >> text={sv('Add treatment')}")
    problems += audit(page, inject_axe)
    due = datetime.date.today() + datetime.timedelta(days=30)
    page.fill("#id_description", "Inför behörighetsstyrning per ärende och logguppföljning varje månad.")
    pick(page, "id_owner", coordinator.email, value=coordinator.pk)
    page.fill("#id_due_date", due.isoformat())
    submit(page)
    assert page.url == risk_url
    treatment = risk.treatments.get()
    action = Action.objects.get(organisation=org_a)
    assert (action.source, action.owner, action.due_date, action.status) == (
        treatment, coordinator, due, ActionStatus.OPEN)
    treatment_row = page.locator(f"#treatment-{treatment.pk}")
    expect(treatment_row.locator("td").nth(3)).to_have_text(sv("Not started"))

    # 4. The residual risk is above the acceptance level: the coordinator is not offered the
    # acceptance, is refused at its address, and the page says who may accept it.
    accept_link = page.locator(f".page-head .actions a >> text={sv('Accept residual risk')}")
    expect(accept_link).to_have_count(0)
    expect(page.locator("section[aria-labelledby=accept-title]")).to_contain_text(
        sv("Its level is above the acceptance level: only the risk's owner, the owner of a system it concerns, "
           "or an administrator may accept it."))
    problems += audit(page, inject_axe)
    refused = page.goto(url + reverse("risk:risk_accept", args=[risk.pk]))
    assert refused.status == 403
    expect(page.locator("h1")).to_have_text(sv("You do not have access to this page"))
    risk.refresh_from_db()
    assert risk.accepted_at is None

    # The system owner accepts it with a written justification.
    owner_page.goto(risk_url)
    with owner_page.expect_navigation():
        owner_page.click(f".page-head .actions a >> text={sv('Accept residual risk')}")
    problems += audit(owner_page, inject_axe)
    justification = "Kvarvarande risk godtas till dess att behörighetsstyrningen är införd."
    owner_page.fill("#id_justification", justification)
    submit(owner_page)
    # The treatment has not started: the page names it and asks to confirm.
    expect(owner_page.locator("main [role=alert]")).to_contain_text(treatment.description)
    problems += audit(owner_page, inject_axe)
    submit(owner_page)
    assert owner_page.url == risk_url
    expect(owner_page.locator(".messages")).to_contain_text(sv("The residual risk was accepted."))
    accepted = owner_page.locator("section[aria-labelledby=accept-title] dd")
    expect(accepted.nth(0)).to_have_text(str(system_owner))
    expect(accepted.nth(2)).to_have_text(justification)
    risk.refresh_from_db()
    assert (risk.status, risk.accepted_by, risk.acceptance_justification) == (
        RiskStatus.ACCEPTED, system_owner, justification)

    # 5. The coordinator follows the action from "Mine" in the plan to done.
    page.goto(url + reverse("actions:action_list"))
    with page.expect_navigation():
        page.click("main dl.figures a[href='?view=mine']")
    problems += audit(page, inject_axe)
    mine = page.locator("main table.list tbody tr")
    expect(mine).to_have_count(1)
    # The source by kind and name: the risk's treatment.
    expect(mine.locator("td").nth(1)).to_have_text(f"Riskbehandling: {treatment}")
    with page.expect_navigation():
        mine.locator("td").first.get_by_role("link", name=action.title).click()
    assert page.url == url + reverse("actions:action_edit", args=[action.pk])
    problems += audit(page, inject_axe)
    page.select_option("#id_status", "done")
    submit(page)
    expect(page.locator(".messages")).to_contain_text(sv("The action was saved."))
    expect(page.locator("main table.list tbody")).not_to_contain_text(action.title)  # no longer open

    page.select_option("#id_view", "done")
    submit(page, "main form.filters button[type=submit]")
    done = page.locator("main table.list tbody tr").filter(has_text=action.title)
    expect(done.locator("td").nth(5)).to_have_text(sv("Done"))  # action, source, system, owner, due date, status
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.completed_at is not None

    # The finished action finished its treatment too.
    page.goto(risk_url)
    expect(page.locator(f"#treatment-{treatment.pk} td").nth(3)).to_have_text(sv("Done"))
    treatment.refresh_from_db()
    assert treatment.status == TreatmentStatus.DONE
    assert problems == []
