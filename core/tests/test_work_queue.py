"""The start page shows each member what is theirs to do, and a supplier its own workspace."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from actions.models import Action, ActionStatus
from core.navigation import navigation_for
from core.tenancy import tenant_for
from core.workqueue import WORK_ITEMS_SHOWN

pytestmark = pytest.mark.django_db


def _action(org, owner, title, days, status=ActionStatus.OPEN):
    return Action.objects.create(organisation=org, owner=owner, title=title, status=status,
                                 due_date=timezone.localdate() + datetime.timedelta(days=days))


def test_it_lists_the_members_own_overdue_and_upcoming_actions(org_a, member, login):
    owner, colleague = member(org_a, "system_owner"), member(org_a, "coordinator")
    _action(org_a, owner, "Förnya brandväggsregler", -3)
    _action(org_a, owner, "Testa återläsning", 5)
    _action(org_a, owner, "Långt fram", 60)
    _action(org_a, owner, "Redan klar", -1, status=ActionStatus.DONE)
    _action(org_a, colleague, "Kollegans åtgärd", 1)

    body = login(owner).get(reverse("core:home")).content.decode()

    assert "Förnya brandväggsregler" in body and "Testa återläsning" in body
    assert "Långt fram" not in body and "Redan klar" not in body and "Kollegans åtgärd" not in body
    assert 'class="overdue"' in body


def test_it_shows_a_bounded_number_of_items_and_the_total(org_a, member, login):
    owner = member(org_a, "coordinator")
    for i in range(WORK_ITEMS_SHOWN + 3):
        _action(org_a, owner, f"Åtgärd {i:02d}", i)

    page = login(owner).get(reverse("core:home")).content.decode()
    # Only the work queue: the latest changes further down name the actions too.
    body = page[page.index('class="work-queue"'):page.index(_sv("The organisation at a glance"))]

    assert body.count("Åtgärd ") == WORK_ITEMS_SHOWN
    assert f"({WORK_ITEMS_SHOWN + 3})" in body
    assert reverse("actions:action_list") + "?view=mine" in body


def _sv(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


def test_the_start_page_says_when_nothing_waits(org_a, member, login):
    body = login(member(org_a, "system_administrator")).get(reverse("core:home")).content.decode()
    assert _sv("Nothing is waiting for you right now.") in body


def test_the_start_page_query_count_does_not_grow_with_the_actions(org_a, member, login):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = member(org_a, "coordinator")
    client = login(owner)
    _action(org_a, owner, "En", 1)
    client.get(reverse("core:home"))  # warm the per-process caches (content types, the matrix …)
    cache.clear()  # the work queue is kept until the data changes: count the computing path
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("core:home"))
    for i in range(30):
        _action(org_a, owner, f"Fler {i}", i % 10)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("core:home"))
    assert len(large) == len(small)


def test_a_supplier_member_gets_the_supplier_workspace_not_the_municipal_menus(supplier_org, member, rf):
    manager = member(supplier_org, "service_manager")
    tenant = tenant_for(manager, supplier_org.pk)
    with translation.override("en"):
        labels = [str(link["label"]) for group in navigation_for(rf.get("/"), tenant) for link in group["links"]]

    assert "Systems shared with us" in labels and "Questions to us" in labels and "KPI reports" in labels
    for municipal in ("Risk analysis", "Information classification", "Statement of applicability", "Suppliers"):
        assert municipal not in labels


def test_a_municipal_member_gets_the_municipal_menus(org_a, member, rf):
    tenant = tenant_for(member(org_a, "coordinator"), org_a.pk)
    names = [link["url"] for group in navigation_for(rf.get("/"), tenant) for link in group["links"]]
    assert reverse("risk:risk_list") in names and reverse("classification:list") in names


def test_the_supplier_start_page_names_the_customers(supplier_org, org_a, member, login):
    body = login(member(supplier_org, "service_manager")).get(reverse("core:home")).content.decode()
    assert org_a.name in body
    assert reverse("risk:overview") not in body


def _work_titles(client) -> str:
    page = client.get(reverse("core:home")).content.decode()
    start = page.index('class="work-queue"')
    end = page.index("</section>\n\n<h2>", start) if "</section>\n\n<h2>" in page else len(page)
    return page[start:end]


def test_a_system_owner_is_told_which_of_their_risks_await_acceptance(org_a, member, login):
    from risk.models import Risk, RiskStatus

    owner, other = member(org_a, "system_owner"), member(org_a, "system_owner", email="annan@kommun-a.example")
    Risk.objects.create(organisation=org_a, title="Avbrott i trygghetslarmen", owner=owner, status=RiskStatus.TREATED)
    Risk.objects.create(organisation=org_a, title="Redan accepterad", owner=owner, status=RiskStatus.TREATED,
                        accepted_at=timezone.now(), accepted_by=owner)
    Risk.objects.create(organisation=org_a, title="Någon annans risk", owner=other, status=RiskStatus.TREATED)

    body = _work_titles(login(owner))

    assert "Avbrott i trygghetslarmen" in body
    assert "Redan accepterad" not in body and "Någon annans risk" not in body


def test_a_coordinator_is_told_of_systems_without_owner_and_unclassified_information(org_a, member, login):
    from tests.factories import InformationTypeFactory, SystemFactory

    coordinator = member(org_a, "coordinator")
    SystemFactory(organisation=org_a, name="Ägarlöst system", owner=None)
    SystemFactory(organisation=org_a, name="Ägt system", owner=coordinator)
    InformationTypeFactory(organisation=org_a, name="Oklassade uppgifter")

    body = _work_titles(login(coordinator))

    assert "Ägarlöst system" in body and "Ägt system" not in body
    assert "Oklassade uppgifter" in body
    assert "?without_owner=on" in body


def test_the_system_list_filters_systems_without_an_owner(org_a, member, login):
    from tests.factories import SystemFactory

    coordinator = member(org_a, "coordinator")
    SystemFactory(organisation=org_a, name="Ägarlöst system", owner=None)
    SystemFactory(organisation=org_a, name="Ägt system", owner=coordinator)

    body = login(coordinator).get(reverse("inventory:system_list") + "?without_owner=on").content.decode()

    assert "Ägarlöst system" in body and "Ägt system" not in body
