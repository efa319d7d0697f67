"""The type-ahead picker and the live risk level in a real browser, on the risk form."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from risk.models import Risk
from tests.browser.test_risk_flow import audit, sv
from tests.factories import SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_system_is_picked_by_typing_and_the_level_follows_the_chosen_steps(
        live_server, page, sign_in, inject_axe, org_a, member):
    coordinator = member(org_a, "coordinator")
    system = SystemFactory(organisation=org_a, name="Ekonomisystem")
    SystemFactory(organisation=org_a, name="Skolplattform")
    sign_in(page, coordinator.email)
    page.goto(live_server.url + reverse("risk:risk_create"))
    page.fill("#id_title", "Avbrott i ekonomisystemet")

    page.locator("#id_systems").press_sequentially("Ek")
    options = page.locator("#id_systems_listbox .picker-option")
    expect(options).to_have_text(["Ekonomisystem"])
    expect(page.locator("#id_systems")).to_have_attribute("aria-expanded", "true")
    assert audit(page, inject_axe) == []
    options.first.press("Enter")
    expect(page.locator("#id_systems_chosen input[name=systems]:checked")).to_have_value(str(system.pk))
    expect(page.locator("#id_systems_chosen")).to_contain_text("Ekonomisystem")

    level = page.locator("#inherent-level")
    expect(level).to_have_text(sv("Not assessed"))
    page.select_option("#id_inherent_likelihood", "1")
    page.select_option("#id_inherent_consequence", "2")
    expect(level).to_have_text(sv("Low") + " (2)")
    page.select_option("#id_inherent_likelihood", "3")
    expect(level).to_have_text(sv("Medium") + " (6)")

    with page.expect_navigation():
        page.click("main form.form button[type=submit]")
    risk = Risk.objects.get()
    assert [link.system_id for link in risk.system_links.all()] == [system.pk]
    assert (risk.inherent_likelihood, risk.inherent_consequence) == (3, 2)
