"""Switching organisation lands on a page that exists in the new organisation."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs_client(org_a, org_b, member, login):
    user = member(org_a, "coordinator")
    MembershipFactory(user=user, organisation=org_b, role="coordinator")
    return login(user)


def test_from_a_record_page_it_lands_on_the_list_of_the_new_organisation(two_orgs_client, org_a, org_b):
    system = SystemFactory(organisation=org_a)
    response = two_orgs_client.post(reverse("core:switch_organisation"),
                                    {"organisation": org_b.pk, "next": reverse("inventory:system_detail", args=[system.pk])})
    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:system_list")
    assert two_orgs_client.get(response["Location"]).status_code == 200


def test_from_a_list_page_it_stays_on_the_same_page(two_orgs_client, org_b):
    target = reverse("risk:risk_list") + "?q=brand"
    response = two_orgs_client.post(reverse("core:switch_organisation"), {"organisation": org_b.pk, "next": target})
    assert response["Location"] == target


def test_from_an_unknown_page_it_lands_on_the_start_page(two_orgs_client, org_b):
    response = two_orgs_client.post(reverse("core:switch_organisation"), {"organisation": org_b.pk, "next": "/no-such/page/"})
    assert response["Location"] == "/"


def test_opening_a_record_of_the_new_organisation_lands_on_it(two_orgs_client, org_b):
    """The DPO's overview opens a row of another organisation: the record is the new one's."""
    system = SystemFactory(organisation=org_b)
    target = reverse("inventory:system_detail", args=[system.pk])
    response = two_orgs_client.post(reverse("core:switch_organisation"),
                                    {"organisation": org_b.pk, "next": target, "open": "record"})
    assert response["Location"] == target
    assert two_orgs_client.get(target).status_code == 200
    evil = two_orgs_client.post(reverse("core:switch_organisation"),
                                {"organisation": org_b.pk, "next": "https://evil.example/", "open": "record"})
    assert evil["Location"] == "/"
