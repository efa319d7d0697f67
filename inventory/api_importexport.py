"""The inventory as an XLSX/CSV file through the API: the same functions as the pages."""

from typing import Literal

from django.http import HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from core.api import ImportErrorsOut, import_refused
from core.tabular import CSV_TYPE, XLSX_TYPE
from inventory import importexport
from inventory.api import SystemQuery
from inventory.importexport import export_filename
from inventory.selectors import SystemFilters

router = Router(tags=["systems import/export"])


class ExportQuery(SystemQuery):
    format: Literal["xlsx", "csv"] = "xlsx"


class SystemImportOut(Schema):
    created: int
    updated: int


@router.get("/export", summary="Export systems (the list's filters) as XLSX or CSV",
            openapi_extra={"responses": {200: {"description": "The file",
                                               "content": {XLSX_TYPE: {}, CSV_TYPE: {}}}}})
def export_systems(request, query: Query[ExportQuery]):
    tenant = request.tenant
    filters = SystemFilters(**query.dict(exclude={"page", "format"}))
    if query.format == "csv":
        content, content_type = importexport.export_csv(tenant=tenant, filters=filters), CSV_TYPE
    else:
        content, content_type = importexport.export_xlsx(tenant=tenant, filters=filters), XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(tenant, query.format)}"'
    return response


@router.post("/import", response={200: SystemImportOut, 422: ImportErrorsOut},
             summary="Import systems from an XLSX or CSV file: all rows or none")
def import_systems(request, file: File[UploadedFile]):
    try:
        result = importexport.systems_import(tenant=request.tenant, file=file)
    except importexport.ImportFileError as exc:
        return Status(422, {"detail": str(exc), "errors": []})
    if result.errors:
        return import_refused(result.errors)
    return Status(200, {"created": result.created, "updated": result.updated})
