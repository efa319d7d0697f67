from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import tenant_required
from organisations.roles import Perm
from core import documents
from core.tabular import XLSX_TYPE
from trail import checkpoints, exports
from trail.chain import verify_against_checkpoints
from trail.forms import LogFilterForm, VerifyForm
from trail.selectors import filtered_log, latest_checkpoint

# Verifying walks the whole chain: at most once per member in this many seconds.
VERIFY_INTERVAL = 20


def _filtered(request) -> tuple[LogFilterForm, object]:
    """The filter form from the query string and the entries it selects (all of them while it is invalid)."""
    filters = LogFilterForm(request.GET or None, tenant=request.tenant)
    chosen = filters.filters() if filters.is_bound and filters.is_valid() else {}
    return filters, filtered_log(tenant=request.tenant, **chosen)


def _page(request, *, form=None, result=None, status=200):
    filters, entries = _filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    if filters.is_bound and not filters.is_valid():
        status = 400
    return render(request, "trail/log.html", {
        "page": page, "checkpoint": latest_checkpoint(tenant=request.tenant), "filters": filters,
        "query": query.urlencode(), "form": form or VerifyForm(), "result": result,
    }, status=status)


@tenant_required(Perm.TRAIL_VIEW)
def log(request):
    """Every change to the active organisation's records, newest first; checkpoints and verification."""
    return _page(request)


def _export_name(request, extension: str) -> str:
    today = timezone.localdate().isoformat()
    return documents.filename(f"{_('Audit trail')} {request.tenant.organisation.name} {today}", extension)


@tenant_required(Perm.TRAIL_VIEW)
def export(request, fmt: str):
    """The filtered entries as XLSX (up to a spreadsheet's worth) or CSV (any number, streamed)."""
    filters, entries = _filtered(request)
    if filters.is_bound and not filters.is_valid():
        return _page(request)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_stream(entries, tenant=request.tenant),
                                         content_type="text/csv; charset=utf-8")
    else:
        if exports.too_many_for_xlsx(entries):
            messages.error(request, _("More than %(n)s entries match: narrow the period or take the CSV file, "
                                      "which holds any number.") % {"n": number_format(exports.XLSX_LIMIT, force_grouping=True)})
            return redirect(f"{reverse('trail:log')}?{request.GET.urlencode()}")
        response = HttpResponse(exports.xlsx(entries, tenant=request.tenant), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _export_name(request, fmt))
    return response


@tenant_required(Perm.TRAIL_VIEW)
@require_POST
def checkpoint_create(request):
    """Sign the chain's head now (at most once a minute, whoever asks)."""
    try:
        made = checkpoints.make_checkpoint(reason=checkpoints.Checkpoint.Reason.ON_DEMAND,
                                           requested_by=request.user.email)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ImproperlyConfigured:
        messages.error(request, _("No checkpoint can be signed: the server has no signing key. Tell the operators."))
    else:
        messages.success(request, _("A checkpoint at entry #%(seq)s was signed and kept outside the database.")
                         % {"seq": made.seq})
    return redirect("trail:log")


@tenant_required(Perm.TRAIL_VIEW)
def checkpoint_latest(request):
    """The newest signed checkpoint as a JSON file."""
    latest = latest_checkpoint(tenant=request.tenant)
    if latest is None:
        raise Http404
    response = HttpResponse(latest.document, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{checkpoints.file_name(latest)}"'
    return response


@tenant_required(Perm.TRAIL_VIEW)
@require_POST
def verify(request):
    """Verify the chain against the stored checkpoints, and an uploaded one if given."""
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    key = f"trail-verify:{request.user.pk}"
    if not cache.add(key, 1, VERIFY_INTERVAL):
        form.add_error(None, _("The trail was verified a moment ago; try again in half a minute."))
        return _page(request, form=form, status=429)
    upload = form.cleaned_data.get("checkpoint")
    extra = [(upload.name, upload.read())] if upload else []
    try:
        result = verify_against_checkpoints(extra=extra)
    except ImproperlyConfigured:
        form.add_error(None, _("Checkpoints cannot be verified: the server has no verification key. Tell the operators."))
        return _page(request, form=form, status=503)
    return _page(request, result=result, form=VerifyForm())
