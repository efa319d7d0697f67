"""The audit page's maturity assessment and chart, the observation page's response and the
recommendation turned into an action from the page: bad input keeps what was typed, saves nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from actions.models import Action
from audits import services
from audits.models import Assessment, FrameworkRequirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def observation(auditor_a, audit_a):
    return services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={
        "title": "Avtalet saknar säkerhetskrav", "description": "Huvudavtalet reglerar inte säkerheten.",
        "priority": "short", "recommendations": ["Komplettera avtalet med säkerhetskrav."]})


def test_the_auditor_assesses_maturity_on_the_audit_page_and_sees_the_chart(login, auditor_a, audit_a):
    msb = FrameworkRequirement.objects.filter(framework__key="msb-lis").order_by("order").first()
    client = login(auditor_a.user)
    url = reverse("audits:audit_detail", args=[audit_a.pk])
    page = client.get(url).content.decode()
    assert reverse("audits:audit_assess", args=[audit_a.pk]) in page
    response = client.post(reverse("audits:audit_assess", args=[audit_a.pk]),
                           {"requirement": msb.pk, "level": 2, "comment": "Påbörjat."})
    assert response.status_code == 302
    row = Assessment.objects.get()
    assert (row.requirement, row.level, row.comment, row.assessed_by) == (msb, 2, "Påbörjat.", auditor_a.user)
    page = client.get(url).content.decode()
    assert "<svg" in page and msb.group in page


def test_a_level_outside_the_scale_is_refused_and_the_form_keeps_the_comment(login, auditor_a, audit_a):
    msb = FrameworkRequirement.objects.filter(framework__key="msb-lis").order_by("order").first()
    response = login(auditor_a.user).post(reverse("audits:audit_assess", args=[audit_a.pk]),
                                          {"requirement": msb.pk, "level": 9, "comment": "Mitt skrivna underlag"})
    assert response.status_code == 422
    assert "Mitt skrivna underlag" in response.content.decode()
    assert response.context["assessment_form"].errors["level"]
    assert not Assessment.objects.exists()


def test_only_the_audits_auditors_see_and_use_the_assessment_form(login, org_a, as_member, tenant_a, audit_a):
    msb = FrameworkRequirement.objects.filter(framework__key="msb-lis").first()
    reader, _tenant = as_member(org_a, "reader")
    assert login(reader).get(reverse("audits:audit_detail", args=[audit_a.pk])).context["assessment_form"] is None
    assert login(reader).post(reverse("audits:audit_assess", args=[audit_a.pk]),
                              {"requirement": msb.pk, "level": 2}).status_code == 403
    # The coordinator may carry out audits, but is not one of this audit's auditors.
    response = login(tenant_a.user).post(reverse("audits:audit_assess", args=[audit_a.pk]),
                                         {"requirement": msb.pk, "level": 2})
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_the_coordinator_puts_a_recommendation_in_the_action_plan(login, tenant_a, observation, today):
    rec = observation.recommendations.get()
    client = login(tenant_a.user)
    page = client.get(reverse("audits:observation_detail", args=[observation.pk])).content.decode()
    url = reverse("audits:recommendation_action", args=[rec.pk])
    assert url in page
    due = today + datetime.timedelta(days=60)
    response = client.post(url, {f"rec{rec.pk}-owner": tenant_a.user.pk, f"rec{rec.pk}-due_date": due.isoformat()})
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.action.owner, rec.action.due_date, rec.action.organisation_id) == (
        tenant_a.user, due, observation.organisation_id)
    page = client.get(reverse("audits:observation_detail", args=[observation.pk])).content.decode()
    assert rec.action.get_absolute_url() in page and url not in page


def test_a_recommendation_without_owner_is_refused_and_the_date_kept(login, tenant_a, observation, today):
    rec = observation.recommendations.get()
    due = (today + datetime.timedelta(days=60)).isoformat()
    response = login(tenant_a.user).post(reverse("audits:recommendation_action", args=[rec.pk]),
                                         {f"rec{rec.pk}-owner": "", f"rec{rec.pk}-due_date": due})
    assert response.status_code == 422
    assert due in response.content.decode()
    assert str(services.OWNER_REQUIRED) in response.content.decode()
    assert not Action.objects.exists()


def test_the_audits_auditor_puts_a_recommendation_in_the_plan_from_the_page(login, auditor_a, tenant_a,
                                                                             observation, today):
    rec = observation.recommendations.get()
    client = login(auditor_a.user)
    url = reverse("audits:recommendation_action", args=[rec.pk])
    assert url in client.get(reverse("audits:observation_detail", args=[observation.pk])).content.decode()
    response = client.post(url, {f"rec{rec.pk}-owner": tenant_a.user.pk,
                                 f"rec{rec.pk}-due_date": (today + datetime.timedelta(days=9)).isoformat()})
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.organisation_id) == (tenant_a.user, observation.organisation_id)
    # The plan names the recommendation as the action's source.
    assert "Komplettera avtalet" in login(tenant_a.user).get(reverse("actions:action_list")).content.decode()


def test_a_reader_is_not_offered_the_action_plan(login, org_a, as_member, tenant_a, observation, today):
    rec = observation.recommendations.get()
    reader, _tenant = as_member(org_a, "reader")
    client = login(reader)
    url = reverse("audits:recommendation_action", args=[rec.pk])
    assert url not in client.get(reverse("audits:observation_detail", args=[observation.pk])).content.decode()
    response = client.post(url, {f"rec{rec.pk}-owner": tenant_a.user.pk,
                                 f"rec{rec.pk}-due_date": (today + datetime.timedelta(days=9)).isoformat()})
    assert response.status_code == 403
    assert not Action.objects.exists()


def test_the_auditor_edits_the_observation_on_its_page_and_keeps_what_was_typed(login, auditor_a, observation):
    client = login(auditor_a.user)
    url = reverse("audits:observation_edit", args=[observation.pk])
    assert url in client.get(reverse("audits:observation_detail", args=[observation.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "Komplettera avtalet med säkerhetskrav." in page
    response = client.post(url, {"title": "Ny rubrik", "priority": "", "description": "Min text",
                                 "recommendations": "Komplettera avtalet med säkerhetskrav."})
    assert response.status_code == 422
    assert "Min text" in response.content.decode()
    observation.refresh_from_db()
    assert observation.title != "Ny rubrik"
    response = client.post(url, {"title": "Ny rubrik", "priority": "medium", "description": "Min text",
                                 "recommendations": "Komplettera avtalet med säkerhetskrav.\nFölj upp årligen."})
    assert response.status_code == 302
    observation.refresh_from_db()
    assert (observation.title, observation.priority, observation.recommendations.count()) == ("Ny rubrik", "medium", 2)


def test_the_auditor_removes_an_observation_on_its_page(login, auditor_a, tenant_a, observation):
    from audits.models import Observation

    assert login(tenant_a.user).post(reverse("audits:observation_delete", args=[observation.pk])).status_code == 403
    response = login(auditor_a.user).post(reverse("audits:observation_delete", args=[observation.pk]))
    assert response.status_code == 302
    assert not Observation.objects.filter(pk=observation.pk).exists()


def test_the_audited_organisation_responds_on_the_page(login, tenant_a, auditor_a, observation):
    url = reverse("audits:observation_respond", args=[observation.pk])
    assert url in login(tenant_a.user).get(reverse("audits:observation_detail", args=[observation.pk])).content.decode()
    response = login(tenant_a.user).post(url, {"response": "Avtalet omarbetas under hösten."})
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.response == "Avtalet omarbetas under hösten."
    # The auditor does not respond.
    assert login(auditor_a.user).post(url, {"response": "Ändrat"}).status_code == 403
    observation.refresh_from_db()
    assert observation.response == "Avtalet omarbetas under hösten."


def test_an_empty_response_is_refused(login, tenant_a, observation):
    response = login(tenant_a.user).post(reverse("audits:observation_respond", args=[observation.pk]),
                                         {"response": "   "})
    assert response.status_code == 422
    observation.refresh_from_db()
    assert observation.response == ""


def test_another_organisation_reaches_none_of_it(login, org_b, as_member, audit_a, observation, today):
    user, _tenant = as_member(org_b, "coordinator")
    client = login(user)
    rec = observation.recommendations.get()
    assert client.post(reverse("audits:observation_respond", args=[observation.pk]),
                       {"response": "Intrång"}).status_code == 404
    assert client.post(reverse("audits:recommendation_action", args=[rec.pk]),
                       {f"rec{rec.pk}-owner": user.pk, f"rec{rec.pk}-due_date": today.isoformat()}).status_code == 404
    assert client.post(reverse("audits:audit_assess", args=[audit_a.pk]), {"level": 1}).status_code in (403, 404)
    observation.refresh_from_db()
    assert observation.response == "" and not Action.objects.exists() and not Assessment.objects.exists()


def test_the_pages_read_the_scale_and_never_load_it(login, auditor_a, audit_a):
    """A page view writes nothing: without a loaded scale the chart's axis goes to the levels assessed."""
    from audits.models import MaturityLevel

    msb = FrameworkRequirement.objects.filter(framework__key="msb-lis").first()
    Assessment(organisation=audit_a.organisation, audit=audit_a, requirement=msb, level=3).save()
    MaturityLevel.objects.all().delete()
    client = login(auditor_a.user)
    response = client.get(reverse("audits:audit_detail", args=[audit_a.pk]))
    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert response.context["assessment_form"] is None
    assert client.get(reverse("audits:audit_report_pdf", args=[audit_a.pk])).status_code == 200
    assert not MaturityLevel.objects.exists()


def test_the_auditor_starts_an_audit_on_its_page(login, auditor_a, frameworks, today):
    from audits.models import Audit

    client = login(auditor_a.user)
    assert reverse("audits:audit_add") in client.get(reverse("audits:audit_list")).content.decode()
    response = client.post(reverse("audits:audit_add"), {
        "kind": "audit", "title": "Granskning av leverantörsstyrningen", "status": "planned",
        "period_start": today.isoformat(), "frameworks": [f.pk for f in frameworks],
        "questions": "Följs leverantören upp?"})
    assert response.status_code == 302
    audit = Audit.objects.get()
    assert (audit.organisation_id, audit.question_list) == (auditor_a.organisation.pk, ["Följs leverantören upp?"])
    assert list(audit.auditors.all()) == [auditor_a.user] and set(audit.frameworks.all()) == set(frameworks)
    response = client.post(reverse("audits:audit_edit", args=[audit.pk]), {
        "kind": "audit", "title": "Ändrad titel", "status": "in_progress",
        "period_start": today.isoformat(), "period_end": (today - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert "Ändrad titel" in response.content.decode()  # the form keeps what was typed
    audit.refresh_from_db()
    assert audit.title == "Granskning av leverantörsstyrningen"


def test_a_reader_starts_no_audit_and_another_auditor_changes_none(login, org_a, as_member, audit_a):
    from audits.models import Audit

    reader, _tenant = as_member(org_a, "reader")
    assert login(reader).post(reverse("audits:audit_add"), {"kind": "audit", "title": "x",
                                                             "status": "planned"}).status_code == 403
    other, _tenant = as_member(org_a, "auditor", email="revisor2@kommun-a.example")
    client = login(other)
    assert client.get(reverse("audits:audit_edit", args=[audit_a.pk])).status_code == 403
    assert client.post(reverse("audits:observation_add", args=[audit_a.pk]), {
        "title": "x", "description": "x", "priority": "short"}).status_code == 403
    assert Audit.objects.count() == 1 and not audit_a.observations.exists()


def test_the_auditor_writes_an_observation_and_one_without_priority_is_refused(login, auditor_a, audit_a):
    client = login(auditor_a.user)
    url = reverse("audits:observation_add", args=[audit_a.pk])
    assert url in client.get(reverse("audits:audit_detail", args=[audit_a.pk])).content.decode()
    response = client.post(url, {"title": "Ingen uppföljning", "description": "Leveransen följs inte upp.",
                                 "priority": "", "recommendations": "Inför nyckeltal."})
    assert response.status_code == 422
    page = response.content.decode()
    assert escape(str(services.PRIORITY_REQUIRED)) in page and "Leveransen följs inte upp." in page
    assert not audit_a.observations.exists()
    response = client.post(url, {"title": "Ingen uppföljning", "description": "Leveransen följs inte upp.",
                                 "priority": "medium", "risk": "Brister upptäcks sent.",
                                 "recommendations": "Inför nyckeltal.\n\nFölj upp kvartalsvis."})
    assert response.status_code == 302
    obs = audit_a.observations.get()
    assert (obs.number, obs.priority) == (1, "medium")
    assert [(r.number, r.text) for r in obs.recommendations.order_by("number")] == [
        (1, "Inför nyckeltal."), (2, "Följ upp kvartalsvis.")]
