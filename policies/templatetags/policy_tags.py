from django import template

from policies import rules

register = template.Library()


@register.simple_tag
def overdue_by(document, today):
    """How long the document's review is overdue ("2 years 3 months"), or "" when it is not."""
    return rules.overdue_text(document.next_review, today) if document.is_overdue(today) else ""
