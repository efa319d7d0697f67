"""The generated records of processing (the demo's are checked in demo/tests/test_the_demo.py)."""

import pytest
from django.core.management import call_command

from demo.generated import Plan
from privacy.generate import activity_count
from privacy.models import ProcessingActivity

pytestmark = pytest.mark.django_db


def test_generated_activities_follow_the_scale():
    call_command("generate_data", "--scale", "0.02", stdout=open("/dev/null", "w"))
    assert ProcessingActivity.objects.filter(organisation__slug__startswith="gen-org-").count() == pytest.approx(
        activity_count(0.02), abs=Plan(0.02).municipalities)
    assert activity_count(1) == 20_000
