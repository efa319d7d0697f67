"""A background job: long work (an import, an export, a document) that a member started from a
page and that a task worker runs off the request (docs/decisions.md, "Background tasks").

The job is the member's own record in their organisation: what was asked, its status and
progress, and when done the result file or the errors per row and column. The uploaded file and
the result are kept in the database, so a worker on another server needs no shared disk.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from organisations.roles import Perm


class Job(TenantModel):
    edit_perm = Perm.VIEW  # anyone who may read may start a job; each kind checks its own permission

    class Kind(models.TextChoices):
        SYSTEM_IMPORT = "system_import", _("System import")
        RISK_IMPORT = "risk_import", _("Risk register import")
        REQUIREMENT_EXPORT = "requirement_export", _("Requirement list")
        SOA_EXPORT = "soa_export", _("Statement of applicability")
        PLACEMENT_DOCUMENT = "placement_document", _("Placement decision document")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.DONE, Status.FAILED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("started by"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (per cent)"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    return_url = models.CharField(_("page to return to"), max_length=300, blank=True)
    input_name = models.CharField(_("uploaded file"), max_length=255, blank=True)
    input_data = models.BinaryField(_("uploaded content"), blank=True, default=b"")
    result_name = models.CharField(_("result file"), max_length=255, blank=True)
    result_type = models.CharField(_("result type"), max_length=100, blank=True)
    result_data = models.BinaryField(_("result content"), blank=True, default=b"")
    summary = models.TextField(_("summary"), blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # The file contents are recorded in the trail as "changed", never by value.
    TRAIL_SECRET_FIELDS = frozenset({"input_data", "result_data"})
    TRAIL_IGNORED_FIELDS = frozenset({"updated_at", "progress"})

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "user", "-created_at"], name="job_owner_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def has_result(self) -> bool:
        return self.status == self.Status.DONE and bool(self.result_name)
