"""The "Done when" walk of change management (issue 9) in a real browser, as the people involved do it.

The IT company's security lead plans a CAB, registers a high-risk change to two systems that two
municipalities share with it, puts it on the CAB's agenda and sends the papers. Municipality A
approves; municipality B approves with conditions and asks for an acceptance test. The developer
develops and a colleague tests; nobody deploys before B's acceptance test has passed, which it
then does; the developer cannot also deploy (the rule for high risk: three different people);
the security lead deploys and sends the closing report, which both municipalities confirm. The
API walks the same in changes/tests/test_api.py.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from changes.models import AcceptanceTest, Change, ChangeDecision, ChangeStep, ClosingConfirmation, Status
from meetings.models import Meeting
from tests.browser.pickers import pick
from tests.factories import OrganisationFactory, SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Uppgradering av Procapita och Lifecare"
CONDITIONS = "Driftfönstret läggs efter kl. 18 så att hemtjänsten inte störs."


def sv(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(bypass_csp=True, locale="sv-SE", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def click(page, locator):
    with page.expect_navigation():
        locator.click()


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _open_change(page, live_server, change):
    page.goto(live_server.url + reverse("changes:change_detail", args=[change.pk]))


def _record_step(page, *, kind: str, person, at: datetime.datetime, comment: str = ""):
    page.select_option("#id_step-kind", kind)
    pick(page, "id_step-performed_by", person.email, value=person.pk)
    page.fill("#id_step-performed_at", _local(at))
    page.select_option("#id_step-result", "succeeded")
    if comment:
        page.fill("#id_step-comment", comment)
    click(page, page.get_by_role("button", name=sv("Record the step")))


def _no_duplicate_ids(page):
    duplicates = page.evaluate("""() => {
        const seen = {}, dup = [];
        for (const el of document.querySelectorAll('[id]')) {
            if (seen[el.id]) dup.push(el.id); seen[el.id] = true;
        }
        return dup;
    }""")
    assert duplicates == []


def test_rfc_for_two_municipalities_decided_at_the_cab_deployed_with_separated_duties(
        new_page, sign_in, live_server, org_a, org_b, member, mailoutbox):
    it = OrganisationFactory(name="Mellanskogs IT AB", slug="mellanskogs-it", kind="supplier")
    it.customers.add(org_a, org_b)
    lead = member(it, "security_lead", "sakerhet@mellanskog.example")
    developer = member(it, "service_manager", "utvecklare@mellanskog.example")
    tester = member(it, "service_manager", "testare@mellanskog.example")
    coordinator_a, coordinator_b = member(org_a, "coordinator"), member(org_b, "coordinator")
    procapita = SystemFactory(organisation=org_a, name="Procapita")
    procapita.shared_with.add(it)
    lifecare = SystemFactory(organisation=org_b, name="Lifecare")
    lifecare.shared_with.add(it)
    cab_start = timezone.localtime() + datetime.timedelta(days=14)
    cab_start = cab_start.replace(hour=9, minute=0, second=0, microsecond=0)
    window = cab_start + datetime.timedelta(days=7, hours=9)

    # The security lead plans the CAB among the meetings, with both municipalities taking part.
    supplier = sign_in(new_page(), lead.email)
    supplier.goto(live_server.url + reverse("meetings:meeting_create"))
    supplier.select_option("#id_kind", "cab")
    supplier.fill("#id_title", "CAB december")
    supplier.fill("#id_starts_at", _local(cab_start))
    supplier.fill("#id_ends_at", _local(cab_start + datetime.timedelta(hours=1)))
    supplier.get_by_label(org_a.name).check()
    supplier.get_by_label(org_b.name).check()
    click(supplier, supplier.get_by_role("button", name=sv("Save")))
    expect(supplier.get_by_text(sv("The meeting was saved."))).to_be_visible()
    meeting = Meeting.objects.get(organisation=it, kind="cab")

    # It registers the RFC once; the affected systems make the two municipalities affected.
    supplier.goto(live_server.url + reverse("changes:change_list"))
    click(supplier, supplier.get_by_role("link", name=sv("Register a change (RFC)")))
    supplier.fill("#id_title", TITLE)
    supplier.fill("#id_description", "Ny huvudversion av verksamhetssystemen med säkerhetsrättningar.")
    supplier.fill("#id_reason", "Den nuvarande versionen får inga säkerhetsuppdateringar efter årsskiftet.")
    supplier.select_option("#id_kind", "normal")
    supplier.select_option("#id_likelihood", "3")
    supplier.select_option("#id_consequence", "4")
    supplier.fill("#id_window_start", _local(window))
    supplier.fill("#id_window_end", _local(window + datetime.timedelta(hours=3)))
    supplier.fill("#id_rollback_plan", "Återställ servrarna från ögonblicksbilden som tas före uppgraderingen.")
    pick(supplier, "id_systems", procapita.name, value=procapita.pk)
    pick(supplier, "id_systems", lifecare.name, value=lifecare.pk)
    click(supplier, supplier.get_by_role("button", name=sv("Save")))
    expect(supplier.get_by_text(sv("The change was saved."))).to_be_visible()
    change = Change.objects.get(organisation=it)
    assert change.risk_level == "high"
    assert set(change.shared_with.all()) == {org_a, org_b}
    facts = supplier.locator("dl.facts")
    expect(facts).to_contain_text(f"{org_a.name}, {org_b.name}")
    expect(facts).to_contain_text(sv("High"))
    expect(facts).to_contain_text(sv("Developer, tester and deployer are three different people"))
    _no_duplicate_ids(supplier)

    # On the CAB's agenda; the papers go to both municipalities.
    supplier.select_option("#id_schedule-cab_meeting", str(meeting.pk))
    click(supplier, supplier.get_by_role("button", name=sv("Put on the agenda")))
    expect(supplier.get_by_text(sv("The change is on the CAB's agenda."))).to_be_visible()
    click(supplier, supplier.locator("dl.facts").get_by_role("link", name=str(meeting)))
    expect(supplier.get_by_role("row", name=TITLE)).to_be_visible()
    click(supplier, supplier.get_by_role("button", name=sv("Send the papers to the affected municipalities")))
    with translation.override("sv"):
        sent = translation.ngettext("The papers of %(n)d change were sent.", "The papers of %(n)d changes were sent.",
                                    1) % {"n": 1}
    expect(supplier.get_by_text(sent)).to_be_visible()
    change.refresh_from_db()
    assert change.status == Status.PAPERS_SENT and change.papers_sent_at is not None
    expect(supplier.get_by_role("button", name=sv("Send the papers to the affected municipalities"))).to_have_count(0)
    papers = {m.to[0]: m.body for m in mailoutbox}
    assert set(papers) == {coordinator_a.email, coordinator_b.email}
    assert all(reverse("changes:change_detail", args=[change.pk]) in body for body in papers.values())

    # Municipality A finds it awaiting its decision and approves.
    a = sign_in(new_page(), coordinator_a.email)
    a.goto(live_server.url + reverse("changes:awaiting"))
    click(a, a.get_by_role("link", name=TITLE, exact=False))
    _no_duplicate_ids(a)
    a.get_by_label(sv("Approve"), exact=True).check()
    a.fill("#id_decision-comment", "Procapita berörs; förvaltningen är informerad.")
    click(a, a.get_by_role("button", name=sv("Record our decision")))
    expect(a.get_by_text(sv("Your organisation's decision was recorded."))).to_be_visible()

    # Municipality B approves with conditions and asks for an acceptance test; a first attempt
    # without the conditions is refused and keeps what was typed.
    b = sign_in(new_page(), coordinator_b.email)
    b.goto(live_server.url + reverse("changes:awaiting"))
    click(b, b.get_by_role("link", name=TITLE, exact=False))
    b.get_by_label(sv("Approve with conditions")).check()
    b.fill("#id_decision-comment", "Lifecare används dygnet runt.")
    b.check("#id_decision-wants_acceptance_test")
    click(b, b.get_by_role("button", name=sv("Record our decision")))
    expect(b.get_by_text(sv("State the conditions of your approval."))).to_be_visible()
    expect(b.locator("#id_decision-comment")).to_have_value("Lifecare används dygnet runt.")
    expect(b.locator("#id_decision-wants_acceptance_test")).to_be_checked()
    assert not ChangeDecision.objects.filter(organisation=org_b).exists()
    b.fill("#id_decision-conditions", CONDITIONS)
    click(b, b.get_by_role("button", name=sv("Record our decision")))
    expect(b.get_by_text(sv("Your organisation's decision was recorded."))).to_be_visible()
    b.goto(live_server.url + reverse("changes:awaiting"))
    expect(b.get_by_role("link", name=TITLE, exact=False)).to_have_count(0)

    # The CAB page shows both decisions to the IT company.
    supplier.reload()
    row = supplier.get_by_role("row", name=TITLE)
    expect(row).to_contain_text(f"{org_a.name}: {sv('Approve')}")
    expect(row).to_contain_text(CONDITIONS)

    # The developer develops, a colleague tests.
    done = timezone.now() - datetime.timedelta(hours=2)
    dev = sign_in(new_page(), developer.email)
    _open_change(dev, live_server, change)
    _no_duplicate_ids(dev)
    _record_step(dev, kind="develop", person=developer, at=done, comment="Byggd och granskad i versionshanteringen.")
    expect(dev.get_by_text(sv("The step was recorded."))).to_be_visible()
    _record_step(dev, kind="test", person=tester, at=done + datetime.timedelta(minutes=30))
    expect(dev.get_by_text(sv("The step was recorded."))).to_be_visible()

    # Not deployed before the acceptance test B asked for has passed.
    _open_change(supplier, live_server, change)
    _record_step(supplier, kind="deploy", person=lead, at=done + datetime.timedelta(minutes=40))
    expect(supplier.get_by_text(sv("The acceptance test asked for has not passed: %(names)s.")
                                % {"names": org_b.name}, exact=False)).to_be_visible()
    assert not ChangeStep.objects.filter(change=change, kind="deploy").exists()

    # Municipality B's acceptance test passes.
    _open_change(b, live_server, change)
    _no_duplicate_ids(b)
    b.get_by_label(sv("Passed")).check()
    b.fill("#id_acceptance-tested_at", _local(done + datetime.timedelta(minutes=45)))
    b.fill("#id_acceptance-comment", "Hemtjänstens planering och journal fungerar i testmiljön.")
    click(b, b.get_by_role("button", name=sv("Record our acceptance test")))
    expect(b.get_by_text(sv("Your acceptance test was recorded."))).to_be_visible()
    expect(b.get_by_text("Hemtjänstens planering och journal fungerar i testmiljön.")).to_be_visible()

    # The developer cannot also deploy the high-risk change: refused in Swedish, nothing changed,
    # the form keeps what was typed.
    _open_change(dev, live_server, change)
    _record_step(dev, kind="deploy", person=developer, at=done + datetime.timedelta(hours=1),
                 comment="Driftsatt under natten.")
    expect(dev.get_by_text(sv("The rule for this risk level requires that someone other than the developer "
                              "deploys the change."), exact=False)).to_be_visible()
    expect(dev.locator("#id_step-kind")).to_have_value("deploy")
    expect(dev.locator("#id_step-comment")).to_have_value("Driftsatt under natten.")
    assert ChangeStep.objects.filter(change=change).count() == 2
    change.refresh_from_db()
    assert change.status == Status.IN_PROGRESS and change.deployed_at is None

    # The security lead deploys and sends the closing report.
    _open_change(supplier, live_server, change)
    _record_step(supplier, kind="deploy", person=lead, at=done + datetime.timedelta(hours=1))
    expect(supplier.get_by_text(sv("The step was recorded."))).to_be_visible()
    expect(supplier.locator("dl.facts")).to_contain_text(sv("Deployed"))
    supplier.fill("#id_close-closing_report", "Uppgraderingen genomfördes enligt plan; inga störningar.")
    click(supplier, supplier.get_by_role("button", name=sv("Send the closing report")))
    expect(supplier.get_by_text(sv("The closing report was sent to the municipalities."))).to_be_visible()

    # Each municipality reads the closing report and confirms it.
    for page in (a, b):
        _open_change(page, live_server, change)
        expect(page.get_by_text("Uppgraderingen genomfördes enligt plan; inga störningar.")).to_be_visible()
        _no_duplicate_ids(page)
        page.get_by_label(sv("Confirmed")).check()
        click(page, page.get_by_role("button", name=sv("Record our answer")))
        expect(page.get_by_text(sv("Your answer to the closing report was recorded."))).to_be_visible()

    # Municipality A never reads B's decision, acceptance test or answer.
    expect(a.get_by_text(CONDITIONS)).to_have_count(0)
    expect(a.get_by_text("Hemtjänstens planering")).to_have_count(0)

    change.refresh_from_db()
    assert change.status == Status.CLOSED
    assert change.separation_met is True and change.duties_separated is True and change.acceptance_met is True
    steps = {s.kind: s.performed_by for s in ChangeStep.objects.filter(change=change)}
    assert steps == {"develop": developer, "test": tester, "deploy": lead}
    assert {(d.organisation, d.decision) for d in ChangeDecision.objects.filter(change=change)} == {
        (org_a, "approve"), (org_b, "conditions")}
    assert ChangeDecision.objects.get(organisation=org_b).conditions == CONDITIONS
    test = AcceptanceTest.objects.get(change=change)
    assert test.organisation == org_b and test.passed and test.tested_by == coordinator_b
    assert set(ClosingConfirmation.objects.filter(change=change, outcome="confirmed")
               .values_list("organisation", flat=True)) == {org_a.pk, org_b.pk}
