"""The import/export pages and API endpoints (inventory.views_importexport, inventory.api_importexport)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import ApiToken
from inventory.models import System
from jobs.models import Job
from tests.factories import SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _csv(text: str, name="systems.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def _state():
    # Inventory entries only: issuing an API token writes an entry of its own.
    return (AuditEntry.objects.filter(model__startswith="inventory.").count(),
            sorted(System.objects.values_list("pk", "name", "version", "purpose")))


@pytest.fixture
def en_client(client, settings):
    # The English interface, so the assertions below read the msgids whatever the catalogue holds.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- export ---------------------------------------------------------------------------------


def test_a_reader_exports_the_filtered_list_as_xlsx(org_a, member, en_client):
    en_client.force_login(member(org_a, "reader"))
    SystemFactory(organisation=org_a, name="Molnet", hosting="cloud")
    SystemFactory(organisation=org_a, name="Källaren", hosting="own_dc")
    response = en_client.get(reverse("inventory:system_export"), {"format": "xlsx", "hosting": "cloud"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == \
        f'attachment; filename="tillit-systems-kommun-a-{timezone.localdate():%Y-%m-%d}.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["Name", "Molnet"]
    assert rows[1][8] == "Cloud service"


def test_the_csv_export_uses_semicolons_and_a_bom(org_a, member, en_client):
    en_client.force_login(member(org_a, "reader"))
    SystemFactory(organisation=org_a, name="Växel", purpose="Telefoni; fast")
    response = en_client.get(reverse("inventory:system_export"), {"format": "csv", "q": "väx"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[:2] for row in rows] == [["Name", "Purpose"], ["Växel", "Telefoni; fast"]]


def test_an_unknown_format_is_refused(org_a, member, en_client):
    en_client.force_login(member(org_a, "reader"))
    assert en_client.get(reverse("inventory:system_export"), {"format": "pdf"}).status_code == 400


def test_the_export_never_contains_another_organisations_systems(org_a, org_b, member, en_client):
    en_client.force_login(member(org_a, "reader"))
    SystemFactory(organisation=org_b, name="B:s hemliga")
    response = en_client.get(reverse("inventory:system_export"), {"format": "csv"})
    assert "B:s hemliga" not in response.content.decode("utf-8-sig")


def test_the_template_download_has_the_headings(org_a, member, en_client):
    en_client.force_login(member(org_a, "coordinator"))
    response = en_client.get(reverse("inventory:system_import_template"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Name", "Purpose", "Owning unit")
    assert len(rows) == 1


# --- the list's links -----------------------------------------------------------------------


def test_the_list_links_to_import_and_to_exports_with_the_filters(org_a, member, en_client):
    en_client.force_login(member(org_a, "coordinator"))
    body = en_client.get(reverse("inventory:system_list"), {"hosting": "cloud", "page": "1"}).content.decode()
    export = reverse("inventory:system_export")
    assert f'href="{reverse("inventory:system_import")}"' in body
    assert f'href="{export}?format=xlsx&amp;hosting=cloud"' in body
    assert f'href="{export}?format=csv&amp;hosting=cloud"' in body


def test_a_reader_sees_the_export_links_but_not_import(org_a, member, en_client):
    en_client.force_login(member(org_a, "reader"))
    body = en_client.get(reverse("inventory:system_list")).content.decode()
    assert f'href="{reverse("inventory:system_export")}?format=xlsx"' in body
    assert reverse("inventory:system_import") not in body


def test_an_htmx_filter_change_also_updates_the_export_links(org_a, member, en_client):
    en_client.force_login(member(org_a, "reader"))
    response = en_client.get(reverse("inventory:system_list"), {"lifecycle": "retired"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert '<span id="export-links" hx-swap-oob="true">' in body
    assert f'href="{reverse("inventory:system_export")}?format=csv&amp;lifecycle=retired"' in body
    full = en_client.get(reverse("inventory:system_list")).content.decode()
    assert 'hx-swap-oob' not in full


# --- import page ----------------------------------------------------------------------------


def test_the_import_page_has_a_labelled_file_field_and_the_template_link(org_a, member, en_client):
    en_client.force_login(member(org_a, "coordinator"))
    body = en_client.get(reverse("inventory:system_import")).content.decode()
    assert '<label for="id_file">File:</label>' in body
    assert 'type="file" name="file"' in body and 'accept=".xlsx,.csv"' in body
    assert 'enctype="multipart/form-data"' in body
    assert reverse("inventory:system_import_template") in body


def test_a_valid_file_is_imported_and_the_list_says_how_many(org_a, member, en_client):
    en_client.force_login(member(org_a, "coordinator"))
    SystemFactory(organisation=org_a, name="Ekonomi", purpose="Gammalt")
    file = _csv("Name;Purpose\nEkonomi;Nytt\nSkola;Elever\n")
    response = en_client.post(reverse("inventory:system_import"), {"file": file}, follow=True)
    # The import runs as a background job (run at once in the tests); its page tells the result.
    job = Job.objects.get()
    assert response.redirect_chain == [(reverse("jobs:job_detail", args=[job.pk]), 302)]
    assert "The import is done: 1 systems created, 1 updated and 0 unchanged." in response.content.decode()
    assert f'href="{reverse("inventory:system_list")}"' in response.content.decode()
    assert System.objects.get(name="Ekonomi").purpose == "Nytt"
    assert System.objects.get(name="Skola").organisation == org_a
    assert set(AuditEntry.objects.filter(model="inventory.system").exclude(source="system")
               .values_list("source", flat=True)) == {"import"}


def test_errors_are_listed_by_row_and_column_and_nothing_is_saved(org_a, member, en_client):
    en_client.force_login(member(org_a, "coordinator"))
    SystemFactory(organisation=org_a, name="Ekonomi", purpose="Gammalt")
    before = _state()
    file = _csv("Name;Purpose;Criticality\nEkonomi;Nytt;high\nSkola;;extrem\n")
    response = en_client.post(reverse("inventory:system_import"), {"file": file}, follow=True)
    assert response.redirect_chain == [(reverse("jobs:job_detail", args=[Job.objects.get().pk]), 302)]
    body = response.content.decode()
    assert 'role="status"' in body and "1 error was found. Nothing was saved" in body
    assert "<caption>Errors in the file, by row and column</caption>" in body
    assert '<th scope="col">Row</th>' in body
    assert ('<tr><th scope="row">3</th><td>Criticality</td><td>“extrem” is not one of: '
            "Low, Medium, High, Critical.</td></tr>") in body
    assert _state() == before


@override_settings(TILLIT_MAX_IMPORT_BYTES=20)
def test_a_too_large_file_gets_a_clear_message(org_a, member, en_client):
    en_client.force_login(member(org_a, "coordinator"))
    before = _state()
    response = en_client.post(reverse("inventory:system_import"), {"file": _csv("Name\n" + "Ett system\n" * 5)})
    assert response.status_code == 200
    assert "The file is 60\xa0bytes; the largest file Tillit imports is 20\xa0bytes." in response.content.decode()
    assert _state() == before


def test_a_file_of_another_type_gets_a_clear_message(org_a, member, en_client):
    en_client.force_login(member(org_a, "coordinator"))
    response = en_client.post(reverse("inventory:system_import"), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7")})
    assert "Upload an Excel workbook (.xlsx) or a CSV file (.csv)." in response.content.decode()
    assert System.objects.count() == 0


def test_no_file_is_a_form_error(org_a, member, en_client):
    en_client.force_login(member(org_a, "coordinator"))
    response = en_client.post(reverse("inventory:system_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This field is required."]}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_reader_gets_403_on_import_and_nothing_changes(org_a, member, en_client, method):
    en_client.force_login(member(org_a, "reader"))
    SystemFactory(organisation=org_a, name="Ekonomi", purpose="Gammalt")
    before = _state()
    data = {"file": _csv("Name;Purpose\nEkonomi;Nytt\nNytt;x\n")} if method == "post" else None
    response = getattr(en_client, method)(reverse("inventory:system_import"), data)
    assert response.status_code == 403
    assert _state() == before


def test_the_import_page_requires_sign_in(client):
    response = client.get(reverse("inventory:system_import"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


# --- API ------------------------------------------------------------------------------------


def _api(client, user, org, method, path, **kwargs):
    _token, raw = ApiToken.issue(user=user, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": org.slug, **EN}
    return getattr(client, method)(f"/api/systems-io/{path}", **kwargs, **headers)


def test_the_api_exports_xlsx_and_csv_with_the_filters(org_a, member, client):
    user = member(org_a, "reader")
    SystemFactory(organisation=org_a, name="Molnet", hosting="cloud")
    SystemFactory(organisation=org_a, name="Källaren", hosting="own_dc")
    response = _api(client, user, org_a, "get", "export", data={"format": "csv", "hosting": "cloud"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows] == ["Name", "Molnet"]
    response = _api(client, user, org_a, "get", "export")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert [r[0] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)] == \
        ["Name", "Källaren", "Molnet"]


def test_the_api_refuses_an_unknown_export_format(org_a, member, client):
    response = _api(client, member(org_a, "reader"), org_a, "get", "export", data={"format": "pdf"})
    assert response.status_code == 422


def test_the_api_imports_and_counts(org_a, member, client):
    user = member(org_a, "coordinator")
    SystemFactory(organisation=org_a, name="Ekonomi", purpose="Gammalt")
    response = _api(client, user, org_a, "post", "import", data={"file": _csv("Name;Purpose\nEkonomi;Nytt\nSkola;x\n")})
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 1}
    entry = AuditEntry.objects.filter(model="inventory.system", action="update").get()
    assert (entry.source, entry.actor_id) == ("import", user.pk)


def test_the_api_lists_row_errors_with_422_and_saves_nothing(org_a, org_b, member, client):
    user = member(org_a, "coordinator")
    member(org_b, "coordinator")
    before = _state()
    file = _csv("Name;System owner (e-mail)\nEtt;coordinator@kommun-b.example\nTvå;\n")
    response = _api(client, user, org_a, "post", "import", data={"file": file})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The file has 1 error; nothing was saved.",
        "errors": [{"row": 2, "column": "System owner (e-mail)",
                    "message": "No member of your organisation has the e-mail address coordinator@kommun-b.example."}],
    }
    assert _state() == before


def test_the_api_refuses_an_unreadable_file_with_422(org_a, member, client):
    response = _api(client, member(org_a, "coordinator"), org_a, "post", "import",
                    data={"file": SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0")})
    assert response.status_code == 422
    assert response.json() == {"detail": "Upload an Excel workbook (.xlsx) or a CSV file (.csv). "
                                         "Save older Excel files (.xls) as .xlsx first.", "errors": []}


def test_a_reader_token_gets_403_on_import_and_nothing_changes(org_a, member, client):
    SystemFactory(organisation=org_a, name="Ekonomi", purpose="Gammalt")
    before = _state()
    response = _api(client, member(org_a, "reader"), org_a, "post", "import",
                    data={"file": _csv("Name;Purpose\nEkonomi;Nytt\n")})
    assert response.status_code == 403
    assert _state() == before


def test_the_api_needs_a_token(client):
    assert client.get("/api/systems-io/export").status_code == 401
    assert client.post("/api/systems-io/import").status_code == 401
