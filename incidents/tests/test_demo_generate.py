"""The generated incidents (the demo's year of incidents is checked in demo/tests/test_the_demo.py)."""

import pytest
from django.core.management import call_command

from incidents.generate import incident_count
from incidents.models import Incident, IncidentCase

pytestmark = pytest.mark.django_db


def test_generated_incidents_follow_the_scale():
    call_command("generate_data", "--scale", "0.01", stdout=open("/dev/null", "w"))
    assert Incident.objects.filter(organisation__slug__startswith="gen-org-").count() == incident_count(0.01)
    assert incident_count(1) == 100_000
    assert IncidentCase.objects.filter(next_deadline__isnull=False).exists()
