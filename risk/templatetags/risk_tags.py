from django import template

from organisations.roles import Perm

register = template.Library()


@register.inclusion_tag("risk/includes/risk_nav.html", takes_context=True)
def risk_nav(context, current: str) -> dict:
    """The risk module's own menu; the matrix only for those who may configure it."""
    tenant = context.get("tenant")
    return {"current": current, "can_configure": bool(tenant and tenant.can(Perm.RISK_CONFIGURE))}
