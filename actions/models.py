import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from organisations.roles import Perm


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(TenantModel):
    """One item of the action plan (handlingsplan), with the record it came from.

    Sources: risk treatments, protection analyses for level-4 information, and later audit
    recommendations, incident lessons and supplier follow-up. A manual action has no source.
    """

    # The source is shown by its name (source_label), not by its type and id.
    TRAIL_HIDDEN_FIELDS = frozenset({"source_type", "source_id"})

    edit_perm = Perm.ACTION_EDIT
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # Kept so the plan still names its origin if the source is deleted.
    source_label = models.CharField(_("source"), max_length=300, blank=True)
    # The system the action concerns, when there is one: the plan filters by it.
    system = models.ForeignKey("inventory.System", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="actions", verbose_name=_("system"))

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["organisation", "status", "due_date"], name="action_org_status_due_idx"),
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_idx"),
            models.Index(fields=["source_type", "source_id"], name="action_source_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def source_kind(self) -> str:
        """What kind of record the action comes from, as a person names it ("Risk")."""
        model = self.source_type.model_class() if self.source_type_id else None
        return str(model._meta.verbose_name).capitalize() if model else ""

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("actions:action_edit", args=[self.pk])


def note_evidence_path(instance: "ActionNote", filename: str) -> str:
    # A random folder per upload: names never collide and cannot be guessed.
    return f"actions/evidence/{instance.organisation_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class ActionNote(TenantModel):
    """A progress note on an action, with evidence of what was done: written by the action's
    owner or by those who manage the plan."""

    edit_perm = Perm.VIEW  # the owner writes notes without managing the plan; services check who
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes", verbose_name=_("action"))
    text = models.TextField(_("progress note"))
    evidence_file = models.FileField(_("evidence file"), upload_to=note_evidence_path, max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def file_name(self) -> str:
        return PurePath(self.evidence_file.name).name if self.evidence_file else ""


class ReminderLog(models.Model):
    """One reminder e-mail sent: at most one per item, recipient and day."""

    key = models.CharField(max_length=100)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "recipient", "day"], name="reminder_once_a_day")]
