"""The cost chart of an assessment: cumulative cost per year and alternative, as grouped bars.

One layout, two renderings: SVG for the page and the PDF (server-rendered, no script), PNG
(Pillow, already installed with WeasyPrint) for the DOCX, which cannot hold SVG reliably.
Colours are presentation attributes, not styles, so the content security policy allows them.
"""

import io
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from placement.money import sek

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 90, 20, 20, 80
# Colour-blind-safe palette (Okabe–Ito), dark enough for 3:1 contrast against white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")
INK, GRID = "#1b1f24", "#c9ced6"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class Layout:
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label)
    year_labels: list[tuple[float, str]]  # (x centre, label)
    legend: list[tuple[str, str]]  # (colour, name)
    description: str


def nice_step(maximum: Decimal, ticks: int = 4) -> Decimal:
    """A round step (1, 2 or 5 × 10^k) that divides 0..maximum into about `ticks` parts."""
    if maximum <= 0:
        return Decimal(1)
    raw = float(maximum) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return Decimal(str(factor * magnitude))
    return Decimal(str(10 * magnitude))


def layout(series: list[tuple[str, list[Decimal]]], year_label) -> Layout:
    """Grouped bars: one group per year, one bar per alternative (its cumulative cost)."""
    years = max((len(values) for _name, values in series), default=0)
    top_value = max((v for _name, values in series for v in values), default=Decimal(0))
    step = nice_step(top_value)
    scale_top = step * max(1, math.ceil(top_value / step)) if top_value > 0 else step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(years, 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    bars = []
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        for y, value in enumerate(values):
            h = float(value / scale_top) * plot_h if scale_top else 0
            x = LEFT + y * group_w + group_w * 0.1 + s * bar_w
            bars.append(Bar(x, TOP + plot_h - h, bar_w, h, colour, f"{name}, {year_label(y + 1)}: {sek(value)}"))
    ticks = []
    value = Decimal(0)
    while value <= scale_top:
        ticks.append((TOP + plot_h - float(value / scale_top) * plot_h, sek(value)))
        value += step
    year_labels = [(LEFT + y * group_w + group_w / 2, year_label(y + 1)) for y in range(years)]
    legend = [(PALETTE[s % len(PALETTE)], name) for s, (name, _values) in enumerate(series)]
    description = "; ".join(f"{name}: {', '.join(sek(v) for v in values)}" for name, values in series)
    return Layout(bars, ticks, year_labels, legend, description)


def _year(n: int) -> str:
    return _("Year %(n)d") % {"n": n}


def cost_chart_svg(series: list[tuple[str, list[Decimal]]]) -> str:
    """The chart as inline SVG markup with a text alternative."""
    lay = layout(series, _year)
    title = _("Cumulative cost per year and alternative")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="cost-chart-title cost-chart-desc" class="cost-chart">',
        f'<title id="cost-chart-title">{escape(title)}</title><desc id="cost-chart-desc">{escape(lay.description)}</desc>',
    ]
    for y, label in lay.ticks:
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{INK}" '
                     f'font-family="DejaVu Sans, sans-serif">{escape(label)}</text>')
    for bar in lay.bars:
        parts.append(f'<rect x="{bar.x:.1f}" y="{bar.y:.1f}" width="{bar.width:.1f}" height="{bar.height:.1f}" '
                     f'fill="{bar.colour}"><title>{escape(bar.label)}</title></rect>')
    baseline = HEIGHT - BOTTOM
    parts.append(f'<line x1="{LEFT}" y1="{baseline}" x2="{WIDTH - RIGHT}" y2="{baseline}" stroke="{INK}" stroke-width="1"/>')
    for x, label in lay.year_labels:
        parts.append(f'<text x="{x:.1f}" y="{baseline + 16}" font-size="12" text-anchor="middle" fill="{INK}" '
                     f'font-family="DejaVu Sans, sans-serif">{escape(label)}</text>')
    for i, (colour, name) in enumerate(lay.legend):
        lx, ly = LEFT + (i % 2) * 260, baseline + 34 + (i // 2) * 18
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 18}" y="{ly}" font-size="12" fill="{INK}" '
                     f'font-family="DejaVu Sans, sans-serif">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def cost_chart_png(series: list[tuple[str, list[Decimal]]], scale: int = 2) -> bytes:
    """The same chart as PNG bytes, drawn with Pillow at `scale` times the SVG's size."""
    from PIL import Image, ImageDraw, ImageFont

    lay = layout(series, _year)
    image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), "white")
    draw = ImageDraw.Draw(image)
    small, normal = ImageFont.load_default(size=11 * scale), ImageFont.load_default(size=12 * scale)

    def s(value: float) -> int:
        return round(value * scale)

    for y, label in lay.ticks:
        draw.line([(s(LEFT), s(y)), (s(WIDTH - RIGHT), s(y))], fill=GRID, width=scale)
        draw.text((s(LEFT - 6), s(y)), label, fill=INK, font=small, anchor="rm")
    for bar in lay.bars:
        if bar.height > 0:
            draw.rectangle([s(bar.x), s(bar.y), s(bar.x + bar.width), s(bar.y + bar.height)], fill=bar.colour)
    baseline = HEIGHT - BOTTOM
    draw.line([(s(LEFT), s(baseline)), (s(WIDTH - RIGHT), s(baseline))], fill=INK, width=scale)
    for x, label in lay.year_labels:
        draw.text((s(x), s(baseline + 12)), label, fill=INK, font=normal, anchor="mm")
    for i, (colour, name) in enumerate(lay.legend):
        lx, ly = LEFT + (i % 2) * 260, baseline + 34 + (i // 2) * 18
        draw.rectangle([s(lx), s(ly - 10), s(lx + 12), s(ly + 2)], fill=colour)
        draw.text((s(lx + 18), s(ly - 4)), name, fill=INK, font=normal, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
