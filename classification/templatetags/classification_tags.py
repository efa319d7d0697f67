from django import template

from classification.selectors import need_label, need_of

register = template.Library()


@register.filter
def protection_need(system) -> str:
    """The tuple of a system annotated by classification.selectors.annotate_protection_need."""
    return need_label(need_of(system))


@register.filter
def need_tuple(need: dict) -> str:
    """The tuple of a need dict from classification.selectors.protection_need."""
    return need_label(need)


@register.simple_tag(takes_context=True)
def can_ask_supplier(context) -> bool:
    """Whether the member may ask a supplier a question (the "Ask the supplier" links)."""
    from classification.models import SupplierQuestion

    tenant = context.get("tenant")
    return bool(tenant) and tenant.can_edit(SupplierQuestion)
