from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions import exports, reminders, selectors, services
from actions.forms import ActionFilterForm, ActionForm, ActionNoteForm
from actions.models import Action, ActionNote
from core import documents
from core.decorators import tenant_required
from core.forms import apply_errors, save_form
from organisations.roles import Perm
from trail.selectors import record_history


def _source_choices() -> list[tuple[str, str]]:
    types = ContentType.objects.filter(pk__in=Action.objects.values("source_type").distinct())
    return [(f"{t.app_label}.{t.model}", str(t.model_class()._meta.verbose_name).capitalize()) for t in types
            if t.model_class() is not None]


def _filtered(request):
    tenant = request.tenant
    form = ActionFilterForm(request.GET or None, sources=_source_choices(), tenant=tenant)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.action_list(tenant=tenant, view=data.get("view") or "open", source_kind=data.get("source") or "",
                               owner=data.get("owner"), system=(data.get("system") or "").strip())
    return form, qs


@tenant_required()
def action_list(request):
    """The action plan: open, mine, overdue, done; by source, owner and system."""
    tenant = request.tenant
    form, qs = _filtered(request)
    page = Paginator(qs.prefetch_related("source"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "actions/action_list.html", {
        "form": form, "page": page, "counts": selectors.action_counts(tenant=tenant), "today": selectors.today(),
        "can_edit": tenant.can_edit(Action), "query": query.urlencode(),
    })


@tenant_required()
def action_export(request):
    """The (filtered) plan as an Excel workbook."""
    _form, qs = _filtered(request)
    content = exports.plan_xlsx(qs.prefetch_related("source"))
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, documents.filename(exports.plan_filename(request.tenant, selectors.today()), "xlsx"))
    return response


@tenant_required()
def action_edit(request, pk=None):
    """An action's page: its source, progress notes and evidence; the form for those who manage
    the plan (the owner reports progress without managing the plan)."""
    tenant = request.tenant
    if not tenant.can(Perm.ACTION_EDIT) or not tenant.can_edit(Action):
        if pk is None or request.method == "POST":
            raise PermissionDenied
        return _action_page(request, tenant.get(Action, pk), form=None)
    action = tenant.get(Action, pk, write=True) if pk else None
    form = ActionForm(request.POST or None, instance=action, tenant=tenant)
    def save(data):
        if action:
            return services.action_update(tenant=tenant, action=action, data=data)
        # A new action starts open; its status is set later in the plan.
        return services.action_create(tenant=tenant, **{k: v for k, v in data.items() if k != "status"})

    if save_form(request, form, save, success=_("The action was saved.")):
        return redirect("actions:action_list")
    return _action_page(request, action, form=form)


def _action_page(request, action, *, form, note_form=None):
    tenant = request.tenant
    history = record_history(obj=action)[:50] if action else None
    notes = list(action.notes.select_related("author")) if action else []
    may_note = bool(action) and services.may_write_notes(tenant, action)
    return render(request, "actions/action_form.html", {
        "form": form, "action": action, "history": history, "notes": notes, "may_note": may_note,
        "note_form": note_form or (ActionNoteForm() if may_note else None),
    })


@tenant_required()
@require_POST
def note_add(request, pk):
    tenant = request.tenant
    action = tenant.get(Action, pk)
    if not services.may_write_notes(tenant, action):
        raise PermissionDenied
    form = ActionNoteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.note_add(tenant=tenant, action=action, text=form.cleaned_data["text"],
                              evidence_file=form.cleaned_data.get("evidence_file"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The progress note was added."))
            return redirect("actions:action_edit", pk=action.pk)
    editable = tenant.can(Perm.ACTION_EDIT) and tenant.can_edit(Action)
    page_form = ActionForm(instance=action, tenant=tenant) if editable else None
    return _action_page(request, action, form=page_form, note_form=form)


@tenant_required()
def note_file(request, pk):
    note = request.tenant.get(ActionNote, pk)
    if not note.evidence_file:
        raise Http404
    try:
        handle = note.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=note.file_name)


@tenant_required()
def my_reminders(request):
    """What the signed-in user has due within a week or overdue, in the active organisation."""
    tenant = request.tenant
    items = reminders.collect(today=selectors.today(), organisation=tenant.organisation, user=request.user)
    return render(request, "actions/reminders.html", {"reminders": items, "today": selectors.today()})
