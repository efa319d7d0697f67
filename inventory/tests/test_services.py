import pytest
from django.core.exceptions import ValidationError

from core.tenancy import tenant_for
from inventory import services
from inventory.models import System, SystemDependency
from tests.factories import InformationTypeFactory, SystemFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(org_a, member):
    return tenant_for(member(org_a, "coordinator"), org_a.pk)


def test_system_create_sets_the_organisation_and_relations(tenant, org_a, supplier_org):
    info = InformationTypeFactory(organisation=org_a)
    system = services.system_create(
        tenant=tenant,
        data={"name": "Skolplattform", "hosting": "cloud", "storage_countries": ["SE"], "information_types": [info],
              "shared_with": [supplier_org]},
    )
    assert system.organisation == org_a
    assert list(system.information_types.all()) == [info]
    assert list(system.shared_with.all()) == [supplier_org]


def test_a_stale_version_is_refused_and_nothing_is_overwritten(tenant, org_a):
    system = SystemFactory(organisation=org_a, name="Original")
    services.system_update(tenant=tenant, system=system, data={"name": "First save"}, version=1)
    with pytest.raises(services.VersionConflict) as conflict:
        services.system_update(tenant=tenant, system=system, data={"name": "Second save"}, version=1)
    assert conflict.value.current.version == 2
    assert System.objects.get(pk=system.pk).name == "First save"


@pytest.mark.parametrize("field", ["unit", "information_types"])
def test_records_of_another_organisation_cannot_be_linked(tenant, org_b, field):
    foreign = {"unit": UnitFactory(organisation=org_b), "information_types": [InformationTypeFactory(organisation=org_b)]}
    with pytest.raises(ValidationError) as exc:
        services.system_create(tenant=tenant, data={"name": "X", field: foreign[field]})
    assert field in exc.value.message_dict
    assert not System.objects.filter(name="X").exists()


def test_an_owner_must_be_a_member(tenant, org_b, member):
    outsider = member(org_b)
    with pytest.raises(ValidationError) as exc:
        services.system_create(tenant=tenant, data={"name": "X", "owner": outsider})
    assert list(exc.value.message_dict) == ["owner"]


def test_sharing_only_with_a_supplier_that_serves_the_organisation(tenant, org_b):
    with pytest.raises(ValidationError) as exc:
        services.system_create(tenant=tenant, data={"name": "X", "shared_with": [org_b]})
    assert list(exc.value.message_dict) == ["shared_with"]


def test_dependency_rules(tenant, org_a, org_b):
    a, b = SystemFactory(organisation=org_a), SystemFactory(organisation=org_a)
    foreign = SystemFactory(organisation=org_b)
    services.dependency_add(tenant=tenant, system=a, depends_on=b)
    for target in (a, b, foreign):  # itself, a duplicate, a foreign system
        with pytest.raises(ValidationError):
            services.dependency_add(tenant=tenant, system=a, depends_on=target)
    assert SystemDependency.objects.count() == 1


def test_archive_and_restore(tenant, org_a):
    system = SystemFactory(organisation=org_a)
    assert services.system_archive(tenant=tenant, system=system).archived_at is not None
    assert services.system_archive(tenant=tenant, system=system).archived_at is None
