from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from requirements import rules
from requirements.models import ATTRIBUTE_SETS, Status, untag

register = template.Library()


@register.filter
def levels_label(levels: dict) -> str:
    """{"K": 2, "R": 2} → "K ≥ 2 or R ≥ 2"."""
    return rules.levels_label(levels or {})


@register.filter
def status_label(status) -> str:
    """A RequirementStatus (or None) as its status name."""
    return str(Status(status.status).label) if status is not None else _("Not assessed")


@register.filter
def requirement_title(requirement, form: str) -> str:
    return requirement.title_for(form)


@register.filter
def requirement_text(requirement, form: str) -> str:
    return requirement.text(form)


@register.simple_tag
def control_attributes(control) -> str:
    """The control's ISO/IEC 27002 attributes as a definition list.

    The same few hundred labels repeat on every row of the statement of applicability; rendered
    once per control, attribute values and language, they no longer dominate the page's time.
    """
    values = tuple(getattr(control, name) for name in ATTRIBUTE_SETS)
    return _attributes_html(values, get_language())


@lru_cache(maxsize=512)
def _attributes_html(values: tuple[str, ...], language: str) -> str:
    rows = []
    for (name, (label, choices)), value in zip(ATTRIBUTE_SETS.items(), values):
        rows.append((label, ", ".join(str(choices(v).label) for v in untag(value))))
    return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))
