"""The findings page, the audit list and detail, the observation page and the framework page."""

import pytest
from django.urls import reverse

from audits import engine, services
from audits.models import FindingRecord, Observation
from core.findings import PRIORITIES, THEMES_BY_KEY

pytestmark = pytest.mark.django_db


def test_the_findings_page_shows_the_groups_their_records_and_nothing_is_written(login, tenant_a, overdue, today):
    action = overdue("Uppdatera kontinuitetsplanen")
    client = login(tenant_a.user)
    response = client.get(reverse("audits:finding_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(THEMES_BY_KEY["action_follow_up"].title) in page
    assert str(PRIORITIES["medium"]) in page
    assert action.get_absolute_url() in page and "Uppdatera kontinuitetsplanen" in page
    # Looking at the findings changes nothing: the history is recorded by the nightly run.
    assert not FindingRecord.objects.exists()


def test_the_findings_page_follows_a_fix_at_once(login, tenant_a, overdue, today):
    # Kept between views (engine.current), but never read after a write: the fixed action's
    # finding is gone on the next view, the other stays.
    fixed, kept = overdue("Uppdatera kontinuitetsplanen"), overdue("Öva krisledningen")
    client = login(tenant_a.user)
    assert "Uppdatera kontinuitetsplanen" in client.get(reverse("audits:finding_list")).content.decode()
    fixed.due_date = today
    fixed.save()
    page = client.get(reverse("audits:finding_list")).content.decode()
    assert "Uppdatera kontinuitetsplanen" not in page
    assert kept.get_absolute_url() in page


def test_the_findings_page_shows_the_history(login, tenant_a, overdue, today):
    action = overdue("Uppdatera kontinuitetsplanen")
    engine.evaluate_and_record(tenant_a.organisation, today=today)
    response = login(tenant_a.user).get(reverse("audits:finding_list"))
    history = response.context["history"]
    assert [r.evidence_key for r in history] == [f"actions.action:{action.pk}"]


def test_the_findings_page_offers_adoption_only_to_those_who_carry_out_audits(login, org_a, as_member, auditor_a,
                                                                              audit_a, overdue):
    overdue("Uppdatera kontinuitetsplanen")
    adopt = reverse("audits:audit_adopt", args=[audit_a.pk])
    assert adopt in login(auditor_a.user).get(reverse("audits:finding_list")).content.decode()
    reader, _tenant = as_member(org_a, "reader")
    response = login(reader).get(reverse("audits:finding_list"))
    assert response.status_code == 200
    assert adopt not in response.content.decode()


def test_a_supplier_user_sees_no_findings_or_audits(login, org_a, supplier_org, member, audit_a):
    user = member(supplier_org, "supplier")
    client = login(user)
    for url in (reverse("audits:finding_list"), reverse("audits:audit_list"),
                reverse("audits:audit_detail", args=[audit_a.pk])):
        assert client.get(url).status_code == 404


def test_the_audit_list_shows_the_organisations_audits_only(login, tenant_a, auditor_a, org_b, as_member, audit_a):
    _user, tenant_b = as_member(org_b, "auditor")
    services.audit_save(tenant=tenant_b, audit=None, data={"title": "Kommun B:s granskning"})
    services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={
        "title": "Avtalet saknar säkerhetskrav", "description": "Huvudavtalet saknar säkerhetskrav.",
        "priority": "short"})
    response = login(tenant_a.user).get(reverse("audits:audit_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert audit_a.title in page and audit_a.get_absolute_url() in page
    assert "Kommun B:s granskning" not in page
    assert [a.observation_count for a in response.context["page"]] == [1]


def test_the_audit_detail_shows_observations_and_recommendations(login, auditor_a, tenant_a, audit_a):
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={
        "title": "Avtalet saknar säkerhetskrav", "description": "Huvudavtalet reglerar inte säkerheten.",
        "priority": "short", "recommendations": ["Komplettera avtalet med säkerhetskrav."]})
    response = login(tenant_a.user).get(reverse("audits:audit_detail", args=[audit_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1. Avtalet saknar säkerhetskrav" in page and obs.get_absolute_url() in page
    assert "Komplettera avtalet med säkerhetskrav." in page
    assert str(PRIORITIES["short"]) in page
    assert "Styrs säkerheten enligt god praxis?" in page
    # The coordinator may carry out audits too; a reader may not.
    assert reverse("audits:audit_adopt", args=[audit_a.pk]) in page


def test_another_organisations_audit_is_not_found(login, org_b, as_member, audit_a):
    user, _tenant = as_member(org_b, "coordinator")
    client = login(user)
    assert client.get(reverse("audits:audit_detail", args=[audit_a.pk])).status_code == 404
    assert client.post(reverse("audits:audit_adopt", args=[audit_a.pk])).status_code in (403, 404)
    assert not Observation.objects.exists()


def test_adopting_the_findings_from_the_audit_page(login, auditor_a, audit_a, overdue):
    action = overdue("Uppdatera kontinuitetsplanen")
    client = login(auditor_a.user)
    response = client.post(reverse("audits:audit_adopt", args=[audit_a.pk]))
    assert response.status_code == 302 and response["Location"] == audit_a.get_absolute_url()
    obs = Observation.objects.get(audit=audit_a)
    assert (obs.number, obs.theme, obs.priority) == (1, "action_follow_up", "medium")
    assert obs.evidence == [{"label": obs.evidence[0]["label"], "url": action.get_absolute_url()}]
    assert obs.recommendations.count() == 1
    # Adoption records the history, and adopting again adds nothing.
    assert FindingRecord.objects.filter(organisation=audit_a.organisation, resolved_on=None).count() == 1
    client.post(reverse("audits:audit_adopt", args=[audit_a.pk]))
    assert Observation.objects.filter(audit=audit_a).count() == 1


def test_a_reader_cannot_adopt(login, org_a, as_member, audit_a, overdue):
    overdue("Uppdatera kontinuitetsplanen")
    reader, _tenant = as_member(org_a, "reader")
    assert login(reader).post(reverse("audits:audit_adopt", args=[audit_a.pk])).status_code == 403
    assert not Observation.objects.exists()


def test_adoption_only_by_the_audits_auditors(login, org_a, as_member, audit_a, overdue):
    overdue("Uppdatera kontinuitetsplanen")
    other, _tenant = as_member(org_a, "auditor", email="revisor2@kommun-a.example")
    response = login(other).post(reverse("audits:audit_adopt", args=[audit_a.pk]))
    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_the_observation_page_shows_records_recommendations_and_the_response(login, auditor_a, tenant_a, audit_a):
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={
        "title": "Ingen uppföljning", "description": "Leverantörens leverans följs inte upp.", "priority": "medium",
        "risk": "Brister upptäcks sent.", "evidence": [{"label": "Leverantör: Mellanskogs IT AB", "url": "/suppliers/1/"}],
        "recommendations": ["Inför uppföljning av nyckeltal."]})
    services.respond(tenant=tenant_a, observation=obs, response="Vi inför kvartalsvis uppföljning.")
    response = login(tenant_a.user).get(reverse("audits:observation_detail", args=[obs.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Ingen uppföljning", "Brister upptäcks sent.", "Leverantör: Mellanskogs IT AB", 'id="rec-1"',
                 "Inför uppföljning av nyckeltal.", "Vi inför kvartalsvis uppföljning.", audit_a.get_absolute_url()):
        assert text in page


def test_the_framework_page_lists_its_requirements(login, tenant_a, frameworks):
    msb = next(f for f in frameworks if f.key == "msb-lis")
    response = login(tenant_a.user).get(reverse("audits:framework_detail", args=[msb.pk]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == msb.requirements.count() > 0
