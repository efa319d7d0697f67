"""The systems' current placement takes the systems' own requirement statuses (issue 12 point 6):
the perspective, the page and the decision document state the figures of the requirement list."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from placement import documents, selectors, services
from placement.models import Perspective
from placement.tests.conftest import cloud_data, cost, local_data
from requirements import selectors as requirement_selectors
from requirements import services as requirement_services
from requirements.catalogue import load_catalogue
from requirements.models import Requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(tenant, make_assessment):
    load_catalogue()
    assessment = make_assessment(alternatives=1)
    services.alternative_create(tenant=tenant, assessment=assessment,
                                data=local_data(name="Lokal drift i dag", current_placement=True),
                                costs=[cost(10_000)])
    assessment.refresh_from_db()
    return assessment


def _figures(tenant, system) -> list[str]:
    """Met, not met, not assessed as the system's own requirement list counts them."""
    counts = requirement_selectors.system_requirements(tenant=tenant, system=system).summary
    return [str(counts["met"] + counts["not_applicable"]), str(counts["not_met"] + counts["partly_met"]),
            str(counts["unassessed"])]


def _document_row(tenant, assessment, name) -> list[str]:
    document = documents.build(tenant=tenant, assessment=assessment)
    with translation.override("sv"):
        table = next(b for b in document.blocks if b.kind == "table" and b.header[:2] == ["Alternativ", "Uppfyllt"])
    return next(row for row in table.rows if row[0] == name)


def _set(tenant, system, code, status):
    requirement_services.requirement_status_set(tenant=tenant, system=system, data={"status": status},
                                                requirement=Requirement.objects.get(code=code,
                                                                                    organisation__isnull=True))


def test_the_current_placement_and_the_decision_document_follow_the_systems_own_statuses(tenant, assessment,
                                                                                         email_system):
    _set(tenant, email_system, "ÅS-01", "met")
    _set(tenant, email_system, "DR-01", "not_met")
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    current = next(alt for alt in result.alternatives if alt.current_placement)
    security = result.perspectives[Perspective.SECURITY].details
    codes = {r.pk: r.code for r in security["requirements"]}
    assert "DR-01" in {codes[int(pk)] for pk in security["unmet"][current.pk]}
    assert "ÅS-01" in {codes[int(pk)] for pk in security["assessed"][current.pk]} - {
        codes[int(pk)] for pk in security["unmet"][current.pk]}
    # TI-01 comes from the data (the system is in the inventory): met without anyone marking it.
    assert "TI-01" in {codes[int(pk)] for pk in security["assessed"][current.pk]}
    figures = _figures(tenant, email_system)
    assert _document_row(tenant, assessment, "Lokal drift i dag") == ["Lokal drift i dag", *figures]
    # The system's assessment changes: the alternative and the document follow, nothing else saved.
    _set(tenant, email_system, "ÅS-01", "not_met")
    changed = _figures(tenant, email_system)
    assert changed == [str(int(figures[0]) - 1), str(int(figures[1]) + 1), figures[2]]
    assert _document_row(tenant, assessment, "Lokal drift i dag") == ["Lokal drift i dag", *changed]


def test_the_current_placement_cannot_be_marked_by_hand(tenant, assessment, login, coordinator):
    current = assessment.alternatives.get(current_placement=True)
    with pytest.raises(ValidationError):
        services.requirements_mark(tenant=tenant, alternative=current, marks={"1": True})
    current.refresh_from_db()
    assert current.requirements_met == {}
    page = login(coordinator).get(reverse("placement:security", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "The systems&#x27; current placement" in html or "The systems' current placement" in html
    assert reverse("requirements:system_requirements", args=[assessment.systems.get().pk]) in html


def test_only_one_alternative_is_the_current_placement(tenant, assessment):
    with pytest.raises((ValidationError, IntegrityError)):
        services.alternative_create(tenant=tenant, assessment=assessment,
                                    data=cloud_data(name="Annan", current_placement=True))
    assert assessment.alternatives.filter(current_placement=True).count() == 1


def test_the_api_states_the_current_placements_figures_as_the_systems_own_list(tenant, assessment, email_system,
                                                                               client, api_headers, coordinator, org_a):
    _set(tenant, email_system, "ÅS-01", "met")
    _set(tenant, email_system, "DR-01", "not_met")
    codes = {str(r.pk): r.code for r in Requirement.objects.filter(code__in=["ÅS-01", "DR-01", "TI-01"])}
    response = client.get(f"/api/placement/{assessment.pk}", **api_headers(coordinator, org_a))
    assert response.status_code == 200, response.content
    current = next(alt for alt in response.json()["alternatives"] if alt["current_placement"])
    marks = {codes[pk]: met for pk, met in current["requirements_met"].items() if pk in codes}
    # Assessed on the system, and TI-01 derived from the data (in the inventory): nothing was marked by hand.
    assert marks == {"ÅS-01": True, "DR-01": False, "TI-01": True}
    assert assessment.alternatives.get(current_placement=True).requirements_met == {}
