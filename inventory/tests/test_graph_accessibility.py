"""The dependency graph's boxes are links: the graph must not be an image (axe nested-interactive)."""

import pytest

from inventory.graph import dependency_svg
from inventory.models import SystemDependency
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def test_the_graph_with_links_is_a_named_group_not_an_image(org_a):
    payroll = SystemFactory(organisation=org_a, name="Lönesystem")
    directory = SystemFactory(organisation=org_a, name="Katalogtjänst")
    dependency = SystemDependency.objects.create(organisation=org_a, system=payroll, depends_on=directory)
    svg = str(dependency_svg(payroll, [dependency], []))
    assert 'role="group"' in svg and 'role="img"' not in svg
    assert 'aria-label="' in svg and "<a href=" in svg and "<title>Katalogtjänst</title>" in svg
