"""The breach log in the DPO's overview across organisations (privacy.overview's hook).

Like the breach log itself, it lists the incidents reported as possibly affecting personal data
that are not assessed yet, marked `suspected`: their 72-hour clock (GDPR art. 33(1)) already runs.
"""

from django.utils import timezone

from incidents import selectors
from incidents.models import OPEN_STATUSES

ROWS_SHOWN = 10


def breaches(*, tenants, today) -> list[dict]:
    now = timezone.now()
    rows = []
    for tenant in tenants:
        cases = selectors.attach_clocks(list(selectors.breach_log(tenant=tenant).filter(status__in=OPEN_STATUSES)[:ROWS_SHOWN]), now)
        for case in cases:
            clock = case.next_clock
            rows.append({"organisation": tenant.organisation.name, "organisation_id": tenant.organisation.pk,
                         "title": str(case.incident),
                         "url": case.get_absolute_url(), "status": case.get_status_display(),
                         "deadline": clock.due_local if clock else None,
                         "overdue": bool(clock and clock.state == "overdue"), "suspected": case.breach is None})
    return rows
