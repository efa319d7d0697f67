"""The demo loader: Björkvik gets both reference assessments, the other municipalities none."""

import pytest
from django.core.management import call_command

from accounts.models import User
from core.tenancy import tenant_for
from placement import demo, selectors
from placement.models import Assessment

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_reference_cases_in_bjorkvik(capsys):
    call_command("load_demo")
    assert sorted(Assessment.objects.values_list("organisation__slug", "title", "status")) == [
        ("bjorkvik", demo.SOCIAL_TITLE, "decided"), ("bjorkvik", demo.EMAIL_TITLE, "draft")]
    user = User.objects.get(email="samordnare@bjorkvik.example")
    email = Assessment.objects.get(title=demo.EMAIL_TITLE)
    assert [s.name for s in email.systems.all()] == ["E-post (Exchange Online)"]
    assert [i.name for i in email.information_types.all()] == ["E-post och kalender"]
    result = selectors.assessment_analysis(tenant=tenant_for(user, email.organisation_id), assessment=email)
    assert result.recommended.name == "Exchange Online (molntjänst)"
    assert [p.cells[result.recommended.pk].verdict for p in result.perspectives.values()] == [
        "favours", "against", "favours", "favours"]
    # Loading again changes nothing.
    call_command("load_demo")
    assert Assessment.objects.count() == 2
