"""The findings page and the audit list read a number of queries that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import engine, services
from policies.models import DocumentStatus, GoverningDocument

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    client.get(url)  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.fixture
def grow_findings(org_a, overdue, today):
    made = [0]

    def more(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            overdue(f"Åtgärd {i:03d}", days=1 + i)
            GoverningDocument(organisation=org_a, kind="policy", title=f"Policy {i:03d}", status=DocumentStatus.IN_FORCE,
                              adopted_on=datetime.date(2006, 3, 1), next_review=today - datetime.timedelta(days=30 + i)
                              ).save()
        engine.evaluate_and_record(org_a, today=today)

    return more


def test_the_findings_page_reads_the_same_number_of_queries(login, auditor_a, audit_a, grow_findings):
    client = login(auditor_a.user)
    grow_findings(3)
    small = _count(client, reverse("audits:finding_list"))
    grow_findings(25)
    large = _count(client, reverse("audits:finding_list"))
    assert small == large
    assert len(client.get(reverse("audits:finding_list")).context["groups"]) == 2


@pytest.fixture
def grow_audits(auditor_a, today):
    made = [0]

    def more(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            audit = services.audit_save(tenant=auditor_a, audit=None, data={
                "title": f"Granskning {i:03d}", "period_start": today - datetime.timedelta(days=i)})
            for _j in range(2):
                services.observation_save(tenant=auditor_a, audit=audit, observation=None, data={
                    "title": "Iakttagelse", "description": "Beskrivning.", "priority": "long",
                    "recommendations": ["Rekommendation."]})

    return more


def test_the_audit_list_reads_the_same_number_of_queries(login, auditor_a, grow_audits):
    client = login(auditor_a.user)
    grow_audits(3)
    small = _count(client, reverse("audits:audit_list"))
    grow_audits(25)
    large = _count(client, reverse("audits:audit_list"))
    # request (3), count, the page with its observation counts
    assert (small, large) == (5, 5)


def test_the_audit_page_reads_the_same_number_of_queries(login, auditor_a, audit_a, today):
    client = login(auditor_a.user)

    def add(n):
        for _ in range(n):
            services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={
                "title": "Iakttagelse", "description": "Beskrivning.", "priority": "medium",
                "recommendations": ["Första.", "Andra."]})

    add(2)
    url = reverse("audits:audit_detail", args=[audit_a.pk])
    small = _count(client, url)
    add(10)
    assert _count(client, url) == small
