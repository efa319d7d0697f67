from django import template

from trail import display

register = template.Library()


@register.simple_tag(takes_context=True)
def history_rows(context, entries):
    """[(entry, [ChangeRow])] for a page of entries: readable labels and values, the linked
    records' names read once for the whole page through the signed-in member's tenant."""
    request = context.get("request")
    tenant = getattr(request, "tenant", None) if request is not None else None
    return display.describe(entries or [], tenant=tenant if tenant else None)


@register.filter
def change_rows(entry) -> list[display.ChangeRow]:
    """The readable rows of one entry, links shown by id (history_rows also names them)."""
    return display.change_rows(entry)


@register.filter
def record_type(entry) -> str:
    """The entry's record type as people say it ("System")."""
    return display.model_label(entry)
