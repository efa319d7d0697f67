"""The action plan as an Excel workbook: what a coordinator sends to the management group."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular import Column, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = (
    Column("title", gettext_lazy("Action"), "text", 50),
    Column("source", gettext_lazy("Source"), "text", 45),
    Column("system", gettext_lazy("System"), "text", 28),
    Column("owner", gettext_lazy("Owner"), "text", 30),
    Column("due_date", gettext_lazy("Due date"), "text", 14),
    Column("status", gettext_lazy("Status"), "text", 14),
    Column("completed", gettext_lazy("Completed"), "text", 14),
    Column("description", gettext_lazy("Description"), "text", 60),
)


def source_text(action) -> str:
    """ "Risk: Avbrott i trygghetslarmen" — the kind of record and its name."""
    if not action.source_label:
        return _("Entered by hand")
    kind = action.source_kind
    return f"{kind}: {action.source_label}" if kind else action.source_label


def _rows(actions):
    yield [str(c.header) for c in COLUMNS]
    for action in actions:
        yield [
            action.title, source_text(action), action.system.name if action.system_id else "",
            str(action.owner) if action.owner_id else "", action.due_date.isoformat() if action.due_date else "",
            action.get_status_display(), action.completed_at.date().isoformat() if action.completed_at else "",
            action.description,
        ]


def plan_xlsx(actions) -> bytes:
    return xlsx_bytes(_("Action plan"), COLUMNS, _rows(actions))


def plan_filename(tenant, today: datetime.date) -> str:
    return _("Action plan %(organisation)s %(date)s") % {"organisation": tenant.organisation.name,
                                                          "date": today.isoformat()}
