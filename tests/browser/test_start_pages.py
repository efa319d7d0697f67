"""What a person sees of issue 12's points 1 and 2 in a real browser: each role's start page shows what
is theirs to do, each item a link to it; switching organisation on a record's page lands on the new
organisation's list of such records, not on an error."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from classification.models import Classification, ClassificationStatus
from risk.models import Risk, RiskStatus
from tests.factories import InformationTypeFactory, MembershipFactory, SystemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sv(msgid: str) -> str:
    with translation.override("sv"):
        return str(translation.gettext(msgid))


def _group(page, title: str):
    return page.locator("section.work-group").filter(has=page.locator("h3", has_text=title))


def test_each_role_sees_its_own_work_and_opens_it(live_server, page, sign_in, org_a, member):
    owner = member(org_a, "system_owner")
    coordinator = member(org_a, "coordinator")
    member(org_a, "reader")
    salaries = InformationTypeFactory(organisation=org_a, name="Löneuppgifter")
    SystemFactory(organisation=org_a, name="Lönesystem", owner=owner).information_types.add(salaries)
    SystemFactory(organisation=org_a, name="Ägarlöst arkiv", owner=None)
    classification = Classification.objects.create(organisation=org_a, information_type=salaries,
                                                   status=ClassificationStatus.REVIEW)
    Risk.objects.create(organisation=org_a, title="Avbrott i lönekörningen", owner=owner, status=RiskStatus.TREATED)

    # The system owner: the approval and the acceptance that wait for them, and a link straight to each.
    sign_in(page, owner.email)
    approvals = _group(page, sv("Classifications waiting for your approval"))
    expect(approvals.get_by_role("link", name="Löneuppgifter")).to_be_visible()
    expect(_group(page, sv("Risks awaiting your acceptance")).get_by_role("link", name="Avbrott i lönekörningen")) \
        .to_be_visible()
    expect(_group(page, sv("Systems without a system owner"))).to_have_count(0)
    with page.expect_navigation():
        approvals.get_by_role("link", name="Löneuppgifter").click()
    assert urlsplit(page.url).path == reverse("classification:detail", args=[classification.pk])

    # The coordinator: what the register lacks, not the owner's approvals.
    page.context.clear_cookies()
    sign_in(page, coordinator.email)
    expect(_group(page, sv("Systems without a system owner")).get_by_role("link", name="Ägarlöst arkiv")).to_be_visible()
    expect(_group(page, sv("Classifications waiting for your approval"))).to_have_count(0)

    # The reader has nothing to do, and is told so.
    page.context.clear_cookies()
    sign_in(page, f"reader@{org_a.slug}.example")
    expect(page.locator("section.work-group")).to_have_count(0)
    expect(page.locator(".work-empty")).to_be_visible()


def test_switching_organisation_on_a_records_page_lands_on_the_new_organisations_list(live_server, page, sign_in,
                                                                                      org_a, org_b, member):
    user = member(org_a, "coordinator", email="samordnare@samverkan.example")
    MembershipFactory(user=user, organisation=org_b, role="coordinator")
    system = SystemFactory(organisation=org_a, name="Alfa lönesystem")
    SystemFactory(organisation=org_b, name="Beta skolplattform")
    sign_in(page, user.email)
    page.goto(live_server.url + reverse("inventory:system_detail", args=[system.pk]))
    page.select_option("#org-switch", str(org_b.pk))
    with page.expect_navigation():
        page.click(".org-switch button[type=submit]")
    assert urlsplit(page.url).path == reverse("inventory:system_list")
    expect(page.locator("#results tbody td:first-child")).to_have_text(["Beta skolplattform"])
    expect(page.get_by_role("heading", level=1)).not_to_have_text(sv("Page not found"))
