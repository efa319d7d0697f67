import datetime
import random

import pytest
from django.utils import timezone

from demo import data
from kpis import demo, generate, selectors
from kpis.models import KpiCorrection, KpiDefinition, KpiReport, KpiValue, KpiVerdict
from actions.models import Action
from organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory
from trail.chain import verify

pytestmark = pytest.mark.django_db


def _world():
    supplier = OrganisationFactory(slug="mellanskog-it", name="Mellanskogs IT AB", kind="supplier")
    customers = []
    for slug in ("bjorkvik", "ekholma", "granas", "lindo"):
        org = OrganisationFactory(slug=slug, name=slug.title())
        supplier.customers.add(org)
        customers.append(org)
        for local, role, _title in data.MUNICIPAL_USERS:
            user = UserFactory(email=f"{local}@{slug}.example")
            Membership.objects.create(user=user, organisation=org, role=role)
    users = {}
    for role in ("admin", "service_manager", "security_lead", "supplier"):
        users[role] = UserFactory(email=f"{role}@mellanskog.example")
        Membership.objects.create(user=users[role], organisation=supplier, role=role)
    return supplier, customers, users


def test_demo_reports_to_three_municipalities_but_not_lindo_and_is_idempotent():
    supplier, customers, users = _world()
    demo.load_supplier(supplier=supplier, customers=customers, users=users)
    counts = (KpiDefinition.objects.count(), KpiReport.objects.count(), KpiValue.objects.count(),
              KpiVerdict.objects.count())
    demo.load_supplier(supplier=supplier, customers=customers, users=users)
    assert counts == (KpiDefinition.objects.count(), KpiReport.objects.count(), KpiValue.objects.count(),
                      KpiVerdict.objects.count())
    lindo = customers[3]
    assert not KpiDefinition.objects.filter(shared_with=lindo).exists()
    assert not KpiReport.objects.filter(shared_with=lindo).exists()
    assert KpiDefinition.objects.count() == 8
    # The correction for Ekholma alone leaves the earlier report current for the others.
    assert KpiReport.objects.filter(superseded_by__isnull=False).count() == 0
    assert KpiCorrection.objects.count() == 1
    assert KpiVerdict.objects.filter(verdict="remarks").exists()
    assert Action.objects.filter(organisation=customers[0]).count() == 1
    missing = selectors.missing(definitions=KpiDefinition.objects.prefetch_related("shared_with"),
                                today=timezone.localdate())
    overdue = {m.definition.name for m in missing if m.overdue}
    assert overdue == {demo.LATE}
    assert verify().ok


def test_generate_bulk_inserts_definitions_values_and_verdicts():
    supplier, customers, users = _world()
    counts = generate.generate(organisations=customers[:2], rng=random.Random(1), scale=0.02)
    assert counts["kpis.KpiDefinition"] == KpiDefinition.objects.count() >= 3
    assert counts["kpis.KpiValue"] == KpiValue.objects.count() > 0
    assert KpiReport.objects.filter(shared_with=customers[2]).count() == 0
    assert set(KpiDefinition.objects.first().shared_with.all()) == set(customers[:2])
    assert verify().ok
