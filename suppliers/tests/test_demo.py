import pytest

from actions.models import Action
from suppliers.checklist import contract_gaps
from suppliers.demo import load_supplier
from suppliers.models import Contract, ContractAssessment
from tests.factories import MembershipFactory, OrganisationFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_lindo_as_reference_case():
    it = OrganisationFactory(name="Mellanskogs IT AB", slug="mellanskog-it", kind="supplier")
    customers = []
    for slug in ("bjorkvik", "lindo"):
        org = OrganisationFactory(name=slug, slug=slug)
        MembershipFactory(user=UserFactory(email=f"samordnare@{slug}.example"), organisation=org, role="coordinator")
        SupplierFactory(organisation=org, name="Mellanskogs IT AB", tillit_organisation=it)
        customers.append(org)
    load_supplier(supplier=it, customers=customers, users={})
    counts = (Contract.objects.count(), ContractAssessment.objects.count(), Action.objects.count())
    load_supplier(supplier=it, customers=customers, users={})
    assert (Contract.objects.count(), ContractAssessment.objects.count(), Action.objects.count()) == counts
    lindo = Contract.objects.get(organisation__slug="lindo", kind="main")
    assert set(lindo.assessments.values_list("status", flat=True)) == {"not_covered"}
    assert Contract.objects.filter(organisation__slug="lindo").count() == 4
    assert Action.objects.filter(organisation__slug="bjorkvik").count() == 2
    assert all(c.shared_with.filter(pk=it.pk).exists() for c in Contract.objects.all())
