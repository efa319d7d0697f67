"""List and dashboard pages run a number of SQL queries that does not grow with the data.

Each test requests a page with a small data set (3 systems with their links), grows the data
to 40 systems (each with a unit, a supplier, an owner and an administrator, information types,
dependencies, a share with the supplier organisation, a system of another organisation shared
back, and a new member), requests the page again and asserts the very same number of queries,
and that number exactly. A page whose count grows has an N+1 in its selector or template.

Every page request starts with the same three queries, named "request" in the comments below:
the session, the signed-in user, and the user's memberships with their organisations.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from inventory.models import System
from tests.factories import (
    DependencyFactory,
    InformationTypeFactory,
    OrganisationFactory,
    SupplierFactory,
    SystemFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 40


@pytest.fixture
def world(org_a, org_b, supplier_org, member):
    """grow(n) adds n systems with all their links to Kommun A; returns A's coordinator."""
    coordinator = member(org_a, "coordinator")
    people = [member(org_a, "system_owner"), member(org_a, "system_administrator")]
    first: list[System] = []
    made = [0]

    def grow(n: int) -> None:
        for _ in range(n):
            i = made[0]
            made[0] += 1
            parent = UnitFactory(organisation=org_a, name=f"Nämnd {i:03d}")
            unit = UnitFactory(organisation=org_a, name=f"Förvaltning {i:03d}", kind="administration", parent=parent)
            system = SystemFactory(
                organisation=org_a, name=f"System {i:03d}", unit=unit,
                supplier=SupplierFactory(organisation=org_a, name=f"Leverantör {i:03d} AB"),
                owner=people[i % 2], administrator=people[(i + 1) % 2],
                lifecycle="operation", hosting="cloud", criticality="high", personal_data=True,
            )
            system.information_types.set(
                [InformationTypeFactory(organisation=org_a, name=f"Informationstyp {i:03d}-{k}") for k in range(2)]
            )
            system.shared_with.add(supplier_org)
            other = SystemFactory(organisation=org_b, name=f"System B {i:03d}", owner=None)
            other.shared_with.add(org_a)
            member(org_a, "reader", email=f"reader{i:03d}@kommun-a.example")
            if not first:
                first.append(system)
                continue
            # The first system gains links on every round, so its page grows too.
            hub = first[0]
            DependencyFactory(system=system, depends_on=hub, organisation=org_a)
            DependencyFactory(system=hub, depends_on=system, organisation=org_a)
            hub.information_types.add(*system.information_types.all())
            hub.shared_with.add(OrganisationFactory(name=f"Drift {i:03d} AB", slug=f"drift-{i:03d}", kind="supplier"))

    grow.coordinator = coordinator
    grow.first = first
    return grow


def _queries(client, url: str, **headers) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in ctx.captured_queries]


def _same_count(world, client, url: str, expected: int, must_show: str, computed: bool = False,
                **headers) -> None:
    """`computed`: the page keeps figures until the data changes (core.datacache); each measured
    request computes them (the cache is emptied first)."""
    world(SMALL)
    # A first request may record a token's last use (at most once a minute); not measured.
    client.get(url, **headers)
    if computed:
        cache.clear()
    small = _queries(client, url, **headers)
    world(LARGE - SMALL)
    response = client.get(url, **headers)
    assert must_show in response.content.decode()
    if computed:
        cache.clear()
    large = _queries(client, url, **headers)
    assert len(large) == len(small), "\n".join(large)
    assert len(large) == expected, "\n".join(large)


def test_start_page(world, login):
    # request (3); the work queue (core/workqueue.py), each source a COUNT and, when it finds
    # something, one page of rows: the member's actions (1), their risks past review (1), open
    # questions to suppliers (1), systems without an owner (1), unclassified information types
    # (2), the checklist's areas, contracts with unassessed areas (2), KPI reports awaiting a
    # verdict (1), meetings coming up, action items to take, meetings without minutes (3),
    # governing documents due (2), incidents: deadlines within 24 hours, cases not assessed (2, a
    # COUNT each when there are none), data protection: processing due for review, DPIAs awaiting a
    # step, transfers without basis, processors without an agreement (8 in all with audits:
    # observations awaiting our response, open audits); changes awaiting our decision, to test,
    # closing reports to confirm (3); the management review due: the last held, the next planned (2);
    # then totals by lifecycle, by hosting, the aggregate figures,
    # information types, the risk matrix and the residual risks per heat-map cell, the 8 latest
    # trail entries; and the classifications past their review date (a COUNT when there are none).
    client = login(world.coordinator)
    _same_count(world, client, reverse("core:home"), 43, must_show="Kommun A", computed=True)
    # Kept until the data changes (core.workqueue.current_work): the request, the organisations
    # it shares with and the trail heads (the key), then the overview and the heat map as above.
    kept = _queries(client, reverse("core:home"))
    assert len(kept) == 12, "\n".join(kept)


def test_systems_list(world, login):
    # request (3), COUNT for the paginator, one page of systems joined with owner, supplier,
    # organisation, unit and administrator, the protection need of that page's systems.
    client = login(world.coordinator)
    _same_count(world, client, reverse("inventory:system_list"), 6, must_show="System 039")


def test_systems_list_filtered_and_sorted(world, login):
    # The same six queries with filters and another sort order.
    client = login(world.coordinator)
    url = reverse("inventory:system_list") + "?q=System&lifecycle=operation&hosting=cloud&criticality=high" \
        "&personal_data=yes&sort=owner"
    _same_count(world, client, url, 6, must_show="System 039")


def test_systems_list_htmx_rows(world, login):
    # The htmx partial (rows only): the same six queries as the full page.
    client = login(world.coordinator)
    url = reverse("inventory:system_list") + "?sort=-name"
    _same_count(world, client, url, 6, must_show="System 039", HTTP_HX_REQUEST="true")


def test_system_detail(world, login):
    # request (3), the system with owner, administrator, supplier, organisation and unit,
    # its information types with their classifications (the protection need and the levels
    # behind it are computed from them), its shares, what it depends on, what depends on it,
    # its history, the names of the records its history links to (one UNION for the whole
    # page). The dependency form asks for a name and lists no systems.
    client = login(world.coordinator)
    world(SMALL)
    url = reverse("inventory:system_detail", args=[world.first[0].pk])
    small = _queries(client, url)
    world(LARGE - SMALL)
    assert "System 039" in client.get(url).content.decode()
    large = _queries(client, url)
    assert len(large) == len(small), "\n".join(large)
    assert len(large) == 10, "\n".join(large)


def test_information_types_list(world, login):
    # request (3), COUNT for the paginator, one page of information types with their system counts
    # and classifications, the classification model (which aspects the level columns show).
    client = login(world.coordinator)
    _same_count(world, client, reverse("inventory:infotype_list"), 6, must_show="Informationstyp 024-0")


def test_suppliers_list(world, login):
    # request (3), COUNT for the paginator, one page of suppliers with their system counts.
    client = login(world.coordinator)
    _same_count(world, client, reverse("suppliers:supplier_list"), 5, must_show="Leverantör 039 AB")


def test_organisation_page(world, login):
    # request (3), units with their parents, members with their users, the suppliers serving
    # the organisation, its customers.
    client = login(world.coordinator)
    _same_count(world, client, reverse("organisations:detail"), 7, must_show="reader039@kommun-a.example")


def test_audit_trail_log(world, login):
    # request (3), the members for the person filter, COUNT for the paginator, one page of 50
    # entries, the names of the records those entries link to (one UNION over the linked models,
    # however many entries), the newest signed checkpoint.
    client = login(world.coordinator)
    _same_count(world, client, reverse("trail:log"), 8, must_show="System 039")
    _same_count(world, client, reverse("trail:log") + "?record_type=inventory.system&action=create", 8,
                must_show="System 039")


def test_api_systems_list(world, client):
    # The token with its user, the user's memberships with their organisations, COUNT for the
    # paginator, one page of systems joined with owner, administrator, supplier, organisation
    # and unit.
    _, raw = ApiToken.issue(user=world.coordinator, name="query counts")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    _same_count(world, client, "/api/systems?sort=-name", 4, must_show="System 039", **headers)


@pytest.fixture
def assessments(world, org_a, org_b, member):
    """grow(n) adds n placement assessments to Kommun A through the services: each with two or
    three alternatives with costs, a verdict, linked systems and information types, a
    responsible person of its own, and every other one decided. Kommun B gets one each round,
    which A must not see."""
    from core.tenancy import tenant_for
    from placement import services
    from placement.models import CostCategory

    coordinator = world.coordinator
    tenant = tenant_for(coordinator, org_a.pk)
    other = tenant_for(member(org_b, "coordinator"), org_b.pk)
    made = [0]

    def assess(tenant, i, title, responsible):
        system = SystemFactory(organisation=tenant.organisation, name=f"Tjänst {title}")
        info = InformationTypeFactory(organisation=tenant.organisation, name=f"Information {title}")
        assessment = services.assessment_create(tenant=tenant, data={
            "title": title, "service": f"tjänst {i}", "assessment_date": datetime.date(2026, 1, 1 + i % 28),
            "responsible": responsible, "systems": [system], "information_types": [info]})
        alternatives = [
            services.alternative_create(tenant=tenant, assessment=assessment, data={
                "name": f"Alternativ {k}", "hosting": hosting, "storage_countries": ["SE"]},
                costs=[{"category": CostCategory.LICENCES, "kind": "recurring", "amount": 1000 * (k + 1), "year": 1}])
            for k, hosting in enumerate(["own_dc", "cloud", "supplier_dc"][: 2 + i % 2])
        ]
        services.verdict_save(tenant=tenant, alternative=alternatives[0], perspective="security", verdict="favours",
                              rationale="Bra.")
        if i % 2:
            services.decision_record(tenant=tenant, assessment=assessment, alternative=alternatives[0], data={
                "body": "namnd", "registration_number": f"N 2026/{i}", "decided_on": datetime.date(2026, 2, 1),
                "decision": "Beslut."})

    def grow(n: int) -> None:
        for _ in range(n):
            i = made[0]
            made[0] += 1
            responsible = member(org_a, "system_owner", email=f"owner{i:03d}@kommun-a.example")
            assess(tenant, i, f"Bedömning {i:03d}", responsible)
            assess(other, i, f"B:s bedömning {i:03d}", None)

    grow.coordinator = coordinator
    return grow


def test_placement_assessments_list(assessments, login):
    # request (3), COUNT for the paginator, one page of assessments joined with the responsible
    # person and the decision, with the alternatives counted.
    client = login(assessments.coordinator)
    _same_count(assessments, client, reverse("placement:list"), 5, must_show="Bedömning 039")


def test_placement_assessments_list_filtered(assessments, login):
    # The same five queries with the status filter.
    client = login(assessments.coordinator)
    _same_count(assessments, client, reverse("placement:list") + "?status=decided", 5, must_show="Bedömning 039")


def test_api_placement_assessments_list(assessments, client):
    # The token with its user, the memberships, COUNT for the paginator, one page of
    # assessments with the alternatives counted.
    _, raw = ApiToken.issue(user=assessments.coordinator, name="query counts")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    # (JSON escapes "ö", so the title is matched by its tail.)
    _same_count(assessments, client, "/api/placement", 4, must_show="mning 039", **headers)
