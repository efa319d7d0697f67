from datetime import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from ninja import Field, Query, Router, Schema

from core.api import InputSchema
from core.models import TenantModel
from organisations.roles import Perm
from trail.forms import LogFilterForm
from trail.selectors import filtered_log, record_history

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


class LogEntryOut(EntryOut):
    record_type: str
    record_id: str
    record: str


class LogPage(Schema):
    count: int
    page: int
    pages: int
    results: list[LogEntryOut]


class LogFilters(InputSchema):
    person: str = Field("", description='A user id, or "system" for entries written by no person')
    # Dates as text, checked by the page's own filter form (a number is no date).
    date_from: str = Field("", max_length=10, description="The first day, YYYY-MM-DD")
    date_to: str = Field("", max_length=10, description="The last day, YYYY-MM-DD")
    record_type: str = Field("", max_length=100, description='A record type label, e.g. "risk.risk"')
    action: str = Field("", max_length=10, description="create, update or delete")
    source: str = Field("", max_length=10, description="web, api, import, admin, cli or system")
    page: int = Field(1, ge=1)


@router.get("", response=LogPage, summary="The organisation's audit trail, filtered (50 a page, newest first)")
def log(request, filters: Query[LogFilters]):
    request.tenant.require(Perm.TRAIL_VIEW)
    data = {k: v for k, v in filters.dict().items() if k != "page" and v not in (None, "")}
    form = LogFilterForm(data, tenant=request.tenant)
    if not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    paginator = Paginator(filtered_log(tenant=request.tenant, **form.filters()), 50)
    page = paginator.get_page(filters.page)
    results = [
        LogEntryOut(seq=e.seq, created_at=e.created_at, actor=e.actor_label, action=e.action, source=e.source,
                    changes=e.changes, record_type=e.model, record_id=e.object_id, record=e.object_repr)
        for e in page
    ]
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": results}


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
