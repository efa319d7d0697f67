"""Frameworks, audits and maturity assessments, observations with recommendations, and the
history of automatic findings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.findings import PRIORITIES, THEMES_BY_KEY
from core.models import CatalogueTenantModel, TenantModel
from organisations.roles import Perm

PRIORITY_CHOICES = list(PRIORITIES.items())


def finding_label(field: str, value):
    """A rule's or a theme's title for its stored key (core.findings), or None."""
    if field == "theme" and value in THEMES_BY_KEY:
        return THEMES_BY_KEY[value].title
    if field == "rule":
        from audits.engine import rule_titles

        return rule_titles().get(value)
    return None


class Framework(CatalogueTenantModel):
    """A set of requirements an organisation is audited against: a bundled one (no organisation,
    loaded by `load_frameworks`) or an organisation's own (an internal policy)."""

    edit_perm = Perm.AUDIT_EDIT
    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="audits_framework_key")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()

    def get_absolute_url(self) -> str:
        return reverse("audits:framework_detail", args=[self.pk])


class FrameworkRequirement(CatalogueTenantModel):
    """One requirement of a framework, in our own short words (never the standard's text).
    An Annex A requirement points at the requirements app's control instead of repeating it."""

    edit_perm = Perm.AUDIT_EDIT
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements",
                                  verbose_name=_("framework"))
    code = models.CharField(_("code"), max_length=30)
    group = models.CharField(_("area"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    control = models.ForeignKey("requirements.Control", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("Annex A control"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "pk"]
        verbose_name = _("framework requirement")
        verbose_name_plural = _("framework requirements")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="audits_requirement_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"

    @property
    def display_title(self) -> str:
        if self.control_id and not self.title:
            return self.control.name_sv
        return self.title


class MaturityLevel(models.Model):
    """The maturity scale as data: 0 non-existent … 5 optimised, each level defined."""

    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    name_sv = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    definition_sv = models.TextField()
    definition_en = models.TextField()

    class Meta:
        ordering = ["level"]
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        name = self.name_en if (get_language() or "sv").startswith("en") else self.name_sv
        return f"{self.level} {name}"

    @property
    def definition(self) -> str:
        from django.utils.translation import get_language

        return self.definition_en if (get_language() or "sv").startswith("en") else self.definition_sv


class AuditKind(models.TextChoices):
    AUDIT = "audit", _("Audit")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported")


class Audit(TenantModel):
    """An audit or maturity self-assessment of the organisation (its organisation is the audited one)."""

    edit_perm = Perm.AUDIT_EDIT
    kind = models.CharField(_("kind"), max_length=20, choices=AuditKind.choices, default=AuditKind.AUDIT)
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference (registry number)"), max_length=100, blank=True)
    commissioned_by = models.CharField(_("commissioned by"), max_length=200, blank=True)
    background = models.TextField(_("background"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    criteria = models.TextField(_("audit criteria"), blank=True)
    questions = models.TextField(_("audit questions"), blank=True, help_text=_("One question per line."))
    answers = models.TextField(_("answers to the audit questions"), blank=True,
                               help_text=_("One answer per line, in the order of the questions."))
    scope = models.TextField(_("scope"), blank=True)
    method = models.TextField(_("method"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    review = models.TextField(_("review of the areas"), blank=True)
    sources = models.TextField(_("sources"), blank=True, help_text=_("Interviews and documents, one per line."))
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    report_date = models.DateField(_("report date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AuditStatus.choices, default=AuditStatus.PLANNED)
    auditors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                      verbose_name=_("auditors"))
    frameworks = models.ManyToManyField(Framework, blank=True, related_name="audits", verbose_name=_("frameworks"))

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        indexes = [models.Index(fields=["organisation", "status", "period_start"], name="audits_audit_list_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("audits:audit_detail", args=[self.pk])

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]

    @property
    def answer_list(self) -> list[str]:
        return [a.strip() for a in self.answers.splitlines() if a.strip()]


class Assessment(TenantModel):
    """One framework requirement assessed on the maturity scale in one audit, with evidence links."""

    @classmethod
    def trail_value_label(cls, field: str, value, key=None):
        """The history names the records behind a level by their labels (trail.display)."""
        if field == "evidence" and isinstance(value, dict) and value.get("label"):
            return str(value["label"])
        return None

    edit_perm = Perm.AUDIT_EDIT
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("audit"))
    requirement = models.ForeignKey(FrameworkRequirement, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("requirement"))
    level = models.PositiveSmallIntegerField(_("maturity level"), validators=[MinValueValidator(0),
                                                                                MaxValueValidator(99)])
    comment = models.TextField(_("comment"), blank=True)
    # [{"label": …, "url": …}]: records of Tillit that show the level.
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assessed by"))
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)

    class Meta:
        ordering = ["audit", "requirement__order", "pk"]
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")
        constraints = [models.UniqueConstraint(fields=["audit", "requirement"], name="audits_assessment_once")]

    def __str__(self) -> str:
        return f"{self.requirement_id}: {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("audits:audit_detail", args=[self.audit_id]) + "#maturity"


class Observation(TenantModel):
    """An observation of an audit (iakttagelse) with its priority, risk and numbered recommendations."""

    @classmethod
    def trail_value_label(cls, field: str, value, key=None):
        if field == "evidence" and isinstance(value, dict) and value.get("label"):
            return str(value["label"])  # a record behind the observation, by its label
        return finding_label(field, value)

    edit_perm = Perm.AUDIT_EDIT
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="observations", verbose_name=_("audit"))
    number = models.PositiveSmallIntegerField(_("number"))
    theme = models.CharField(_("theme"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("observation"))
    priority = models.CharField(_("priority"), max_length=10, choices=PRIORITY_CHOICES)
    risk = models.TextField(_("risk"), blank=True)
    # [{"label": …, "url": …}]: the records behind it (from the automatic findings).
    evidence = models.JSONField(_("records"), default=list, blank=True)
    response = models.TextField(_("response of the audited organisation"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("responded by"))
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)

    class Meta:
        ordering = ["audit", "number", "pk"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [models.UniqueConstraint(fields=["audit", "number"], name="audits_observation_number")]
        indexes = [models.Index(fields=["organisation", "priority"], name="audits_observation_prio_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("audits:observation_detail", args=[self.pk])


class Recommendation(TenantModel):
    """A numbered recommendation of an observation; it becomes an action in the audited organisation's plan."""

    edit_perm = Perm.AUDIT_EDIT
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="recommendations",
                                    verbose_name=_("observation"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    action = models.ForeignKey("actions.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("action"))

    class Meta:
        ordering = ["observation", "number", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [models.UniqueConstraint(fields=["observation", "number"], name="audits_recommendation_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("audits:observation_detail", args=[self.observation_id]) + f"#rec-{self.number}"


class FindingRecord(TenantModel):
    """When one automatic finding (a rule's evidence record) appeared, was last seen and went."""

    # The evidence is named by its label; its key and address are for the engine.
    TRAIL_HIDDEN_FIELDS = frozenset({"evidence_key", "url"})

    @classmethod
    def trail_value_label(cls, field: str, value, key=None):
        """The history names a rule and a theme by their titles (trail.display)."""
        return finding_label(field, value)

    edit_perm = Perm.AUDIT_EDIT
    rule = models.CharField(_("rule"), max_length=100)
    theme = models.CharField(_("theme"), max_length=60)
    evidence_key = models.CharField(max_length=200)
    label = models.CharField(_("record"), max_length=500)
    url = models.CharField(max_length=500, blank=True)
    first_seen = models.DateField(_("first seen"))
    last_seen = models.DateField(_("last seen"))
    resolved_on = models.DateField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-first_seen", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [models.UniqueConstraint(fields=["organisation", "rule", "evidence_key"],
                                               name="audits_finding_once")]
        indexes = [models.Index(fields=["organisation", "resolved_on", "first_seen"], name="audits_finding_open_idx")]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("audits:finding_list") + "#history"
