"""The demo's year of incidents and the generated data."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from actions.models import Action
from core.tenancy import organisation_reader
from incidents import findings
from incidents.generate import incident_count
from incidents.models import Incident, IncidentCase, Lesson, StageSubmission
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(m.objects.count() for m in (Incident, IncidentCase, StageSubmission, Lesson))


def test_demo_loads_once_with_the_seeds_situation():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert _counts() == counts
    it = Organisation.objects.get(slug="mellanskog-it")
    ransomware = Incident.objects.get(organisation=it, title__startswith="Ransomware")
    cases = IncidentCase.objects.filter(incident=ransomware).exclude(organisation=it)
    assert cases.count() == 4 and all(c.significant for c in cases)
    for case in cases:
        stages = {s.stage: s for s in case.submissions.all()}
        assert {"early_warning", "notification", "final"} <= set(stages)
        assert not any(s.late_reason for s in stages.values())  # on time
    reviewed = cases.get(review__completed_at__isnull=False)
    lessons = Lesson.objects.filter(review__case=reviewed)
    assert lessons.count() == 2 and all(Action.objects.filter(pk=l.action_id).exists() for l in lessons)
    assert IncidentCase.objects.filter(closed_without_review=True).count() >= 4
    assert IncidentCase.objects.filter(breach=True, submissions__stage="imy").exists()
    today = timezone.localdate()
    lindo = organisation_reader(Organisation.objects.get(slug="lindo"))
    assert "incidents.closed_without_review" in [r.key for r in findings.RULES if r.check(lindo, today=today)]


def test_generated_incidents_follow_the_scale():
    call_command("generate_data", "--scale", "0.01", stdout=open("/dev/null", "w"))
    assert Incident.objects.filter(organisation__slug__startswith="gen-org-").count() == incident_count(0.01)
    assert incident_count(1) == 100_000
    assert IncidentCase.objects.filter(next_deadline__isnull=False).exists()
