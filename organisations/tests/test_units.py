"""Units: adding and changing them, with clear messages for bad input, and their history."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.tenancy import tenant_for
from organisations import services
from organisations.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org_a, member, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return member(org_a, "admin")


def test_a_unit_is_renamed_and_moved_and_its_page_shows_the_history(org_a, admin, login):
    board = UnitFactory(organisation=org_a, name="Kommunstyrelsen")
    unit = UnitFactory(organisation=org_a, name="Kommunledningskontoret", kind="administration")
    client = login(admin)
    response = client.post(reverse("organisations:unit_edit", args=[unit.pk]),
                           {"name": "Stadsledningskontoret", "kind": "administration", "parent": board.pk})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.parent) == ("Stadsledningskontoret", board)
    page = client.get(reverse("organisations:unit_edit", args=[unit.pk])).content.decode()
    history = page.split('id="history-title"')[1]
    assert "Name</span>: Kommunledningskontoret → Stadsledningskontoret" in history
    assert "Part of</span>: – → Kommunstyrelsen" in history
    # The organisation page links each unit to its page for those who manage units.
    assert reverse("organisations:unit_edit", args=[unit.pk]) in client.get(reverse("organisations:detail")).content.decode()


def test_a_unit_cannot_be_part_of_itself_or_of_a_unit_below_it(org_a, admin, login):
    top = UnitFactory(organisation=org_a, name="Nämnden")
    middle = UnitFactory(organisation=org_a, name="Förvaltningen", parent=top)
    bottom = UnitFactory(organisation=org_a, name="Avdelningen", parent=middle)
    tenant = tenant_for(admin, org_a.pk)
    for parent in (top, middle, bottom):
        with pytest.raises(ValidationError) as raised:
            services.unit_update(tenant=tenant, unit=top, data={"name": "Nämnden", "kind": "board", "parent": parent})
        assert "parent" in raised.value.message_dict
    # The page offers neither, and keeps what was typed when one is posted anyway.
    client = login(admin)
    url = reverse("organisations:unit_edit", args=[top.pk])
    form = client.get(url).context["form"]
    assert set(form.fields["parent"].queryset) == set()
    response = client.post(url, {"name": "Nya nämnden", "kind": "board", "parent": bottom.pk})
    assert response.status_code == 200
    assert "Nya nämnden" in response.content.decode()
    assert response.context["form"].errors["parent"]
    top.refresh_from_db()
    assert (top.name, top.parent) == ("Nämnden", None)


def test_a_duplicate_name_is_refused_with_a_message_not_an_error(org_a, admin, login):
    UnitFactory(organisation=org_a, name="Socialnämnden")
    other = UnitFactory(organisation=org_a, name="Kulturnämnden")
    client = login(admin)
    for url, data in ((reverse("organisations:unit_create"), {"name": "Socialnämnden", "kind": "board"}),
                      (reverse("organisations:unit_edit", args=[other.pk]), {"name": "Socialnämnden", "kind": "board"})):
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert response.context["form"].errors, url
        assert 'value="Socialnämnden"' in response.content.decode()
    assert Unit.objects.filter(organisation=org_a, name="Socialnämnden").count() == 1


def test_another_organisations_unit_is_not_found_and_others_may_not_edit(org_a, org_b, member, admin, login):
    theirs = UnitFactory(organisation=org_b, name="B:s nämnd")
    ours = UnitFactory(organisation=org_a, name="A:s nämnd")
    client = login(admin)
    assert client.get(reverse("organisations:unit_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("organisations:unit_edit", args=[theirs.pk]), {"name": "X", "kind": "board"}).status_code == 404
    client = login(member(org_a, "coordinator"))
    assert client.get(reverse("organisations:unit_edit", args=[ours.pk])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "B:s nämnd"
