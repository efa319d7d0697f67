from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import Action
from core import documents as shared_documents
from core.decorators import tenant_required
from core.forms import apply_errors, save_form
from organisations.roles import SHARED_ONLY_ROLES, Perm
from reviews import documents, presentation, selectors, services
from reviews.forms import DecisionForm, ReviewForm
from reviews.models import ManagementReview
from trail.selectors import history_for

PAGE_SIZE = 50


def _own_reader(request):
    """The reviews are the organisation's own records, never a supplier-role user's."""
    tenant = request.tenant
    if tenant.role in SHARED_ONLY_ROLES:
        raise Http404
    return tenant


@tenant_required()
def review_list(request):
    tenant = _own_reader(request)
    page = Paginator(selectors.review_list(tenant=tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "reviews/review_list.html", {
        "page": page, "can_edit": tenant.can_edit(ManagementReview), "due": selectors.next_due(tenant=tenant, today=today),
        "today": today})


def _detail_page(request, review, *, decision_form=None, status=200):
    tenant = request.tenant
    can_edit = tenant.can_edit(ManagementReview) and not review.is_closed
    can_decide = can_edit and tenant.can_edit(Action)
    return render(request, "reviews/review_detail.html", {
        "review": review, "sections": presentation.sections(review), "can_edit": can_edit, "can_decide": can_decide,
        "decision_form": decision_form or (DecisionForm(tenant=tenant) if can_decide else None),
        "history": history_for(tenant=tenant, obj=review)}, status=status)


@tenant_required()
def review_detail(request, pk):
    tenant = _own_reader(request)
    return _detail_page(request, selectors.review_detail(tenant=tenant, pk=pk))


@tenant_required(Perm.MANAGEMENT_REVIEW)
def review_edit(request, pk=None):
    """Plan a management review, or change one that is not yet adopted."""
    tenant = _own_reader(request)
    review = tenant.get(ManagementReview, pk, write=True) if pk else None
    if review is None:
        tenant.new(ManagementReview)
    elif review.is_closed:
        messages.error(request, str(services.CLOSED_REFUSED))
        return redirect(review.get_absolute_url())
    form = ReviewForm(request.POST or None, instance=review, tenant=tenant)
    saved = save_form(request, form, lambda data: services.review_save(tenant=tenant, review=review, data=data),
                      success=_("The management review was saved."))
    if saved:
        return redirect(saved.result.get_absolute_url())
    return render(request, "reviews/review_form.html", {
        "form": form, "title": review.title if review else _("New management review"),
        "cancel": review.get_absolute_url() if review else reverse("reviews:review_list")},
        status=422 if request.method == "POST" else 200)


def _step(request, pk, step, success: str):
    tenant = _own_reader(request)
    review = tenant.get(ManagementReview, pk, write=True)
    try:
        step(tenant=tenant, review=review)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(review.get_absolute_url())


@tenant_required(Perm.MANAGEMENT_REVIEW)
@require_POST
def review_gather(request, pk):
    """Gather the inputs for the review's period now (again, until the review is adopted)."""
    return _step(request, pk, services.review_gather, _("The inputs were gathered."))


@tenant_required(Perm.MANAGEMENT_REVIEW)
@require_POST
def review_close(request, pk):
    """Adopt (fastställ) the review: it is frozen from now on."""
    return _step(request, pk, services.review_close, _("The management review was adopted."))


@tenant_required(Perm.MANAGEMENT_REVIEW)
@require_POST
def decision_add(request, pk):
    """A decision of the review; it becomes an action of the plan."""
    tenant = _own_reader(request)
    tenant.get(ManagementReview, pk, write=True)
    review = selectors.review_detail(tenant=tenant, pk=pk)
    form = DecisionForm(request.POST, tenant=tenant)
    if form.is_valid():
        try:
            decision = services.decision_add(tenant=tenant, review=review, text=form.cleaned_data["text"],
                                             owner=form.cleaned_data["owner"], due_date=form.cleaned_data["due_date"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The decision was recorded and is an action in the action plan: %(title)s")
                             % {"title": decision.action.title})
            return redirect(decision.get_absolute_url())
    return _detail_page(request, selectors.review_detail(tenant=tenant, pk=pk), decision_form=form, status=422)


@tenant_required()
def review_document(request, pk, fmt="docx"):
    """The review as DOCX or PDF, for everyone who reads it."""
    tenant = _own_reader(request)
    review = selectors.review_detail(tenant=tenant, pk=pk)
    return shared_documents.response(documents.document(review), fmt, filename=documents.filename(review))
