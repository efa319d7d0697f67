"""Heat maps of inherent and residual risk as server-rendered SVG (pages, exports and PDFs alike).

Likelihood runs up the left side (highest on top), consequence along the bottom; each cell
is coloured by its level and shows its number of risks. Three layers, for accessibility:

- the picture: an SVG with role="img" and an aria-label summing it up;
- the links: a second, identical SVG laid over the first, one link per cell for the mouse.
  It is aria-hidden with tabindex="-1" links, because links inside role="img" would be
  hidden from assistive technology (axe: nested-interactive);
- the text alternative: a table with the same counts and levels, linking each non-empty
  cell to the register. It is visually hidden until a link in it receives keyboard focus.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from risk.models import RiskMatrix
from risk.rules import Level


@dataclass(frozen=True)
class Geometry:
    cell: int
    label_w: int  # room for the likelihood labels left of the grid
    label_h: int  # room for the consequence labels below the grid
    title: int = 22  # room for each axis title
    pad: int = 6


LARGE = Geometry(cell=76, label_w=124, label_h=40)
COMPACT = Geometry(cell=40, label_w=22, label_h=20)


@dataclass(frozen=True)
class Cell:
    likelihood: int
    consequence: int
    count: int
    level: str
    level_label: str
    url: str


@dataclass
class Row:
    likelihood: int
    label: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Heatmap:
    kind: str
    title: str
    summary: str
    total: int
    consequence_labels: list[str]
    rows: list[Row]  # highest likelihood first, as drawn
    svg: SafeString
    links_svg: SafeString
    compact: bool


def cell_url(kind: str, likelihood: int, consequence: int) -> str:
    """The register filtered to one cell: the open risks, as the cell counts them."""
    from risk.selectors import OPEN

    return reverse("risk:risk_list") + "?" + urlencode(
        {"l": likelihood, "c": consequence, "kind": kind, "status": OPEN})


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """Split a label into at most `lines` lines of about `width` characters (SVG text does not wrap)."""
    words, result, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            result.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        result.append(current)
    if len(result) > lines:
        result = result[: lines - 1] + [" ".join(result[lines - 1:])]
    return [line if len(line) <= width + 4 else line[: width + 3] + "…" for line in result]


def _text_lines(x: float, y: float, lines: list[str], css: str, anchor: str = "middle", step: int = 14) -> SafeString:
    start = y - (len(lines) - 1) * step / 2
    spans = format_html_join("", '<tspan x="{}" y="{}">{}</tspan>',
                             ((x, start + i * step, line) for i, line in enumerate(lines)))
    return format_html('<text class="{}" text-anchor="{}">{}</text>', css, anchor, spans)


def build(matrix: RiskMatrix, counts: dict[tuple[int, int], int], kind: str, *, compact: bool = False) -> Heatmap:
    """The heat map of `kind` ("inherent" or "residual") for the counts per (likelihood, consequence)."""
    likelihood_labels, consequence_labels = matrix.likelihood_scale(), matrix.consequence_scale()
    level_labels = dict(Level.choices)
    rows = []
    for likelihood in range(matrix.likelihood_size, 0, -1):
        row = Row(likelihood, likelihood_labels[likelihood - 1])
        for consequence in range(1, matrix.consequence_size + 1):
            level = matrix.level(likelihood, consequence)
            row.cells.append(Cell(likelihood, consequence, counts.get((likelihood, consequence), 0), level,
                                  str(level_labels[level]), cell_url(kind, likelihood, consequence)))
        rows.append(row)
    # Risks assessed on levels outside the current scale cannot be drawn; the mapping of a
    # matrix change prevents them, so only counts inside the grid are summed.
    total = sum(cell.count for row in rows for cell in row.cells)
    title = _("Inherent risk") if kind == "inherent" else _("Residual risk")
    summary = ngettext(
        "%(title)s heat map, %(l)d × %(c)d: %(n)d risk. The table that follows gives the count per cell.",
        "%(title)s heat map, %(l)d × %(c)d: %(n)d risks. The table that follows gives the count per cell.",
        total,
    ) % {"title": title, "l": matrix.likelihood_size, "c": matrix.consequence_size, "n": total}
    geometry = COMPACT if compact else LARGE
    picture, links = _svgs(rows, consequence_labels, geometry, summary, compact)
    return Heatmap(kind=kind, title=title, summary=summary, total=total, consequence_labels=consequence_labels,
                   rows=rows, svg=picture, links_svg=links, compact=compact)


def _svgs(rows: list[Row], consequence_labels: list[str], g: Geometry, summary: str,
          compact: bool) -> tuple[SafeString, SafeString]:
    n_l, n_c = len(rows), len(consequence_labels)
    x0, y0 = g.title + g.label_w, g.pad
    width = x0 + n_c * g.cell + g.pad
    height = y0 + n_l * g.cell + g.label_h + g.title
    parts, hits = [], []
    for r, row in enumerate(rows):
        y = y0 + r * g.cell
        label = [str(row.likelihood)] if compact else _wrap(row.label, 16)
        parts.append(_text_lines(x0 - 8, y + g.cell / 2 + 4, label, "heatmap-axis-label", anchor="end"))
        for c, cell in enumerate(row.cells):
            x = x0 + c * g.cell
            parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" class="heatmap-cell heat-{}"/>',
                                     x + 1, y + 1, g.cell - 2, g.cell - 2, cell.level))
            count_y = y + g.cell / 2 + (5 if compact else 0)
            parts.append(format_html('<text x="{}" y="{}" class="heatmap-count{}" text-anchor="middle">{}</text>',
                                     x + g.cell / 2, count_y, " heatmap-empty" if not cell.count else "", cell.count))
            if not compact:
                parts.append(format_html('<text x="{}" y="{}" class="heatmap-level" text-anchor="middle">{}</text>',
                                         x + g.cell / 2, y + g.cell - 12, cell.level_label))
            hits.append(format_html(
                '<a href="{}" tabindex="-1"><rect x="{}" y="{}" width="{}" height="{}" class="heatmap-hit"/></a>',
                cell.url, x + 1, y + 1, g.cell - 2, g.cell - 2))
    label_y = y0 + n_l * g.cell + 16
    for c, text in enumerate(consequence_labels):
        x = x0 + c * g.cell + g.cell / 2
        lines = [str(c + 1)] if compact else _wrap(text, 11)
        parts.append(_text_lines(x, label_y + (len(lines) - 1) * 7, lines, "heatmap-axis-label", step=13))
    grid_mid_x, grid_mid_y = x0 + n_c * g.cell / 2, y0 + n_l * g.cell / 2
    parts.append(format_html('<text x="{}" y="{}" class="heatmap-axis-title" text-anchor="middle">{}</text>',
                             grid_mid_x, height - 6, _("Consequence")))
    parts.append(format_html(
        '<text x="{}" y="{}" class="heatmap-axis-title" text-anchor="middle" transform="rotate(-90 {} {})">{}</text>',
        14, grid_mid_y, 14, grid_mid_y, _("Likelihood")))
    size_class = "heatmap-compact" if compact else "heatmap-large"
    picture = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'class="heatmap-svg {}">{}</svg>', width, height, summary, size_class, mark_safe("".join(parts)))
    links = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" aria-hidden="true" focusable="false" '
        'class="heatmap-links">{}</svg>', width, height, mark_safe("".join(hits)))
    return picture, links
