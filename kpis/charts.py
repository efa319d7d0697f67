"""A KPI's trend as server-rendered SVG: one line per customer, the target as a dashed line,
missed targets marked with a hollow red ring, and a text alternative listing every value."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kpis.models import KpiDefinition, UNIT_RANGES

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")
INK, GRID, MISS = "#1b1f24", "#c9ced6", "#b00020"


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


def description(definition: KpiDefinition, series) -> str:
    parts = [_("%(kpi)s, target %(target)s %(unit)s.") % {
        "kpi": definition, "target": _fmt(definition.target), "unit": definition.unit_symbol}]
    for org, points in series.items():
        values = "; ".join(f"{p.label}: {_fmt(p.value)}{'' if p.met else ' (' + _('missed') + ')'}" for p in points)
        parts.append(f"{org.name}: {values}.")
    return " ".join(parts)


def trend_svg(definition: KpiDefinition, series) -> str:
    labels = sorted({(p.period_start, p.label) for points in series.values() for p in points})
    if not labels:
        return ""
    values = [p.value for points in series.values() for p in points] + [definition.target]
    low, high = min(values), max(values)
    unit_low, unit_high = UNIT_RANGES.get(definition.unit, (None, None))
    pad = (high - low) * Decimal("0.1") or Decimal(1)
    low, high = low - pad, high + pad
    if unit_low is not None:
        low = max(low, unit_low)
    if unit_high is not None:
        high = min(high, unit_high)
    if high <= low:
        high = low + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    index = {start: i for i, (start, _label) in enumerate(labels)}
    step = plot_w / max(len(labels) - 1, 1)

    def x(start):
        return LEFT + index[start] * step

    def y(value):
        return TOP + plot_h - float((Decimal(value) - low) / (high - low)) * plot_h

    text = description(definition, series)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-label="{escape(text)}" class="kpi-chart"><title>{escape(text)}</title>']
    for tick in range(5):
        value = low + (high - low) * tick / 4
        ty = y(value)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{GRID}"/>'
                   f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">'
                   f'{escape(_fmt(value.quantize(Decimal("0.1"))))}</text>')
    for start, label in labels:
        out.append(f'<text x="{x(start):.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" fill="{INK}" '
                   f'text-anchor="end" transform="rotate(-40 {x(start):.1f} {HEIGHT - BOTTOM + 16})">'
                   f'{escape(label)}</text>')
    ty = y(definition.target)
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{INK}" '
               f'stroke-dasharray="6 4" stroke-width="1.5"/>'
               f'<text x="{WIDTH - RIGHT}" y="{ty - 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">'
               f'{escape(_("Target"))} {escape(_fmt(definition.target))}</text>')
    for i, (org, points) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        coords = " ".join(f"{x(p.period_start):.1f},{y(p.value):.1f}" for p in points)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p in points:
            out.append(f'<circle cx="{x(p.period_start):.1f}" cy="{y(p.value):.1f}" r="3" fill="{colour}"/>')
            if not p.met:
                out.append(f'<circle cx="{x(p.period_start):.1f}" cy="{y(p.value):.1f}" r="7" fill="none" '
                           f'stroke="{MISS}" stroke-width="2"/>')
        out.append(f'<rect x="{LEFT + i * 150}" y="{HEIGHT - 14}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{LEFT + 14 + i * 150}" y="{HEIGHT - 5}" font-size="11" fill="{INK}">'
                   f'{escape(org.name)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))
