"""factory_boy factories shared by every app's tests."""

import factory

from accounts.models import User
from inventory.models import InformationType, System, SystemDependency
from organisations.models import Membership, Organisation, OrganisationKind, Unit
from suppliers.models import Supplier


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kommun {n}")
    slug = factory.Sequence(lambda n: f"kommun-{n}")
    kind = OrganisationKind.MUNICIPALITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Testperson {n}")
    password = factory.PostGenerationMethodCall("set_password", "Secret-Pass-123!")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "coordinator"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    kind = "board"


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Leverantör {n} AB")


class InformationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationType

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Informationstyp {n}")


class SystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = System

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"System {n}")
    purpose = "Test"
    storage_countries = ["SE"]
    processing_countries = ["SE"]


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SystemDependency

    system = factory.SubFactory(SystemFactory)
    depends_on = factory.SubFactory(SystemFactory, organisation=factory.SelfAttribute("..system.organisation"))
    organisation = factory.SelfAttribute("system.organisation")
