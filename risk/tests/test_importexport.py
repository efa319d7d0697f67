"""Register export and import: a round trip changes nothing; errors per row and column save nothing."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from risk import importexport, selectors, services
from risk.catalogue import load_threats
from risk.models import Risk, RiskStatus
from tests.factories import InformationTypeFactory, SupplierFactory, SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def _export(tenant) -> list[list[str]]:
    data = importexport.export_xlsx(tenant=tenant, filters=selectors.RiskFilters(sort="title"))
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]


def _upload(rows: list[list], name="risker.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s" if isinstance(value, str) else cell.data_type  # "=…" stays text, as in the export
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def register(make_risk, org_a, people, as_role):
    load_threats()
    from risk.models import Threat

    ifo = SystemFactory(organisation=org_a, name="Verksamhetssystem IFO")
    mail = SystemFactory(organisation=org_a, name="E-post")
    info = InformationTypeFactory(organisation=org_a, name="Socialtjänstakter")
    supplier = SupplierFactory(organisation=org_a, name="Omsorgsdata AB")
    first = make_risk("Ransomware", systems=[ifo, mail], information_types=[info], suppliers=[supplier],
                      threat=Threat.objects.get(code="ransomware"), owner=people["system_owner"],
                      inherent=(3, 4), residual=(2, 4), strategy="reduce", description="Rad ett\r\nrad två",
                      review_date="2027-01-31")
    second = make_risk("=Formel i titeln", inherent=(1, 1), residual=(1, 1))
    services.risk_accept(tenant=as_role("system_owner"), risk=second, justification="Låg", version=1)
    mail.delete()
    return first, second


def test_export_shows_the_register_with_levels_acceptance_and_deleted_systems(register, as_role):
    rows = _export(as_role("reader"))
    headers = rows[0]
    assert headers[:3] == ["ID", "Title", "Description"]
    first = dict(zip(headers, rows[2]))
    assert (first["Title"], first["Threat"], first["Systems"], first["Deleted systems"], first["Information types"],
            first["Suppliers"], first["Likelihood before treatment"], first["Inherent level"],
            first["Residual level"], first["Treatment strategy"], first["Status"], first["Review date"]) == (
        "Ransomware", "Ransomware", "Verksamhetssystem IFO", "E-post", "Socialtjänstakter", "Omsorgsdata AB", "3",
        "Very high", "High", "Reduce", "Assessed", "2027-01-31")
    second = dict(zip(headers, rows[1]))
    # A title starting with "=" stays text, never a formula.
    assert (second["Title"], second["Status"], second["Justification for accepting"]) == (
        "=Formel i titeln", "Accepted", "Låg")


def test_a_round_trip_changes_nothing(register, as_role):
    tenant = as_role("coordinator")
    exported = importexport.export_xlsx(tenant=tenant, filters=selectors.RiskFilters())
    entries = AuditEntry.objects.count()
    result = importexport.risks_import(tenant=tenant, file=SimpleUploadedFile("risker.xlsx", exported))
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 2, []), result.errors
    assert AuditEntry.objects.count() == entries
    assert list(Risk.objects.order_by("pk").values_list("version", flat=True)) == [1, 2]


def test_a_changed_row_updates_and_a_row_without_id_adds(register, as_role, people):
    tenant = as_role("coordinator")
    rows = _export(tenant)
    headers = rows[0]
    ransomware = rows[2]
    ransomware[headers.index("Residual likelihood")] = "Unlikely"  # a label works as well as a number
    ransomware[headers.index("Systems")] = ""
    new = [""] * len(headers)
    new[headers.index("Title")] = "Strömavbrott"
    new[headers.index("Threat")] = "Power failure"  # the English name finds the catalogue threat
    new[headers.index("Inherent level")] = "ignored"
    new[headers.index("Likelihood before treatment")] = "2"
    new[headers.index("Consequence before treatment")] = "4"
    new[headers.index("Risk owner (e-mail)")] = people["coordinator"].email.upper()
    result = importexport.risks_import(tenant=tenant, file=_upload([headers, rows[1], ransomware, new]))
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 1, 1, [])
    first, created = register[0], Risk.objects.get(title="Strömavbrott")
    first.refresh_from_db()
    assert (first.residual_likelihood, first.residual_score, first.version) == (1, 4, 2)
    # The live link went; the record of the deleted system stays.
    assert [(link.system_id, link.system_name) for link in first.system_links.all()] == [(None, "E-post")]
    assert (created.threat.code, created.inherent_score, created.owner, created.status) == (
        "power-failure", 8, people["coordinator"], RiskStatus.IDENTIFIED)
    assert AuditEntry.objects.filter(model="risk.risk", source="import").count() == 2


def test_errors_are_reported_per_row_and_column_and_nothing_is_saved(register, as_role, org_b):
    foreign = SystemFactory(organisation=org_b, name="Främmande system")
    tenant = as_role("coordinator")
    headers = _export(tenant)[0]

    def row(**cells):
        values = [""] * len(headers)
        for heading, value in cells.items():
            values[headers.index(heading)] = value
        return values

    rows = [
        headers,
        row(Title="OK rad"),
        row(Title="Okänt system", Systems="Finns inte; " + foreign.name),
        row(Title="Fel nivå", **{"Likelihood before treatment": "7", "Consequence before treatment": "2"}),
        row(Title="Halv bedömning", **{"Residual likelihood": "2"}),
        row(Title="Fel e-post", **{"Risk owner (e-mail)": "nobody@example.org"}),
        row(Title="Accepterad", Status="Accepted", **{"Residual likelihood": "1", "Residual consequence": "1"}),
        row(ID="999999", Title="Fel id"),
        row(Title="", Description="Ingen titel"),
        row(Title="Fel datum", **{"Review date": "31/1/2027"}),
    ]
    entries = AuditEntry.objects.count()
    result = importexport.risks_import(tenant=tenant, file=_upload(rows))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "Systems", f"Your organisation has no system named: Finns inte; {foreign.name}."),
        (4, "Likelihood before treatment", "Write a level from 1 to 4 or its name (Unlikely, Possible, Likely, "
                                           "Very likely)."),
        (5, "Residual consequence", "Assess both likelihood and consequence, or neither."),
        (6, "Risk owner (e-mail)", "No member of your organisation has the e-mail address nobody@example.org."),
        (7, "Status", "A residual risk is accepted with a justification on the risk's own page."),
        (8, "ID", "Your organisation has no risk with ID 999999."),
        (9, "Title", "Every row needs a title."),
        (10, "Review date", "Write the date as YYYY-MM-DD."),
    ]
    assert (result.created, result.updated) == (0, 0)
    assert Risk.objects.count() == 2
    assert AuditEntry.objects.count() == entries


def test_unknown_headings_are_reported_before_any_row(as_role):
    result = importexport.risks_import(tenant=as_role("coordinator"), file=_upload([["Title", "Färg"], ["X", "Röd"]]))
    assert [(e.row, e.column) for e in result.errors] == [(1, "Färg")]
    assert Risk.objects.count() == 0


def test_swedish_headings_are_read_too(as_role):
    from django.utils import translation

    with translation.override("sv"):
        heading = str(importexport.COLUMNS[1].header)
    result = importexport.risks_import(tenant=as_role("coordinator"), file=_upload([[heading], ["Ny risk"]]))
    assert (result.created, result.errors) == (1, [])


def test_a_reader_may_not_import(as_role):
    with pytest.raises(PermissionDenied):
        importexport.risks_import(tenant=as_role("reader"), file=_upload([["Title"], ["X"]]))
    assert Risk.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused(as_role):
    with pytest.raises(importexport.ImportFileError):
        importexport.risks_import(tenant=as_role("coordinator"), file=SimpleUploadedFile("r.xlsx", b"not a zip"))


def test_the_import_page_lists_the_errors(as_role, people, login):
    client = login(people["coordinator"])
    # The import runs as a background job (at once in the tests); the job's page lists the errors.
    response = client.post("/risks/import/", {"file": _upload([["Title", "Status"], ["X", "Bogus"]])},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain[0][0].startswith("/jobs/")
    assert "1 error was found. Nothing was saved" in html and "“Bogus” is not one of" in html
    assert '<th scope="row">2</th><td>Status</td>' in html
    assert Risk.objects.count() == 0
    response = client.post("/risks/import/", {"file": _upload([["Title"], ["Ny risk"]])})
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    assert Risk.objects.get().title == "Ny risk"
