"""Issue 13, points 6 and 7: the shared writers (core.tabular) and the exports built on them."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.tabular import Column, csv_bytes, safe_text, xlsx_bytes
from tests.factories import SystemFactory

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("https://evil.example/","x")']


def _workbook_cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_safe_text_drops_what_xml_forbids_and_keeps_line_breaks_and_tabs():
    assert safe_text("a\u000bb\x00c\x1fd\ufffe") == "abcd"
    assert safe_text("rad 1\nrad 2\tflik\r") == "rad 1\nrad 2\tflik\r"
    assert safe_text(None) == "" and safe_text(12) == "12"


def test_xlsx_writes_formula_starts_as_text_and_drops_control_characters():
    columns = (Column("name", "Name", "text"),)
    content = xlsx_bytes("Test", columns, iter([["Name"], *[[v] for v in DANGEROUS], ["a\u000bb"]]))
    cells = _workbook_cells(content)[1:]
    assert [c.data_type for c in cells] == ["s"] * (len(DANGEROUS) + 1)
    assert cells[-1].value == "ab"


def test_csv_prefixes_formula_starts_and_drops_control_characters():
    content = csv_bytes([[v] for v in DANGEROUS] + [["a\u000bb"]]).decode("utf-8-sig")
    values = [row[0] for row in csv.reader(io.StringIO(content, newline=""), delimiter=";")]
    assert values[:-1] == ["'" + v for v in DANGEROUS]
    assert values[-1] == "ab"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_system_export_is_safe(org_a, member, login, fmt):
    SystemFactory(organisation=org_a, name='=HYPERLINK("https://evil.example/","x")', purpose="a\u000bb")
    response = login(member(org_a)).get(reverse("inventory:system_export"), {"format": fmt})
    assert response.status_code == 200
    if fmt == "xlsx":
        cells = _workbook_cells(response.content)
        assert not [c for c in cells if c.data_type == "f"]
        assert "ab" in [c.value for c in cells]
    else:
        text = response.content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "ab" in text and "\u000b" not in text


@pytest.mark.django_db
def test_the_risk_export_is_safe(org_a, member, login):
    from risk.models import Risk

    user = member(org_a)
    client = login(user)
    from core.tenancy import tenant_for

    tenant = tenant_for(user, org_a.pk)
    risk = tenant.new(Risk, title="=1+1", description="a\u000bb")
    risk.save()
    response = client.get(reverse("risk:risk_export"))
    assert response.status_code == 200
    cells = _workbook_cells(response.content)
    assert not [c for c in cells if c.data_type == "f"]
    assert "=1+1" in [c.value for c in cells]


# --- point 8: a workbook that unpacks big is refused before it is parsed ----------------------


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str = "import.xlsx"):
        super().__init__(data)
        self.name, self.size = name, len(data)


def _bomb(rows: int, columns: int) -> bytes:
    """A real workbook of rows × columns identical cells: tiny compressed, large unpacked."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Blad1")
    sheet.append([f"Kolumn {c}" for c in range(columns)])
    row = ["x"] * columns
    for _ in range(rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_small_file_that_unpacks_big_is_refused_early_with_its_sizes(settings):
    import time
    import zipfile

    from core.tabular import ImportFileError, read_table

    settings.TILLIT_IMPORT_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    settings.LANGUAGE_CODE = "en"
    data = _bomb(3000, 40)
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert unpacked > 2 * 1024 * 1024 and unpacked > 20 * len(data)
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="unpacks to .* at most 2.0\u00a0MB"):
        read_table(_Upload(data))
    assert time.monotonic() - started < 1


def test_a_workbook_with_too_many_columns_is_refused(settings):
    from core.tabular import ImportFileError, read_table

    settings.TILLIT_IMPORT_MAX_COLUMNS = 30
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ImportFileError, match="more than 30 columns"):
        read_table(_Upload(_bomb(5, 31)))
    assert len(read_table(_Upload(_bomb(5, 30)))) == 6


def _declaring(data: bytes, ref: str) -> bytes:
    """The workbook with a size record (<dimension>) that declares ref, as Excel writes one."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1)
            target.writestr(info.filename, content)
    return out.getvalue()


def test_a_workbook_declaring_too_many_rows_or_columns_is_refused_before_parsing(settings, monkeypatch):
    from core import tabular

    settings.TILLIT_IMPORT_MAX_ROWS, settings.LANGUAGE_CODE = 100, "en"

    def never(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(tabular, "load_workbook", never)
    with pytest.raises(tabular.ImportFileError, match="more than 100 rows"):
        tabular.read_table(_Upload(_declaring(_bomb(3, 2), "A1:B20000")))
    with pytest.raises(tabular.ImportFileError, match="more than 100 columns"):
        tabular.read_table(_Upload(_declaring(_bomb(3, 2), "A1:IP3")))
