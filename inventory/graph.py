"""The dependency graph of one system as server-rendered SVG (works in pages and PDFs).

Layout: what the system depends on in a column to the left, the system in the middle,
what depends on it to the right; one arrow per dependency.
"""

from django.urls import reverse
from django.utils.html import escape, format_html, mark_safe
from django.utils.translation import gettext as _

BOX_W, BOX_H, GAP, COL_X = 220, 36, 14, (10, 300, 590)


def _box(x: int, y: int, label: str, url: str | None, css: str) -> str:
    text = label if len(label) <= 28 else label[:27] + "…"
    inner = format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" rx="6" class="{}"/>'
        '<text x="{}" y="{}" class="graph-label">{}</text>',
        x, y, BOX_W, BOX_H, css, x + 10, y + 23, text,
    )
    if url:
        return format_html('<a href="{}"><title>{}</title>{}</a>', url, label, inner)
    return format_html("<g><title>{}</title>{}</g>", label, inner)


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="graph-edge" marker-end="url(#arrow)"/>', x1, y1, x2, y2
    )


def dependency_svg(system, upstream, downstream) -> str:
    """SVG markup; `upstream`/`downstream` are SystemDependency rows already loaded."""
    rows = max(len(upstream), len(downstream), 1)
    height = rows * (BOX_H + GAP) + GAP
    mid_y = (height - BOX_H) // 2
    parts = [_box(COL_X[1], mid_y, system.name, None, "graph-node graph-self")]
    for i, dep in enumerate(upstream):
        y = GAP + i * (BOX_H + GAP)
        parts.append(_box(COL_X[0], y, dep.depends_on.name,
                          reverse("inventory:system_detail", args=[dep.depends_on_id]), "graph-node"))
        parts.append(_arrow(COL_X[1], mid_y + BOX_H // 2, COL_X[0] + BOX_W + 4, y + BOX_H // 2))
    for i, dep in enumerate(downstream):
        y = GAP + i * (BOX_H + GAP)
        parts.append(_box(COL_X[2], y, dep.system.name,
                          reverse("inventory:system_detail", args=[dep.system_id]), "graph-node"))
        parts.append(_arrow(COL_X[2], y + BOX_H // 2, COL_X[1] + BOX_W + 4, mid_y + BOX_H // 2))
    title = _("Dependencies of %(name)s: depends on %(up)d systems, %(down)d systems depend on it.") % {
        "name": system.name, "up": len(upstream), "down": len(downstream)}
    return mark_safe(
        # A group, not an image: its boxes are links, and an image's content is presentational
        # (axe "nested-interactive").
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 820 {height}" role="group" '
        f'aria-label="{escape(title)}" class="dependency-graph">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="graph-arrow"/></marker></defs>'
        + "".join(parts) + "</svg>"
    )
