"""The inventory's part of the start page: for coordinators, what the register still lacks."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from inventory.models import InformationType, System
from organisations.roles import Perm


def items(*, tenant, today: datetime.date) -> list[WorkGroup]:
    """Systems in use without a system owner and information types never classified."""
    if not tenant.can(Perm.INVENTORY_EDIT) or not tenant.can(Perm.SUPPLIER_EDIT):
        return []  # the coordinator's and the administrator's queue
    groups = []
    ownerless = tenant.editable(System).filter(archived_at__isnull=True, owner__isnull=True).order_by("name")
    total = ownerless.count()
    if total:
        groups.append(WorkGroup(
            title=_("Systems without a system owner"), total=total,
            more_url=reverse("inventory:system_list") + "?without_owner=on",
            items=[WorkItem(title=s.name, url=reverse("inventory:system_edit", args=[s.pk]))
                   for s in ownerless.only("pk", "name")[:WORK_ITEMS_SHOWN]]))
    groups += _unclassified(tenant)
    return groups


def _unclassified(tenant) -> list[WorkGroup]:
    from classification.models import Classification

    classified = Classification.objects.filter(information_type=OuterRef("pk"))
    types = tenant.editable(InformationType).filter(~Exists(classified)).order_by("name")
    total = types.count()
    if not total:
        return []
    return [WorkGroup(
        title=_("Information types not yet classified"), total=total, more_url=reverse("inventory:infotype_list"),
        items=[WorkItem(title=t.name, url=reverse("inventory:infotype_edit", args=[t.pk]))
               for t in types.only("pk", "name")[:WORK_ITEMS_SHOWN]])]
