from django import template

from core.countries import country_name

register = template.Library()


@register.filter
def countries(codes) -> str:
    """['SE', 'IE'] → 'Sverige, Irland' in the active language."""
    return ", ".join(country_name(code) for code in codes or []) or "–"


@register.filter
def country_label(code: str) -> str:
    return country_name(code)
