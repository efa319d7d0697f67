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
    # The memorandum's sender: the förvaltning and the coordinator by role title, no invented names.
    assert (email.department, email.case_officer, email.case_officer_title) == (
        "Kommunledningsförvaltningen", user, "Informationssäkerhetssamordnare")
    assert email.recipients.splitlines() == ["Kommunstyrelsen", "Kommundirektören", "IT-enheten", "Dataskyddsombudet"]
    assert user.full_name.startswith("Informationssäkerhetssamordnare, ")
    result = selectors.assessment_analysis(tenant=tenant_for(user, email.organisation_id), assessment=email)
    assert result.recommended.name == "Exchange Online (molntjänst)"
    cells = [p.cells[result.recommended.pk] for p in result.perspectives.values()]
    assert [c.computed_verdict for c in cells] == ["favours", "against", "favours", "favours"]
    assert [c.verdict for c in cells] == ["favours", "against", "favours", "favours"]
    assert not any(c.judged for c in cells)
    # As the seed concludes, the law speaks against the cloud service: in April 2021 the US had no
    # adequacy decision and the clauses had no transfer impact assessment. Local operation is lawful.
    outcomes = {alt.name: la.outcome.outcome for alt in result.alternatives
                for la in [result.perspectives["legal"].details["alternatives"][alt.pk]]}
    assert outcomes == {"Exchange Online (molntjänst)": "not_lawful", "Lokal drift i kommunens datacenter": "lawful"}
    # The requirements are assessed per alternative against the catalogue the demo loads.
    security = result.perspectives["security"].details
    assert len(security["requirements"]) == 88
    assert {alt.name: (len(security["assessed"][alt.pk]), len(security["unmet"][alt.pk]))
            for alt in result.alternatives} == {"Exchange Online (molntjänst)": (85, 0),
                                                "Lokal drift i kommunens datacenter": (85, 10)}
    # Loading again changes nothing.
    call_command("load_demo")
    assert Assessment.objects.count() == 2
