"""The incident list, the clock overview, the breach log, an incident and a case read a number of
queries that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.tenancy import tenant_for
from incidents import services
from incidents.models import IncidentCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(served, org_a, org_b, member):
    lead_user = member(served, "security_lead")
    lead = tenant_for(lead_user, served.pk)
    coordinator = member(org_a, "coordinator")
    a = tenant_for(coordinator, org_a.pk)
    made = [0]

    def more(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            now = timezone.now()
            case = services.incident_report(tenant=lead, now=now, data={
                "title": f"Händelse {i:03d}", "description": "Test.", "category": "outage",
                "detected_at": now - datetime.timedelta(hours=1), "addressees": [org_a, org_b]})
            mine = IncidentCase.objects.get(incident=case.incident, organisation=org_a)
            mine = services.case_assess(tenant=a, case=mine, data={
                "significant": True, "significance_reason": "Allvarlig.", "breach": i % 2 == 0,
                "breach_notifiable": True, "manager": coordinator})
            services.stage_submit(tenant=a, case=mine, stage="early_warning", submitted_at=timezone.now())
            services.note_add(tenant=a, case=mine, text=f"Anteckning {i}")
            services.incident_update_add(tenant=lead, incident=case.incident, text=f"Uppdatering {i}")
        return coordinator, lead_user

    return more


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["incidents:incident_list", "incidents:clocks", "incidents:breach_list"])
def test_lists_stay_constant(grow, login, name):
    coordinator, _lead = grow(2)
    client = login(coordinator)
    small = _count(client, reverse(name))
    grow(6)
    assert _count(client, reverse(name)) == small
    assert _count(client, reverse(name) + "?due=on&significant=on&state=open") == _count(
        client, reverse(name) + "?due=on&significant=on&state=open")


def test_list_query_count(grow, login):
    # request (3), COUNT, one page of cases with incident, reporter, severity, manager and
    # organisation, their submissions.
    coordinator, _lead = grow(3)
    client = login(coordinator)
    assert _count(client, reverse("incidents:incident_list")) == 6


def test_case_and_incident_pages_stay_constant(grow, login):
    coordinator, lead = grow(1)
    case = IncidentCase.objects.filter(organisation__name="Kommun A").first()
    client = login(coordinator)
    small = _count(client, reverse("incidents:case_detail", args=[case.pk]))
    grow(5)
    for _ in range(4):
        services.note_add(tenant=tenant_for(coordinator, case.organisation_id), case=case, text="Mer")
    assert _count(client, reverse("incidents:case_detail", args=[case.pk])) == small
    supplier = login(lead)
    url = reverse("incidents:incident_detail", args=[case.incident_id])
    before = _count(supplier, url)
    services.incident_update_add(tenant=tenant_for(lead, case.incident.organisation_id), incident=case.incident,
                                 text="Ännu en")
    assert _count(supplier, url) == before
