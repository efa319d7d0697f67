"""The plan says where each action comes from, filters by person and system, exports to Excel,
and lets the owner report progress with evidence."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions import services
from actions.models import Action, ActionNote, ActionStatus
from core.tenancy import tenant_for
from risk.models import Risk
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(org_a, member):
    return member(org_a, "coordinator")


@pytest.fixture
def tenant(org_a, coordinator):
    return tenant_for(coordinator, org_a.pk)


@pytest.fixture
def risk(org_a):
    return Risk.objects.create(organisation=org_a, title="Avbrott i trygghetslarmen")


def test_the_plan_names_the_source_by_kind_and_name_with_a_link(tenant, risk, login, coordinator):
    services.action_create(tenant=tenant, title="Reservrutin för larm", source=risk)
    html = login(coordinator).get(reverse("actions:action_list")).content.decode()
    assert "Risk: " in html and f'href="{risk.get_absolute_url()}">Avbrott i trygghetslarmen</a>' in html


def test_the_plan_filters_by_owner_and_system(tenant, org_a, member, login, coordinator):
    other = member(org_a, "system_administrator")
    payroll = SystemFactory(organisation=org_a, name="Lönesystem")
    mine = services.action_create(tenant=tenant, title="Byt lösenord", owner=coordinator, system=payroll)
    theirs = services.action_create(tenant=tenant, title="Patcha servern", owner=other)
    client = login(coordinator)
    by_owner = client.get(reverse("actions:action_list"), {"owner": other.pk}).context["page"].object_list
    assert list(by_owner) == [theirs]
    by_system = client.get(reverse("actions:action_list"), {"system": "löne"}).context["page"].object_list
    assert list(by_system) == [mine]


def test_a_system_of_another_organisation_is_refused(tenant, org_b):
    foreign = SystemFactory(organisation=org_b, name="Främmande")
    with pytest.raises(Exception) as refused:
        services.action_create(tenant=tenant, title="X", system=foreign)
    assert "system" in refused.value.message_dict
    assert not Action.objects.exists()


def test_the_plan_exports_what_the_filter_shows(tenant, risk, login, coordinator):
    services.action_create(tenant=tenant, title="Reservrutin för larm", source=risk, owner=coordinator)
    done = services.action_create(tenant=tenant, title="Klar sedan länge")
    services.action_update(tenant=tenant, action=done, data={"status": ActionStatus.DONE})
    response = login(coordinator).get(reverse("actions:action_export"), {"view": "open"})
    assert "filename*=utf-8''%C3%85tg%C3%A4rdsplan" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Åtgärd", "Källa", "System"]
    assert [r[0] for r in rows[1:]] == ["Reservrutin för larm"]
    assert rows[1][1] == "Risk: Avbrott i trygghetslarmen"


def test_the_owner_reports_progress_with_evidence_without_managing_the_plan(tenant, org_a, member, login):
    reader = member(org_a, "reader")
    action = services.action_create(tenant=tenant, title="Ta fram kontinuitetsplan", owner=reader)
    client = login(reader)
    assert client.get(reverse("actions:action_edit", args=[action.pk])).status_code == 200
    assert client.post(reverse("actions:action_edit", args=[action.pk]), {"title": "Nytt"}).status_code == 403
    evidence = SimpleUploadedFile("plan.txt", b"Kontinuitetsplanen ar klar.", content_type="text/plain")
    response = client.post(reverse("actions:note_add", args=[action.pk]),
                           {"text": "Utkast skickat till ledningen.", "evidence_file": evidence})
    assert response.status_code == 302
    note = ActionNote.objects.get()
    assert (note.author, note.action, note.file_name) == (reader, action, "plan.txt")
    assert client.get(reverse("actions:note_file", args=[note.pk])).status_code == 200
    page = client.get(reverse("actions:action_edit", args=[action.pk])).content.decode()
    assert "Utkast skickat till ledningen." in page


def test_only_the_owner_or_the_plan_managers_write_notes(tenant, org_a, org_b, member, login):
    action = services.action_create(tenant=tenant, title="Ta fram kontinuitetsplan", owner=member(org_a, "dpo"))
    bystander = login(member(org_a, "reader", email="annan@kommun-a.example"))
    assert bystander.post(reverse("actions:note_add", args=[action.pk]), {"text": "Hej"}).status_code == 403
    outsider = login(member(org_b, "coordinator"))
    assert outsider.post(reverse("actions:note_add", args=[action.pk]), {"text": "Hej"}).status_code == 404
    assert not ActionNote.objects.exists()


def test_a_note_needs_text_and_a_safe_file_and_keeps_what_was_typed(tenant, login, coordinator):
    action = services.action_create(tenant=tenant, title="Ta fram kontinuitetsplan")
    client = login(coordinator)
    bad = SimpleUploadedFile("program.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(reverse("actions:note_add", args=[action.pk]), {"text": "Klart", "evidence_file": bad})
    assert response.status_code == 200 and not ActionNote.objects.exists()
    assert "Klart" in response.content.decode()
    empty = client.post(reverse("actions:note_add", args=[action.pk]), {"text": "  "})
    assert empty.status_code == 200 and not ActionNote.objects.exists()


def test_a_progress_note_starts_the_work(tenant, coordinator):
    action = services.action_create(tenant=tenant, title="Ta fram kontinuitetsplan", owner=coordinator)
    services.note_add(tenant=tenant, action=action, text="Påbörjat")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
