"""What each kind of job does. A handler gets the job and the member's tenant as it is now and
returns an Outcome; the work itself is the modules' own (imports all or nothing, exports and
documents as on their pages)."""

import io

from django.utils.translation import gettext as _

from core.tabular import ImportFileError
from jobs.models import Job
from jobs.services import Outcome


def _upload(job: Job) -> io.BytesIO:
    file = io.BytesIO(bytes(job.input_data))
    file.name, file.size = job.input_name, len(job.input_data)
    return file


def _row_errors(errors) -> list[dict]:
    return [{"row": e.row, "column": e.column, "message": e.message} for e in errors]


def _file_error(exc: Exception) -> Outcome:
    return Outcome(errors=[{"row": None, "column": "", "message": str(exc)}])


def system_import(job: Job, tenant) -> Outcome:
    from inventory import importexport
    from inventory.views_importexport import success_message

    try:
        result = importexport.systems_import(tenant=tenant, file=_upload(job))
    except ImportFileError as exc:
        return _file_error(exc)
    if result.errors:
        return Outcome(errors=_row_errors(result.errors))
    return Outcome(summary=success_message(result))


def risk_import(job: Job, tenant) -> Outcome:
    from risk import importexport

    try:
        result = importexport.risks_import(tenant=tenant, file=_upload(job))
    except ImportFileError as exc:
        return _file_error(exc)
    if result.errors:
        return Outcome(errors=_row_errors(result.errors))
    return Outcome(summary=_("Imported: %(c)d new, %(u)d changed, %(n)d unchanged.") % {
        "c": result.created, "u": result.updated, "n": result.unchanged})


def _file(content: bytes, content_type: str, filename: str) -> Outcome:
    return Outcome(summary=_("The file is ready."), result_name=filename, result_type=content_type,
                   result_data=content)


def requirement_export(job: Job, tenant) -> Outcome:
    from requirements.views import requirement_export_file

    p = job.params
    return _file(*requirement_export_file(tenant, pk=p["pk"], query=p.get("query", ""), fmt=p["fmt"]))


def soa_export(job: Job, tenant) -> Outcome:
    from requirements.views import soa_export_file

    return _file(*soa_export_file(tenant, query=job.params.get("query", "")))


def placement_document(job: Job, tenant) -> Outcome:
    from placement.views import document_file

    return _file(*document_file(tenant, pk=job.params["pk"], fmt=job.params["fmt"]))


HANDLERS = {
    Job.Kind.SYSTEM_IMPORT: system_import,
    Job.Kind.RISK_IMPORT: risk_import,
    Job.Kind.REQUIREMENT_EXPORT: requirement_export,
    Job.Kind.SOA_EXPORT: soa_export,
    Job.Kind.PLACEMENT_DOCUMENT: placement_document,
}
