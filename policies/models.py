"""Governing documents (styrdokument): policies, guidelines, instructions and routines, with their reviews."""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import SharedTenantModel, TenantModel
from organisations.roles import Perm


class Kind(models.TextChoices):
    POLICY = "policy", _("Policy")
    GUIDELINE = "guideline", _("Guideline")
    INSTRUCTION = "instruction", _("Instruction")
    ROUTINE = "routine", _("Routine")


# Policies are adopted by a political body and reviewed every other year; the documents that
# implement them change faster and are reviewed every year.
DEFAULT_INTERVAL = {Kind.POLICY: 24, Kind.GUIDELINE: 12, Kind.INSTRUCTION: 12, Kind.ROUTINE: 12}


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    REPEALED = "repealed", _("Repealed")


class Outcome(models.TextChoices):
    STILL_VALID = "still_valid", _("Still valid")
    NEEDS_REVISION = "needs_revision", _("Needs revision")


def document_path(instance: "GoverningDocument", filename: str) -> str:
    # A random folder per upload: names never collide and cannot be guessed.
    return f"policies/{instance.organisation_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class GoverningDocument(SharedTenantModel):
    """A governing document of one organisation; a supplier shares its own with the customers it serves."""

    edit_perm = Perm.DOCUMENT_EDIT
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    scope = models.TextField(_("area and scope"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(120)])
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    file = models.FileField(_("document file"), upload_to=document_path, max_length=300, blank=True)
    link = models.URLField(_("link to the document"), max_length=500, blank=True)
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by",
                                 verbose_name=_("replaces"))

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("governing document")
        verbose_name_plural = _("governing documents")
        indexes = [
            models.Index(fields=["organisation", "status", "next_review"], name="policies_doc_review_idx"),
            models.Index(fields=["organisation", "kind"], name="policies_doc_kind_idx"),
            models.Index(fields=["owner", "status", "next_review"], name="policies_doc_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:document_detail", args=[self.pk])

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == DocumentStatus.IN_FORCE and self.next_review is not None and self.next_review < today

    @property
    def file_name(self) -> str:
        return PurePath(self.file.name).name if self.file else ""


class DocumentReview(TenantModel):
    """One review of a governing document: who, when, the outcome and why; it moves the next review."""

    edit_perm = Perm.DOCUMENT_EDIT
    document = models.ForeignKey(GoverningDocument, on_delete=models.CASCADE, related_name="reviews",
                                 verbose_name=_("document"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_on = models.DateField(_("reviewed on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("document review")
        verbose_name_plural = _("document reviews")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.reviewed_on} {self.outcome}"

    def get_absolute_url(self) -> str:
        return reverse("policies:document_detail", args=[self.document_id])
