"""A KPI figure as people write it: 99,5 %, not 99,500 (no trailing zeros; the locale's comma)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value):
    """The stored decimal without trailing zeros, in the active language's number format."""
    if value in (None, ""):
        return "–"
    try:
        number = Decimal(value).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return value
    places = max(0, -number.as_tuple().exponent)
    return number_format(number, decimal_pos=places)
