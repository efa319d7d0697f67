"""Spreadsheet files shared by the registers that import and export them (systems, risks, …).

Each register describes its file as a tuple of Columns; this module reads an uploaded file
(XLSX or CSV, refusing what is too large, of the wrong type or a zip bomb), matches its
headings in Swedish or English, and writes workbooks and CSV that spreadsheet programs open
without running anything a cell holds. Row checking and saving stay with each register.
"""

import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# A 10 000-row inventory is the performance target; twice that is the most one file may hold,
# so a small file of empty lines cannot keep a worker busy for minutes.
MAX_ROWS = 20_000
# An XLSX file is a zip archive; refuse archives that unpack to far more than any real
# register would (a "zip bomb" would otherwise fill the memory while openpyxl reads it).
# A 20 000-row register of 18 columns unpacks to about 30 MB.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# More columns than any register has (the widest has a few dozen).
MAX_COLUMNS = 100
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 .xls format
# Characters XML 1.0 forbids; openpyxl and python-docx refuse to write them (text pasted from
# other tools, e.g. a vertical tab), as do lone surrogates and the two non-characters.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection, OWASP); CSV exports prefix such cells with an apostrophe, which imports remove.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    """One column of a file: the field it holds, its heading and how it is written."""

    field: str
    header: Promise
    kind: str
    width: int = 20
    choices: Any = None  # a TextChoices class for choice columns


class ImportFileError(Exception):
    """The file as a whole cannot be imported (type, size, encoding, layout)."""


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the heading row is 1
    column: str  # the heading as written in the file
    message: str


# --- reading a file -----------------------------------------------------------------------


def _read_bytes(file) -> bytes:
    limit = settings.TILLIT_MAX_IMPORT_BYTES
    size = getattr(file, "size", None)
    if size is None or size <= limit:
        data = file.read(limit + 1)  # never more than the limit in memory
        size = len(data)
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s; the largest file Tillit imports is %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(limit)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    return data


def _wrong_type() -> ImportFileError:
    return ImportFileError(
        _("Upload an Excel workbook (.xlsx) or a CSV file (.csv). Save older Excel files (.xls) as .xlsx first.")
    )


def read_table(file) -> list[tuple[int, list[str]]]:
    """The file's non-empty rows as (row number, cell texts); XLSX or CSV, by extension and content."""
    data = _read_bytes(file)
    suffix = Path(getattr(file, "name", "") or "").suffix.lower()
    is_zip = data.startswith(ZIP_MAGIC)
    if suffix not in (".xlsx", ".csv", ".txt", "") or data.startswith(OLE_MAGIC):
        raise _wrong_type()
    if suffix == ".xlsx" or (suffix == "" and is_zip):
        if not is_zip:
            raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx)."))
        return _read_xlsx(data)
    if is_zip:
        raise _wrong_type()
    return _read_csv(data)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _numbered(rows: Iterable[list[str]]) -> list[tuple[int, list[str]]]:
    """Non-empty rows with the number the spreadsheet shows; refuses files over MAX_ROWS.

    Blank rows are skipped but counted, and never stored: Excel may keep a million formatted,
    empty rows after the data.
    """
    numbered, max_rows = [], import_limits()[0]
    for number, cells in enumerate(rows, start=1):
        if any(cells):
            numbered.append((number, cells))
            if len(numbered) > max_rows + 1:  # the heading row plus max_rows records
                raise ImportFileError(
                    _("The file has more than %(max)d rows; split it into smaller files.") % {"max": max_rows})
    return numbered


def import_limits() -> tuple[int, int, int]:
    """(rows, columns, unpacked bytes) an imported file may have; settings override the defaults."""
    return (getattr(settings, "TILLIT_IMPORT_MAX_ROWS", MAX_ROWS),
            getattr(settings, "TILLIT_IMPORT_MAX_COLUMNS", MAX_COLUMNS),
            getattr(settings, "TILLIT_IMPORT_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES))


DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _too_many_columns(max_columns: int) -> ImportFileError:
    return ImportFileError(
        _("The workbook has more than %(max)d columns; Tillit reads at most %(max)d.") % {"max": max_columns})


def _check_archive(data: bytes) -> None:
    """Refuse a workbook by what its zip archive declares, before any of it is unpacked.

    The declared sizes bound what zipfile unpacks, so a small file that would unpack to far
    more than any register (a "zip bomb") is refused at once; so is a sheet whose size record
    declares more rows or columns than an import may have.
    """
    max_rows, max_columns, max_bytes = import_limits()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > max_bytes:
            raise ImportFileError(
                _("The workbook unpacks to %(size)s; Tillit imports at most %(max)s unpacked. "
                  "Remove empty rows and columns or split it into smaller files.")
                % {"size": filesizeformat(unpacked), "max": filesizeformat(max_bytes)})
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as sheet:
                    match = DIMENSION.search(sheet.read(4096))
                if match and _column_number(match.group(1)) > max_columns:
                    raise _too_many_columns(max_columns)
                if match and int(match.group(2)) > max_rows + 1 + 1000:
                    # Blank rows after the data are allowed, up to a margin.
                    raise ImportFileError(
                        _("The file has more than %(max)d rows; split it into smaller files.") % {"max": max_rows})


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        _check_archive(data)
        max_columns = import_limits()[1]
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Files written by other programs may carry a wrong size record; read every row.
        sheet.reset_dimensions()

        def cells():
            for values in sheet.iter_rows(values_only=True):
                if len(values) > max_columns and any(v not in (None, "") for v in values[max_columns:]):
                    raise _too_many_columns(max_columns)
                yield [_cell_text(v) for v in values[:max_columns]]

        rows = _numbered(cells())
        workbook.close()
        return rows
    except ImportFileError:
        raise
    except Exception:
        # openpyxl and zipfile fail on damaged input with many exception types; all mean the
        # same to the user.
        raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx).")) from None


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise ImportFileError(_("The file is not a text file. Save it as “CSV UTF-8” and try again."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Swedish Excel's plain "CSV (semikolonavgränsad)" is written in Windows-1252.
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not a text file. Save it as “CSV UTF-8” and try again.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = "," if first_line.count(",") > first_line.count(";") else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _numbered([_strip_formula_guard(v.strip()) for v in values] for values in reader)
    except csv.Error:
        raise ImportFileError(_("The CSV file could not be read; check its quotation marks.")) from None


def _strip_formula_guard(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


# --- headings, choices and names ------------------------------------------------------------


def header_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Heading (field name, or heading in English or Swedish, any case) → column."""
    index = {c.field.casefold(): c for c in columns}
    for language in ("en", "sv"):
        with translation.override(language):
            index.update({str(c.header).casefold(): c for c in columns})
    return index


def read_headers(columns: tuple[Column, ...], cells: list[str], number: int,
                 errors: list[RowError]) -> dict[int, tuple[Column, str]]:
    """Column position → (column, heading as written); unknown or repeated headings are errors."""
    index, found, seen = header_index(columns), {}, set()
    for position, text in enumerate(cells):
        if not text:
            continue
        column = index.get(text.casefold())
        if column is None:
            message = _("Unknown column heading. The template shows the headings Tillit reads.")
            errors.append(RowError(number, text, message))
        elif column.field in seen:
            errors.append(RowError(number, text, _("This column appears twice.")))
        else:
            seen.add(column.field)
            found[position] = (column, text)
    return found


def choice_options(column: Column) -> dict[str, str]:
    """Label in Swedish or English, or the stored code (any case) → the code."""
    options = {}
    for language in ("en", "sv"):
        with translation.override(language):
            options.update({str(label).casefold(): value for value, label in column.choices.choices})
    options.update({value.casefold(): value for value in column.choices.values})
    return options


class ByName:
    """Records by name: exactly as written, else ignoring case if that finds exactly one."""

    def __init__(self, items: Iterable[tuple[str, Any]]):
        self.exact: dict[str, Any] = {}
        folded: dict[str, list] = defaultdict(list)
        for name, obj in items:
            self.exact[name] = obj
            folded[name.casefold()].append(obj)
        self.folded = dict(folded)

    def find(self, name: str):
        """The record, None when there is none, ValidationError when the case leaves it ambiguous."""
        if name in self.exact:
            return self.exact[name]
        matches = self.folded.get(name.casefold(), [])
        if len(matches) > 1:
            raise ValidationError(
                _("Several records match “%(name)s” apart from upper and lower case; write the name exactly.")
                % {"name": name}
            )
        return matches[0] if matches else None

    def first(self, name: str):
        """Like find(), but any one of several records that differ only in case."""
        return self.exact[name] if name in self.exact else self.folded.get(name.casefold(), [None])[0]

    def __contains__(self, name: str) -> bool:
        return name in self.exact or name.casefold() in self.folded


def plain_text(value: str) -> str:
    """What survives a trip through a spreadsheet: no surrounding blanks, "\\n" line ends."""
    return ILLEGAL_XML.sub("", value.replace("\r\n", "\n")).strip()


# --- writing files --------------------------------------------------------------------------


def safe_text(value: Any) -> str:
    """Any stored text as every export writer (XLSX, CSV, DOCX, PDF) can write it.

    Characters XML forbids are dropped; line breaks and tabs are kept. One function for all
    writers, so a note with a stray control character cannot make any export fail.
    """
    if value is None:
        return ""
    return ILLEGAL_XML.sub("", value if isinstance(value, str) else str(value))


def xlsx_cell(sheet, value: Any):
    """A value for sheet.append (any worksheet): text is always stored as text, never as a formula.

    A cell starting with =, +, -, @, tab or CR is what spreadsheet programs run as a formula
    (OWASP "CSV injection"); in a workbook the cell is typed as a string instead, so the reader
    sees exactly what was stored. Numbers, dates and None are written as they are.
    """
    if value is None or isinstance(value, (bool, int, float, datetime.date)):
        return value
    text = safe_text(value)
    if not text.startswith(FORMULA_START):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def xlsx_row(sheet, values: Iterable[Any]) -> list:
    """sheet.append(xlsx_row(sheet, values)): every value written safely (xlsx_cell)."""
    return [xlsx_cell(sheet, value) for value in values]


def xlsx_bytes(title: str, columns: tuple[Column, ...], rows: Iterator[list[str]]) -> bytes:
    """A workbook of one sheet: the first row (the headings) bold and frozen, then the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for text in next(rows):
        cell = WriteOnlyCell(sheet, value=safe_text(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_safe(value: Any) -> str:
    """A CSV cell spreadsheet programs show as text: a formula start gets an apostrophe before it."""
    text = safe_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(rows: Iterable[list[str]]) -> bytes:
    """CSV the way Swedish Excel opens it: UTF-8 with BOM, ";" between, formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
