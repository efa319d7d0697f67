import pytest
from django.urls import reverse

from tests.factories import DependencyFactory, SystemFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_start_page_and_system_pages(org_a, member, login):
    client = login(member(org_a, "coordinator"))
    dep = DependencyFactory(system__organisation=org_a, system__name="Portal")
    assert client.get(reverse("core:home")).status_code == 200
    response = client.get(reverse("inventory:system_list"))
    assert response.status_code == 200
    assert "Portal" in response.content.decode()
    detail = client.get(reverse("inventory:system_detail", args=[dep.system_id]))
    assert detail.status_code == 200
    assert dep.depends_on.name in detail.content.decode()
