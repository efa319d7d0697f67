import pytest
from django.urls import reverse

from inventory.models import System
from tests.factories import SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def _form(system, **changes):
    data = {"name": system.name, "purpose": system.purpose, "lifecycle": system.lifecycle,
            "criticality": system.criticality, "hosting": system.hosting, "storage_countries": "SE",
            "processing_countries": "SE", "provider_jurisdiction": "", "version": system.version}
    data.update(changes)
    return data


def test_creating_a_system_through_the_form(org_a, member, login):
    client = login(member(org_a))
    response = client.post(reverse("inventory:system_create"), _form(System(name="Ny", purpose="p", version=1)))
    system = System.objects.get(name="Ny")
    assert response.url == reverse("inventory:system_detail", args=[system.pk])
    assert AuditEntry.objects.filter(model="inventory.system", object_id=str(system.pk), source="web").exists()


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(org_a, member, login):
    client = login(member(org_a))
    response = client.post(reverse("inventory:system_create"),
                           _form(System(name="Mitt system", purpose="Viktigt syfte", version=1), storage_countries=["SE", "XX"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "XX" in body and "Viktigt syfte" in body and 'value="Mitt system"' in body
    assert not System.objects.filter(name="Mitt system").exists()


def test_a_concurrent_edit_is_detected_and_the_typed_values_kept(org_a, member, login):
    client = login(member(org_a))
    system = SystemFactory(organisation=org_a, name="Ekonomi")
    stale = _form(system, purpose="Mitt nya syfte")
    assert client.post(reverse("inventory:system_edit", args=[system.pk]), _form(system, name="Ekonomi 2")).status_code == 302
    response = client.post(reverse("inventory:system_edit", args=[system.pk]), stale)
    assert response.status_code == 200
    assert response.context["conflict"].version == 2
    assert "Mitt nya syfte" in response.content.decode()
    assert System.objects.get(pk=system.pk).name == "Ekonomi 2"


def test_readers_cannot_edit(org_a, member, login):
    client = login(member(org_a, "reader"))
    system = SystemFactory(organisation=org_a, name="Orörd")
    assert client.post(reverse("inventory:system_edit", args=[system.pk]), _form(system, name="Ändrad")).status_code == 403
    assert System.objects.get(pk=system.pk).name == "Orörd"


def test_the_list_filters_and_returns_a_fragment_to_htmx(org_a, member, login):
    client = login(member(org_a, "reader"))
    SystemFactory(organisation=org_a, name="Molnpost", hosting="cloud")
    SystemFactory(organisation=org_a, name="Källarserver", hosting="own_dc")
    response = client.get(reverse("inventory:system_list"), {"hosting": "cloud"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Molnpost" in body and "Källarserver" not in body
    assert "<html" not in body
    full = client.get(reverse("inventory:system_list"), {"q": "käll"}).content.decode()
    assert "<html" in full and "Källarserver" in full and "Molnpost" not in full


def test_adding_a_dependency_by_name_and_refusing_a_foreign_one(org_a, org_b, member, login):
    client = login(member(org_a))
    portal = SystemFactory(organisation=org_a, name="Portal")
    SystemFactory(organisation=org_a, name="Inloggning")
    SystemFactory(organisation=org_b, name="Främmande")
    url = reverse("inventory:dependency_add", args=[portal.pk])
    client.post(url, {"depends_on": "inloggning", "description": "SSO"})
    client.post(url, {"depends_on": "Främmande"})
    assert [(d.depends_on.name, d.description) for d in portal.dependencies.all()] == [("Inloggning", "SSO")]
