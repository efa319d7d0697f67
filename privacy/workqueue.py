"""Data protection on the start page: reviews due, DPIAs waiting, transfers without basis,
processors without an agreement, each for the roles concerned."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from organisations.roles import Perm, Role
from privacy import selectors
from privacy.models import Dpia, DpiaStatus, ProcessingActivity


def _reviews(tenant, today) -> list[WorkGroup]:
    qs = selectors.reviews_due(tenant=tenant, today=today)
    total = qs.count()
    if not total:
        return []
    return [WorkGroup(title=_("Processing activities due for review"), total=total,
                      more_url=reverse("privacy:activity_list") + "?due=on",
                      items=[WorkItem(title=a.name, url=a.get_absolute_url(), due=a.review_date,
                                      overdue=a.review_date < today) for a in qs[:WORK_ITEMS_SHOWN]])]


def _dpias(tenant, status, title) -> list[WorkGroup]:
    qs = tenant.scope(Dpia).filter(organisation_id=tenant.organisation.pk, status=status).order_by("created_at", "pk")
    total = qs.count()
    if not total:
        return []
    return [WorkGroup(title=title, total=total, more_url=reverse("privacy:dpia_list") + f"?status={status}",
                      items=[WorkItem(title=d.title, url=d.get_absolute_url()) for d in qs[:WORK_ITEMS_SHOWN]])]


def _transfers(tenant, today) -> list[WorkGroup]:
    rows = selectors.transfers_without_basis(tenant=tenant, today=today)
    if not rows:
        return []
    return [WorkGroup(title=_("Third-country transfers without a lawful basis"), total=len(rows),
                      more_url=reverse("privacy:transfer_list") + "?without_basis=1",
                      items=[WorkItem(title=f"{t.label} → {t.basis.country_label}", url=t.url, note=t.source_label)
                             for t in rows[:WORK_ITEMS_SHOWN]])]


def _missing(tenant) -> list[WorkGroup]:
    rows = selectors.missing_agreements(tenant=tenant)
    if not rows:
        return []
    return [WorkGroup(title=_("Processors without a data processing agreement"), total=len(rows),
                      more_url=reverse("privacy:dpa_list"),
                      items=[WorkItem(title=m.supplier, url=m.url, note=m.unit) for m in rows[:WORK_ITEMS_SHOWN]])]


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    groups = []
    keeper = tenant.can_edit(ProcessingActivity)
    if keeper:
        groups += _reviews(tenant, today)
    if tenant.role == Role.DPO:
        groups += _dpias(tenant, DpiaStatus.AWAITING_ADVICE, _("DPIAs awaiting your advice"))
    if tenant.can(Perm.PRIVACY_DECIDE) and tenant.role not in (Role.DPO,):
        groups += _dpias(tenant, DpiaStatus.AWAITING_DECISION, _("DPIAs awaiting the controller's decision"))
    if keeper:
        groups += _transfers(tenant, today) + _missing(tenant)
    return groups
