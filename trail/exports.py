"""The audit trail as a file for the auditor: the filtered entries in words, as XLSX or CSV.

The names of linked records are read through the member's tenant a chunk at a time, the same
way the page shows them, so an export of many entries keeps a steady memory and query cost.
"""

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tabular import Column, csv_safe, xlsx_bytes
from trail import display

# A workbook is for reading in a spreadsheet program; more rows than this are better taken as
# CSV (streamed) or narrowed by period.
XLSX_LIMIT = 20_000
CHUNK = 500

COLUMNS = (
    Column("seq", _("Entry"), "int", width=10),
    Column("time", _("Time"), "text", width=20),
    Column("person", _("Who"), "text", width=30),
    Column("source", _("Channel"), "text", width=16),
    Column("action", _("What"), "text", width=12),
    Column("record_type", _("Record type"), "text", width=24),
    Column("record", _("Record"), "text", width=40),
    Column("changes", _("Changes"), "text", width=80),
)


def _changes_text(rows: list[display.ChangeRow]) -> str:
    lines = []
    for row in rows:
        lines.append(f"{row.label}: {row.text}" if row.text else row.label)
        lines.extend(f"  {detail}" for detail in row.details)
    return "\n".join(lines)


def rows(entries: QuerySet, *, tenant) -> Iterator[list]:
    """The heading row, then one row per entry, in the order of `entries`."""
    yield [str(c.header) for c in COLUMNS]
    chunk: list = []
    for entry in entries.iterator(chunk_size=CHUNK):
        chunk.append(entry)
        if len(chunk) == CHUNK:
            yield from _described(chunk, tenant=tenant)
            chunk = []
    if chunk:
        yield from _described(chunk, tenant=tenant)


def _described(entries: list, *, tenant) -> Iterator[list]:
    for entry, changes in display.describe(entries, tenant=tenant):
        yield [
            entry.seq, timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"), entry.actor_label,
            entry.get_source_display(), entry.get_action_display(), display.model_label(entry), entry.object_repr,
            _changes_text(changes),
        ]


def too_many_for_xlsx(entries: QuerySet) -> bool:
    return entries[XLSX_LIMIT:XLSX_LIMIT + 1].exists()


def xlsx(entries: QuerySet, *, tenant) -> bytes:
    return xlsx_bytes(str(_("Audit trail")), COLUMNS, rows(entries[:XLSX_LIMIT], tenant=tenant))


def csv_stream(entries: QuerySet, *, tenant) -> Iterator[bytes]:
    """CSV as Swedish Excel opens it (UTF-8 with BOM, ";"), written as it is read."""
    yield "\ufeff".encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows(entries, tenant=tenant):
        writer.writerow([csv_safe(value) for value in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
