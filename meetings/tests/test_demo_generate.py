import random

import pytest

from actions.models import Action
from meetings import demo, generate
from meetings.models import Attendee, Meeting, MeetingStatus
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world():
    supplier = OrganisationFactory(name="Mellanskogs IT AB", slug="mellanskog-it", kind="supplier")
    customers = []
    for slug, name in demo.NAMES.items():
        org = OrganisationFactory(name=name, slug=slug)
        MembershipFactory(user=UserFactory(email=f"samordnare@{slug}.example"), organisation=org, role="coordinator")
        supplier.customers.add(org)
        customers.append(org)
    users = {}
    for role in ("service_manager", "security_lead"):
        users[role] = UserFactory(email=f"{role}@mellanskog-it.example")
        MembershipFactory(user=users[role], organisation=supplier, role=role)
    return supplier, customers, users


def test_demo_loads_once(demo_world):
    supplier, customers, users = demo_world
    demo.load_supplier(supplier=supplier, customers=customers, users=users)
    count = Meeting.objects.count()
    assert count > 40
    assert Meeting.objects.filter(status=MeetingStatus.PLANNED, starts_at__month=12, minutes="").exists()
    assert Action.objects.filter(organisation__slug="bjorkvik").exists()
    assert not Action.objects.filter(organisation__slug="lindo").exists()  # Lindö's items stay untaken
    demo.load_supplier(supplier=supplier, customers=customers, users=users)
    assert Meeting.objects.count() == count


def test_generate(demo_world):
    supplier, customers, _users = demo_world
    counts = generate.generate(organisations=customers, rng=random.Random(1), scale=0.01)
    assert counts["meetings.Meeting"] == 20 == Meeting.objects.count()
    assert Attendee.objects.filter(represents__isnull=False).exists()
    assert all(m.shared_with.exists() for m in Meeting.objects.all())
