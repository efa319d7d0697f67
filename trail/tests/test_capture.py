import pytest
from django.urls import reverse

from accounts.models import User
from inventory.models import System
from tests.factories import InformationTypeFactory, SupplierFactory, SystemFactory
from trail.context import acting_as
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entries(obj):
    return list(AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq"))


def test_it_records_create_update_and_delete_with_before_and_after(org_a, member):
    user = member(org_a, "coordinator")
    with acting_as(user, source="web"):
        system = SystemFactory(organisation=org_a, name="Lönesystem", criticality="medium")
        system = System.objects.get(pk=system.pk)
        system.criticality = "critical"
        system.save()
        pk = system.pk
        system.delete()
    create, update, delete = AuditEntry.objects.filter(model="inventory.system", object_id=str(pk)).order_by("seq")
    assert (create.action, update.action, delete.action) == ("create", "update", "delete")
    assert create.changes["name"] == [None, "Lönesystem"]
    assert update.changes == {"criticality": ["medium", "critical"]}
    assert delete.changes["name"] == ["Lönesystem", None]
    assert {e.actor_id for e in (create, update, delete)} == {user.pk}
    assert {e.organisation_id for e in (create, update, delete)} == {org_a.pk}
    assert {e.source for e in (create, update, delete)} == {"web"}


def test_it_writes_nothing_when_nothing_changed(org_a):
    system = SystemFactory(organisation=org_a)
    system = System.objects.get(pk=system.pk)
    before = AuditEntry.objects.count()
    system.save()  # only updated_at moves, which the trail ignores
    assert AuditEntry.objects.count() == before


def test_it_records_many_to_many_changes(org_a):
    system = SystemFactory(organisation=org_a)
    info = InformationTypeFactory(organisation=org_a)
    system.information_types.add(info)
    system.information_types.remove(info)
    added, removed = _entries(system)[-2:]
    assert added.changes == {"information_types": {"added": [info.pk]}}
    assert removed.changes == {"information_types": {"removed": [info.pk]}}


def test_it_masks_secrets(org_a, member):
    user = member(org_a)
    user = User.objects.get(pk=user.pk)
    user.set_password("Another-Secret-99!")
    user.save()
    entry = _entries(user)[-1]
    assert entry.changes == {"password": ["••••••", "••••••"]}


def test_it_attributes_admin_writes_to_the_admin_channel(org_a, client):
    admin = User.objects.create_superuser("root@test.example", "Root-Pass-1234!")
    client.force_login(admin)
    supplier = SupplierFactory(organisation=org_a, name="Gamla namnet AB")
    response = client.post(
        reverse("admin:suppliers_supplier_change", args=[supplier.pk]),
        {"organisation": org_a.pk, "name": "Nya namnet AB", "org_number": "", "contact_email": "", "website": "",
         "description": ""},
    )
    assert response.status_code == 302
    entry = _entries(supplier)[-1]
    assert (entry.source, entry.actor_id, entry.changes["name"]) == ("admin", admin.pk, ["Gamla namnet AB", "Nya namnet AB"])


def test_entries_cannot_be_changed_or_deleted_through_the_orm(org_a):
    SystemFactory(organisation=org_a)
    entry = AuditEntry.objects.first()
    entry.object_repr = "forged"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()


def test_a_queryset_update_of_an_audited_model_is_refused(org_a):
    SystemFactory(organisation=org_a)
    with pytest.raises(TypeError):
        System.objects.filter(organisation=org_a).update(name="x")
