"""Pages and list endpoints of the requirements module read a number of queries that does not grow.

Each test requests with a small data set, grows it (own requirements with controls, classified
systems, assessments with assessors, SoA rows, another organisation's data) and requests again:
the same number of queries, and exactly that number. "request" in the comments is the three
queries of every page: the session, the user, the memberships with their organisations; "token"
is the API's three: the token with its user, the memberships, the token's last-used time.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import services as action_services
from core.tenancy import tenant_for
from requirements import derived, selectors, services
from requirements.models import ApplicabilityStatement, Control, Requirement
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30


@pytest.fixture
def world(org_a, org_b, tenant, system, classify, catalogue, member):
    """grow(n): n more own requirements, classified systems, assessments of `system` and SoA rows."""
    classify(system, K=2, R=2, T=2, S=2)
    controls = list(Control.objects.order_by("sort_key"))
    # Requirements assessed by hand: those Tillit answers from its data follow the data instead.
    catalogue_requirements = [r for r in Requirement.objects.filter(organisation__isnull=True).order_by("code")
                              if not derived.is_derived(r)]
    coordinator = tenant_for(member(org_a, "coordinator"), org_a.pk)
    made = [0]

    def grow(n: int) -> None:
        for _ in range(n):
            i = made[0]
            made[0] += 1
            own = Requirement.objects.create(organisation=org_a, code=f"EGEN-{i:02d}", area="supplier", title=f"Eget {i}",
                                             text_is="Ä", text_shall="S", levels={"K": 1}, nis2_points="|d|")
            own.controls.set(controls[i % 90: i % 90 + 2])
            classify(SystemFactory(organisation=org_a, name=f"System {i:03d}"), K=i % 4, R=1, T=2, S=1)
            classify(system, K=2, R=2, T=2, S=2)  # the system handles one more information type
            assessor = tenant if i % 2 else coordinator  # two assessors to preload
            requirement = catalogue_requirements[i]
            services.requirement_status_set(tenant=assessor, system=system, requirement=requirement,
                                            data={"status": "not_met" if i % 3 else "met", "evidence": f"Bevis {i}"})
            if i % 3:
                # An open action with its owner on the row; every other one is later met, the action still open.
                services.requirement_action_create(tenant=assessor, system=system, requirement=requirement,
                                                   owner=assessor.user, due_date=datetime.date(2030, 1, 1 + i % 28))
                if i % 2:
                    services.requirement_status_set(tenant=assessor, system=system, requirement=requirement,
                                                    data={"status": "met"})
            services.applicability_set(tenant=tenant, control=controls[i], data={
                "applicable": True, "implementation": "partly", "implementation_override_reason": "Delvis infört"})
            Requirement.objects.create(organisation=org_b, code=f"B-{i:02d}", area="access", title="B", text_is="Ä",
                                       text_shall="S", levels={"K": 1})

    grow.system = system
    return grow


def _count(client, url: str, **headers) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in ctx.captured_queries]


def _same(world, client, url, expected, **headers):
    world(SMALL)
    # The first request records the token's last use (at most once a minute); not measured.
    client.get(url, **headers)
    small = _count(client, url, **headers)
    world(LARGE - SMALL)
    large = _count(client, url, **headers)
    assert len(large) == len(small), "\n".join(large)
    assert len(large) == expected, "\n".join(large)


def test_catalogue_page(world, login, editor):
    # request (3), the controls for the filter, COUNT for the paginator, one page of requirements,
    # their controls.
    _same(world, login(editor), reverse("requirements:catalogue"), 7)


def test_catalogue_page_filtered(world, login, editor):
    # The same seven with every filter (the control filters are a subquery, not extra queries).
    url = reverse("requirements:catalogue") + "?q=Eget&area=supplier&control=5.1&nis2=d&attribute=domains:resilience&origin=own"
    _same(world, login(editor), url, 7)


def test_system_requirements_page(world, login, editor, tenant):
    # request (3), the system, the classification settings, the protection need, the requirements,
    # their controls, the statuses with their assessors, their open actions with their owners; the
    # facts of the requirements answered from data (requirements.derived): the system with its
    # owner and administrator, its information types, their classifications, its risks, the
    # processing activities naming it (its supplier's agreements: none here, so no query).
    client = login(editor)
    url = reverse("requirements:system_requirements", args=[world.system.pk])
    _same(world, client, url, 15)
    page = client.get(url).content.decode()
    # Every open action of a derived requirement is on its row (a few assessed requirements do not apply).
    shown = sum(len(row.actions) for row in selectors.system_requirements(tenant=tenant, system=world.system).rows)
    assert page.count('class="small requirement-action"') == shown > 10


def test_system_requirements_htmx_results_and_summary(world, login, editor):
    client = login(editor)
    url = reverse("requirements:system_requirements", args=[world.system.pk])
    # The same fifteen for the rows only and for the summary only.
    _same(world, client, url + "?status=met&attribute=capabilities:continuity", 15, HTTP_HX_REQUEST="true")
    assert len(_count(client, url + "?part=summary", HTTP_HX_REQUEST="true")) == 15


def test_action_plan_with_requirement_actions(world, login, editor):
    # request (3), the source kinds for the filter, the members for the owner filter, the counts,
    # COUNT for the paginator, one page of actions with owners, kinds and systems, their sources (one
    # query per kind): linked without more queries.
    client = login(editor)
    url = reverse("actions:action_list") + "?view=all"
    _same(world, client, url, 9)
    page = client.get(url).content.decode()
    assert page.count(reverse("requirements:system_requirements", args=[world.system.pk]) + "#req-") == 20


def _computed(world, client, url, expected, **headers):
    """_same for a page whose figures are kept until the data changes (core.datacache): each
    counted request computes them (the cache is emptied first)."""
    world(SMALL)
    client.get(url, **headers)
    cache.clear()
    small = _count(client, url, **headers)
    world(LARGE - SMALL)
    cache.clear()
    large = _count(client, url, **headers)
    assert len(large) == len(small), "\n".join(large)
    assert len(large) == expected, "\n".join(large)


def test_soa_page(world, login, editor):
    # request (3), the requirements, their controls, the organisation's suppliers and the heads of
    # the trail (the cache key), the organisation's systems with their needs, the classification
    # settings, for the implementation derived from the systems' statuses: the stored statuses,
    # the five of the facts answered from data; the statement rows, the controls.
    _computed(world, login(editor), reverse("requirements:soa") + "?attribute=control_types:preventive", 17)


def test_soa_page_kept_until_the_data_changes(world, login, editor):
    client = login(editor)
    url = reverse("requirements:soa")
    world(SMALL)
    client.get(url)
    # Kept: the request, the requirements, their controls, the cache key, the statements, the controls.
    assert len(_count(client, url)) == 9
    world(1)  # a write: the next view computes afresh
    assert len(_count(client, url)) == 17


def test_api_catalogue(world, client, api, editor):
    # token (2), COUNT, one page of requirements, their controls.
    _same(world, client, "/api/requirements/catalogue?nis2=d", 5, **api(editor))


def test_api_controls(world, client, api, editor):
    # token (2), the controls.
    _same(world, client, "/api/requirements/controls?capability=continuity", 3, **api(editor))


def test_api_system_requirements(world, client, api, editor):
    # token (2), the system, the settings, the need, the requirements, their controls, the statuses,
    # their open actions, the five of the facts answered from data (as on the page).
    _same(world, client, f"/api/requirements/systems/{world.system.pk}", 14, **api(editor))


def test_api_soa(world, client, api, editor):
    # token (2), and the page's fourteen (as on the page).
    _computed(world, client, "/api/requirements/soa", 16, **api(editor))
    assert ApplicabilityStatement.objects.count() == LARGE
