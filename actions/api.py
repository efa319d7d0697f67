"""The action plan through the API."""

import datetime

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema, Status

from actions import selectors, services
from actions.models import Action, ActionStatus
from core.api import InputSchema

router = Router(tags=["action plan"])


class ActionOut(Schema):
    id: int
    title: str
    description: str
    owner: str | None = Field(None, alias="owner.email")
    due_date: datetime.date | None
    status: str
    source_label: str
    source_kind: str | None = None

    @staticmethod
    def resolve_source_kind(obj: Action) -> str | None:
        return f"{obj.source_type.app_label}.{obj.source_type.model}" if obj.source_type_id else None


class ActionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ActionOut]


class ActionFilters(InputSchema):
    view: str = Field("open", pattern="^(all|mine|overdue|open|done)$")
    source: str = ""
    page: int = Field(1, ge=1)


class ActionIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    owner: str | None = Field(None, description="E-mail of a member of the organisation")
    due_date: datetime.date | None = None
    status: ActionStatus = ActionStatus.OPEN


def _owner(request, email):
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not email:
        return None
    user = request.tenant.users().filter(email__iexact=email).first()
    if user is None:
        raise ValidationError({"owner": _("Choose a member of your organisation.")})
    return user


@router.get("", response=ActionPage, summary="The action plan (50 a page)")
def list_actions(request, filters: Query[ActionFilters]):
    qs = selectors.action_list(tenant=request.tenant, view=filters.view, source_kind=filters.source)
    paginator = Paginator(qs, 50)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


@router.get("/{int:action_id}", response=ActionOut, summary="One action")
def get_action(request, action_id: int):
    return request.tenant.get(Action, action_id, queryset=Action.objects.select_related("owner", "source_type"))


@router.post("", response={201: ActionOut}, summary="Add an action by hand")
def create_action(request, payload: ActionIn):
    request.tenant.new(Action)
    action = services.action_create(tenant=request.tenant, title=payload.title, description=payload.description,
                                    owner=_owner(request, payload.owner), due_date=payload.due_date)
    if payload.status != ActionStatus.OPEN:
        action = services.action_update(tenant=request.tenant, action=action, data={"status": payload.status})
    return Status(201, action)


@router.put("/{int:action_id}", response=ActionOut, summary="Change an action (e.g. mark it done)")
def update_action(request, action_id: int, payload: ActionIn):
    action = request.tenant.get(Action, action_id, write=True)
    data = payload.dict()
    data["owner"] = _owner(request, payload.owner)
    return services.action_update(tenant=request.tenant, action=action, data=data)
