"""The main journeys in a real browser: sign-in, organisation and language switch, the system
form from creation to archive, the htmx filter and the optimistic lock.

Expected texts come from the translation catalogues (`in_language`), so the tests hold both
before and after the Swedish translation is written.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from inventory.models import System
from tests.browser.pickers import pick
from tests.factories import InformationTypeFactory, MembershipFactory, SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def test_sign_in_rejects_a_wrong_password_then_accepts_the_right_one(live_server, page, org_a, member):
    member(org_a, "reader", email="lasare@kommun-a.example")
    login_url = live_server.url + reverse("account_login")
    page.goto(login_url)
    page.fill("#id_login", "lasare@kommun-a.example")
    page.fill("#id_password", "Not-The-Password-1!")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")

    assert page.url == login_url
    expected = in_language("sv", "The email address and/or password you specified are not correct.")
    expect(page.locator("main .errorlist")).to_have_text(expected)
    expect(page.locator("#id_login")).to_have_value("lasare@kommun-a.example")

    page.fill("#id_password", "Secret-Pass-123!")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url == live_server.url + "/"
    expect(page.locator("h1")).to_have_text("Kommun A")


def test_a_member_of_two_organisations_switches_between_them(live_server, page, sign_in, org_a, org_b, member):
    dpo = member(org_a, "dpo", email="dso@samverkan.example")
    MembershipFactory(user=dpo, organisation=org_b, role="dpo")
    SystemFactory(organisation=org_a, name="Alfa lönesystem")
    SystemFactory(organisation=org_b, name="Beta skolplattform")
    sign_in(page, "dso@samverkan.example")
    page.goto(live_server.url + reverse("inventory:system_list"))
    # The first membership by organisation name is active after signing in.
    expect(page.locator("#results tbody td:first-child")).to_have_text(["Alfa lönesystem"])

    page.select_option("#org-switch", str(org_b.pk))
    with page.expect_navigation():
        page.click(".org-switch button[type=submit]")

    assert urlsplit(page.url).path == reverse("inventory:system_list")
    expect(page.locator("#results tbody td:first-child")).to_have_text(["Beta skolplattform"])
    expect(page.locator("#org-switch")).to_have_value(str(org_b.pk))


def test_a_coordinator_creates_edits_and_archives_a_system(live_server, page, sign_in, org_a, member):
    member(org_a, "coordinator")
    InformationTypeFactory(organisation=org_a, name="Elevdokumentation")
    InformationTypeFactory(organisation=org_a, name="Löneuppgifter")
    sign_in(page, "coordinator@kommun-a.example")

    page.goto(live_server.url + reverse("inventory:system_list"))
    page.click(f"text={in_language('sv', 'New system')}")
    page.fill("#id_name", "Skolplattform")
    page.fill("#id_purpose", "Lärplattform och schema.")
    page.select_option("#id_criticality", "high")
    pick(page, "id_information_types", "Elevdokumentation")
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")

    system = System.objects.get(organisation=org_a, name="Skolplattform")
    assert page.url == live_server.url + reverse("inventory:system_detail", args=[system.pk])
    expect(page.locator("h1")).to_have_text("Skolplattform")
    expect(page.locator("section[aria-labelledby=info-title] tbody td:first-child")).to_contain_text(["Elevdokumentation"])
    assert (system.purpose, system.criticality, system.version) == ("Lärplattform och schema.", "high", 1)
    assert list(system.information_types.values_list("name", flat=True)) == ["Elevdokumentation"]

    page.click(f".page-head .actions a >> text={in_language('sv', 'Edit')}")
    expect(page.locator("#id_name")).to_have_value("Skolplattform")
    page.fill("#id_name", "Skolplattform (ny)")
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Skolplattform (ny)")
    expect(page.locator(".messages")).to_have_text(in_language("sv", "The changes were saved."))

    with page.expect_navigation():
        page.click(f".page-head .actions button >> text={in_language('sv', 'Archive')}")
    expect(page.locator("h1 .badge")).to_have_text(in_language("sv", "Archived"))
    expect(page.locator(".messages")).to_have_text(in_language("sv", "The system was archived."))
    system.refresh_from_db()
    assert system.name == "Skolplattform (ny)"
    assert system.archived_at is not None


def test_the_language_switch_changes_the_interface_and_back(live_server, page, sign_in, org_a, member):
    member(org_a, "reader")
    sign_in(page, "reader@kommun-a.example")
    # allauth's own pages are translated already, so this page shows a real difference today;
    # our own strings are compared with whatever the catalogues say.
    page.goto(live_server.url + reverse("mfa_index"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_text("Tvåfaktorsautentisering")

    page.select_option("#language-switch", "en")
    with page.expect_navigation():
        page.click(".language-switch button[type=submit]")
    assert urlsplit(page.url).path == reverse("mfa_index")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-switch")).to_have_value("en")
    expect(page.locator("h1")).to_have_text("Two-Factor Authentication")
    expect(page.locator(".header-tools button.button-link")).to_have_text(in_language("en", "Sign out"))

    page.select_option("#language-switch", "sv")
    with page.expect_navigation():
        page.click(".language-switch button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#language-switch")).to_have_value("sv")
    expect(page.locator("h1")).to_have_text("Tvåfaktorsautentisering")
    expect(page.locator(".header-tools button.button-link")).to_have_text(in_language("sv", "Sign out"))


def test_the_systems_filter_updates_the_results_without_reloading(live_server, page, sign_in, org_a, member):
    member(org_a, "reader")
    for name in ["Ekonomisystem", "Lönesystem", "Skolplattform"]:
        SystemFactory(organisation=org_a, name=name)
    sign_in(page, "reader@kommun-a.example")
    page.goto(live_server.url + reverse("inventory:system_list"))
    names = page.locator("#results tbody td:first-child")
    expect(names).to_have_text(["Ekonomisystem", "Lönesystem", "Skolplattform"])
    # A full page load would start a fresh window object without this mark.
    page.evaluate("window.tillitNotReloaded = true")

    page.locator("#id_q").press_sequentially("system")
    expect(names).to_have_text(["Ekonomisystem", "Lönesystem"])
    assert page.evaluate("window.tillitNotReloaded") is True
    assert parse_qs(urlsplit(page.url).query)["q"] == ["system"]  # hx-push-url keeps the filter linkable
    # The response was the results fragment only, not a page nested in the page.
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#results")).to_have_count(1)

    page.select_option("#id_sort", "-name")
    expect(names).to_have_text(["Lönesystem", "Ekonomisystem"])
    assert page.evaluate("window.tillitNotReloaded") is True


def test_a_conflicting_save_keeps_the_second_editors_input(live_server, context, sign_in, org_a, member):
    member(org_a, "coordinator")
    system = SystemFactory(organisation=org_a, name="Ekonomisystem", purpose="Redovisning.")
    edit_url = live_server.url + reverse("inventory:system_edit", args=[system.pk])
    first, second = context.new_page(), context.new_page()
    sign_in(first, "coordinator@kommun-a.example")
    first.goto(edit_url)
    second.goto(edit_url)

    first.fill("#id_name", "Ekonomisystem 2")
    with first.expect_navigation():
        first.click("main form.form button[type=submit]")
    assert first.url == live_server.url + reverse("inventory:system_detail", args=[system.pk])

    second.fill("#id_purpose", "Redovisning, budget och uppföljning.")
    with second.expect_navigation():
        second.click("main form.form button[type=submit]")

    assert second.url == edit_url
    expect(second.locator(".notice-warning[role=alert]")).to_be_visible()
    expect(second.locator("main form .errorlist")).to_contain_text(
        in_language("sv", "Someone else has changed this system since you opened it.")
    )
    expect(second.locator("#id_purpose")).to_have_value("Redovisning, budget och uppföljning.")
    expect(second.locator("#id_name")).to_have_value("Ekonomisystem")
    system.refresh_from_db()
    assert (system.name, system.purpose, system.version) == ("Ekonomisystem 2", "Redovisning.", 2)

    # The form now carries the saved version, so saving again is a deliberate overwrite.
    with second.expect_navigation():
        second.click("main form.form button[type=submit]")
    system.refresh_from_db()
    assert (system.name, system.purpose, system.version) == ("Ekonomisystem", "Redovisning, budget och uppföljning.", 3)
