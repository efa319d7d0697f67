from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from actions import reminders, selectors, services
from actions.forms import ActionFilterForm, ActionForm
from actions.models import Action
from core.decorators import tenant_required
from core.forms import save_form
from organisations.roles import Perm
from trail.selectors import record_history


def _source_choices() -> list[tuple[str, str]]:
    types = ContentType.objects.filter(pk__in=Action.objects.values("source_type").distinct())
    return [(f"{t.app_label}.{t.model}", str(t.model_class()._meta.verbose_name).capitalize()) for t in types
            if t.model_class() is not None]


@tenant_required()
def action_list(request):
    """The action plan: open, mine, overdue, done; by source."""
    tenant = request.tenant
    form = ActionFilterForm(request.GET or None, sources=_source_choices())
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.action_list(tenant=tenant, view=data.get("view") or "open", source_kind=data.get("source") or "")
    page = Paginator(qs.prefetch_related("source"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "actions/action_list.html", {
        "form": form, "page": page, "counts": selectors.action_counts(tenant=tenant), "today": selectors.today(),
        "can_edit": tenant.can_edit(Action), "query": query.urlencode(),
    })


@tenant_required(Perm.ACTION_EDIT)
def action_edit(request, pk=None):
    tenant = request.tenant
    action = tenant.get(Action, pk, write=True) if pk else None
    form = ActionForm(request.POST or None, instance=action, tenant=tenant)
    def save(data):
        if action:
            return services.action_update(tenant=tenant, action=action, data=data)
        # A new action starts open; its status is set later in the plan.
        return services.action_create(tenant=tenant, **{k: v for k, v in data.items() if k != "status"})

    if save_form(request, form, save, success=_("The action was saved.")):
        return redirect("actions:action_list")
    history = record_history(obj=action)[:50] if action else None
    return render(request, "actions/action_form.html", {"form": form, "action": action, "history": history})


@tenant_required()
def my_reminders(request):
    """What the signed-in user has due within a week or overdue, in the active organisation."""
    tenant = request.tenant
    items = reminders.collect(today=selectors.today(), organisation=tenant.organisation, user=request.user)
    return render(request, "actions/reminders.html", {"reminders": items, "today": selectors.today()})
