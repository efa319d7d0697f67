"""The type-ahead picker: its search endpoint (through the tenant), its widget, and owner choices."""

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from core.pickers import MAX_MATCHES
from core.widgets import MultiPicker, Picker
from inventory.forms import SystemForm
from inventory.models import System
from core.tenancy import tenant_for
from organisations.roles import NOT_AN_OWNER, OWNER_ROLES, Role, can_own
from risk.forms import RiskForm
from risk.models import Risk
from risk.selectors import matrix_for
from tests.factories import InformationTypeFactory, SupplierFactory, SystemFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english(settings):
    # Messages are compared in their English msgids: the pages answer in English here.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _search(client, kind, q=""):
    return client.get(reverse("core:picker", args=[kind]), {"q": q})


def _values(response) -> list[str]:
    import re

    return re.findall(r'data-value="(\d+)"', response.content.decode())


def test_the_system_search_shows_only_the_tenants_records_that_match(org_a, org_b, member, login):
    mine = SystemFactory(organisation=org_a, name="Ekonomisystem Raindance")
    SystemFactory(organisation=org_a, name="Skolplattform")
    SystemFactory(organisation=org_b, name="Ekonomi HEMLIG-B")
    client = login(member(org_a, "reader"))
    response = _search(client, "systems", "eko")
    assert response.status_code == 200
    assert _values(response) == [str(mine.pk)]
    assert "HEMLIG-B" not in _search(client, "systems", "").content.decode()
    assert "No matches" in _search(client, "systems", "zzz").content.decode()


@pytest.mark.parametrize("kind_case,factory", [("information-types", InformationTypeFactory),
                                               ("suppliers", SupplierFactory)])
def test_information_type_and_supplier_searches_stay_in_the_tenant(kind_case, factory, org_a, org_b, member, login):
    mine = factory(organisation=org_a, name="Elevuppgifter och elevhälsa")
    factory(organisation=org_b, name="Elev HEMLIG-B")
    client = login(member(org_a, "coordinator"))
    response = _search(client, kind_case, "elev")
    assert _values(response) == [str(mine.pk)]
    assert "HEMLIG-B" not in response.content.decode()


def test_the_search_caps_its_matches_and_says_so(org_a, member, login):
    for n in range(MAX_MATCHES + 3):
        SystemFactory(organisation=org_a, name=f"Tjänst {n:02d}")
    response = _search(login(member(org_a, "coordinator")), "systems", "tjänst")
    assert len(_values(response)) == MAX_MATCHES
    assert "The first 20 matches; type more to narrow them." in response.content.decode()


def test_people_are_the_active_organisations_members_and_owners_only_those_who_may_own(org_a, org_b, member,
                                                                                       login):
    owner = member(org_a, "system_owner")
    admin_role = member(org_a, "system_administrator")
    foreign = member(org_b, "system_owner", email="agare@hemlig-b.example")
    coordinator = member(org_a, "coordinator")
    client = login(coordinator)
    people = _search(client, "people", "").content.decode()
    assert sorted(_values(_search(client, "people", ""))) == sorted(
        str(u.pk) for u in (owner, admin_role, coordinator))
    assert "hemlig-b" not in people
    assert sorted(_values(_search(client, "owners", ""))) == sorted(str(u.pk) for u in (owner, coordinator))
    assert _values(_search(client, "people", "system_administrator@")) == [str(admin_role.pk)]
    assert str(foreign.pk) not in _values(_search(client, "owners", "agare"))


def test_an_unknown_kind_is_404_and_a_supplier_user_sees_no_people(org_a, supplier_org, member, login):
    member(org_a, "coordinator")
    assert _search(login(member(org_a, "reader")), "contracts").status_code == 404
    supplier_user = member(org_a, "supplier", email="lev@drift.example")
    assert _values(_search(login(supplier_user), "people")) == []


def test_can_own_is_the_one_rule_of_who_may_own():
    assert {role for role in Role.values if can_own(role)} == set(OWNER_ROLES) == {
        Role.SYSTEM_OWNER, Role.COORDINATOR, Role.ADMIN}


def test_the_widget_renders_chosen_records_as_ticked_chips_and_offers_the_others_without_script(org_a, member):
    user = member(org_a, "coordinator")
    tenant = tenant_for(user, org_a.pk)
    linked = SystemFactory(organisation=org_a, name="Lönesystem")
    other = SystemFactory(organisation=org_a, name="Diariet")
    form = RiskForm(tenant=tenant, matrix=matrix_for(tenant), initial={"systems": [linked.pk]})
    html = str(form["systems"])
    assert f'<input type="checkbox" name="systems" value="{linked.pk}" checked> Lönesystem' in html
    assert 'role="combobox"' in html and 'role="listbox"' in html
    assert f'hx-get="{reverse("core:picker", args=["systems"])}"' in html
    noscript = html.split("<noscript>")[1].split("</noscript>")[0]
    assert f'<option value="{other.pk}">Diariet</option>' in noscript
    assert "Lönesystem" not in noscript


def test_a_chip_kept_ticked_posts_as_the_value_without_script():
    # Without JavaScript the <noscript> select posts its empty first option beside the chip.
    assert Picker("people").value_from_datadict(QueryDict("owner=&owner=7"), {}, "owner") == "7"
    assert Picker("people").value_from_datadict(QueryDict(""), {}, "owner") is None
    assert MultiPicker("systems").value_from_datadict(QueryDict("s=3&s=&s=5"), {}, "s") == ["3", "5"]


def test_the_risk_form_saves_the_picked_system_and_refuses_another_organisations(org_a, org_b, member, login):
    client = login(member(org_a, "coordinator"))
    mine = SystemFactory(organisation=org_a, name="Trygghetslarm")
    foreign = SystemFactory(organisation=org_b, name="Främmande HEMLIG-B")
    response = client.post(reverse("risk:risk_create"), {"title": "Avbrott", "systems": [mine.pk],
                                                          "status": "identified"})
    assert response.status_code == 302
    assert [link.system_id for link in Risk.objects.get().system_links.all()] == [mine.pk]
    response = client.post(reverse("risk:risk_create"), {"title": "Intrång", "systems": [foreign.pk],
                                                          "status": "identified"})
    assert response.status_code == 200
    assert Risk.objects.count() == 1


def test_a_risk_owner_whose_role_may_not_own_is_neither_offered_nor_accepted(org_a, member, login):
    coordinator = member(org_a, "coordinator")
    technician = member(org_a, "system_administrator")
    client = login(coordinator)
    page = client.get(reverse("risk:risk_create"), **EN).content.decode()
    noscript = page.split('data-name="owner"')[1].split("</noscript>")[0]
    assert f'<option value="{coordinator.pk}">' in noscript
    assert f'<option value="{technician.pk}">' not in noscript
    response = client.post(reverse("risk:risk_create"), {"title": "Avbrott", "owner": technician.pk,
                                                          "status": "identified"}, **EN)
    assert response.status_code == 200
    assert str(NOT_AN_OWNER) in response.content.decode()
    assert Risk.objects.count() == 0
    assert client.post(reverse("risk:risk_create"), {"title": "Avbrott", "owner": coordinator.pk,
                                                      "status": "identified"}).status_code == 302
    assert Risk.objects.get().owner == coordinator


def test_a_system_owner_must_have_a_role_that_may_own(org_a, member):
    reader = member(org_a, "reader")
    tenant = tenant_for(member(org_a, "coordinator"), org_a.pk)
    form = SystemForm({"name": "Nytt system", "owner": reader.pk, "lifecycle": "operation",
                       "criticality": "medium", "hosting": "own_data_centre"}, tenant=tenant)
    assert not form.is_valid()
    assert form.errors["owner"] == [str(NOT_AN_OWNER)]
    assert reader not in form.fields["owner"].queryset


def test_the_service_refuses_a_system_owner_who_may_not_own(org_a, member):
    from django.core.exceptions import ValidationError

    from inventory import services

    technician = member(org_a, "system_administrator")
    tenant = tenant_for(member(org_a, "coordinator"), org_a.pk)
    with pytest.raises(ValidationError) as refused:
        services.system_create(tenant=tenant, data={"name": "Nytt system", "purpose": "Test", "owner": technician})
    assert refused.value.message_dict["owner"] == [str(NOT_AN_OWNER)]
    assert System.objects.count() == 0


def test_the_search_runs_as_many_queries_for_three_systems_as_for_thirty(org_a, member, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(member(org_a, "coordinator"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _search(client, "systems", "").status_code == 200
        return len(captured)

    for n in range(3):
        SystemFactory(organisation=org_a, name=f"System {n}")
    few = queries()
    for n in range(3, 30):
        SystemFactory(organisation=org_a, name=f"System {n}")
    assert queries() == few
