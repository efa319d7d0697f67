"""Risk analysis (PRODUCT.md C4): the matrix, the threat catalogue, risks, treatments, sessions."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import CatalogueTenantModel, TenantModel
from organisations.roles import Perm
from risk import rules
from risk.rules import Level


class RiskMatrix(TenantModel):
    """An organisation's risk model: scales, labels, level thresholds and acceptance criteria.

    Designed once in MSB LIS step 2 (Utforma – Riskhantering) and used by every analysis.
    Read pages use an unsaved default until the organisation writes its first risk or
    configures the matrix (see selectors.matrix_for).
    """

    edit_perm = Perm.RISK_CONFIGURE
    likelihood_size = models.PositiveSmallIntegerField(
        _("likelihood levels"), default=rules.DEFAULT_SIZE, choices=[(n, str(n)) for n in rules.SIZES])
    consequence_size = models.PositiveSmallIntegerField(
        _("consequence levels"), default=rules.DEFAULT_SIZE, choices=[(n, str(n)) for n in rules.SIZES])
    # The organisation's own labels, level 1 first; an empty entry uses the translated default.
    likelihood_labels = models.JSONField(_("likelihood labels"), default=list, blank=True)
    consequence_labels = models.JSONField(_("consequence labels"), default=list, blank=True)
    medium_from = models.PositiveSmallIntegerField(_("medium from score"), default=rules.DEFAULT_THRESHOLDS[4][0])
    high_from = models.PositiveSmallIntegerField(_("high from score"), default=rules.DEFAULT_THRESHOLDS[4][1])
    very_high_from = models.PositiveSmallIntegerField(_("very high from score"), default=rules.DEFAULT_THRESHOLDS[4][2])
    acceptance_level = models.CharField(
        _("highest level anyone analysing may accept"), max_length=10, choices=Level.choices, default=Level.MEDIUM,
        help_text=_("Residual risks above this level may be accepted only by a system owner or an administrator."),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrices")
        constraints = [models.UniqueConstraint(fields=["organisation"], name="risk_matrix_one_per_org")]

    def __str__(self) -> str:
        return f"{self.likelihood_size} × {self.consequence_size}"

    @property
    def thresholds(self) -> tuple[int, int, int]:
        return (self.medium_from, self.high_from, self.very_high_from)

    @property
    def max_score(self) -> int:
        return self.likelihood_size * self.consequence_size

    def level(self, likelihood: int | None, consequence: int | None) -> str | None:
        return rules.level_for_score(rules.score(likelihood, consequence), self.thresholds)

    def likelihood_scale(self) -> list[str]:
        return rules.labels(self.likelihood_labels, rules.DEFAULT_LIKELIHOOD_LABELS[self.likelihood_size],
                            self.likelihood_size)

    def consequence_scale(self) -> list[str]:
        return rules.labels(self.consequence_labels, rules.DEFAULT_CONSEQUENCE_LABELS[self.consequence_size],
                            self.consequence_size)


class ThreatCategory(models.TextChoices):
    ATTACK = "attack", _("Deliberate attack")
    HUMAN = "human", _("Human error or misuse")
    TECHNICAL = "technical", _("Technical failure")
    SUPPLIER = "supplier", _("Supplier and third party")
    PHYSICAL = "physical", _("Physical and environmental")
    LEGAL = "legal", _("Legal and regulatory")
    ORGANISATIONAL = "organisational", _("Organisational")


class Threat(CatalogueTenantModel):
    """A threat from Tillit's catalogue (no organisation) or an organisation's own addition.

    The catalogue is written in Swedish with an English version; an organisation's own
    threats have only `name` and `description`, in whatever language it writes.
    """

    edit_perm = Perm.RISK_EDIT
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=ThreatCategory.choices)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("threat")
        verbose_name_plural = _("threats")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="threat_unique_code"),
            # NULL organisations are distinct in a unique index; the catalogue needs its own.
            models.UniqueConstraint(fields=["code"], condition=models.Q(organisation__isnull=True),
                                    name="threat_catalogue_unique_code"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and (get_language() or "").startswith("en") else self.name

    @property
    def display_description(self) -> str:
        return self.description_en if self.description_en and (get_language() or "").startswith("en") else self.description


class Strategy(models.TextChoices):
    # ISO/IEC 27005 risk treatment options (modify, retain, avoid, share).
    REDUCE = "reduce", _("Reduce")
    ACCEPT = "accept", _("Accept")
    AVOID = "avoid", _("Avoid")
    TRANSFER = "transfer", _("Transfer")


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    TREATED = "treated", _("Treated")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


class RiskSession(TenantModel):
    """A risk-analysis meeting (riskanalysseminarium): who took part, what was in scope."""

    edit_perm = Perm.RISK_EDIT
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)
    date = models.DateField(_("date"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="risk_sessions", verbose_name=_("participants"))
    external_participants = models.TextField(
        _("other participants"), blank=True, help_text=_("People from outside the organisation, one a line."))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("risk analysis session")
        verbose_name_plural = _("risk analysis sessions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("risk:session_detail", args=[self.pk])

    def external_list(self) -> list[str]:
        return [line.strip() for line in self.external_participants.splitlines() if line.strip()]


class Risk(TenantModel):
    """One risk of the register, assessed before (inherent) and after (residual) treatment."""

    # The scores are likelihood × consequence, kept for sorting; people read the levels.
    TRAIL_HIDDEN_FIELDS = frozenset({"inherent_score", "residual_score"})

    edit_perm = Perm.RISK_EDIT
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    threat = models.ForeignKey(Threat, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks",
                               verbose_name=_("threat"))
    vulnerability = models.TextField(_("vulnerability"), blank=True)
    existing_controls = models.TextField(_("existing controls"), blank=True)
    information_types = models.ManyToManyField("inventory.InformationType", blank=True, related_name="risks",
                                               verbose_name=_("information types"))
    suppliers = models.ManyToManyField("suppliers.Supplier", blank=True, related_name="risks",
                                       verbose_name=_("suppliers"))
    process = models.CharField(_("process"), max_length=200, blank=True)
    inherent_likelihood = models.PositiveSmallIntegerField(_("likelihood before treatment"), null=True, blank=True)
    inherent_consequence = models.PositiveSmallIntegerField(_("consequence before treatment"), null=True, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(_("residual likelihood"), null=True, blank=True)
    residual_consequence = models.PositiveSmallIntegerField(_("residual consequence"), null=True, blank=True)
    # likelihood × consequence, kept with the row so the register filters and sorts by level
    # with an index (the level itself depends on the matrix, which can change).
    inherent_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    residual_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="owned_risks", verbose_name=_("risk owner"))
    strategy = models.CharField(_("treatment strategy"), max_length=10, choices=Strategy.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("accepted by"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    acceptance_justification = models.TextField(_("justification for accepting"), blank=True)
    # After this day the acceptance has lapsed and the risk is due for review again.
    accepted_until = models.DateField(_("accepted until"), null=True, blank=True)
    session = models.ForeignKey(RiskSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks",
                                verbose_name=_("found in session"))
    # Optimistic locking: a save must name the version it was based on (see services).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-residual_score", "title", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        indexes = [
            models.Index(fields=["organisation", "residual_likelihood", "residual_consequence"], name="risk_org_residual_idx"),
            models.Index(fields=["organisation", "inherent_likelihood", "inherent_consequence"], name="risk_org_inherent_idx"),
            models.Index(fields=["organisation", "residual_score"], name="risk_org_rscore_idx"),
            # The register's default order (highest residual risk first), so a deep page need
            # not sort the whole register.
            models.Index(fields=["organisation", "-residual_score", "title", "id"], name="risk_org_register_idx"),
            models.Index(fields=["organisation", "status"], name="risk_org_status_idx"),
            models.Index(fields=["review_date", "status"], name="risk_review_idx"),
            # Led by the date, not the organisation: an index that starts with the organisation
            # draws SQLite's planner away from the register's ordered index above (a deep page
            # then sorts every risk: 90 → 255 ms at scale 1).
            models.Index(fields=["accepted_until"], name="risk_accepted_until_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(inherent_likelihood__gte=1) | models.Q(inherent_likelihood__isnull=True),
                                   name="risk_inherent_l_positive"),
            models.CheckConstraint(condition=models.Q(inherent_consequence__gte=1) | models.Q(inherent_consequence__isnull=True),
                                   name="risk_inherent_c_positive"),
            models.CheckConstraint(condition=models.Q(residual_likelihood__gte=1) | models.Q(residual_likelihood__isnull=True),
                                   name="risk_residual_l_positive"),
            models.CheckConstraint(condition=models.Q(residual_consequence__gte=1) | models.Q(residual_consequence__isnull=True),
                                   name="risk_residual_c_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("risk:risk_detail", args=[self.pk])

    def refresh_scores(self) -> None:
        self.inherent_score = rules.score(self.inherent_likelihood, self.inherent_consequence)
        self.residual_score = rules.score(self.residual_likelihood, self.residual_consequence)

    def save(self, *args, **kwargs):
        # The scores are a function of this row alone; bulk inserts call refresh_scores() themselves.
        self.refresh_scores()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "inherent_score", "residual_score"}
        super().save(*args, **kwargs)

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    def acceptance_lapsed(self, today) -> bool:
        """Accepted, but the acceptance's validity has passed: the risk is due for review."""
        return self.is_accepted and self.accepted_until is not None and self.accepted_until < today


class RiskSystem(TenantModel):
    """A risk's link to a system. The system's name is kept, so a risk whose system is
    deleted stays in the register as "orphaned" and still says which system it was about.
    """

    edit_perm = Perm.RISK_EDIT
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="system_links")
    system = models.ForeignKey("inventory.System", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="risk_links")
    system_name = models.CharField(_("system"), max_length=200)

    class Meta:
        ordering = ["system_name", "pk"]
        verbose_name = _("linked system")
        verbose_name_plural = _("linked systems")
        constraints = [
            models.UniqueConstraint(fields=["risk", "system"], condition=models.Q(system__isnull=False),
                                    name="risk_system_unique"),
        ]
        indexes = [models.Index(fields=["organisation", "system"], name="risk_system_org_idx")]

    def __str__(self) -> str:
        return self.system_name

    @property
    def orphaned(self) -> bool:
        return self.system_id is None


class TreatmentStatus(models.TextChoices):
    # The same values as actions.ActionStatus: a treatment and its action move together.
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Treatment(TenantModel):
    """A planned measure against a risk (riskbehandling); each becomes an action of the plan."""

    edit_perm = Perm.RISK_EDIT
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="treatments", verbose_name=_("risk"))
    description = models.TextField(_("measure"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="risk_treatments", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TreatmentStatus.choices, default=TreatmentStatus.OPEN)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("treatment")
        verbose_name_plural = _("treatments")

    def __str__(self) -> str:
        first_line = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return first_line if len(first_line) <= 200 else first_line[:199] + "…"

    def get_absolute_url(self) -> str:
        return reverse("risk:risk_detail", args=[self.risk_id]) + f"#treatment-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (TreatmentStatus.OPEN, TreatmentStatus.IN_PROGRESS)
