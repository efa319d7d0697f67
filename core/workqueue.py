"""The start page's work queue: what is the member's to do now, collected from every module.

Each source is a function `(*, tenant, today) -> list[WorkGroup]` named in SOURCES by dotted
path (core.loading.optional_hooks: a module that is not there is skipped). A source returns
only groups with something in them, reads a bounded number of rows (WORK_ITEMS_SHOWN) with
a constant number of queries whatever the data size, and links every item to its record.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core import datacache
from core.loading import optional_hooks

# Items shown per group; the group's total and its list page tell the rest.
WORK_ITEMS_SHOWN = 5

SOURCES = [
    "actions.workqueue.items",
    "risk.workqueue.items",
    "classification.workqueue.items",
    "inventory.workqueue.items",
    "suppliers.workqueue.items",
    "kpis.workqueue.items",
    "meetings.workqueue.items",
    "policies.workqueue.items",
    "incidents.workqueue.items",
    "changes.workqueue.items",
    "privacy.workqueue.items",
    "audits.workqueue.items",
    "reviews.workqueue.items",
]


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    due: datetime.date | None = None
    overdue: bool = False
    note: str = ""  # a short second line: the organisation, the system …


@dataclass(frozen=True)
class WorkGroup:
    title: str
    items: list[WorkItem] = field(default_factory=list)
    total: int = 0  # all matching items, of which `items` are the first
    more_url: str = ""  # the list page with all of them


def work_for(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """Every module's groups for this member, in SOURCES order."""
    return [group for source in optional_hooks(SOURCES) for group in source(tenant=tenant, today=today)]


def current_work(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """`work_for`, kept until the data the member's organisation reads changes, or the minute
    passes (core.datacache): the start page is every member's first page of the day, and most of
    its sources read the whole organisation."""
    def plain():
        return [(str(g.title), [(str(i.title), i.url, i.due, i.overdue, str(i.note)) for i in g.items], g.total,
                 g.more_url) for g in work_for(tenant=tenant, today=today)]

    kept = datacache.remembered("work", tenant.organisation, tenant.user.pk if tenant.user else "", tenant.role,
                                today.isoformat(), compute=plain)
    return [WorkGroup(title=title, items=[WorkItem(*item) for item in items], total=total, more_url=more_url)
            for title, items, total, more_url in kept]


def nothing_waiting(tenant) -> str:
    """What the start page says when nothing is the member's to do: in the words of their role."""
    from organisations.roles import Role

    messages = {
        Role.READER: _("Nothing is yours to do: as a reader you follow the organisation's work. The systems, "
                       "the risks and the action plan show where things stand."),
        Role.AUDITOR: _("No audit of yours is in progress. Audits and assessments are where you start one; the "
                        "automatic findings show what an audit could take up."),
        Role.SUPPLIER: _("Nothing is yours to do: you read what the organisations you serve share with you."),
        Role.DPO: _("Nothing waits for the data protection officer: no impact assessment awaits your advice, "
                    "no processing activity is due for review and every transfer and processor is in order."),
        Role.SYSTEM_OWNER: _("Nothing waits for your decision: no classification awaits your approval, no risk your "
                             "acceptance, and none of your actions is due within two weeks."),
    }
    return messages.get(tenant.role, _("Nothing is waiting for you right now."))
