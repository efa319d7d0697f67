"""The demo loader classifies every information type; the generator does so in bulk."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Action
from classification import demo
from classification.models import Classification, SupplierQuestion
from demo import data
from demo.generated import Generator, Plan, generated_organisations
from inventory.models import InformationType
from organisations.models import Membership
from suppliers.models import Supplier
from tests.factories import OrganisationFactory, UserFactory
from trail.chain import verify
from trail.context import acting_as
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def _municipality(slug: str):
    """A demo municipality's information types, IT supplier and users, as load_demo makes them."""
    org = OrganisationFactory(slug=slug, name=slug.title())
    for name, description, personal in data.INFORMATION_TYPES:
        InformationType.objects.create(organisation=org, name=name, description=description, personal_data=personal)
    Supplier.objects.create(organisation=org, name="Mellanskogs IT AB")
    users = {}
    for local, role, _title in data.MUNICIPAL_USERS:
        users[role] = UserFactory(email=f"{local}@{slug}.example")
        Membership.objects.create(user=users[role], organisation=org, role=role)
    with acting_as(None, source="cli"):
        demo.load(organisation=org, users=users)
    return org, users


def test_every_information_type_is_classified_with_a_mix_of_statuses():
    org, users = _municipality("bjorkvik")
    today = timezone.localdate()
    classifications = list(Classification.objects.filter(organisation=org).select_related("information_type"))
    assert len(classifications) == len(data.INFORMATION_TYPES) == 15
    statuses = sorted(c.status for c in classifications)
    assert statuses.count("draft") == 1 and statuses.count("review") == 1 and statuses.count("approved") == 13
    assert sum(c.is_stale(today) for c in classifications) == 2
    upcoming = sorted(c.review_date for c in classifications if c.status == "approved" and not c.is_stale(today))
    assert upcoming[0] >= today and upcoming[-1] <= today + datetime.timedelta(days=365)
    assert {c.responsible for c in classifications} == {users["system_owner"]}
    by_name = {c.information_type.name: c for c in classifications}
    assert by_name["Socialtjänstakter"].tuple_label == "3-3-3-3"
    assert by_name["Webbpublicering"].confidentiality == 1
    assert all(c.reasoning for c in classifications)
    assert SupplierQuestion.objects.count() == 0 and Action.objects.count() == 0


def test_ekholma_waits_for_two_answers_from_its_it_supplier():
    org, _ = _municipality("ekholma")
    questions = list(SupplierQuestion.objects.filter(organisation=org).select_related("classification__information_type",
                                                                                     "supplier"))
    today = timezone.localdate()
    assert [(q.supplier.name, q.classification.information_type.name, q.is_open) for q in questions] == [
        ("Mellanskogs IT AB", "Loggar", True)] * 2
    assert sorted(q.is_overdue(today) for q in questions) == [False, True]
    assert questions[0].classification.status == "draft"


def test_granas_has_a_security_classified_map_that_needs_a_protection_analysis():
    org, users = _municipality("granas")
    c = Classification.objects.get(organisation=org, information_type__name="Geografisk information")
    assert c.confidentiality == 4
    action = Action.objects.get()
    assert (action.source, action.owner) == (c, users["system_owner"])
    assert verify().ok


def test_the_generator_classifies_every_generated_information_type():
    # generate_data runs this module through demo.generated.MODULE_GENERATORS.
    with acting_as(None, source="cli"):
        counts = Generator(Plan(0.01), seed=3).run()
    infotypes = InformationType.objects.filter(organisation__in=generated_organisations()).count()
    assert counts["classification.Classification"] == infotypes == 10
    assert Classification.objects.filter(information_type__organisation__in=generated_organisations()).count() == 10
    assert AuditEntry.objects.filter(model="classification.classification", action="create").count() == 10
    assert verify().ok
    for c in Classification.objects.all():
        assert c.organisation_id == c.information_type.organisation_id
        assert (c.review_date is not None) == (c.status == "approved")


def test_every_demo_system_handles_information_and_so_has_a_protection_need():
    # A system without information types shows no protection need ("–") and derives no requirements.
    assert [row[0] for row in data.SYSTEMS if not row[10]] == []
    assert all(name in demo.PROFILES for name, _description, _personal in data.INFORMATION_TYPES)
