"""Classifying a new information type from a system's page takes four page loads (issue 12.4):
the system page, the one form, the questionnaire with personal data already answered, the
saved classification. Texts come from the catalogues (`in_language`), as in test_flows.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from classification.models import Classification
from tests.factories import SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def test_a_new_information_type_is_classified_from_the_system_page_in_four_page_loads(
        live_server, page, sign_in, org_a, member):
    member(org_a, "coordinator", email="samordnare@kommun-a.example")
    system = SystemFactory(organisation=org_a, name="Bokningssystem", personal_data=True)
    sign_in(page, "samordnare@kommun-a.example")
    loads = []
    page.on("load", lambda p: loads.append(p.url))

    page.goto(live_server.url + reverse("inventory:system_detail", args=[system.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name=in_language("sv", "New information type to classify")).click()
    page.fill("#id_name", "Lokalbokningar")
    expect(page.locator("#id_personal_data")).to_be_checked()  # the system processes personal data
    with page.expect_navigation():
        page.get_by_role("button", name=in_language("sv", "Record and classify")).click()
    expect(page.locator("input[name=q_personal_data][value=yes]")).to_be_checked()
    page.locator("input[name=q_impact_services][value=significant]").check()
    with page.expect_navigation():
        page.get_by_role("button", name=in_language("sv", "Save draft")).click()

    c = Classification.objects.get(information_type__name="Lokalbokningar")
    assert page.url == live_server.url + reverse("classification:detail", args=[c.pk])
    assert c.answers == {"personal_data": True, "impact_services": "significant"}
    assert list(system.information_types.values_list("name", flat=True)) == ["Lokalbokningar"]
    assert len(loads) == 4, loads
