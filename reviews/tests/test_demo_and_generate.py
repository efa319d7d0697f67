import random

import pytest

from accounts.models import User
from actions.models import Action, ActionStatus
from organisations.models import Organisation
from reviews import demo, generate
from reviews.models import ManagementReview, ReviewDecision, ReviewStatus
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    supplier = OrganisationFactory(name="Mellanskogs IT AB", slug="mellanskog-it", kind="supplier")
    customers = [OrganisationFactory(name=f"{slug.title()} kommun", slug=slug)
                 for slug in ("bjorkvik", "ekholma", "granas", "lindo")]
    supplier.customers.set(customers)
    for org in customers:
        for role, local in (("coordinator", "samordnare"), ("admin", "admin"), ("system_owner", "systemagare")):
            MembershipFactory(organisation=org, role=role, user=UserFactory(email=f"{local}@{org.slug}.example"))
    return supplier, customers


def test_every_municipality_has_last_years_adopted_review_and_bjorkvik_this_years(world):
    supplier, customers = world
    demo.load_supplier(supplier=supplier, customers=customers, users={})
    counts = (ManagementReview.objects.count(), ReviewDecision.objects.count(), Action.objects.count())
    demo.load_supplier(supplier=supplier, customers=customers, users={})
    assert (ManagementReview.objects.count(), ReviewDecision.objects.count(), Action.objects.count()) == counts
    # Lindö (the second seed's case) has held none.
    assert not ManagementReview.objects.filter(organisation__slug="lindo").exists()
    for org in customers[:3]:
        closed = ManagementReview.objects.get(organisation=org, status=ReviewStatus.CLOSED)
        assert closed.has_inputs and closed.closed_by == User.objects.get(email=f"samordnare@{org.slug}.example")
        statuses = sorted(d.action.status for d in closed.decisions.all())
        assert ActionStatus.DONE in statuses and {ActionStatus.OPEN, ActionStatus.IN_PROGRESS} & set(statuses)
    bjorkvik = Organisation.objects.get(slug="bjorkvik")
    planned = ManagementReview.objects.get(organisation=bjorkvik, status=ReviewStatus.PLANNED)
    previous = planned.inputs["previous"]
    assert previous["total"] == 4 and previous["done"] == 2
    assert ManagementReview.objects.filter(status=ReviewStatus.PLANNED).count() == 1


def test_generate_inserts_reviews_with_trail(world):
    _supplier, customers = world
    counts = generate.generate(organisations=customers, rng=random.Random(1), scale=0.01)
    n = ManagementReview.objects.count()
    assert counts == {"reviews.ManagementReview": n} and 8 <= n <= 12
    assert all(r.has_inputs for r in ManagementReview.objects.filter(status=ReviewStatus.CLOSED))
    from trail.models import AuditEntry
    assert AuditEntry.objects.filter(model="reviews.managementreview").count() == n
