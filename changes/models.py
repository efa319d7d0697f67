"""Change management (PRODUCT.md C8; the second seed, 3.4 and observation 4.5).

The shared IT company registers a change once (Change, its AddressedTenantModel) and addresses
it to the municipalities affected, derived from the affected systems they shared with it and
those it chooses among its customers. Each municipality decides on it for itself at the CAB
(ChangeDecision, its ResponseTenantModel), tests it when it asked to (AcceptanceTest) and
confirms the closing report or raises a remark that becomes an action in its own plan
(ClosingConfirmation). Development, test and deployment are recorded as ChangeSteps by named
people; the rule of separation of duties per risk level is data (ChangeSettings).

A municipality asks its IT company for a change with a ChangeRequest: its own record, read by
the IT company through `addressee_lookup`. The IT company then registers the Change (its own
record, pointing at the request). So each record has one owner and tenancy stays in
core/tenancy.py: no organisation ever writes another's record.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import AddressedTenantModel, ChildTenantModel, ResponseTenantModel, TenantModel
from organisations.roles import Perm


class Kind(models.TextChoices):
    STANDARD = "standard", _("Standard change")
    NORMAL = "normal", _("Normal change")
    EMERGENCY = "emergency", _("Emergency change")
    MAJOR = "major", _("Major change")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Separation(models.TextChoices):
    NONE = "none", _("No requirement")
    DEVELOPER_NOT_DEPLOYER = "developer_not_deployer", _("The developer does not deploy")
    ALL_DIFFERENT = "all_different", _("Developer, tester and deployer are three different people")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PAPERS_SENT = "papers_sent", _("Papers sent to the CAB")
    IN_PROGRESS = "in_progress", _("In progress")
    DEPLOYED = "deployed", _("Deployed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.REGISTERED, Status.PAPERS_SENT, Status.IN_PROGRESS)


class ChangeSettings(TenantModel):
    """The IT company's rules for its changes: how many days ahead the CAB papers go out and
    which of development, test and deployment must be done by different people per risk level."""

    edit_perm = Perm.CHANGE_EXCEPTION
    papers_lead_days = models.PositiveSmallIntegerField(
        _("papers sent (days before the CAB)"), default=5,
        help_text=_("How many days before the CAB meeting its papers go to the municipalities."))
    separation_high = models.CharField(_("separation of duties, high risk"), max_length=30,
                                       choices=Separation.choices, default=Separation.ALL_DIFFERENT)
    separation_medium = models.CharField(_("separation of duties, medium risk"), max_length=30,
                                         choices=Separation.choices, default=Separation.DEVELOPER_NOT_DEPLOYER)
    separation_low = models.CharField(_("separation of duties, low risk"), max_length=30,
                                      choices=Separation.choices, default=Separation.NONE)

    class Meta:
        verbose_name = _("change settings")
        verbose_name_plural = _("change settings")
        constraints = [models.UniqueConstraint(fields=["organisation"], name="changesettings_one_per_org")]

    def __str__(self) -> str:
        return str(_("Change settings"))

    def separation_for(self, level: str) -> str:
        return {Level.HIGH: self.separation_high, Level.MEDIUM: self.separation_medium,
                Level.LOW: self.separation_low}.get(level, Separation.NONE)


class ChangeRequest(TenantModel):
    """A municipality's request for a change, addressed to the IT company that serves it."""

    edit_perm = Perm.CHANGE_REQUEST
    addressee_lookup = "addressed_to"
    # Always set by changes.services.request_save (an IT company serving the municipality);
    # nullable only so that the tenancy walk's automatic seeding leaves it empty rather than wrong.
    addressed_to = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, null=True,
                                     related_name="+", verbose_name=_("addressed to"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    reason = models.TextField(_("reason"), blank=True)
    kind = models.CharField(_("kind of change"), max_length=20, choices=Kind.choices, default=Kind.NORMAL)
    requested_date = models.DateField(_("requested date"), null=True, blank=True)
    systems = models.ManyToManyField("inventory.System", blank=True, related_name="+",
                                     verbose_name=_("affected systems"))
    wants_acceptance_test = models.BooleanField(_("we want an acceptance test"), default=False)
    wants_test_environment = models.BooleanField(_("we want a separate test environment"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for change")
        verbose_name_plural = _("requests for change")
        indexes = [models.Index(fields=["addressed_to", "created_at"], name="changereq_addressee_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("changes:request_detail", args=[self.pk])


class Change(AddressedTenantModel):
    """A change registered once by the IT company and addressed to the municipalities affected."""

    edit_perm = Perm.CHANGE_REQUEST
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    reason = models.TextField(_("reason"), blank=True)
    kind = models.CharField(_("kind of change"), max_length=20, choices=Kind.choices, default=Kind.NORMAL)
    standard_class = models.CharField(
        _("class of standard change"), max_length=120, blank=True,
        help_text=_("For a standard change: the class a municipality may have pre-approved, "
                    "e.g. Monthly security updates."))
    systems = models.ManyToManyField("inventory.System", blank=True, related_name="+",
                                     verbose_name=_("affected systems"))
    requested_date = models.DateField(_("requested date"), null=True, blank=True)
    window_start = models.DateTimeField(_("planned window from"), null=True, blank=True)
    window_end = models.DateTimeField(_("planned window until"), null=True, blank=True)
    rollback_plan = models.TextField(_("rollback plan"), blank=True)
    request = models.ForeignKey(ChangeRequest, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="changes", verbose_name=_("requested by the municipality in"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood of disruption (1–4)"), null=True, blank=True)
    consequence = models.PositiveSmallIntegerField(_("consequence of disruption (1–4)"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=Level.choices, default=Level.MEDIUM)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    cab_meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("CAB meeting"))
    papers_sent_at = models.DateTimeField(_("papers sent"), null=True, blank=True)
    test_environment_for = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="+",
        verbose_name=_("test environment provided for"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("registered by"))
    # Facts of the deployment, kept when it is recorded (changes.rules.deployment_facts), so
    # that lists and findings read them without going through every step.
    deployed_at = models.DateTimeField(_("deployed"), null=True, blank=True)
    separation_met = models.BooleanField(_("separation of duties met"), null=True, blank=True)
    separation_excepted = models.BooleanField(_("deployed under an exception"), default=False)
    # Whether someone other than the developer tested it and a third person deployed it,
    # whatever the rule asked at the time (findings read it: ISO/IEC 27001 A 5.3).
    duties_separated = models.BooleanField(_("developed, tested and deployed by different people"), null=True,
                                           blank=True)
    acceptance_met = models.BooleanField(_("acceptance tests asked for passed"), null=True, blank=True)
    closing_report = models.TextField(_("closing report"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))

    class Meta:
        ordering = ["-window_start", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            models.Index(fields=["organisation", "status", "window_start"], name="change_org_status_idx"),
            models.Index(fields=["organisation", "window_start"], name="change_org_window_idx"),
            models.Index(fields=["cab_meeting"], name="change_cab_idx"),
            models.Index(fields=["status", "deployed_at"], name="change_status_deployed_idx"),
        ]

    def __str__(self) -> str:
        return f"ÄND-{self.pk}: {self.title}" if self.pk else self.title

    def get_absolute_url(self) -> str:
        return reverse("changes:change_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"ÄND-{self.pk}"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    CONDITIONS = "conditions", _("Approve with conditions")
    REJECT = "reject", _("Reject")
    ABSTAIN = "abstain", _("Abstain")


APPROVING = (Decision.APPROVE, Decision.CONDITIONS)


class ChangeDecision(ResponseTenantModel):
    """A municipality's own decision on a change addressed to it, with what it asks for."""

    edit_perm = Perm.CHANGE_DECIDE
    subject_field = "change"
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("change"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    wants_acceptance_test = models.BooleanField(_("we want an acceptance test before deployment"), default=False)
    wants_test_environment = models.BooleanField(_("we want a separate test environment"), default=False)
    participation = models.TextField(
        _("our participation"), blank=True,
        help_text=_("For a major change: how the municipality takes part, e.g. in the steering group."))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    after_deployment = models.BooleanField(_("decided after deployment (review)"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("change decision")
        verbose_name_plural = _("change decisions")
        constraints = [models.UniqueConstraint(fields=["organisation", "change"], name="changedecision_one_per_org")]

    def __str__(self) -> str:
        return _("Decision on %(change)s") % {"change": self.change}

    def get_absolute_url(self) -> str:
        return reverse("changes:change_detail", args=[self.change_id])


class StandingApproval(TenantModel):
    """A municipality's pre-approval of a class of standard changes by its IT company."""

    edit_perm = Perm.CHANGE_DECIDE
    addressee_lookup = "supplier"
    # Always set by changes.services.standing_approval_save; nullable as ChangeRequest.addressed_to.
    supplier = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, null=True,
                                 related_name="+", verbose_name=_("IT company"))
    change_class = models.CharField(_("class of standard change"), max_length=120)
    comment = models.TextField(_("comment"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))

    class Meta:
        ordering = ["change_class", "pk"]
        verbose_name = _("pre-approval of standard changes")
        verbose_name_plural = _("pre-approvals of standard changes")
        indexes = [models.Index(fields=["supplier", "active"], name="standing_supplier_idx")]

    def __str__(self) -> str:
        return self.change_class


class StepKind(models.TextChoices):
    DEVELOP = "develop", _("Development")
    TEST = "test", _("Test")
    DEPLOY = "deploy", _("Deployment")


class StepResult(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ChangeStep(ChildTenantModel):
    """Development, test or deployment of a change, done by a named person at a time.

    An exception to the separation of duties stays on the step: who authorised it, when and why.
    """

    edit_perm = Perm.CHANGE_IMPLEMENT
    parent_field = "change"
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="steps", verbose_name=_("change"))
    kind = models.CharField(_("step"), max_length=10, choices=StepKind.choices)
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("done by"))
    performed_at = models.DateTimeField(_("done at"))
    result = models.CharField(_("result"), max_length=10, choices=StepResult.choices, default=StepResult.SUCCEEDED)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    exception_reason = models.TextField(_("reason for the exception"), blank=True)
    exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("exception authorised by"))
    exception_at = models.DateTimeField(_("exception authorised at"), null=True, blank=True)

    class Meta:
        ordering = ["change", "performed_at", "pk"]
        verbose_name = _("implementation step")
        verbose_name_plural = _("implementation steps")
        indexes = [models.Index(fields=["change", "kind"], name="changestep_change_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.performed_at:%Y-%m-%d}" if self.performed_at else self.kind

    @property
    def is_exception(self) -> bool:
        return bool(self.exception_reason)


class AcceptanceTest(ResponseTenantModel):
    """A municipality's own acceptance test of a change before it is deployed."""

    edit_perm = Perm.CHANGE_DECIDE
    subject_field = "change"
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="acceptance_tests",
                               verbose_name=_("change"))
    tested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("tested by"))
    tested_at = models.DateTimeField(_("tested at"))
    passed = models.BooleanField(_("passed"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("acceptance test")
        verbose_name_plural = _("acceptance tests")
        constraints = [models.UniqueConstraint(fields=["organisation", "change"], name="acceptancetest_one_per_org")]

    def __str__(self) -> str:
        return _("Acceptance test of %(change)s") % {"change": self.change}

    def get_absolute_url(self) -> str:
        return reverse("changes:change_detail", args=[self.change_id])


class Closing(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REMARK = "remark", _("Remark")


class ClosingConfirmation(ResponseTenantModel):
    """A municipality's answer to the closing report: confirmed, or a remark (→ an action)."""

    edit_perm = Perm.CHANGE_DECIDE
    subject_field = "change"
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="confirmations",
                               verbose_name=_("change"))
    outcome = models.CharField(_("answer"), max_length=10, choices=Closing.choices, default=Closing.CONFIRMED)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("answered by"))
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    action = models.ForeignKey("actions.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("action"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("closing report answer")
        verbose_name_plural = _("closing report answers")
        constraints = [models.UniqueConstraint(fields=["organisation", "change"],
                                               name="closingconfirmation_one_per_org")]

    def __str__(self) -> str:
        return _("Answer to the closing report of %(change)s") % {"change": self.change}

    def get_absolute_url(self) -> str:
        return reverse("changes:change_detail", args=[self.change_id])
