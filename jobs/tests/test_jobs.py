"""Background jobs: long work runs off the request through Django's tasks API (jobs/)."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from core.tenancy import tenant_for
from inventory.models import System
from jobs import services
from jobs.models import Job
from jobs.tasks import run_job, send_reminders
from organisations.models import Membership
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings):
    """This module compares messages in English (the msgids): pages, the API and services
    answer in English here, whatever the default language."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# The tasks wait in the queue, as with a worker: the request only records the job.
QUEUED = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


def _csv(rows: list[str], name="systems.csv"):
    return SimpleUploadedFile(name, ("\n".join(rows) + "\n").encode("utf-8"))


def _big_file(n=10_000, bad_row: int | None = None):
    rows = ["Name;Purpose;Criticality"]
    for i in range(n):
        rows.append(f"System {i:05d};Syfte {i};{'extrem' if i + 2 == bad_row else 'high'}")
    return _csv(rows)


@pytest.fixture
def coordinator(org_a, member):
    return member(org_a, "coordinator")


# --- the large import does not hold the request ---------------------------------------


@QUEUED
def test_a_10000_row_import_answers_with_a_job_at_once_and_the_job_imports_every_row(org_a, coordinator, client):
    client.force_login(coordinator)
    response = client.post(reverse("inventory:system_import"), {"file": _big_file()}, **EN)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:job_detail", args=[job.pk])
    # Nothing was read or saved in the request: the job waits for the worker.
    assert (job.status, job.kind, job.user, job.organisation) == (Job.Status.QUEUED, "system_import", coordinator, org_a)
    assert System.objects.count() == 0
    page = client.get(response.url, **EN).content.decode()
    assert 'role="status"' in page and 'aria-live="polite"' in page
    assert 'hx-trigger="every 2s"' in page and "Waiting to start" in page and "<progress" in page

    assert run_job.call(job.pk) == Job.Status.DONE  # the worker's step, in-process
    job.refresh_from_db()
    assert System.objects.filter(organisation=org_a).count() == 10_000
    assert job.summary == "The import is done: 10000 systems created, 0 updated and 0 unchanged."
    assert job.input_data == b"" and job.progress == 100 and job.finished_at
    page = client.get(reverse("jobs:job_detail", args=[job.pk]), **EN).content.decode()
    assert "hx-trigger" not in page and job.summary in page


@QUEUED
def test_a_10000_row_import_with_one_bad_row_saves_nothing_and_names_the_row_and_column(org_a, coordinator, client):
    client.force_login(coordinator)
    client.post(reverse("inventory:system_import"), {"file": _big_file(bad_row=7_002)}, **EN)
    job = Job.objects.get()
    assert run_job.call(job.pk) == Job.Status.FAILED
    job.refresh_from_db()
    assert System.objects.count() == 0
    assert job.errors == [{"row": 7002, "column": "Criticality",
                           "message": "“extrem” is not one of: Low, Medium, High, Critical."}]
    page = client.get(reverse("jobs:job_detail", args=[job.pk]), **EN).content.decode()
    assert "<caption>Errors in the file, by row and column</caption>" in page
    assert '<tr><th scope="row">7002</th><td>Criticality</td>' in page


def test_a_file_of_another_type_is_refused_on_the_form_without_a_job(org_a, coordinator, client):
    client.force_login(coordinator)
    response = client.post(reverse("inventory:system_import"), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7")}, **EN)
    assert response.status_code == 200 and "Upload an Excel workbook" in response.content.decode()
    assert Job.objects.count() == 0


@QUEUED
def test_the_risk_import_runs_as_a_job(org_a, coordinator, client):
    from risk.models import Risk

    client.force_login(coordinator)
    response = client.post(reverse("risk:risk_import"), {"file": _csv(["Title", "Ny risk"], "risks.csv")}, **EN)
    job = Job.objects.get()
    assert response.url == reverse("jobs:job_detail", args=[job.pk]) and Risk.objects.count() == 0
    assert run_job.call(job.pk) == Job.Status.DONE
    assert Risk.objects.get().title == "Ny risk"


# --- exports and documents ------------------------------------------------------------


def _cells(content: bytes) -> list[list]:
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]


def test_the_soa_export_from_the_page_is_a_job_whose_result_is_the_file(org_a, coordinator, client):
    client.force_login(coordinator)
    response = client.post(reverse("requirements:soa_export") + "?lang=en", follow=True)
    job = Job.objects.get()
    assert response.redirect_chain == [(reverse("jobs:job_detail", args=[job.pk]), 302)]
    assert job.status == Job.Status.DONE and job.params["query"] == "lang=en"
    download = client.get(reverse("jobs:job_result", args=[job.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="{job.result_name}"'
    direct = client.get(reverse("requirements:soa_export"), {"lang": "en"})
    cells = _cells(download.content)
    assert cells == _cells(direct.content) and cells[0][0] == "Statement of applicability"


def test_the_requirement_export_from_the_page_is_a_job(org_a, coordinator, client):
    system = SystemFactory(organisation=org_a, name="Ekonomi")
    client.force_login(coordinator)
    response = client.post(reverse("requirements:system_export_xlsx", args=[system.pk]) + "?form=is")
    job = Job.objects.get()
    assert response.url == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.result_name.endswith(".xlsx")
    direct = client.get(reverse("requirements:system_export_xlsx", args=[system.pk]), {"form": "is"})
    assert _cells(client.get(reverse("jobs:job_result", args=[job.pk])).content) == _cells(direct.content)


def test_another_organisations_system_cannot_be_exported_through_a_job(org_a, org_b, member, client):
    system = SystemFactory(organisation=org_a)
    client.force_login(member(org_b, "coordinator"))
    assert client.post(reverse("requirements:system_export_docx", args=[system.pk])).status_code == 404
    assert Job.objects.count() == 0


# --- whose job is it ------------------------------------------------------------------


@pytest.fixture
def done_job(org_a, coordinator):
    tenant = tenant_for(coordinator, org_a.pk)
    return services.start(tenant=tenant, kind=Job.Kind.SOA_EXPORT, title="SoA")


@pytest.mark.parametrize("who", ["other_org", "colleague"])
def test_only_the_member_who_started_a_job_sees_it(done_job, org_b, org_a, member, client, who):
    user = member(org_b, "admin") if who == "other_org" else member(org_a, "admin", email="colleague@a.example")
    client.force_login(user)
    for name in ("job_detail", "job_result"):
        assert client.get(reverse(f"jobs:{name}", args=[done_job.pk])).status_code == 404
    assert done_job.title not in client.get(reverse("jobs:job_list")).content.decode()


def test_the_result_is_downloadable_only_when_done(org_a, coordinator, client):
    with QUEUED:
        job = services.start(tenant=tenant_for(coordinator, org_a.pk), kind=Job.Kind.SOA_EXPORT, title="SoA")
    client.force_login(coordinator)
    assert client.get(reverse("jobs:job_result", args=[job.pk])).status_code == 404


def test_a_job_whose_member_left_the_organisation_fails_and_changes_nothing(org_a, coordinator):
    with QUEUED:
        job = services.start(tenant=tenant_for(coordinator, org_a.pk), kind=Job.Kind.SYSTEM_IMPORT,
                             title="Import", upload=_csv(["Name", "Nytt"]))
    Membership.objects.filter(user=coordinator).delete()
    assert run_job.call(job.pk) == Job.Status.FAILED
    job.refresh_from_db()
    assert "no longer a member" in job.errors[0]["message"] and System.objects.count() == 0


def test_a_reader_cannot_import_through_a_job(org_a, member, client):
    reader = member(org_a, "reader")
    with QUEUED:
        job = services.start(tenant=tenant_for(reader, org_a.pk), kind=Job.Kind.SYSTEM_IMPORT,
                             title="Import", upload=_csv(["Name", "Nytt"]))
    assert run_job.call(job.pk) == Job.Status.FAILED
    assert System.objects.count() == 0


def test_the_polling_request_gets_only_the_status_part(done_job, coordinator, client):
    client.force_login(coordinator)
    body = client.get(reverse("jobs:job_detail", args=[done_job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<div id="job-status"') and "<html" not in body


def test_the_job_list_costs_the_same_number_of_queries_for_more_jobs(org_a, coordinator, client):
    tenant = tenant_for(coordinator, org_a.pk)
    client.force_login(coordinator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("jobs:job_list")).status_code == 200
        return len(queries)

    services.start(tenant=tenant, kind=Job.Kind.SOA_EXPORT, title="SoA 0")
    count()  # the first request of a session does some work once
    small = count()
    for i in range(1, 12):
        services.start(tenant=tenant, kind=Job.Kind.SOA_EXPORT, title=f"SoA {i}")
    # request (session, user, memberships), the count, the page of jobs
    assert count() == small == 5


# --- reminders ------------------------------------------------------------------------


def test_send_reminders_can_be_enqueued_as_a_task(org_a, coordinator):
    import datetime

    from actions import services as action_services
    from actions.selectors import today

    tenant = tenant_for(coordinator, org_a.pk)
    action_services.action_create(tenant=tenant, title="Byt lösenord", owner=coordinator,
                                  due_date=today() - datetime.timedelta(days=1))
    result = send_reminders.enqueue()
    assert result.return_value == {"emails": 1, "items": 1, "failed": []}
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


@QUEUED
def test_the_send_reminders_command_can_enqueue_instead_of_sending(org_a, coordinator):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("send_reminders", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Queued the reminders as task ") and mail.outbox == []
    from django_tasks import default_task_backend

    assert [r.task.name for r in default_task_backend.results] == ["send_reminders"]
