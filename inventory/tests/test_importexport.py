"""Import and export of the inventory (inventory.importexport), without HTTP."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.tenancy import tenant_for
from inventory import importexport
from inventory.importexport import ImportFileError, RowError
from inventory.models import System, SystemDependency
from inventory.selectors import SystemFilters
from tests.factories import (
    DependencyFactory,
    InformationTypeFactory,
    SupplierFactory,
    SystemFactory,
    UnitFactory,
)
from trail import chain
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADERS = [
    "Name", "Purpose", "Owning unit", "System owner (e-mail)", "System administrator (e-mail)", "Supplier",
    "Supplier's technical administrator", "Contract", "Hosting", "Operator or cloud provider",
    "Countries where data is stored", "Countries where data is processed", "Provider's home jurisdiction",
    "Criticality", "Lifecycle status", "Personal data", "Information types", "Depends on",
]


@pytest.fixture(autouse=True)
def english():
    # Until the Swedish catalogue is compiled the labels equal the English msgids; pin the
    # language so the exact assertions below do not depend on that.
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(org_a, member):
    return member(org_a, "coordinator")


@pytest.fixture
def tenant(org_a, coordinator):
    return tenant_for(coordinator, org_a.pk)


@pytest.fixture
def full_system(org_a, coordinator, member):
    """A system with every column filled in, depending on one other system."""
    admin = member(org_a, "system_administrator", email="drift@kommun-a.example")
    system = SystemFactory(
        organisation=org_a, name="Lönesystem", purpose="Löner; och arvoden",
        unit=UnitFactory(organisation=org_a, name="KS"),
        owner=coordinator, administrator=admin, supplier=SupplierFactory(organisation=org_a, name="Lön AB"),
        supplier_contact="Kim Kontakt", contract="AVT-12", hosting="cloud", hosting_provider="Azure",
        storage_countries=["SE", "IE"], processing_countries=["US"], provider_jurisdiction="US",
        criticality="high", lifecycle="operation", personal_data=True,
    )
    system.information_types.set([InformationTypeFactory(organisation=org_a, name="Lön"),
                                  InformationTypeFactory(organisation=org_a, name="HR, personal")])
    DependencyFactory(system=system, depends_on=SystemFactory(organisation=org_a, name="Katalog"))
    return system


FULL_ROW = [
    "Lönesystem", "Löner; och arvoden", "KS", "coordinator@kommun-a.example", "drift@kommun-a.example", "Lön AB",
    "Kim Kontakt", "AVT-12", "Cloud service", "Azure", "Sweden; Ireland", "United States", "United States", "High", "In operation", "Yes",
    "HR, personal; Lön", "Katalog",
]


def _xlsx_upload(rows, name="systems.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _csv_upload(rows, name="systems.csv", delimiter=";", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


def _state():
    """Everything an import may touch, to prove that a refused one changed nothing."""
    return (
        AuditEntry.objects.count(),
        sorted(System.objects.values_list("pk", "name", "version", "purpose", "owner_id")),
        sorted(SystemDependency.objects.values_list("system_id", "depends_on_id")),
        sorted(System.information_types.through.objects.values_list("system_id", "informationtype_id")),
    )


# --- export -------------------------------------------------------------------------------


def test_the_xlsx_export_has_a_bold_frozen_heading_row_and_every_value(tenant, full_system):
    workbook = load_workbook(io.BytesIO(importexport.export_xlsx(tenant=tenant, filters=SystemFilters())))
    sheet = workbook.active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert rows[1] == ["Katalog", "Test", "", "", "", "", "", "", "Own data centre", "", "Sweden", "Sweden", "", "Medium",
                       "In operation", "No", "", ""]
    assert rows[2] == FULL_ROW
    assert len(rows) == 3
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.column_dimensions["A"].width == 32
    assert sheet.column_dimensions["B"].width == 48


def test_the_csv_export_is_utf8_with_bom_and_semicolons(tenant, full_system):
    data = importexport.export_csv(tenant=tenant, filters=SystemFilters(q="Löne"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [HEADERS, FULL_ROW]
    assert data.decode("utf-8-sig").splitlines()[1].startswith('Lönesystem;"Löner; och arvoden";KS;')


def test_the_export_follows_the_list_filters(tenant, org_a):
    SystemFactory(organisation=org_a, name="Molnet", hosting="cloud")
    SystemFactory(organisation=org_a, name="Källaren", hosting="own_dc")
    SystemFactory(organisation=org_a, name="Arkiverat", hosting="cloud", archived_at="2025-01-01T00:00Z")
    rows = list(importexport.export_rows(tenant=tenant, filters=SystemFilters(hosting="cloud")))
    assert [row[0] for row in rows[1:]] == ["Molnet"]


def test_the_export_labels_follow_the_active_language(tenant, full_system):
    # The column headings and choice labels are the English msgids, marked for translation.
    with translation.override("sv"):
        rows = list(importexport.export_rows(tenant=tenant, filters=SystemFilters(q="Löne")))
        assert rows[0] == [str(c.header) for c in importexport.COLUMNS]
        assert rows[1][8] == str(System(hosting="cloud").get_hosting_display())
    assert (rows[0][0], rows[1][8]) == ("Namn", "Molntjänst")


def test_the_export_reads_a_fixed_number_of_queries(tenant, org_a, django_assert_num_queries):
    for n in range(30):
        system = SystemFactory(organisation=org_a, name=f"System {n:02}")
        system.information_types.add(InformationTypeFactory(organisation=org_a))
        if n:
            DependencyFactory(system=system, depends_on=System.objects.get(name="System 00"))
    # 1 the ids of the systems the tenant may see (dependencies on others are not shown),
    # 2 the systems with owner, administrator, supplier, unit and organisation joined,
    # 3 their information types, 4 their dependencies with the target's name joined.
    with django_assert_num_queries(4):
        rows = list(importexport.export_rows(tenant=tenant, filters=SystemFilters()))
    assert len(rows) == 31
    assert rows[2][-1] == "System 00"


def test_the_export_shows_only_dependencies_on_visible_systems(tenant, org_a, org_b, supplier_org, member):
    shared = SystemFactory(organisation=org_b, name="Delat")
    hidden = SystemFactory(organisation=org_b, name="Dolt")
    DependencyFactory(system=shared, depends_on=hidden)
    shared.shared_with.add(org_a)
    rows = list(importexport.export_rows(tenant=tenant, filters=SystemFilters()))
    assert rows[1][0] == "Delat" and rows[1][-1] == ""
    assert len(rows) == 2


def test_text_that_looks_like_a_formula_is_exported_as_text(tenant, org_a):
    SystemFactory(organisation=org_a, name="Formel", purpose='=HYPERLINK("http://evil.example")')
    workbook = load_workbook(io.BytesIO(importexport.export_xlsx(tenant=tenant, filters=SystemFilters())))
    cell = workbook.active["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example")', "s")
    data = importexport.export_csv(tenant=tenant, filters=SystemFilters())
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[1][1] == \
        '\'=HYPERLINK("http://evil.example")'
    before = _state()
    result = importexport.systems_import(tenant=tenant, file=SimpleUploadedFile("s.csv", data))
    assert (result.unchanged, result.updated, result.errors) == (1, 0, [])
    assert _state() == before


def test_the_template_has_just_the_headings(tenant):
    workbook = load_workbook(io.BytesIO(importexport.import_template_xlsx()))
    assert [list(row) for row in workbook.active.iter_rows(values_only=True)] == [HEADERS]


# --- round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt_case", ["xlsx", "csv"])
def test_a_round_trip_changes_nothing(tenant, org_a, full_system, fmt_case):
    SystemFactory(organisation=org_a, name="Tomt", purpose="", storage_countries=[], processing_countries=[])
    export = importexport.export_xlsx if fmt_case == "xlsx" else importexport.export_csv
    data = export(tenant=tenant, filters=SystemFilters())
    before = _state()
    result = importexport.systems_import(tenant=tenant, file=SimpleUploadedFile(f"systems.{fmt_case}", data))
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 3, [])
    assert _state() == before


def test_a_round_trip_in_swedish_changes_nothing(tenant, full_system):
    with translation.override("sv"):
        data = importexport.export_csv(tenant=tenant, filters=SystemFilters())
    before = _state()
    result = importexport.systems_import(tenant=tenant, file=SimpleUploadedFile("systems.csv", data))
    assert (result.unchanged, result.errors) == (2, [])
    assert _state() == before


# --- creating and updating ------------------------------------------------------------------


def test_an_import_creates_systems_with_every_field(tenant, org_a, coordinator, full_system):
    rows = [HEADERS, ["Ny tjänst", "Bokning", "KS", "COORDINATOR@kommun-a.example", "", "Lön AB", "Kim", "K-1",
                      "supplier_dc", "Drift AB", "se, no", "SE", "no", "critical",
                      "Being introduced", "Ja", "Lön; HR, personal", "Katalog, Lönesystem"]]
    result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows))
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 0, 0, [])
    system = System.objects.get(organisation=org_a, name="Ny tjänst")
    assert (system.purpose, system.unit.name, system.owner, system.administrator, system.supplier.name) == \
        ("Bokning", "KS", coordinator, None, "Lön AB")
    assert (system.supplier_contact, system.contract, system.hosting, system.hosting_provider) == \
        ("Kim", "K-1", "supplier_dc", "Drift AB")
    assert (system.storage_countries, system.processing_countries, system.provider_jurisdiction) == \
        (["NO", "SE"], ["SE"], "NO")
    assert (system.criticality, system.lifecycle, system.personal_data, system.version) == \
        ("critical", "development", True, 1)
    assert sorted(i.name for i in system.information_types.all()) == ["HR, personal", "Lön"]
    assert sorted(d.depends_on.name for d in system.dependencies.all()) == ["Katalog", "Lönesystem"]
    sources = set(AuditEntry.objects.filter(object_id=str(system.pk), model="inventory.system")
                  .values_list("source", flat=True))
    assert sources == {"import"}


def test_an_update_bumps_the_version_and_is_audited_as_an_import(tenant, org_a, coordinator):
    system = SystemFactory(organisation=org_a, name="Ekonomi", criticality="low", purpose="Gammalt")
    rows = [["name", "CRITICALITY", "Purpose"], ["ekonomi", "high", "Nytt"]]
    result = importexport.systems_import(tenant=tenant, file=_xlsx_upload(rows))
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    system.refresh_from_db()
    assert (system.name, system.criticality, system.purpose, system.version) == ("Ekonomi", "high", "Nytt", 2)
    entry = AuditEntry.objects.filter(model="inventory.system", object_id=str(system.pk)).order_by("-seq").first()
    assert (entry.action, entry.source, entry.actor_id) == ("update", "import", coordinator.pk)
    assert entry.changes == {"criticality": ["low", "high"], "purpose": ["Gammalt", "Nytt"], "version": [1, 2]}


def test_columns_missing_from_the_file_are_left_alone(tenant, org_a, full_system):
    upload = _csv_upload([["Name", "Contract"], ["Lönesystem", "AVT-13"]])
    result = importexport.systems_import(tenant=tenant, file=upload)
    assert (result.updated, result.errors) == (1, [])
    full_system.refresh_from_db()
    assert (full_system.contract, full_system.purpose) == ("AVT-13", "Löner; och arvoden")
    assert full_system.owner is not None
    assert full_system.information_types.count() == 2
    assert full_system.dependencies.count() == 1


def test_the_listed_dependencies_and_information_types_replace_the_old_ones(tenant, org_a, full_system):
    SystemFactory(organisation=org_a, name="E-post")
    rows = [["Name", "Depends on", "Information types"], ["Lönesystem", "E-post", "Lön"]]
    result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows))
    assert (result.updated, result.errors) == (1, [])
    assert [d.depends_on.name for d in full_system.dependencies.all()] == ["E-post"]
    assert [i.name for i in full_system.information_types.all()] == ["Lön"]
    full_system.refresh_from_db()
    assert full_system.version == 2


def test_rows_may_depend_on_each_other_within_the_file(tenant, org_a):
    rows = [["Name", "Depends on"], ["Portal", "Inloggning"], ["Inloggning", ""]]
    result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows))
    assert (result.created, result.errors) == (2, [])
    assert list(SystemDependency.objects.values_list("system__name", "depends_on__name")) == [("Portal", "Inloggning")]


def test_empty_choice_and_yes_no_cells_keep_the_current_value(tenant, org_a):
    system = SystemFactory(organisation=org_a, name="Kvar", criticality="critical", personal_data=True)
    result = importexport.systems_import(tenant=tenant, file=_csv_upload([["Name", "Criticality", "Personal data"],
                                                                           ["Kvar", "", ""]]))
    assert (result.unchanged, result.errors) == (1, [])
    system.refresh_from_db()
    assert (system.criticality, system.personal_data, system.version) == ("critical", True, 1)


# --- refusals -------------------------------------------------------------------------------


ERROR_CASES = {
    "unknown_owner": ("System owner (e-mail)", "ingen@kommun-a.example",
                      "No member of your organisation has the e-mail address ingen@kommun-a.example."),
    "foreign_owner": ("System owner (e-mail)", "coordinator@kommun-b.example",
                      "No member of your organisation has the e-mail address coordinator@kommun-b.example."),
    "unknown_unit": ("Owning unit", "Okänd nämnd", "Your organisation has no unit named “Okänd nämnd”."),
    "foreign_unit": ("Owning unit", "B-nämnd", "Your organisation has no unit named “B-nämnd”."),
    "foreign_supplier": ("Supplier", "B-leverantör", "Your organisation has no supplier named “B-leverantör”."),
    "foreign_infotype": ("Information types", "Lön; B-info",
                         "Your organisation has no information type named: B-info."),
    "unknown_country": ("Countries where data is stored", "SE; XX",
                        "Unknown country: XX. Name the country (Sverige, Irland) or give its ISO 3166 code (SE, IE)."),
    "two_jurisdictions": ("Provider's home jurisdiction", "US, SE", "Give one country."),
    "bad_choice": ("Hosting", "Moln", "“Moln” is not one of: Own data centre, Supplier's data centre, Cloud service."),
    "bad_yes_no": ("Personal data", "kanske", "Write Yes or No."),
    "foreign_dependency": ("Depends on", "B-system",
                           "“B-system” is neither in the file nor in your organisation's inventory."),
    "self_dependency": ("Depends on", "Nytt", "A system cannot depend on itself."),
    "too_long": ("Contract", "x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_each_kind_of_error_names_row_and_column_and_nothing_is_saved(tenant, org_a, org_b, member, case):
    member(org_b, "coordinator")
    UnitFactory(organisation=org_b, name="B-nämnd")
    SupplierFactory(organisation=org_b, name="B-leverantör")
    InformationTypeFactory(organisation=org_a, name="Lön")
    InformationTypeFactory(organisation=org_b, name="B-info")
    SystemFactory(organisation=org_b, name="B-system")
    existing = SystemFactory(organisation=org_a, name="Befintligt")
    heading, value, message = ERROR_CASES[case]
    rows = [["Name", heading], ["Befintligt", ""], ["", ""], ["Nytt", value]]
    if heading in ("Hosting", "Personal data"):
        rows[1][1] = "No" if heading == "Personal data" else "cloud"
    before = _state()
    result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows))
    assert result.errors == [RowError(4, heading, message)]
    assert (result.created, result.updated) == (0, 0)
    assert _state() == before
    existing.refresh_from_db()
    assert existing.version == 1


def test_a_missing_and_a_repeated_name_are_errors(tenant, org_a):
    before = _state()
    rows = [["Name", "Purpose"], ["Ett", "a"], ["", "utan namn"], ["ETT", "b"]]
    result = importexport.systems_import(tenant=tenant, file=_xlsx_upload(rows))
    assert result.errors == [RowError(3, "Name", "Every row needs a name."),
                             RowError(4, "Name", "The name is also used on row 2.")]
    assert _state() == before


def test_a_name_matching_two_systems_apart_from_case_is_an_error(tenant, org_a):
    SystemFactory(organisation=org_a, name="Portal")
    SystemFactory(organisation=org_a, name="PORTAL")
    before = _state()
    result = importexport.systems_import(tenant=tenant, file=_csv_upload([["Name", "Purpose"], ["portal", "x"]]))
    assert result.errors == [RowError(2, "Name", "Several records match “portal” apart from upper and lower case; "
                                                 "write the name exactly.")]
    assert _state() == before


def test_every_row_is_checked_and_all_errors_are_reported(tenant, org_a):
    rows = [["Name", "Criticality"], ["A", "väldigt"], ["B", "extrem"], ["C", "x"]]
    result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Criticality"), (3, "Criticality"), (4, "Criticality")]
    assert System.objects.count() == 0


def test_unknown_and_repeated_headings_are_errors_on_row_1(tenant):
    rows = [["Name", "Okänd rubrik", "name"], ["A", "x", "A"]]
    result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows))
    assert result.errors == [
        RowError(1, "Okänd rubrik", "Unknown column heading. The template shows the headings Tillit reads."),
        RowError(1, "name", "This column appears twice."),
    ]
    assert System.objects.count() == 0


def test_a_file_without_a_name_column_is_refused(tenant):
    result = importexport.systems_import(tenant=tenant, file=_csv_upload([["Purpose"], ["Något"]]))
    assert result.errors == [RowError(1, "Name", "The file needs a column for the name.")]


def test_a_dependency_on_an_archived_own_system_is_allowed_but_not_on_another_organisations(tenant, org_a, org_b):
    SystemFactory(organisation=org_a, name="Gammalt", archived_at="2025-01-01T00:00Z")
    rows = [["Name", "Depends on"], ["Nytt", "Gammalt"]]
    assert importexport.systems_import(tenant=tenant, file=_csv_upload(rows)).errors == []
    assert SystemDependency.objects.get().depends_on.name == "Gammalt"


# --- tenancy --------------------------------------------------------------------------------


def test_a_name_that_exists_only_in_another_organisation_creates_a_new_system(tenant, org_a, org_b):
    foreign = SystemFactory(organisation=org_b, name="Ekonomi", purpose="B:s")
    foreign_entries = AuditEntry.objects.filter(organisation_id=org_b.pk).count()
    result = importexport.systems_import(tenant=tenant, file=_csv_upload([["Name", "Purpose"], ["Ekonomi", "A:s"]]))
    assert (result.created, result.updated, result.errors) == (1, 0, [])
    assert System.objects.get(organisation=org_a, name="Ekonomi").purpose == "A:s"
    foreign.refresh_from_db()
    assert (foreign.purpose, foreign.version) == ("B:s", 1)
    assert AuditEntry.objects.filter(organisation_id=org_b.pk).count() == foreign_entries


def test_systems_shared_by_another_organisation_are_skipped_never_copied(org_a, supplier_org, member):
    shared = SystemFactory(organisation=org_a, name="Skolplattform", purpose="A:s")
    shared.shared_with.add(supplier_org)
    supplier_tenant = tenant_for(member(supplier_org, "admin"), supplier_org.pk)
    data = importexport.export_csv(tenant=supplier_tenant, filters=SystemFilters())
    before = _state()
    result = importexport.systems_import(tenant=supplier_tenant, file=SimpleUploadedFile("s.csv", data))
    assert (result.created, result.updated, result.unchanged, result.shared_skipped, result.errors) == (0, 0, 0, 1, [])
    assert _state() == before
    changed = _csv_upload([["Name", "Purpose", "Depends on"], ["Skolplattform", "Ändrat", ""],
                           ["Eget", "", "Skolplattform"]])
    result = importexport.systems_import(tenant=supplier_tenant, file=changed)
    assert result.errors == [RowError(3, "Depends on", "“Skolplattform” belongs to Kommun A; "
                                                       "a dependency can only be on your own systems.")]
    assert _state() == before


def test_a_reader_may_not_import_and_nothing_changes(org_a, member):
    reader = tenant_for(member(org_a, "reader"), org_a.pk)
    before = _state()
    with pytest.raises(PermissionDenied):
        importexport.systems_import(tenant=reader, file=_csv_upload([["Name"], ["Nytt"]]))
    assert _state() == before


# --- files ----------------------------------------------------------------------------------


WRONG_TYPE = "Upload an Excel workbook (.xlsx) or a CSV file (.csv). Save older Excel files (.xls) as .xlsx first."


@override_settings(TILLIT_MAX_IMPORT_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(tenant):
    with pytest.raises(ImportFileError) as error:
        importexport.systems_import(tenant=tenant, file=SimpleUploadedFile("s.csv", b"Name\n" + b"x" * 200))
    assert str(error.value) == "The file is 205\xa0bytes; the largest file Tillit imports is 100\xa0bytes."
    assert System.objects.count() == 0


@pytest.mark.parametrize(("name", "content", "message"), [
    ("s.pdf", b"%PDF-1.7", WRONG_TYPE),
    ("s.xls", b"\xd0\xcf\x11\xe0rest", WRONG_TYPE),
    ("s.csv", b"PK\x03\x04zip", WRONG_TYPE),
    ("s.xlsx", b"Name\nA\n", "The file is not a readable Excel workbook (.xlsx)."),
    ("s.xlsx", b"PK\x03\x04 broken", "The file is not a readable Excel workbook (.xlsx)."),
    ("s.csv", b"N\x00a\x00m\x00e\x00", "The file is not a text file. Save it as “CSV UTF-8” and try again."),
    ("s.csv", b"", "The file is empty."),
    ("s.csv", b"Name\n\n", "The file has no rows below the column headings."),
], ids=["pdf", "xls", "zip_named_csv", "text_named_xlsx", "damaged_xlsx", "utf16", "empty", "headings_only"])
def test_unreadable_files_are_refused_with_a_clear_message(tenant, name, content, message):
    with pytest.raises(ImportFileError) as error:
        importexport.systems_import(tenant=tenant, file=SimpleUploadedFile(name, content))
    assert str(error.value) == message
    assert System.objects.count() == 0


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252")],
                         ids=["semicolon_bom", "comma_no_bom", "windows_1252"])
def test_csv_delimiters_and_encodings_are_recognised(tenant, org_a, delimiter, encoding):
    rows = [["Name", "Purpose", "Countries where data is stored"], ["Växel", "Telefoni, fast", "SE, FI"]]
    result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows, delimiter=delimiter, encoding=encoding))
    assert (result.created, result.errors) == (1, [])
    system = System.objects.get(organisation=org_a)
    assert (system.name, system.purpose, system.storage_countries) == ("Växel", "Telefoni, fast", ["FI", "SE"])


def test_an_xlsx_file_without_extension_is_recognised_and_cell_types_are_read(tenant, org_a):
    upload = _xlsx_upload([["Name", "Personal data", "Contract"], ["Tal", True, 1234.0]], name="blob")
    result = importexport.systems_import(tenant=tenant, file=upload)
    assert (result.created, result.errors) == (1, [])
    system = System.objects.get(organisation=org_a)
    assert (system.personal_data, system.contract) == (True, "1234")


def test_a_file_with_too_many_rows_is_refused(tenant, settings):
    settings.TILLIT_IMPORT_MAX_ROWS = 3
    rows = [["Name"], ["A"], [], ["B"], ["C"]]
    assert importexport.systems_import(tenant=tenant, file=_csv_upload(rows)).created == 3
    with pytest.raises(ImportFileError) as error:
        importexport.systems_import(tenant=tenant, file=_xlsx_upload(rows + [["D"]]))
    assert str(error.value) == "The file has more than 3 rows; split it into smaller files."
    assert System.objects.count() == 3


def test_row_numbers_count_blank_rows_as_the_spreadsheet_does(tenant):
    upload = _xlsx_upload([[], ["Name", "Hosting"], ["A", "x"], [], ["B", "y"]])
    result = importexport.systems_import(tenant=tenant, file=upload)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Hosting"), (5, "Hosting")]


# --- performance ----------------------------------------------------------------------------


def _lookup_reads(queries) -> dict[str, int]:
    tables = ("accounts_user", "organisations_unit", "suppliers_supplier", '"inventory_informationtype"',
              'FROM "inventory_system"')
    reads = [sql for sql in queries if sql.lstrip().upper().startswith("SELECT")]
    return {table: sum(table in sql for sql in reads) for table in tables}


def test_lookups_are_read_once_however_many_rows(tenant, org_a, coordinator):
    """2 000 rows naming owner, unit, supplier and information types: the lookups stay batched."""
    UnitFactory(organisation=org_a, name="KS")
    SupplierFactory(organisation=org_a, name="Lön AB")
    InformationTypeFactory(organisation=org_a, name="Lön")
    SystemFactory(organisation=org_a, name="Bas")
    heading = ["Name", "Owning unit", "System owner (e-mail)", "Supplier", "Information types", "Depends on"]

    def run(prefix, n):
        rows = [heading] + [[f"{prefix} {i}", "KS", coordinator.email, "Lön AB", "Lön", "Bas"] for i in range(n)]
        statements = []

        def record(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        # A wrapper sees every statement; CaptureQueriesContext keeps only the last 9 000.
        with connection.execute_wrapper(record):
            result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows))
        assert (result.created, result.errors) == (n, [])
        return statements

    small, large = run("Liten", 20), run("Stor", 2000)
    assert _lookup_reads(large) == _lookup_reads(small)
    # Members, units, suppliers and information types are read once each; systems twice (all
    # visible names; the dependency targets outside the file).
    assert _lookup_reads(large) == {"accounts_user": 1, "organisations_unit": 1, "suppliers_supplier": 1,
                                    '"inventory_informationtype"': 1, 'FROM "inventory_system"': 2}
    assert sum(sql.startswith('INSERT INTO "inventory_system" ') for sql in large) == 2000
    assert System.objects.filter(organisation=org_a).count() == 2021


# --- the audit trail ------------------------------------------------------------------------


def test_every_write_of_an_import_is_in_an_intact_chain(tenant, org_a, coordinator):
    info = InformationTypeFactory(organisation=org_a, name="Lön")
    before = AuditEntry.objects.count()
    rows = [["Name", "Information types", "Depends on"], ["Portal", "Lön", "Inloggning"], ["Inloggning", "", ""]]
    result = importexport.systems_import(tenant=tenant, file=_csv_upload(rows))
    assert (result.created, result.errors) == (2, [])
    portal = System.objects.get(name="Portal")
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.model, e.action, e.object_repr) for e in entries] == [
        ("inventory.system", "create", "Portal"),
        ("inventory.system", "create", "Inloggning"),
        ("inventory.system", "update", "Portal"),
        ("inventory.systemdependency", "create", "Portal → Inloggning"),
    ]
    assert entries[2].changes == {"information_types": {"added": [info.pk]}}
    assert entries[2].object_id == str(portal.pk)
    assert {(e.source, e.actor_id, e.organisation_id) for e in entries} == {("import", coordinator.pk, org_a.pk)}
    assert chain.verify().ok


def test_deferred_entries_are_dropped_when_the_block_fails(org_a):
    before = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic(), chain.deferred():
            SystemFactory(organisation=org_a, name="Halvvägs")
            assert AuditEntry.objects.count() == before  # collected, not yet chained
            1 / 0
    assert AuditEntry.objects.count() == before
    assert not System.objects.filter(name="Halvvägs").exists()
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_deferred_must_run_inside_a_transaction():
    with pytest.raises(RuntimeError), chain.deferred():
        pass
