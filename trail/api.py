from datetime import datetime

from django.apps import apps
from django.http import Http404
from ninja import Router, Schema

from core.models import TenantModel
from trail.selectors import record_history

router = Router(tags=["audit trail"])

# Short names for the most asked-for record types; any tenant record type can also be named by
# its label, e.g. "risk.risk" or "actions.action".
RECORD_TYPES = {"system": "inventory.System", "information-type": "inventory.InformationType",
                "supplier": "suppliers.Supplier"}


def _record_model(record_type: str) -> type[TenantModel]:
    label = RECORD_TYPES.get(record_type, record_type)
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404
    if not issubclass(model, TenantModel):
        raise Http404  # users, tokens and organisations have no per-tenant history here
    return model


class EntryOut(Schema):
    seq: int
    created_at: datetime
    actor: str
    action: str
    source: str
    changes: dict


@router.get("/{record_type}/{record_id}", response=list[EntryOut], summary="The history of one record")
def history(request, record_type: str, record_id: int):
    model = _record_model(record_type)
    obj = request.tenant.get(model, record_id)
    if not request.tenant.owns(obj):  # a record shared with you shows no internal history
        raise Http404
    return [
        EntryOut(seq=e.seq, created_at=e.created_at, actor=e.actor_label, action=e.action, source=e.source,
                 changes=e.changes)
        for e in record_history(obj=obj)[:500]
    ]
