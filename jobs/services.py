"""Starting background jobs and recording how they end (docs/decisions.md, "Background tasks")."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.tenancy import Tenant
from jobs.models import Job

# What one job may carry in: the largest import file (settings.TILLIT_MAX_IMPORT_BYTES is
# checked again by the import itself).
MAX_INPUT_BYTES = 20 * 1024 * 1024


@dataclass
class Outcome:
    """What a job's handler hands back: a file, a summary, or errors per row and column."""

    summary: str = ""
    errors: list[dict] = field(default_factory=list)
    result_name: str = ""
    result_type: str = ""
    result_data: bytes = b""


def start(*, tenant: Tenant, kind: str, title: str, params: dict | None = None, upload=None,
          return_url: str = "") -> Job:
    """Record a job for the acting member and hand it to the task backend.

    The task is enqueued in the same transaction as the job, so a worker never sees a job
    that was not saved; with the database backend it starts once the request commits.
    """
    from jobs.tasks import run_job

    if kind not in Job.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of job.")})
    with transaction.atomic():
        job = tenant.new(Job, user=tenant.user, kind=kind, title=title[:200], params=params or {},
                         language=translation.get_language() or "", return_url=return_url[:300])
        if upload is not None:
            data = upload.read(MAX_INPUT_BYTES + 1)
            if len(data) > MAX_INPUT_BYTES:
                raise ValidationError({"file": _("The file is too large.")})
            job.input_name = (getattr(upload, "name", "") or "upload")[:255]
            job.input_data = data
        job.full_clean()
        job.save()
        run_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def mark_running(job: Job) -> None:
    job.status, job.progress, job.started_at = Job.Status.RUNNING, 10, timezone.now()
    job.save(update_fields=["status", "progress", "started_at", "updated_at"])


def finish(job: Job, outcome: Outcome) -> None:
    job.status = Job.Status.FAILED if outcome.errors else Job.Status.DONE
    job.progress = 100
    job.summary, job.errors = outcome.summary, outcome.errors
    job.result_name, job.result_type, job.result_data = outcome.result_name, outcome.result_type, outcome.result_data
    job.input_data = b""  # the upload is not needed once the job has run
    job.finished_at = timezone.now()
    job.save()


def fail(job: Job, message: str) -> None:
    finish(job, Outcome(errors=[{"row": None, "column": "", "message": message}]))


def precheck_upload(file) -> None:
    """The checks of an import file that cost nothing (size, type), made on the page before
    the job is queued so that the form can show them; the job reads the rows."""
    from pathlib import Path

    from core import tabular

    data = tabular._read_bytes(file)
    suffix = Path(getattr(file, "name", "") or "").suffix.lower()
    is_zip = data.startswith(tabular.ZIP_MAGIC)
    if suffix not in (".xlsx", ".csv", ".txt", "") or data.startswith(tabular.OLE_MAGIC):
        raise tabular._wrong_type()
    if suffix == ".xlsx" and not is_zip:
        raise tabular.ImportFileError(_("The file is not a readable Excel workbook (.xlsx)."))
    if suffix in (".csv", ".txt") and is_zip:
        raise tabular._wrong_type()
    file.seek(0)
