from django import template
from django.utils.translation import gettext as _

from requirements import rules
from requirements.models import Status

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
def requirement_text(requirement, form: str) -> str:
    return requirement.text(form)
