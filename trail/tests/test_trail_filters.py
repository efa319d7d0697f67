"""The auditor's filters and export on the trail page (issue 11 point 8)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import SystemFactory
from trail.context import acting_as
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings):
    """Compared in the msgids: the pages answer in English here."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def setup(org_a, org_b, member, login):
    coordinator = member(org_a, "coordinator")
    owner = member(org_a, "system_owner")
    with acting_as(coordinator, source="web"):
        SystemFactory(organisation=org_a, name="Ekonomisystem")
    with acting_as(owner, source="api"):
        SystemFactory(organisation=org_a, name="Skolplattform")
    with acting_as(None, source="cli"):
        SystemFactory(organisation=org_a, name="Importerat system")
    SystemFactory(organisation=org_b, name="Hemligt system")
    auditor = member(org_a, "auditor")
    return {"client": login(auditor), "coordinator": coordinator, "owner": owner}


def _shown(client, **query) -> str:
    response = client.get(reverse("trail:log"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_filter_by_person_shows_only_their_entries(setup):
    page = _shown(setup["client"], person=setup["owner"].pk)
    assert "Skolplattform" in page
    assert "Ekonomisystem" not in page and "Importerat system" not in page


def test_filter_by_no_person_shows_commands_and_jobs(setup):
    page = _shown(setup["client"], person="system")
    assert "Importerat system" in page
    assert "Skolplattform" not in page


def test_filter_by_channel_record_type_and_action(setup):
    assert "Skolplattform" in _shown(setup["client"], source="api")
    assert "Ekonomisystem" not in _shown(setup["client"], source="api")
    assert "Ekonomisystem" in _shown(setup["client"], record_type="inventory.system", action="create")
    assert "Ekonomisystem" not in _shown(setup["client"], action="delete")


def test_filter_by_period_counts_whole_days_in_swedish_time(setup):
    today = timezone.localdate()
    assert "Ekonomisystem" in _shown(setup["client"], date_from=today.isoformat(), date_to=today.isoformat())
    yesterday = today - datetime.timedelta(days=1)
    assert "Ekonomisystem" not in _shown(setup["client"], date_to=yesterday.isoformat())


def test_a_period_ending_before_it_starts_is_refused_with_a_message(setup):
    today = timezone.localdate()
    response = setup["client"].get(reverse("trail:log"), {
        "date_from": today.isoformat(), "date_to": (today - datetime.timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()


def test_another_organisations_entries_never_show(setup):
    assert "Hemligt system" not in _shown(setup["client"])
    assert "Hemligt system" not in _shown(setup["client"], record_type="inventory.system")


def test_the_xlsx_export_holds_the_filtered_entries_in_words(setup):
    response = setup["client"].get(reverse("trail:export_xlsx"), {"person": setup["coordinator"].pk})
    assert response.status_code == 200
    assert "Audit trail Kommun A " in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Entry", "Time", "Who")
    records = [row[6] for row in rows[1:]]
    assert "Ekonomisystem" in records and "Skolplattform" not in records
    assert rows[1][5] == "System" and rows[1][4] == "Created"


def test_the_csv_export_streams_every_matching_entry(setup):
    response = setup["client"].get(reverse("trail:export_csv"), {"source": "cli"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [row[6] for row in rows[1:]] == ["Importerat system"]


def test_too_many_entries_for_a_workbook_send_the_auditor_back_with_a_message(setup, monkeypatch):
    from trail import exports

    monkeypatch.setattr(exports, "XLSX_LIMIT", 1)
    response = setup["client"].get(reverse("trail:export_xlsx"), follow=True)
    assert "narrow the period or take the CSV file" in response.content.decode()


def test_the_page_and_export_need_the_trail_permission(org_a, member, login):
    client = login(member(org_a, "system_owner"))
    assert client.get(reverse("trail:log")).status_code == 403
    assert client.get(reverse("trail:export_csv")).status_code == 403


def test_the_page_query_count_stays_the_same_as_the_trail_grows(setup, org_a, django_assert_max_num_queries):
    client = setup["client"]
    client.get(reverse("trail:log"))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("trail:log"), {"record_type": "inventory.system"})
    with acting_as(setup["owner"], source="web"):
        for i in range(30):
            SystemFactory(organisation=org_a, name=f"Fler {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("trail:log"), {"record_type": "inventory.system"})
    assert len(many) == len(few)
    assert AuditEntry.objects.filter(organisation_id=org_a.pk).count() > 30


def test_the_api_gives_the_same_filtered_trail(setup, org_a, member, api_headers, client):
    auditor = member(org_a, "auditor", email="granskare@kommun-a.example")
    answer = client.get("/api/trail", {"person": setup["owner"].pk}, **api_headers(auditor, org_a))
    assert answer.status_code == 200
    body = answer.json()
    assert [r["record"] for r in body["results"]] == ["Skolplattform"]
    assert body["results"][0]["record_type"] == "inventory.system"


def test_the_api_refuses_a_bad_filter_with_json(setup, org_a, member, api_headers, client):
    auditor = member(org_a, "auditor", email="granskare@kommun-a.example")
    answer = client.get("/api/trail", {"action": "explode"}, **api_headers(auditor, org_a))
    assert answer.status_code in (400, 422)
    assert "action" in str(answer.json())
    answer = client.get("/api/trail", {"date_to": "12"}, **api_headers(auditor, org_a))
    assert answer.status_code == 422 and "date_to" in str(answer.json())


def test_the_api_trail_needs_the_trail_permission(org_a, member, api_headers, client):
    owner = member(org_a, "system_owner")
    assert client.get("/api/trail", **api_headers(owner, org_a)).status_code == 403
