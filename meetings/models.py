"""Samarbetsforum: the meetings a shared IT company holds with the organisations it serves.

A meeting is the organiser's record, addressed to the participating organisations
(core.models.AddressedTenantModel); its attendees, agenda, decisions and action items are
rows of their own (ChildTenantModel) read by whoever reads the meeting. An action item for an
addressed municipality is taken into that municipality's own action plan by its members; the
organiser never writes into another organisation's plan.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import AddressedTenantModel, ChildTenantModel
from organisations.roles import Perm


class MeetingKind(models.TextChoices):
    COUNCIL = "council", _("Customer council (Kundråd IT)")
    PRE_MEETING = "pre_meeting", _("Owners' pre-meeting before the customer council")
    OPERATIONS = "operations", _("Operations meeting")
    ORDERS = "orders", _("Orders meeting (outside the ordinary delivery)")
    CAB = "cab", _("Change advisory board (CAB)")


# Short names for file names and headings of the minutes (Swedish documents).
KIND_SHORT = {
    MeetingKind.COUNCIL: "Kundråd IT",
    MeetingKind.PRE_MEETING: "Förmöte inför kundråd",
    MeetingKind.OPERATIONS: "Driftmöte",
    MeetingKind.ORDERS: "UB-möte",
    MeetingKind.CAB: "CAB-möte",
}


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    APPROVED = "approved", _("Minutes approved")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(AddressedTenantModel):
    edit_perm = Perm.MEETING_EDIT
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location or link"), max_length=300, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("chair"))
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("secretary"))
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                            blank=True, related_name="+", verbose_name=_("minutes approved by"))

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["organisation", "starts_at"], name="meeting_org_start_idx"),
            models.Index(fields=["kind", "starts_at"], name="meeting_kind_start_idx"),
            models.Index(fields=["status", "ends_at"], name="meeting_status_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})" if self.starts_at else self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def kind_short(self) -> str:
        return KIND_SHORT.get(self.kind, self.get_kind_display())


class Attendee(ChildTenantModel):
    edit_perm = Perm.MEETING_EDIT
    parent_field = "meeting"
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("meeting"))
    name = models.CharField(_("name"), max_length=200)
    role_title = models.CharField(_("title or role"), max_length=200, blank=True)
    # Empty: the organiser's own people; otherwise one of the organisations the meeting is addressed to.
    represents = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("organisation represented"))
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["meeting", "name", "pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self) -> str:
        return self.name


def paper_path(instance: "AgendaItem", filename: str) -> str:
    # A random folder per upload: names never collide and cannot be guessed.
    return f"meetings/papers/{instance.organisation_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class AgendaItem(ChildTenantModel):
    edit_perm = Perm.MEETING_EDIT
    parent_field = "meeting"
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting"))
    position = models.PositiveIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    paper = models.FileField(_("paper"), upload_to=paper_path, max_length=300, blank=True)
    paper_link = models.URLField(_("link to paper"), max_length=500, blank=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def paper_name(self) -> str:
        return PurePath(self.paper.name).name if self.paper else ""


class Decision(ChildTenantModel):
    edit_perm = Perm.MEETING_EDIT
    parent_field = "meeting"
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting"))
    number = models.PositiveIntegerField(_("number"), default=1)
    text = models.TextField(_("decision"))

    class Meta:
        ordering = ["meeting", "number", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"§ {self.number}"


class ActionItem(ChildTenantModel):
    edit_perm = Perm.MEETING_EDIT
    parent_field = "meeting"
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items",
                                verbose_name=_("meeting"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # Empty: the organiser's own action (it goes into the organiser's plan at once).
    responsible = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("responsible organisation"))
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["responsible", "due_date"], name="meeting_item_resp_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.meeting_id]) + f"#item-{self.pk}"
