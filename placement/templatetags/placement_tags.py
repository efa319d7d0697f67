from django import template

from placement import money
from placement.analysis import signed_score

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (perspective URLs, scores and weights by key)."""
    return mapping.get(key) if mapping is not None else None


@register.filter
def sek(amount) -> str:
    return money.sek(amount)


@register.filter
def sek_exact(amount) -> str:
    """To the öre, for pages; documents round with `sek`."""
    return money.exact(amount)


@register.filter
def thousands(amount) -> str:
    return money.thousands(amount)


@register.filter
def percent(value) -> str:
    return money.percent(value)


@register.filter
def score(value) -> str:
    return signed_score(value) if value is not None else "–"
