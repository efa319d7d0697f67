"""Audits on the start page: observations awaiting the organisation's response, and an auditor's open audits."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from audits.models import Audit, AuditStatus, Observation
from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from organisations.roles import Perm


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """At most four queries."""
    groups = []
    if tenant.can(Perm.AUDIT_RESPOND):
        qs = tenant.scope(Observation).filter(organisation_id=tenant.membership.organisation_id, response="")
        total = qs.count()
        if total:
            rows = qs.order_by("priority", "pk").only("pk", "title")[:WORK_ITEMS_SHOWN]
            groups.append(WorkGroup(title=_("Audit observations awaiting our response"),
                                    items=[WorkItem(title=o.title, url=o.get_absolute_url()) for o in rows],
                                    total=total, more_url=reverse("audits:audit_list")))
    if tenant.can(Perm.AUDIT_EDIT) and tenant.user is not None:
        qs = tenant.editable(Audit).filter(auditors=tenant.user).exclude(status=AuditStatus.REPORTED)
        total = qs.count()
        if total:
            rows = qs.order_by("-pk").only("pk", "title")[:WORK_ITEMS_SHOWN]
            groups.append(WorkGroup(title=_("Your open audits"),
                                    items=[WorkItem(title=a.title, url=a.get_absolute_url()) for a in rows],
                                    total=total, more_url=reverse("audits:audit_list")))
    return groups
