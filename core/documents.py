"""The one document toolkit: every DOCX and PDF Tillit produces is built here.

A module builds a `Document` from blocks (headings, paragraphs, facts, tables, lists, charts)
in a plain function, and renders it with `render_docx()` / `render_pdf()` or answers a request
with `response(doc, "docx" | "pdf", filename=…)`. The toolkit gives every document the same
things people expect of a document they can send on: A4, a header with the organisation, the
document kind, the date and the registration number (diarienummer) where there is one, a footer
with page numbers as "1 (6)", the organisation as author in the metadata, a visible draft
marking, Swedish file names, and charts whose Swedish letters come out in both formats (the PNG
for DOCX is drawn with a real TrueType font, not Pillow's bitmap default).
"""

import datetime
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.tabular import safe_text

# Documents go to Swedish authorities, boards and suppliers: they are written in Swedish
# whatever language the member reads the pages in.
DOCUMENT_LANGUAGE = "sv"

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

# The chart font: DejaVu Sans (Debian's fonts-dejavu-core, installed with Chromium and
# WeasyPrint's dependencies). PDF charts use it through fontconfig, DOCX charts through Pillow.
FONT_FILES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/local/share/fonts/DejaVuSans.ttf"),
]
PALETTE = ["#1f5f8b", "#c0792b", "#3d8b5a", "#8b3d6e", "#5a5f66", "#b3a22d"]
INK, GRID = "#1b1f24", "#d5d9de"


# Blocks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarChart:
    """A grouped bar chart: one group of bars per label, one bar per series.

    Any chart a module draws itself goes into a document the same way: an object with a
    `title`, `svg()` (inline SVG for the PDF) and `png()` (the picture in the DOCX), drawn with
    `font()` so that its Swedish letters come out.
    """

    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    unit: str = ""  # shown after each value on the axis, e.g. "%"
    maximum: float | None = None  # the axis' top for a fixed scale (a maturity scale's 5)

    def svg(self) -> str:
        return chart_svg(self)

    def png(self) -> bytes:
        return chart_png(self)


@dataclass(frozen=True)
class Cell:
    """A table cell with a bold lead above its text (a requirement's title over its wording).
    Line breaks ("\\n") in either part start a new line, in DOCX as in PDF."""

    lead: str
    text: str = ""

    def __str__(self) -> str:
        return f"{self.lead}\n{self.text}" if self.text else self.lead


@dataclass
class Block:
    kind: str  # heading, paragraph, facts, table, bullets, chart, page_break
    text: str = ""
    level: int = 2
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    chart: object = None  # a BarChart or any object with title, svg() and png()
    total_row: bool = False  # the table's last row is its total, set in bold
    widths: list[float] = field(default_factory=list)  # relative column widths, e.g. [1, 5, 2, 2]

    @property
    def width_percents(self) -> list[float]:
        total = sum(self.widths)
        return [round(100 * w / total, 1) for w in self.widths] if total else []

    @property
    def chart_svg(self) -> str:
        return self.chart.svg() if self.chart else ""


def _text(value) -> str:
    """A cell's text: dates in Swedish form, None as a dash, everything else as str."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Cell):
        return value
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


@dataclass
class Document:
    organisation: str
    kind: str  # "Incidentrapport", "Granskningsrapport" …
    title: str
    date: datetime.date | None = None
    reference: str = ""  # diarienummer
    draft: bool = False
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> "Document":
        self.blocks.append(Block("heading", text=str(text), level=max(2, min(level, 4))))
        return self

    def paragraph(self, text: str) -> "Document":
        self.blocks.append(Block("paragraph", text=str(text)))
        return self

    def facts(self, pairs) -> "Document":
        """Label–value pairs, as a two-column table without a header."""
        self.blocks.append(Block("facts", rows=[[str(label), _text(value)] for label, value in pairs]))
        return self

    def table(self, *, header, rows, caption: str = "", total_row: bool = False, widths=None,
              blank: str = "–") -> "Document":
        """A table; `widths` gives the columns' relative widths (the text width is shared out in
        proportion), `blank` what an empty cell shows ("" for a column a reader fills in)."""
        if widths and len(widths) != len(header):
            raise ValueError("one width per column")
        self.blocks.append(Block("table", text=str(caption), header=[str(h) for h in header],
                                 rows=[[_text(cell) if cell not in (None, "") else blank for cell in row] for row in rows],
                                 total_row=total_row, widths=[float(w) for w in widths or []]))
        return self

    def bullets(self, items, caption: str = "") -> "Document":
        self.blocks.append(Block("bullets", text=str(caption), items=[str(item) for item in items]))
        return self

    def chart(self, chart) -> "Document":
        self.blocks.append(Block("chart", text=str(chart.title), chart=chart))
        return self

    def page_break(self) -> "Document":
        self.blocks.append(Block("page_break"))
        return self

    @property
    def date_text(self) -> str:
        return self.date.isoformat() if self.date else ""

    def render_pdf(self) -> bytes:
        return render_pdf(self)

    def render_docx(self) -> bytes:
        return render_docx(self)


# File names ------------------------------------------------------------------------------


def filename(name: str, extension: str) -> str:
    """A Swedish file name a person recognises: the words as written (å, ä, ö kept), without
    characters that file systems or mail clients refuse, and no internal ids."""
    cleaned = unicodedata.normalize("NFC", str(name))
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .") or _("Document")
    return f"{cleaned[:120].rstrip()}.{extension}"


def response(document: Document, fmt: str, *, filename: str) -> HttpResponse:
    """An attachment response with the document in `fmt` ("docx" or "pdf")."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    content = document.render_docx() if fmt == "docx" else document.render_pdf()
    name = globals()["filename"](filename, fmt)
    answer = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    # RFC 6266: a name with å, ä or ö goes as filename*=utf-8''…, which every browser reads.
    answer["Content-Disposition"] = content_disposition_header(True, name)
    return answer


# Charts ----------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 70


@dataclass(frozen=True)
class _Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    value: float


def _nice_step(value: float) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `value`."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 2.5, 5, 10) if value <= step * magnitude)


def _ticks(highest: float) -> tuple[float, list[float]]:
    """The axis' top and its tick values: about four even steps from zero."""
    step = _nice_step(highest / 4) if highest > 0 else 1.0
    top = max(step, math.ceil(highest / step - 1e-9) * step)
    return top, [step * i for i in range(round(top / step) + 1)]


def _layout(chart: BarChart):
    highest = max((float(v or 0) for _name, values in chart.series for v in values), default=0)
    if chart.maximum and highest <= chart.maximum:
        step = _nice_step(chart.maximum / 5)
        top, tick_values = chart.maximum, [step * i for i in range(int(chart.maximum / step + 1e-9) + 1)]
    else:
        top, tick_values = _ticks(highest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    groups = max(len(chart.labels), 1)
    group_w = plot_w / groups
    per = max(len(chart.series), 1)
    bar_w = min(36.0, group_w * 0.8 / per)
    bars, label_x = [], []
    for g, _label in enumerate(chart.labels):
        start = LEFT + g * group_w + (group_w - bar_w * per) / 2
        label_x.append(LEFT + g * group_w + group_w / 2)
        for s, (_name, values) in enumerate(chart.series):
            value = float(values[g]) if g < len(values) and values[g] is not None else 0.0
            height = plot_h * value / top
            bars.append(_Bar(start + s * bar_w, TOP + plot_h - height, bar_w * 0.92, height,
                             PALETTE[s % len(PALETTE)], value))
    ticks = [(TOP + plot_h - plot_h * value / top, value) for value in tick_values]
    return bars, label_x, ticks


def _number(value: float, unit: str = "") -> str:
    text = formats.number_format(round(value, 1), decimal_pos=0 if float(value).is_integer() else 1)
    return f"{text}{unit}"


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def chart_svg(chart: BarChart) -> str:
    """The chart as inline SVG (pages and PDF), with a title and text for screen readers."""
    bars, label_x, ticks = _layout(chart)
    baseline = HEIGHT - BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{_esc(chart.title)}" font-family="DejaVu Sans, sans-serif" font-size="11">',
             f"<title>{_esc(chart.title)}</title>"]
    for y, value in ticks:
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
                     f"{_esc(_number(value, chart.unit))}</text>")
    for bar in bars:
        if bar.height > 0:
            parts.append(f'<rect x="{bar.x:.1f}" y="{bar.y:.1f}" width="{bar.width:.1f}" height="{bar.height:.1f}" '
                         f'fill="{bar.colour}"><title>{_esc(_number(bar.value, chart.unit))}</title></rect>')
    parts.append(f'<line x1="{LEFT}" y1="{baseline}" x2="{WIDTH - RIGHT}" y2="{baseline}" stroke="{INK}"/>')
    for x, label in zip(label_x, chart.labels, strict=False):
        parts.append(f'<text x="{x:.1f}" y="{baseline + 16}" text-anchor="middle" fill="{INK}">{_esc(label)}</text>')
    for i, (name, _values) in enumerate(chart.series):
        lx, ly = LEFT + (i % 3) * 190, baseline + 36 + (i // 3) * 16
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly}" fill="{INK}">{_esc(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def font(size: int):
    from PIL import ImageFont

    for path in FONT_FILES:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    # Without a TrueType font Pillow's default cannot draw å, ä and ö: fail loudly rather
    # than send a document with empty boxes in its charts.
    raise RuntimeError("DejaVu Sans is required for document charts (Debian package fonts-dejavu-core)")


def chart_png(chart: BarChart, scale: int = 2) -> bytes:
    """The same chart as PNG (for DOCX), drawn with Pillow at `scale` times the SVG's size."""
    from PIL import Image, ImageDraw

    bars, label_x, ticks = _layout(chart)
    image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), "white")
    draw = ImageDraw.Draw(image)
    font_ = font(11 * scale)

    def s(value: float) -> int:
        return round(value * scale)

    for y, value in ticks:
        draw.line([(s(LEFT), s(y)), (s(WIDTH - RIGHT), s(y))], fill=GRID, width=scale)
        draw.text((s(LEFT - 6), s(y)), _number(value, chart.unit), fill=INK, font=font_, anchor="rm")
    for bar in bars:
        if bar.height > 0:
            draw.rectangle([s(bar.x), s(bar.y), s(bar.x + bar.width), s(bar.y + bar.height)], fill=bar.colour)
    baseline = HEIGHT - BOTTOM
    draw.line([(s(LEFT), s(baseline)), (s(WIDTH - RIGHT), s(baseline))], fill=INK, width=scale)
    for x, label in zip(label_x, chart.labels, strict=False):
        draw.text((s(x), s(baseline + 12)), label, fill=INK, font=font_, anchor="mm")
    for i, (name, _values) in enumerate(chart.series):
        lx, ly = LEFT + (i % 3) * 190, baseline + 36 + (i // 3) * 16
        draw.rectangle([s(lx), s(ly - 9), s(lx + 10), s(ly + 1)], fill=PALETTE[i % len(PALETTE)])
        draw.text((s(lx + 16), s(ly - 4)), name, fill=INK, font=font_, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# PDF -------------------------------------------------------------------------------------


def render_pdf(document: Document) -> bytes:
    """The document as PDF: one HTML template (templates/documents/document.html) rendered by
    WeasyPrint. Everything is inline, so nothing is fetched; the template's <title> and
    <meta name="author"> become the PDF's title and author."""
    from weasyprint import HTML

    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string("documents/document.html", {"doc": document})
        return HTML(string=html).write_pdf()


# DOCX ------------------------------------------------------------------------------------


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph: Word fills in the number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            value = OxmlElement("w:t")
            value.text = text
            run._r.append(value)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _docx_header(doc, document: Document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    section = doc.sections[0]
    header = section.header
    first = header.paragraphs[0]
    first.text = ""
    org = first.add_run(safe_text(document.organisation))
    org.bold = True
    first.add_run("\t\t" + safe_text(document.kind))
    line = header.add_paragraph()
    line.add_run(safe_text(f"{_('Date')}: {document.date_text or '–'}"))
    line.add_run("\t\t" + safe_text(f"{_('Registration number')}: {document.reference or '–'}"))
    if document.draft:
        mark = header.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = mark.add_run(_("DRAFT"))
        run.bold = True
        run.font.size = Pt(14)
        run.font.color.rgb = RGBColor(0xB0, 0x1E, 0x1E)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _field(footer, "PAGE")
    footer.add_run(" (")
    _field(footer, "NUMPAGES")
    footer.add_run(")")


def _docx_lines(paragraph, text: str, bold: bool) -> None:
    """The text in one paragraph, its lines separated by line breaks."""
    for i, line in enumerate(str(text).split("\n")):
        run = paragraph.add_run()
        if i:
            run.add_break()
        run.add_text(safe_text(line))
        run.bold = bold


def _docx_cell(cell, value, *, bold: bool) -> None:
    """A cell's text: a Cell as its bold lead with the text on a paragraph of its own."""
    if isinstance(value, Cell):
        _docx_lines(cell.paragraphs[0], value.lead, True)
        if value.text:
            _docx_lines(cell.add_paragraph(), value.text, bold)
    else:
        _docx_lines(cell.paragraphs[0], value, bold)


def _docx_widths(doc, table, widths: list[float]) -> None:
    """Fixed column widths in proportion to `widths`, over the page's text width (Word reads
    the cells' widths, LibreOffice the grid's: both are set)."""
    from docx.oxml.ns import qn

    section = doc.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    total = sum(widths)
    table.autofit = False
    sizes = [int(text_width * w / total) for w in widths]
    for column, size in zip(table.columns, sizes):
        column.width = size
        for cell in column.cells:
            cell.width = size
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    if layout is not None:
        layout.set(qn("w:type"), "fixed")


def render_docx(document: Document) -> bytes:
    """The document as DOCX (python-docx): A4, header and footer on every page, charts as PNG."""
    from docx import Document as WordDocument
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Mm, Pt

    with translation.override(DOCUMENT_LANGUAGE):
        doc = WordDocument()
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(22), Mm(20)
        section.top_margin, section.bottom_margin = Mm(22), Mm(20)
        normal = doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        properties = doc.core_properties
        properties.title = safe_text(document.title)
        properties.author = safe_text(document.organisation)
        properties.last_modified_by = safe_text(document.organisation)
        properties.language = DOCUMENT_LANGUAGE
        properties.subject = safe_text(document.kind)
        if document.draft:
            properties.keywords = _("Draft")
        _docx_header(doc, document)
        doc.add_heading(safe_text(document.title), level=1)
        if document.subtitle:
            doc.add_paragraph(safe_text(document.subtitle))
        for block in document.blocks:
            _docx_block(doc, block, Cm)
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()


def _docx_block(doc, block: Block, Cm) -> None:
    if block.kind == "heading":
        doc.add_heading(safe_text(block.text), level=block.level)
    elif block.kind == "paragraph":
        doc.add_paragraph(safe_text(block.text))
    elif block.kind == "bullets":
        if block.text:
            doc.add_paragraph().add_run(safe_text(block.text)).bold = True
        for item in block.items:
            doc.add_paragraph(safe_text(item), style="List Bullet")
    elif block.kind in ("table", "facts"):
        if block.text:
            doc.add_paragraph().add_run(safe_text(block.text)).bold = True
        columns = len(block.header) if block.header else 2
        table = doc.add_table(rows=0, cols=columns)
        table.style = "Table Grid"
        if block.header:
            cells = table.add_row().cells
            for i, text in enumerate(block.header):
                cells[i].paragraphs[0].add_run(safe_text(text)).bold = True
            _repeat_header(table.rows[0])
        for number, row in enumerate(block.rows, start=1):
            cells = table.add_row().cells
            bold_row = block.total_row and number == len(block.rows)
            for i, value in enumerate(row[:columns]):
                _docx_cell(cells[i], value, bold=bold_row or (block.kind == "facts" and i == 0))
        if block.widths:
            _docx_widths(doc, table, block.widths)
        doc.add_paragraph()
    elif block.kind == "chart":
        doc.add_paragraph().add_run(safe_text(block.text)).bold = True
        doc.add_picture(io.BytesIO(block.chart.png()), width=Cm(16))
    elif block.kind == "page_break":
        doc.add_page_break()
