"""Incidents (PRODUCT.md C7): reported once, each affected organisation handles its own case.

An Incident is what happened, written once by the organisation that registers it (a municipality
for its own incident, or the IT company for one that affects several of its customers) and
addressed to the customers affected (AddressedTenantModel). Every organisation that handles it has
its own IncidentCase (ResponseTenantModel): the moment it became aware (for an addressee, the moment
it was told), its severity on its own scale, its significance and breach assessments, its clocks,
its reports to the authorities (StageSubmission), its notes and its post-incident review. The
supplier reads each municipality's case; no municipality reads another's.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import AddressedTenantModel, CatalogueTenantModel, ChildTenantModel, ResponseTenantModel
from incidents import rules
from organisations.roles import Perm


class Category(models.TextChoices):
    MALWARE = "malware", _("Malware or ransomware")
    INTRUSION = "intrusion", _("Unauthorised access")
    PHISHING = "phishing", _("Phishing or fraud")
    DENIAL_OF_SERVICE = "dos", _("Denial of service")
    DATA_LEAK = "leak", _("Disclosure or loss of information")
    OUTAGE = "outage", _("Outage or disruption")
    LOST_DEVICE = "device", _("Lost or stolen device")
    MISCONFIGURATION = "config", _("Misconfiguration or faulty change")
    HUMAN_ERROR = "human", _("Human error")
    OTHER = "other", _("Other")


# The default severity scale, used by an organisation until it defines its own.
DEFAULT_SEVERITY_NAMES = {1: _("Low"), 2: _("Moderate"), 3: _("High"), 4: _("Critical")}


class Severity(CatalogueTenantModel):
    """One step of a severity scale: the shared default (no organisation) or an organisation's own."""

    edit_perm = Perm.INCIDENT_HANDLE
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the lowest."))
    name = models.CharField(_("name"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    review_required = models.BooleanField(
        _("post-incident review required"), default=False,
        help_text=_("Incidents of this severity must be evaluated before they are closed as reviewed."))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("severity")
        verbose_name_plural = _("severities")
        constraints = [models.UniqueConstraint(fields=["organisation", "rank"], name="severity_rank_per_org")]

    def __str__(self) -> str:
        if self.organisation_id is None and not self.name:
            return str(DEFAULT_SEVERITY_NAMES.get(self.rank, self.rank))
        return self.name


# The default scale's steps: (rank, post-incident review required). High and critical incidents
# are reviewed; an organisation with a scale of its own decides that per step.
DEFAULT_SEVERITIES = [(1, False), (2, False), (3, True), (4, True)]


def ensure_default_severities() -> None:
    """The shared default scale (also loaded by migration 0002; a flushed test database or a
    restored one may lack it)."""
    for rank, review in DEFAULT_SEVERITIES:
        Severity.objects.get_or_create(organisation=None, rank=rank, defaults={"review_required": review})


class Incident(AddressedTenantModel):
    edit_perm = Perm.INCIDENT_REPORT
    reference = models.CharField(_("reference"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    occurred_at = models.DateTimeField(_("occurred"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected"), help_text=_("When the reporting organisation became aware."))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reported by"))
    affected_services = models.TextField(_("affected services"), blank=True)
    suppliers = models.ManyToManyField("suppliers.Supplier", blank=True, related_name="incidents",
                                       verbose_name=_("suppliers involved"))
    possible_breach = models.BooleanField(_("personal data may be affected"), default=False)
    addressed_at = models.DateTimeField(_("organisations told"), null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [models.UniqueConstraint(fields=["organisation", "reference"], name="incident_reference")]
        indexes = [models.Index(fields=["organisation", "-detected_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident_detail", args=[self.pk])


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ASSESSED = "assessed", _("Assessed")
    HANDLING = "handling", _("Being handled")
    RESOLVED = "resolved", _("Handling ended")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.REPORTED, Status.ASSESSED, Status.HANDLING, Status.RESOLVED)


class IncidentCase(ResponseTenantModel):
    """One organisation's handling of an incident: its own assessments, clocks and reports."""

    edit_perm = Perm.INCIDENT_HANDLE
    subject_field = "incident"
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="cases",
                                 verbose_name=_("incident"))
    aware_at = models.DateTimeField(_("became aware"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("incident manager"))
    severity = models.ForeignKey(Severity, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("severity"))
    systems = models.ManyToManyField("inventory.System", blank=True, related_name="incident_cases",
                                     verbose_name=_("affected systems"))
    information_types = models.ManyToManyField("inventory.InformationType", blank=True, related_name="+",
                                               verbose_name=_("affected information types"))
    risks = models.ManyToManyField("risk.Risk", blank=True, related_name="incident_cases",
                                   verbose_name=_("risks"))
    # The Cybersecurity Act's assessment (art. 23(3)): why it is or is not significant.
    significant = models.BooleanField(_("significant incident"), null=True, blank=True)
    significance_reason = models.TextField(_("why it is or is not significant"), blank=True)
    malicious = models.BooleanField(_("unlawful or malicious act suspected"), null=True, blank=True)
    cross_border = models.BooleanField(_("possible cross-border impact"), null=True, blank=True)
    significance_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("significance assessed by"))
    significance_at = models.DateTimeField(_("significance assessed"), null=True, blank=True)
    # GDPR art. 33: a personal data breach, and whether it is likely to result in a risk.
    breach = models.BooleanField(_("personal data breach"), null=True, blank=True)
    breach_notifiable = models.BooleanField(_("likely to result in a risk to people"), null=True, blank=True)
    breach_reason = models.TextField(_("reason of the breach assessment"), blank=True)
    breach_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("breach assessed by"))
    breach_at = models.DateTimeField(_("breach assessed"), null=True, blank=True)
    handling_ended_at = models.DateTimeField(_("handling ended"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    closure_note = models.TextField(_("closing note"), blank=True)
    # Closed although a review was required: a documented deviation that audits read.
    closed_without_review = models.BooleanField(_("closed without the required review"), default=False)
    # The first deadline still waiting for its report, kept with every write (the clocks are
    # otherwise computed for the rows shown) so that lists filter on it in the database.
    next_deadline = models.DateTimeField(_("next deadline"), null=True, blank=True)
    next_stage = models.CharField(_("next report"), max_length=20, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    # Bookkeeping, not what was decided: the deadline follows from the recorded facts, the version
    # is the optimistic lock's counter.
    TRAIL_IGNORED_FIELDS = frozenset({"updated_at", "next_deadline", "next_stage", "version"})

    @classmethod
    def trail_value_label(cls, field: str, value, key=None):
        """The history names the next report by its stage (trail.display)."""
        return Stage(value).label if field == "next_stage" and value in Stage.values else None

    class Meta:
        ordering = ["-aware_at", "-pk"]
        verbose_name = _("incident case")
        verbose_name_plural = _("incident cases")
        constraints = [models.UniqueConstraint(fields=["organisation", "incident"], name="incidentcase_one_per_org")]
        indexes = [models.Index(fields=["organisation", "status", "-aware_at"]),
                   models.Index(fields=["organisation", "-aware_at"]),
                   models.Index(fields=["organisation", "next_deadline"])]

    def __str__(self) -> str:
        return str(self.incident)

    def get_absolute_url(self) -> str:
        return reverse("incidents:case_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def review_required(self) -> bool:
        """Mandatory for significant incidents and for the severities the organisation chose."""
        return bool(self.significant) or bool(self.severity_id and self.severity.review_required)

    def refresh_deadline(self, submitted: dict) -> None:
        """Set next_deadline/next_stage from the clocks (time does not move them: a passed
        deadline stays the next one until its report is in)."""
        clock = rules.next_due(rules.clocks(self.facts(submitted), self.aware_at)) if self.is_open else None
        self.next_deadline = clock.due if clock else None
        self.next_stage = clock.stage.key if clock else ""

    def facts(self, submitted: dict) -> rules.Facts:
        return rules.Facts(
            aware_at=self.aware_at, significant=self.significant, breach=self.breach,
            breach_notifiable=self.breach_notifiable, handling_ended_at=self.handling_ended_at, submitted=submitted,
            processor=self.organisation_id == self.incident.organisation_id and bool(self.incident.addressed_at),
            controllers_informed_at=self.incident.addressed_at)


class Stage(models.TextChoices):
    EARLY_WARNING = rules.EARLY_WARNING, _("Early warning")
    NOTIFICATION = rules.NOTIFICATION, _("Incident notification")
    INTERMEDIATE = rules.INTERMEDIATE, _("Intermediate report")
    PROGRESS = rules.PROGRESS, _("Progress report")
    FINAL = rules.FINAL, _("Final report")
    IMY = rules.IMY, _("Personal data breach notification to IMY")


class StageSubmission(ChildTenantModel):
    """A report submitted to an authority: when, by whom, to whom and what was sent."""

    @classmethod
    def trail_json_key_label(cls, field: str, key: str):
        """The history names each part of the content sent by its heading (trail.display)."""
        if field == "content":
            from incidents.documents import FIELDS

            return str(FIELDS[key][0]) if key in FIELDS else None
        return None

    edit_perm = Perm.INCIDENT_HANDLE
    parent_field = "case"
    case = models.ForeignKey(IncidentCase, on_delete=models.CASCADE, related_name="submissions",
                             verbose_name=_("incident case"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    recipient = models.CharField(_("recipient"), max_length=200)
    reference = models.CharField(_("the recipient's reference"), max_length=100, blank=True)
    content = models.JSONField(_("content sent"), default=dict, blank=True)
    late_reason = models.TextField(_("reason for the delay"), blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("report to an authority")
        verbose_name_plural = _("reports to authorities")
        constraints = [models.UniqueConstraint(fields=["case", "stage"], name="stage_once_per_case",
                                               condition=~models.Q(stage=rules.INTERMEDIATE))]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} – {self.case.incident.reference}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:case_detail", args=[self.case_id])


class TimelineEntry(ChildTenantModel):
    """Who did or learnt what, and when: one line of an incident's timeline."""

    edit_perm = Perm.INCIDENT_HANDLE
    at = models.DateTimeField(_("when"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("by"))
    text = models.TextField(_("what was done or learnt"))

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class IncidentUpdate(TimelineEntry):
    """A timeline entry of the registering organisation, read by every organisation told."""

    parent_field = "incident"
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates",
                                 verbose_name=_("incident"))

    class Meta(TimelineEntry.Meta):
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident_detail", args=[self.incident_id])


class CaseNote(TimelineEntry):
    """A timeline entry of one organisation's own handling, read by it and the registering organisation."""

    parent_field = "case"
    case = models.ForeignKey(IncidentCase, on_delete=models.CASCADE, related_name="notes",
                             verbose_name=_("incident case"))

    class Meta(TimelineEntry.Meta):
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def get_absolute_url(self) -> str:
        return reverse("incidents:case_detail", args=[self.case_id])


class Review(ChildTenantModel):
    """The post-incident review: a joint evaluation by the municipality and its supplier."""

    edit_perm = Perm.INCIDENT_HANDLE
    parent_field = "case"
    case = models.OneToOneField(IncidentCase, on_delete=models.CASCADE, related_name="review",
                                verbose_name=_("incident case"))
    held_on = models.DateField(_("held on"))
    participants = models.TextField(_("participants"), help_text=_("Who took part, from the organisation and the supplier."))
    supplier_took_part = models.BooleanField(_("the supplier took part"), default=False)
    causes = models.TextField(_("causes"))
    what_was_done = models.TextField(_("what was done"))
    went_well = models.TextField(_("what went well"), blank=True)
    went_badly = models.TextField(_("what went badly"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("completed by"))

    class Meta:
        verbose_name = _("post-incident review")
        verbose_name_plural = _("post-incident reviews")

    def __str__(self) -> str:
        return str(_("Review of %(incident)s") % {"incident": self.case.incident.reference})

    def get_absolute_url(self) -> str:
        return reverse("incidents:case_detail", args=[self.case_id])


class Lesson(ChildTenantModel):
    """A lesson of the review; each becomes an action in the plan (and may change a risk)."""

    edit_perm = Perm.INCIDENT_HANDLE
    parent_field = "review"
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("review"))
    text = models.TextField(_("lesson"))
    action = models.ForeignKey("actions.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("action"))
    risk = models.ForeignKey("risk.Risk", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("risk"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("incidents:case_detail", args=[self.review.case_id])
