from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decorators import tenant_required
from core.forms import save_form
from organisations.roles import Perm
from policies import selectors, services
from policies.forms import DocumentFilterForm, DocumentForm, ReviewForm
from policies.models import GoverningDocument
from trail.selectors import history_for

PAGE_SIZE = 50


def _filters(form: DocumentFilterForm) -> selectors.DocumentFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.DocumentFilters(**{k: v for k, v in data.items() if v not in (None, "", False)})


@tenant_required()
def document_list(request):
    """Own and shared documents, filtered, 50 a page; htmx asks for the results only."""
    tenant = request.tenant
    today = timezone.localdate()
    form = DocumentFilterForm(request.GET or None)
    qs = selectors.document_list(tenant=tenant, filters=_filters(form), today=today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "today": today, "query": params.urlencode(),
               "can_edit": tenant.can_edit(GoverningDocument), "own_id": tenant.membership.organisation_id}
    template = "policies/document_list.html#results" if request.headers.get("HX-Request") else \
        "policies/document_list.html"
    return render(request, template, context)


@tenant_required()
def document_detail(request, pk):
    tenant = request.tenant
    document = selectors.document_detail(tenant=tenant, pk=pk)
    own = tenant.owns(document)
    return render(request, "policies/document_detail.html", {
        "document": document, "today": timezone.localdate(), "own": own,
        "can_edit": own and tenant.can_edit(GoverningDocument),
        "replaced_by": selectors.replaced_by(tenant=tenant, document=document),
        "history": history_for(tenant=tenant, obj=document),
    })


@tenant_required(Perm.DOCUMENT_EDIT)
def document_edit(request, pk=None):
    tenant = request.tenant
    document = selectors.document_to_change(tenant=tenant, pk=pk) if pk else None
    form = DocumentForm(request.POST or None, request.FILES or None, instance=document, tenant=tenant)
    if document is None:
        tenant.new(GoverningDocument)  # permission check for a role that may not create

    def save(data):
        return services.document_save(tenant=tenant, document=document, data=data, file=data.get("upload"),
                                      remove_file=data.get("remove_file", False))

    saved = save_form(request, form, save, success=_("The document was saved."))
    if saved:
        return redirect("policies:document_detail", pk=saved.result.pk)
    return render(request, "policies/document_form.html", {"form": form, "document": document})


@tenant_required(Perm.DOCUMENT_EDIT)
def document_review(request, pk):
    tenant = request.tenant
    document = selectors.document_to_change(tenant=tenant, pk=pk)
    form = ReviewForm(request.POST or None)

    def save(data):
        return services.document_review(tenant=tenant, document=document, outcome=data["outcome"],
                                        comment=data.get("comment", ""), reviewed_on=data.get("reviewed_on"),
                                        next_review=data.get("next_review"))

    saved = save_form(request, form, save, success=_("The review was recorded."))
    if saved:
        return redirect("policies:document_detail", pk=document.pk)
    return render(request, "policies/review_form.html", {"form": form, "document": document,
                                                          "today": timezone.localdate()})


def file_response(document: GoverningDocument) -> FileResponse:
    """The document's stored file as an attachment (pages and API); 404 when there is none."""
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=document.file_name)


@tenant_required()
def document_file(request, pk):
    return file_response(request.tenant.get(GoverningDocument, pk))
