"""Pages for exporting the inventory to XLSX/CSV and importing it back (PRODUCT.md C1)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.decorators import tenant_required
from core.tabular import CSV_TYPE, XLSX_TYPE
from inventory import importexport
from inventory.forms import SystemFilterForm
from inventory.importexport import export_filename
from inventory.models import System
from inventory.selectors import SystemFilters
from organisations.roles import Perm

# A page with thousands of error rows helps no one; the first ones show what to correct.
ERRORS_SHOWN = 500


class SystemImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file whose first row holds the column headings."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _filters(request) -> SystemFilters:
    # The same reading of the query string as the list page, so an export holds what it shows.
    form = SystemFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return SystemFilters(**{k: v for k, v in data.items() if v not in (None, "")})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@tenant_required()
def system_export(request):
    """The systems the list shows (same filters) as an XLSX or CSV download."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        return HttpResponseBadRequest(_("Choose the format xlsx or csv."))
    tenant, filters = request.tenant, _filters(request)
    if fmt == "csv":
        content, content_type = importexport.export_csv(tenant=tenant, filters=filters), CSV_TYPE
    else:
        content, content_type = importexport.export_xlsx(tenant=tenant, filters=filters), XLSX_TYPE
    return _download(content, content_type, export_filename(tenant, fmt))


@tenant_required()
def system_import_template(request):
    """An empty workbook with the column headings, to fill in and import."""
    return _download(importexport.import_template_xlsx(), XLSX_TYPE, "tillit-systems-template.xlsx")


def success_message(result: importexport.ImportResult) -> str:
    text = _("The import is done: %(created)d systems created, %(updated)d updated and %(unchanged)d unchanged.") % {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if result.shared_skipped:
        text += " " + _("%(n)d rows named systems that other organisations share with you; "
                        "they were left as they are.") % {"n": result.shared_skipped}
    return text


@tenant_required(Perm.INVENTORY_IMPORT)
def system_import(request):
    """Upload a file; every row is checked, and either all are saved or the errors are listed."""
    form = SystemImportForm(request.POST, request.FILES) if request.method == "POST" else SystemImportForm()
    result = None
    if request.method == "POST" and form.is_valid():
        # The rows are read and saved by a background job (jobs/): a 10 000-row file takes
        # longer than a request may. Only what costs nothing (size, type) is checked here.
        from jobs import services as jobs_services
        from jobs.models import Job

        upload = form.cleaned_data["file"]
        try:
            jobs_services.precheck_upload(upload)
        except importexport.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if not request.tenant.can_edit(System):
                raise PermissionDenied
            job = jobs_services.start(tenant=request.tenant, kind=Job.Kind.SYSTEM_IMPORT, upload=upload,
                                      title=_("Import of systems from %(file)s") % {"file": upload.name},
                                      return_url=reverse("inventory:system_list"))
            return redirect("jobs:job_detail", pk=job.pk)
    context = {"form": form, "result": result, "errors": result.errors[:ERRORS_SHOWN] if result else [],
               "errors_hidden": max(len(result.errors) - ERRORS_SHOWN, 0) if result else 0}
    return render(request, "inventory/system_import.html", context)
