"""Heat maps: counts per cell, colours by level, accessible text, links to the filtered register."""

import re

import pytest
from django.urls import reverse

from risk import heatmap, selectors, services
from risk.models import RiskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def risks(make_risk):
    make_risk("A", inherent=(4, 4), residual=(3, 2))
    make_risk("B", inherent=(4, 4), residual=(3, 2))
    make_risk("C", inherent=(2, 1), residual=(1, 1))
    make_risk("D", inherent=(1, 1))  # no residual assessment: only on the inherent map
    make_risk("E", inherent=(4, 4), residual=(4, 4), status=RiskStatus.CLOSED)  # closed: on neither


def test_counts_per_cell_leave_out_closed_and_unassessed(risks, as_role):
    tenant = as_role("reader")
    assert selectors.heatmap_counts(tenant=tenant, kind="residual") == {(3, 2): 2, (1, 1): 1}
    assert selectors.heatmap_counts(tenant=tenant, kind="inherent") == {(4, 4): 2, (2, 1): 1, (1, 1): 1}


def test_another_organisations_risks_are_not_counted(risks, org_b, member):
    from core.tenancy import tenant_for

    foreign = tenant_for(member(org_b, "coordinator"), org_b.pk)
    assert selectors.heatmap_counts(tenant=foreign, kind="residual") == {}


def test_the_svg_is_an_image_with_a_summary_and_every_cell_is_a_link(risks, as_role):
    tenant = as_role("reader")
    hm = heatmap.build(selectors.matrix_for(tenant), selectors.heatmap_counts(tenant=tenant, kind="residual"),
                       "residual")
    assert hm.total == 3
    assert 'role="img"' in hm.svg
    assert 'aria-label="Residual risk heat map, 4 × 4: 3 risks. The table that follows gives the count per cell."' in hm.svg
    # 16 coloured cells, each in the colour of its level.
    assert len(re.findall(r'class="heatmap-cell heat-', hm.svg)) == 16
    assert hm.svg.count("heat-very_high") == 3  # cells 3×4, 4×3, 4×4 (scores 12, 12, 16)
    # Links are in the overlay (hidden from assistive technology), one per cell.
    assert 'aria-hidden="true"' in hm.links_svg and "<a " not in hm.svg
    assert hm.links_svg.count('tabindex="-1"') == 16
    assert reverse("risk:risk_list") + "?l=3&amp;c=2&amp;kind=residual&amp;status=open" in hm.links_svg
    # Axis labels from the matrix's scales; long ones wrap onto two lines (SVG text does not wrap).
    assert ">Very likely</tspan>" in hm.svg
    assert re.search(r">Very</tspan><tspan [^>]*>serious</tspan>", hm.svg)


def test_rows_are_drawn_with_the_highest_likelihood_first(risks, as_role):
    tenant = as_role("reader")
    hm = heatmap.build(selectors.matrix_for(tenant), selectors.heatmap_counts(tenant=tenant, kind="residual"),
                       "residual")
    assert [row.likelihood for row in hm.rows] == [4, 3, 2, 1]
    cell = hm.rows[1].cells[1]
    assert (cell.likelihood, cell.consequence, cell.count, cell.level, cell.url) == (
        3, 2, 2, "medium", "/risks/?l=3&c=2&kind=residual&status=open")


def test_a_cell_link_shows_exactly_the_risks_of_that_cell(risks, as_role, people, login):
    client = login(people["reader"])
    tenant = as_role("reader")
    matrix = selectors.matrix_for(tenant)
    for kind in selectors.KINDS:
        counts = selectors.heatmap_counts(tenant=tenant, kind=kind)
        hm = heatmap.build(matrix, counts, kind)
        for cell in (cell for row in hm.rows for cell in row.cells if cell.count):
            html = client.get(cell.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            # The register behind the cell lists as many risks as the cell counts.
            assert len(re.findall(r'<a href="/risks/\d+/">(\w)</a>', html)) == cell.count, cell.url
    html = client.get(heatmap.cell_url("inherent", 4, 4), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The closed risk E is counted by no cell, so the register behind the cell leaves it out too.
    assert sorted(re.findall(r'<a href="/risks/\d+/">(\w)</a>', html)) == ["A", "B"]
    # Without the link's status filter the register still finds it: it is a record.
    html = client.get("/risks/?l=4&c=4&kind=inherent", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert sorted(re.findall(r'<a href="/risks/\d+/">(\w)</a>', html)) == ["A", "B", "E"]


def test_the_api_register_filtered_as_a_cell_counts_as_the_cell(risks, as_role):
    tenant = as_role("reader")
    qs = selectors.risk_list(tenant=tenant, filters=selectors.RiskFilters(kind="inherent", l=4, c=4, status="open"),
                             matrix=selectors.matrix_for(tenant))
    assert sorted(r.title for r in qs) == ["A", "B"] and selectors.heatmap_counts(tenant=tenant, kind="inherent")[(4, 4)] == 2


def test_the_page_shows_both_maps_with_their_table_alternatives(risks, people, login):
    html = login(people["reader"]).get(reverse("risk:overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('role="img"') == 2
    assert html.count('class="heatmap-table"') == 2
    assert '<a href="/risks/?l=3&amp;c=2&amp;kind=residual&amp;status=open">2 risks, level Medium</a>' in html
    assert '<a href="/risks/?l=4&amp;c=4&amp;kind=inherent&amp;status=open">2 risks, level Very high</a>' in html


def test_a_5x5_matrix_draws_25_cells(as_role, make_risk):
    services.matrix_update(tenant=as_role("coordinator"), version=1, data={
        "likelihood_size": 5, "consequence_size": 5, "medium_from": 5, "high_from": 10, "very_high_from": 16,
        "acceptance_level": "medium"})
    make_risk("X", residual=(5, 5))
    tenant = as_role("reader")
    hm = heatmap.build(selectors.matrix_for(tenant), selectors.heatmap_counts(tenant=tenant, kind="residual"),
                       "residual", compact=True)
    assert len(re.findall(r'class="heatmap-cell heat-', hm.svg)) == 25
    assert hm.rows[0].cells[4].count == 1 and hm.rows[0].cells[4].level == "very_high"
