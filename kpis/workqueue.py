"""The KPI module's part of the start page's work queue."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from kpis import selectors
from kpis.models import NEEDS_COMMENT, KpiDefinition, KpiReport, KpiVerdict
from organisations.roles import Perm

SOON_DAYS = 14


def _supplier_groups(tenant, today):
    groups = []
    definitions = list(tenant.editable(KpiDefinition).filter(active=True).prefetch_related("shared_with"))
    missing = [m for m in selectors.missing(definitions=definitions, today=today)
               if m.due <= today + datetime.timedelta(days=SOON_DAYS)]
    if missing:
        items = [WorkItem(f"{m.definition}: {m.label}", m.definition.get_absolute_url(), m.due, m.overdue,
                          m.customer.name) for m in missing[:WORK_ITEMS_SHOWN]]
        groups.append(WorkGroup(_("KPI periods due or not delivered"), items, len(missing),
                                reverse("kpis:report_list")))
    verdicts = (tenant.scope(KpiVerdict).filter(report__organisation_id=tenant.organisation.pk,
                                                verdict__in=NEEDS_COMMENT, report__superseded_by__isnull=True)
                .select_related("organisation", "report").order_by("-decided_at", "-pk"))
    shown = list(verdicts[:WORK_ITEMS_SHOWN])
    if shown:
        items = [WorkItem(f"{v.report.period_label}: {v.get_verdict_display()}", v.get_absolute_url(),
                          note=v.organisation.name) for v in shown]
        groups.append(WorkGroup(_("Remarks on your KPI reports"), items, verdicts.count(),
                                reverse("kpis:report_list")))
    return groups


def items(*, tenant, today):
    if tenant.can(Perm.SUPPLIER_REPORT) and tenant.can_edit(KpiReport) and tenant.customers().exists():
        return _supplier_groups(tenant, today)
    if not tenant.can(Perm.SUPPLIER_FOLLOW_UP):
        return []
    awaiting = selectors.addressed_reports(tenant=tenant, awaiting=True).select_related(None).prefetch_related(None)
    shown = list(awaiting.select_related("organisation")[:WORK_ITEMS_SHOWN])
    if not shown:
        return []
    work = [WorkItem(_("KPI report %(period)s") % {"period": r.period_label}, r.get_absolute_url(),
                     note=r.organisation.name) for r in shown]
    return [WorkGroup(_("KPI reports awaiting your verdict"), work, awaiting.count(),
                      reverse("kpis:report_list") + "?awaiting=1")]
