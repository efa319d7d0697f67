"""Placement assessments (PRODUCT.md C5): where should a service run, weighed from four perspectives.

An assessment concerns one service (linked to systems and information types of the
inventory) and compares two or more alternatives (own data centre, a supplier's data centre,
a public cloud service). What can be computed is computed in rules.py and legal.py; what must
be judged is stored here (verdicts, appropriateness assessments, the decision).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
from inventory.models import Hosting
from organisations.roles import Perm

# A placement assessment is a risk assessment of where information is processed (the seed
# calls it "sammanvägd riskbedömning"), so it is written by those who analyse risks.
EDIT_PERM = Perm.RISK_EDIT


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DECIDED = "decided", _("Decided")


class DecidingBody(models.TextChoices):
    EXECUTIVE_BOARD = "kommunstyrelse", _("Municipal executive board (kommunstyrelse)")
    COUNCIL = "kommunfullmaktige", _("Municipal council (kommunfullmäktige)")
    COMMITTEE = "namnd", _("Committee (nämnd)")


class Perspective(models.TextChoices):
    SECURITY = "security", _("Information security")
    LEGAL = "legal", _("Law")
    TECHNICAL = "technical", _("Technology")
    ECONOMIC = "economic", _("Economy")


class VerdictChoice(models.TextChoices):
    FAVOURS = "favours", _("Favours")
    NEUTRAL = "neutral", _("Neutral")
    AGAINST = "against", _("Against")


class ResidualRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Redundancy(models.TextChoices):
    SINGLE_SITE = "single", _("One site")
    SAME_LOCATION = "same_location", _("Two sites at the same physical location")
    SEPARATE_SITES = "separate", _("Geographically separate sites")


class StaffCapacity(models.TextChoices):
    SUFFICIENT = "sufficient", _("Sufficient")
    STRAINED = "strained", _("Strained")
    INSUFFICIENT = "insufficient", _("Insufficient")


class CostCategory(models.TextChoices):
    LICENCES = "licences", _("Licences")
    HARDWARE = "hardware", _("Hardware")
    CONSULTANTS = "consultants", _("Consultants")
    OWN_STAFF = "own_staff", _("Own staff")
    OTHER = "other", _("Other")


class CostKind(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    RECURRING = "recurring", _("Recurring per year")


class Appropriateness(models.TextChoices):
    # OSL 10 kap. 2 a §: the exception applies "unless it is inappropriate in the circumstances".
    APPROPRIATE = "appropriate", _("Not inappropriate: the exception can apply")
    INAPPROPRIATE = "inappropriate", _("Inappropriate: the exception does not apply")


class Assessment(TenantModel):
    """One placement assessment (bedömning av driftform) of a service."""

    edit_perm = EDIT_PERM
    title = models.CharField(_("title"), max_length=200)
    service = models.CharField(_("service"), max_length=200)
    systems = models.ManyToManyField("inventory.System", blank=True, related_name="placement_assessments",
                                     verbose_name=_("systems"))
    information_types = models.ManyToManyField("inventory.InformationType", blank=True,
                                               related_name="placement_assessments",
                                               verbose_name=_("information types"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("responsible"))
    # The tjänsteskrivelse's sender: the förvaltning that writes it and its handläggare (a member
    # of the organisation, with the title the document gives them).
    department = models.CharField(_("department (förvaltning)"), max_length=200, blank=True,
                                  help_text=_("The department that writes the memorandum, e.g. Kommunledningsförvaltningen."))
    case_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("case officer (handläggare)"))
    case_officer_title = models.CharField(_("title of the case officer"), max_length=200, blank=True,
                                          help_text=_("As the memorandum names the case officer, e.g. "
                                                      "Informationssäkerhetssamordnare."))
    recipients = models.TextField(_("the decision is sent to"), blank=True, help_text=_("One recipient a line."))
    background = models.TextField(_("introduction"), blank=True)
    # The legal table is read on this date (adequacy decisions and OSL change over time).
    assessment_date = models.DateField(_("date of the assessment"))
    registration_number = models.CharField(_("registration number (diarienummer)"), max_length=60, blank=True)
    deciding_body = models.CharField(_("deciding body"), max_length=30, choices=DecidingBody.choices,
                                     default=DecidingBody.EXECUTIVE_BOARD)
    deciding_body_name = models.CharField(_("name of the committee"), max_length=200, blank=True)
    years = models.PositiveSmallIntegerField(_("years to compare"), default=3,
                                             validators=[MinValueValidator(1), MaxValueValidator(20)])
    discount_rate = models.DecimalField(_("discount rate (% per year)"), max_digits=5, decimal_places=2, default=0,
                                        validators=[MinValueValidator(0), MaxValueValidator(50)])
    weight_security = models.PositiveSmallIntegerField(_("weight of information security"), default=1,
                                                       validators=[MaxValueValidator(5)])
    weight_legal = models.PositiveSmallIntegerField(_("weight of law"), default=1, validators=[MaxValueValidator(5)])
    weight_technical = models.PositiveSmallIntegerField(_("weight of technology"), default=1,
                                                        validators=[MaxValueValidator(5)])
    weight_economic = models.PositiveSmallIntegerField(_("weight of economy"), default=1,
                                                       validators=[MaxValueValidator(5)])
    # Questions to answer per perspective, pre-filled by a template:
    # [{"perspective": "legal", "question": "…", "answer": "…"}].
    checklist = models.JSONField(_("questions"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    proposal = models.TextField(_("proposed decision"), blank=True)
    # The assessor may choose another alternative than the computed one, with a justification.
    chosen_alternative = models.ForeignKey("Alternative", on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="+", verbose_name=_("chosen alternative"))
    choice_justification = models.TextField(_("justification of the choice"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    template = models.CharField(_("template"), max_length=40, blank=True)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions",
                                 verbose_name=_("previous version"))
    version_number = models.PositiveSmallIntegerField(_("version"), default=1)
    # Optimistic locking: a save names the revision it was based on (services).
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-assessment_date", "-pk"]
        verbose_name = _("placement assessment")
        verbose_name_plural = _("placement assessments")
        indexes = [models.Index(fields=["organisation", "status", "assessment_date"], name="placement_org_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("placement:detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.DECIDED

    @property
    def weights(self) -> dict[str, int]:
        return {Perspective.SECURITY: self.weight_security, Perspective.LEGAL: self.weight_legal,
                Perspective.TECHNICAL: self.weight_technical, Perspective.ECONOMIC: self.weight_economic}


class Alternative(TenantModel):
    """One way to run the service: where, by whom, with which promises and costs."""

    edit_perm = EDIT_PERM
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="alternatives")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    hosting = models.CharField(_("hosting"), max_length=20, choices=Hosting.choices, default=Hosting.CLOUD)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    storage_countries = models.JSONField(_("countries where data is stored"), default=list, blank=True)
    access_countries = models.JSONField(_("countries from which data can be accessed or processed"), default=list,
                                        blank=True, help_text=_("Support, operations and sub-processors."))
    provider_jurisdiction = models.CharField(_("provider's home jurisdiction"), max_length=2, blank=True)
    dpf_certified = models.BooleanField(_("provider certified under the EU–US Data Privacy Framework"), default=False)
    scc_signed = models.BooleanField(_("standard contractual clauses signed"), default=False)
    tia_done = models.BooleanField(_("transfer impact assessment made"), default=False)
    technical_only = models.BooleanField(
        _("the provider only processes or stores the information technically"), default=False,
        help_text=_("A precondition of the exception in OSL 10 kap. 2 a §."))
    confidentiality_duty = models.BooleanField(
        _("the provider's staff are bound by the statutory duty of confidentiality"), default=False,
        help_text=_("Lag (2020:914) om tystnadsplikt vid utkontraktering av teknisk bearbetning eller lagring av uppgifter."))
    # EDPB Recommendations 01/2020, annex 2, use case 1: data encrypted with keys only the
    # exporter holds is a supplementary measure a foreign order cannot get round.
    customer_held_keys = models.BooleanField(
        _("encrypted with keys held only by the organisation"), default=False,
        help_text=_("The provider cannot read the information, so it cannot hand it over readable to a foreign "
                    "authority."))
    sla_percent = models.DecimalField(_("promised availability (%)"), max_digits=6, decimal_places=3, null=True,
                                      blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)])
    redundancy = models.CharField(_("redundancy"), max_length=20, choices=Redundancy.choices,
                                  default=Redundancy.SINGLE_SITE)
    recovery_site = models.CharField(_("recovery site"), max_length=200, blank=True,
                                     help_text=_("Leave empty when there is none."))
    end_of_life = models.DateField(_("end of life of the infrastructure"), null=True, blank=True)
    staff_capacity = models.CharField(_("the organisation's own capacity"), max_length=20,
                                      choices=StaffCapacity.choices, default=StaffCapacity.SUFFICIENT)
    # The way the assessment's systems run today: its requirement statuses are the systems' own
    # (requirements module, read live), not a separate assessment here. One per assessment.
    current_placement = models.BooleanField(
        _("the systems' current placement"), default=False,
        help_text=_("The requirements then follow the systems' own requirement assessment."))
    # Requirement id (as text) → met (true) or not (false); absent = not yet assessed.
    requirements_met = models.JSONField(_("requirements met"), default=dict, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("alternative")
        verbose_name_plural = _("alternatives")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "name"], name="placement_alternative_unique_name"),
            models.UniqueConstraint(fields=["assessment"], condition=models.Q(current_placement=True),
                                    name="placement_one_current_placement",
                                    violation_error_message=_("Another alternative is already the systems' current "
                                                              "placement.")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("placement:detail", args=[self.assessment_id])


class CostItem(TenantModel):
    """A cost of an alternative in SEK: one-off (in its year) or recurring (every year from its year)."""

    edit_perm = EDIT_PERM
    alternative = models.ForeignKey(Alternative, on_delete=models.CASCADE, related_name="costs")
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=CostKind.choices, default=CostKind.ONE_OFF)
    amount = models.DecimalField(_("amount (SEK)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    year = models.PositiveSmallIntegerField(_("year"), default=1, validators=[MinValueValidator(1)],
                                            help_text=_("The year of a one-off cost; the first year of a recurring one."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    upper_estimate = models.BooleanField(_("upper estimate"), default=False,
                                         help_text=_("A worst-case figure: the real cost may be lower."))

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="placement_cost_not_negative"),
            models.CheckConstraint(condition=models.Q(year__gte=1), name="placement_cost_year_from_one"),
        ]

    def __str__(self) -> str:
        return self.description or self.get_category_display()


class Verdict(TenantModel):
    """The assessor's verdict on one alternative from one perspective (overriding the computed one)."""

    edit_perm = EDIT_PERM
    alternative = models.ForeignKey(Alternative, on_delete=models.CASCADE, related_name="verdicts")
    perspective = models.CharField(_("perspective"), max_length=20, choices=Perspective.choices)
    verdict = models.CharField(_("verdict"), max_length=20, choices=VerdictChoice.choices, blank=True,
                               help_text=_("Leave empty to use the computed verdict."))
    rationale = models.TextField(_("rationale"), blank=True)
    residual_risk = models.CharField(_("residual risk"), max_length=20, choices=ResidualRisk.choices, blank=True)

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        constraints = [models.UniqueConstraint(fields=["alternative", "perspective"], name="placement_verdict_unique")]

    def __str__(self) -> str:
        return f"{self.alternative} – {self.get_perspective_display()}"


class OslAssessment(TenantModel):
    """The appropriateness assessment (olämplighetsprövning) of OSL 10 kap. 2 a § for one
    information type and one alternative."""

    edit_perm = EDIT_PERM
    alternative = models.ForeignKey(Alternative, on_delete=models.CASCADE, related_name="osl_assessments")
    information_type = models.ForeignKey("inventory.InformationType", on_delete=models.CASCADE, related_name="+",
                                         verbose_name=_("information type"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Appropriateness.choices)
    reasoning = models.TextField(_("reasoning"), blank=True)

    class Meta:
        verbose_name = _("appropriateness assessment")
        verbose_name_plural = _("appropriateness assessments")
        constraints = [models.UniqueConstraint(fields=["alternative", "information_type"], name="placement_osl_unique")]

    def __str__(self) -> str:
        return f"{self.alternative} – {self.information_type}"


class Mitigation(TenantModel):
    """A rule the organisation adopts to lower the legal risk, e.g. "no data under secrecy in e-mail".

    `max_confidentiality` makes the rule count: information above that confidentiality level
    is kept out of the service, so it is left out of what "must not be placed there".
    """

    edit_perm = EDIT_PERM
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="mitigations")
    text = models.CharField(_("rule"), max_length=300)
    max_confidentiality = models.PositiveSmallIntegerField(
        _("highest confidentiality level allowed in the service"), null=True, blank=True,
        validators=[MaxValueValidator(4)], help_text=_("Leave empty for a rule that does not limit the information."))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("mitigating rule")
        verbose_name_plural = _("mitigating rules")

    def __str__(self) -> str:
        return self.text


class Decision(TenantModel):
    """The decision taken on an assessment; it locks the assessment.

    `levels_snapshot` keeps the classification of the information types at the time of the
    decision, so a later change shows as a warning instead of altering what was decided.
    """

    edit_perm = EDIT_PERM
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="decision")
    body = models.CharField(_("deciding body"), max_length=30, choices=DecidingBody.choices)
    body_name = models.CharField(_("name of the committee"), max_length=200, blank=True)
    registration_number = models.CharField(_("registration number (diarienummer)"), max_length=60)
    decided_on = models.DateField(_("date of the decision"))
    alternative = models.ForeignKey(Alternative, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("alternative decided on"))
    decision = models.TextField(_("decision"))
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    levels_snapshot = models.JSONField(_("classification at the decision"), default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["organisation", "follow_up_date"], name="placement_follow_up_idx")]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.decided_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("placement:detail", args=[self.assessment_id])


class RaisedRisk(TenantModel):
    """A risk raised into the risk register from one perspective of one alternative."""

    edit_perm = EDIT_PERM
    alternative = models.ForeignKey(Alternative, on_delete=models.CASCADE, related_name="raised_risks")
    perspective = models.CharField(_("perspective"), max_length=20, choices=Perspective.choices)
    # Deleting the risk from the register removes the link, not the assessment.
    risk = models.ForeignKey("risk.Risk", on_delete=models.CASCADE, related_name="+", verbose_name=_("risk"))

    class Meta:
        verbose_name = _("raised risk")
        verbose_name_plural = _("raised risks")
        constraints = [models.UniqueConstraint(fields=["alternative", "risk"], name="placement_raised_risk_unique")]

    def __str__(self) -> str:
        return f"{self.alternative} – {self.risk}"
