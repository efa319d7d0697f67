"""The start page's work queue: what is the member's to do now, collected from every module.

Each source is a function `(*, tenant, today) -> list[WorkGroup]` named in SOURCES by dotted
path (core.loading.optional_hooks: a module that is not there is skipped). A source returns
only groups with something in them, reads a bounded number of rows (WORK_ITEMS_SHOWN) with
a constant number of queries whatever the data size, and links every item to its record.
"""

import datetime
from dataclasses import dataclass, field

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
