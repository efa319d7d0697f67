"""The minutes of a meeting as a Word document (A4, header and page-numbered footer)."""

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from meetings.models import Meeting


def _field(run, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in `run`, updated by Word when the document is shown."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def filename(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"Protokoll {meeting.kind_short} {day}.docx"


def minutes_docx(meeting: Meeting) -> tuple[bytes, str]:
    """(content, file name) of the minutes; the document text is Swedish, like the minutes."""
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    document.styles["Normal"].font.size = Pt(11)

    header = section.header.paragraphs[0]
    header.text = f"{meeting.organisation.name}\tProtokoll\t{meeting.kind_short} {start:%Y-%m-%d}"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer.add_run(), "PAGE")
    footer.add_run(" (")
    _field(footer.add_run(), "NUMPAGES")
    footer.add_run(")")

    document.add_heading(f"Protokoll – {meeting.title}", level=1)
    facts = [("Mötestyp", meeting.kind_short), ("Tid", f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"),
             ("Plats", meeting.location or "–"),
             ("Ordförande", str(meeting.chair) if meeting.chair else "–"),
             ("Sekreterare", str(meeting.secretary) if meeting.secretary else "–"),
             ("Deltagande organisationer", ", ".join(o.name for o in meeting.shared_with.all()) or "–")]
    table = document.add_table(rows=0, cols=2)
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value

    attendees = list(meeting.attendees.all())
    if attendees:
        document.add_heading("Närvarande", level=2)
        for a in attendees:
            where = a.represents.name if a.represents_id else meeting.organisation.name
            absent = "" if a.present else " (frånvarande)"
            document.add_paragraph(f"{a.name}, {a.role_title or '–'}, {where}{absent}", style="List Bullet")
    agenda = list(meeting.agenda.all())
    if agenda:
        document.add_heading("Dagordning", level=2)
        for item in agenda:
            document.add_paragraph(f"{item.position}. {item.title}" + (f" ({item.presenter})" if item.presenter else ""))
    document.add_heading("Protokoll", level=2)
    for block in (meeting.minutes or "–").split("\n\n"):
        document.add_paragraph(block.strip())
    decisions = list(meeting.decisions.all())
    if decisions:
        document.add_heading("Beslut", level=2)
        for d in decisions:
            document.add_paragraph(f"§ {d.number} {d.text}")
    items = list(meeting.action_items.all())
    if items:
        document.add_heading("Åtgärder", level=2)
        for i in items:
            who = i.responsible.name if i.responsible_id else meeting.organisation.name
            due = f", senast {i.due_date:%Y-%m-%d}" if i.due_date else ""
            document.add_paragraph(f"{i.title} – {who}{due}", style="List Bullet")
    if meeting.minutes_approved_at:
        approver = meeting.minutes_approved_by
        name = str(approver) if approver else "–"
        document.add_paragraph(f"Protokollet justerat {timezone.localtime(meeting.minutes_approved_at):%Y-%m-%d} av {name}.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), filename(meeting)
