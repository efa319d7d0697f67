"""A system's protection need is the highest level of its information types, per aspect."""

import re

import pytest
from django.urls import reverse

from classification import selectors
from classification.selectors import need_label
from inventory.selectors import SystemFilters, system_list
from tests.factories import InformationTypeFactory, SystemFactory

pytestmark = pytest.mark.django_db


def test_the_need_is_the_maximum_over_the_information_types(org_a, classify):
    payroll = InformationTypeFactory(organisation=org_a, name="Löneuppgifter")
    health = InformationTypeFactory(organisation=org_a, name="Journaler")
    classify(payroll, personal_data=True, impact_finances="serious", outage_tolerance="week")  # 1-3-1-1
    classify(health, sensitive_personal_data=True, outage_tolerance="day")  # 2-0-2-2
    system = SystemFactory(organisation=org_a)
    system.information_types.set([payroll, health])
    assert selectors.protection_need(system) == {"K": 2, "R": 3, "T": 2, "S": 2}


def test_a_system_without_classified_information_has_no_need(org_a):
    system = SystemFactory(organisation=org_a)
    system.information_types.set([InformationTypeFactory(organisation=org_a)])
    assert selectors.protection_need(system) == {"K": None, "R": None, "T": None, "S": None}
    assert need_label(selectors.protection_need(system)) == "–"


def test_the_systems_list_carries_the_need_of_every_row(org_a, tenant_of, classify):
    secret = InformationTypeFactory(organisation=org_a)
    classify(secret, osl_chapters=["26"], impact_life_health="serious")
    with_need = SystemFactory(organisation=org_a, name="A-system")
    with_need.information_types.set([secret])
    SystemFactory(organisation=org_a, name="B-system")
    rows = selectors.attach_protection_need(system_list(tenant=tenant_of("reader"), filters=SystemFilters()))
    assert [(s.name, selectors.need_of(s)) for s in rows] == [
        ("A-system", {"K": 3, "R": 3, "T": 3, "S": 0}),
        ("B-system", {"K": None, "R": None, "T": None, "S": None}),
    ]


@pytest.mark.parametrize(
    "need, label",
    [({"K": 2, "R": 3, "T": 2, "S": 2}, "2-3-2-2"),
     ({"K": 2, "R": 3, "T": 1, "S": None}, "2-3-1"),
     ({"K": 2, "R": None, "T": 1, "S": 0}, "2-–-1-0")],
    ids=["klassa", "msb", "partly-decided"],
)
def test_the_need_is_written_as_a_tuple(need, label):
    assert need_label(need) == label


def test_the_inventory_page_shows_the_need_of_the_systems_on_the_page(org_a, member, login, classify):
    payroll = InformationTypeFactory(organisation=org_a, name="Löneuppgifter")
    health = InformationTypeFactory(organisation=org_a, name="Journaler")
    classify(payroll, personal_data=True, impact_finances="serious", outage_tolerance="week")  # 1-3-1-1
    classify(health, sensitive_personal_data=True, outage_tolerance="day")  # 2-0-2-2
    both = SystemFactory(organisation=org_a, name="A-system")
    both.information_types.set([payroll, health])
    SystemFactory(organisation=org_a, name="B-system").information_types.set([payroll])
    html = login(member(org_a, "reader")).get(reverse("inventory:system_list")).content.decode()
    cells = re.findall(r'<td class="tuple">([^<]*)</td>', html)
    assert cells == ["2-3-2-2", "1-3-1-1"]
