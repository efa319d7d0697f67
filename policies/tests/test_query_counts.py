"""The list page and the list endpoint read a number of queries that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(tenant_a, org_a, supplier_org, as_member, make_doc, member):
    _, lead = as_member(supplier_org, "security_lead")
    owners = [tenant_a.user, member(org_a, "admin")]
    made = [0]

    def more(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            make_doc(tenant_a, f"Dokument {i:03d}", adopted_on=datetime.date(2006 + i % 20, 1, 31),
                     owner=owners[i % 2])
            make_doc(lead, f"Leverantör {i:03d}", shared_with=[org_a], owner=lead.user)

    return more


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx)


def test_list_page_queries_stay_the_same(login, coordinator, grow):
    client = login(coordinator)
    grow(3)
    client.get(reverse("policies:document_list"))  # warm caches (content types, translations)
    small = _count(lambda: client.get(reverse("policies:document_list")))
    grow(30)
    large = _count(lambda: client.get(reverse("policies:document_list")))
    # request (session, user, memberships) + count + page rows with owner and organisation joined: five
    assert small == large == 5


def test_api_list_queries_stay_the_same(client, coordinator, org_a, grow):
    _, raw = ApiToken.issue(user=coordinator, name="q")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": org_a.slug}
    grow(3)
    client.get("/api/policies/documents", **headers)  # warm caches
    small = _count(lambda: client.get("/api/policies/documents", **headers))
    grow(30)
    large = _count(lambda: client.get("/api/policies/documents", **headers))
    # the token with its user and memberships, its last-used time, the count, the page rows with owner and
    # organisation joined (the same four whatever the data)
    assert small == large == 4
