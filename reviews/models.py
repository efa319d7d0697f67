"""The management review (ledningens genomgång), ISO/IEC 27001:2022 clause 9.3 and the MSB/MCF
LIS method's step 4: its inputs gathered by Tillit as a snapshot, and its decisions (→ actions)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from organisations.roles import Perm


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Adopted")


class ManagementReview(TenantModel):
    """One management review of the organisation: when, which period, who, what it looked at.

    `inputs` is the snapshot of what Tillit gathered for the period (reviews.inputs), kept as it
    was so that the record and its document stay as they were when the review was held.
    """

    edit_perm = Perm.MANAGEMENT_REVIEW
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"), help_text=_("When the review is or was held."))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("chair"))
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                          verbose_name=_("participants"))
    other_participants = models.TextField(_("other participants"), blank=True,
                                          help_text=_("Participants who are not members in Tillit, one per line."))
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED)
    # ISO/IEC 27001:2022 9.3.2 c), d) (fulfilment of objectives), e) and g): written by the coordinator.
    interested_parties_changes = models.TextField(
        _("changes in needs and expectations of interested parties"), blank=True)
    objectives = models.TextField(_("fulfilment of information security objectives"), blank=True)
    interested_parties_feedback = models.TextField(_("feedback from interested parties"), blank=True)
    improvement_opportunities = models.TextField(_("opportunities for continual improvement"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    inputs = models.JSONField(_("gathered inputs"), default=dict, blank=True)
    gathered_at = models.DateTimeField(_("inputs gathered"), null=True, blank=True)
    gathered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("inputs gathered by"))
    closed_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("adopted by"))

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        indexes = [models.Index(fields=["organisation", "status", "held_on"], name="reviews_org_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:review_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == ReviewStatus.CLOSED

    @property
    def has_inputs(self) -> bool:
        return bool(self.gathered_at and isinstance(self.inputs, dict) and self.inputs.get("sections"))

    @property
    def other_participant_list(self) -> list[str]:
        return [line.strip() for line in self.other_participants.splitlines() if line.strip()]


class ReviewDecision(TenantModel):
    """A decision of the review; it becomes an action of the organisation's action plan."""

    edit_perm = Perm.MANAGEMENT_REVIEW
    review = models.ForeignKey(ManagementReview, on_delete=models.CASCADE, related_name="decisions",
                               verbose_name=_("management review"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    action = models.ForeignKey("actions.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("action"))

    class Meta:
        ordering = ["review", "number", "pk"]
        verbose_name = _("management review decision")
        verbose_name_plural = _("management review decisions")

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:review_detail", args=[self.review_id]) + "#decisions"
