"""The register, the transfer list, the agreements and the DPO's overview read a number of
queries that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy import services
from tests.factories import MembershipFactory, SupplierFactory, SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(org_a, tenant_a, units_a):
    made = [0]
    it = SupplierFactory(organisation=org_a, name="Mellanskogs IT AB")
    other = SupplierFactory(organisation=org_a, name="Skolplattform AB")
    services.agreement_save(tenant=tenant_a, agreement=None, data={"supplier": it, "title": "PUB-avtal"})

    def more(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            system = SystemFactory(organisation=org_a, name=f"System {i:03d}", personal_data=True,
                                   storage_countries=["SE"], processing_countries=["SE", "US"])
            a = services.activity_save(tenant=tenant_a, activity=None, data={
                "name": f"Behandling {i:03d}", "controllers": [units_a["sn" if i % 2 else "bun"]],
                "legal_basis": "e", "systems": [system], "processors": [it, other][i % 2:i % 2 + 1],
                "review_date": datetime.date.today() + datetime.timedelta(days=i % 40)})
            services.transfer_add(tenant=tenant_a, activity=a, data={"country": "CN", "recipient": f"Moln {i}"})
            services.dpia_save(tenant=tenant_a, dpia=None, data={"title": f"DPIA {i:03d}", "activity": a})

    return more


def _count(client, url) -> int:
    client.get(url)  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name,expected", [
    # request (3), the filter's controllers, count, the page's rows with owner, the page's controllers' names
    ("privacy:activity_list", 7),
    # request (3), the activities' transfers, the agreements' safeguards, the systems of those activities,
    # the systems with personal data, the sub-processors
    ("privacy:transfer_list", 8),
    # request (3), count, the page with suppliers, then missing agreements: the processor links, the
    # controller links, the agreements' controllers, the agreements, the suppliers', units' and activities' names
    ("privacy:dpa_list", 12),
    # request (3), count, the page
    ("privacy:dpia_list", 5),
])
def test_list_pages_read_the_same_number_of_queries(login, tenant_a, grow, name, expected):
    client = login(tenant_a.user)
    grow(3)
    small = _count(client, reverse(name))
    grow(25)
    large = _count(client, reverse(name))
    assert (small, large) == (expected, expected)


def test_the_dpo_overview_reads_the_same_number_of_queries(login, org_a, org_b, member, grow):
    dpo = member(org_a, "dpo")
    MembershipFactory(user=dpo, organisation=org_b, role="dpo")
    client = login(dpo)
    grow(3)
    small = _count(client, reverse("privacy:overview"))
    grow(25)
    assert _count(client, reverse("privacy:overview")) == small
