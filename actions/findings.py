"""Automatic findings from the action plan: decided actions past their due date."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import OPEN_STATUSES, Action
from core.findings import MEDIUM, Evidence, Rule


def overdue_actions(tenant, *, today):
    """The organisation's open actions past their due date (1 query)."""
    rows = (tenant.scope(Action).filter(status__in=OPEN_STATUSES, due_date__lt=today)
            .only("pk", "title", "due_date", "source_label").order_by("due_date", "pk"))
    return [Evidence(key=f"actions.action:{a.pk}",
                     label=_("Action overdue since %(date)s: %(title)s") % {"date": a.due_date.isoformat(),
                                                                            "title": a.title},
                     url=reverse("actions:action_edit", args=[a.pk])) for a in rows]


RULES = [
    Rule(key="actions.overdue", theme="action_follow_up",
         title=gettext_lazy("Actions in the action plan are past their due date"),
         citation=gettext_lazy("ISO/IEC 27001:2022 6.1.3, 10.1 and 10.2; MSB/MCF method for information security, "
                               "step 4 (follow up and improve)"),
         priority=MEDIUM,
         recommendation=gettext_lazy("Follow up the overdue actions with their owners: carry them out, or decide on a "
                                     "new due date with a reason."),
         check=overdue_actions),
]
