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
