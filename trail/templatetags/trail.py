from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def change_rows(entry) -> list[tuple[str, str]]:
    """(field, 'before → after') pairs for showing one audit entry."""
    rows = []
    for field, change in entry.changes.items():
        if isinstance(change, list) and len(change) == 2:
            before, after = ("–" if v in (None, "") else v for v in change)
            rows.append((field, f"{before} → {after}"))
        elif isinstance(change, dict):
            parts = [f"{_(key)}: {', '.join(map(str, ids)) or '–'}" for key, ids in change.items()]
            rows.append((field, "; ".join(parts)))
        else:
            rows.append((field, str(change)))
    return rows
