import random

import pytest
from django.utils import timezone

from organisations.models import Organisation
from policies import demo, generate, selectors
from policies.models import DocumentReview, GoverningDocument
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    supplier = OrganisationFactory(name="Mellanskogs IT AB", slug="mellanskog-it", kind="supplier")
    customers = [OrganisationFactory(name=f"{slug.title()} kommun", slug=slug)
                 for slug in ("bjorkvik", "ekholma", "granas", "lindo")]
    supplier.customers.set(customers)
    for org in customers:
        MembershipFactory(organisation=org, role="coordinator", user=UserFactory(email=f"samordnare@{org.slug}.example"))
    lead = UserFactory(email="sakerhet@mellanskog-it.example")
    MembershipFactory(organisation=supplier, role="security_lead", user=lead)
    return supplier, customers, {"security_lead": lead}


def test_demo_loads_reference_case_and_is_idempotent(world):
    supplier, customers, users = world
    demo.load_supplier(supplier=supplier, customers=customers, users=users)
    counts = (GoverningDocument.objects.count(), DocumentReview.objects.count())
    demo.load_supplier(supplier=supplier, customers=customers, users=users)
    assert (GoverningDocument.objects.count(), DocumentReview.objects.count()) == counts
    lindo = Organisation.objects.get(slug="lindo")
    late = selectors.documents_past_review(organisation_ids=[lindo.pk], today=timezone.localdate())
    assert sorted((d.title, d.adopted_on.year) for d in late) == [
        ("IT-säkerhetspolicy", 2006), ("Informationssäkerhetspolicy", 2006), ("Säkerhetsinstruktioner", 2003)]
    bjorkvik = Organisation.objects.get(slug="bjorkvik")
    assert [d.title for d in selectors.documents_past_review(organisation_ids=[bjorkvik.pk],
                                                             today=timezone.localdate())] == ["Rutin för logggranskning"]
    theirs = GoverningDocument.objects.filter(organisation=supplier)
    assert theirs.count() == 4 and all(set(d.shared_with.all()) == set(customers) for d in theirs)
    assert not selectors.documents_past_review(organisation_ids=[supplier.pk], today=timezone.localdate())


def test_generate_inserts_documents_with_trail(world):
    supplier, customers, _ = world
    counts = generate.generate(organisations=customers, rng=random.Random(1), scale=0.01)
    n = GoverningDocument.objects.count()
    assert counts == {"policies.GoverningDocument": n} and 25 <= n <= 75
    theirs = GoverningDocument.objects.filter(organisation=supplier)
    assert theirs.exists() and all(set(d.shared_with.all()) == set(customers) for d in theirs)
    assert GoverningDocument.objects.filter(status="in_force", next_review__lt=timezone.localdate()).exists()
    from trail.models import AuditEntry
    assert AuditEntry.objects.filter(model="policies.governingdocument").count() == n
