from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from classification.schemes import Scheme, tuple_label
from core.models import TenantModel
from organisations.roles import Perm


class ClassificationSettings(TenantModel):
    """An organisation's classification model and review interval (designed in MSB LIS step 2)."""

    edit_perm = Perm.RISK_CONFIGURE
    scheme = models.CharField(_("classification model"), max_length=20, choices=Scheme.choices, default=Scheme.KLASSA)
    review_months = models.PositiveSmallIntegerField(_("review interval in months"), default=12)

    class Meta:
        verbose_name = _("classification settings")
        verbose_name_plural = _("classification settings")
        constraints = [models.UniqueConstraint(fields=["organisation"], name="classification_settings_one_per_org")]

    def __str__(self) -> str:
        return str(self.get_scheme_display())


class ClassificationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("For review")
    APPROVED = "approved", _("Approved")


# The parts of what the rules gave, as the history names them.
COMPUTED_KEYS = {"levels": _("levels"), "fired": _("rules that set levels"),
                 "protection_analysis": _("protection analysis needed")}


def _levels_text(levels) -> str:
    """{"K": 2, "S": 1} → "K 2, S 1" (the aspects' letters as in the K-R-T-S tuple)."""
    if not isinstance(levels, dict):
        return str(levels)
    return ", ".join(f"{aspect} {levels[aspect]}" for aspect in "KRTS" if levels.get(aspect) is not None)


class Classification(TenantModel):
    """The classification of one information type: a consequence level per aspect, with the
    questionnaire answers and reasoning that led to it (performed in MSB LIS step 3).
    """

    edit_perm = Perm.CLASSIFY
    information_type = models.OneToOneField(
        "inventory.InformationType", on_delete=models.CASCADE, related_name="classification",
        verbose_name=_("information type"),
    )
    scheme = models.CharField(_("classification model"), max_length=20, choices=Scheme.choices, default=Scheme.KLASSA)
    status = models.CharField(_("status"), max_length=20, choices=ClassificationStatus.choices,
                              default=ClassificationStatus.DRAFT)
    # The levels in force (after any justified override); None until decided.
    confidentiality = models.PositiveSmallIntegerField(_("confidentiality"), null=True, blank=True)
    integrity = models.PositiveSmallIntegerField(_("integrity"), null=True, blank=True)
    availability = models.PositiveSmallIntegerField(_("availability"), null=True, blank=True)
    traceability = models.PositiveSmallIntegerField(_("traceability"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    reasoning = models.JSONField(_("reasoning"), default=dict, blank=True)
    # What the rules gave (classification.rules.evaluate): {"levels": {"K": 3, …}, "fired":
    # [{"rule": "osl_strong_secrecy", "levels": {"K": 3}}, …], "protection_analysis": false}.
    computed = models.JSONField(_("levels from the rules"), default=dict, blank=True)
    # Levels set by hand, each with its written justification: {"T": {"level": 3, "justification": "…"}}.
    overrides = models.JSONField(_("overrides"), default=dict, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("responsible"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    # The last time it was sent back from review: who, when and why.
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("sent back by"),
    )
    returned_at = models.DateTimeField(_("sent back"), null=True, blank=True)
    returned_reason = models.TextField(_("reason for sending back"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        indexes = [
            models.Index(fields=["organisation", "status"], name="classification_org_status_idx"),
            models.Index(fields=["organisation", "review_date"], name="classification_review_idx"),
        ]

    @classmethod
    def trail_json_key_label(cls, field: str, key: str) -> str | None:
        """The history names an answer or a reasoning by its question (trail.display)."""
        if field in ("answers", "reasoning"):
            from classification.questionnaire import QUESTIONS

            question = next((q for q in QUESTIONS if q.id == key), None)
            return str(question.text) if question else None
        if field == "computed":
            return str(COMPUTED_KEYS[key]) if key in COMPUTED_KEYS else None
        if field == "overrides":
            from classification.schemes import ASPECT_LABELS

            return str(ASPECT_LABELS[key]) if key in ASPECT_LABELS else None
        return None

    @classmethod
    def trail_value_label(cls, field: str, value, key=None) -> str | None:
        """An answer, the rules that fired and an override in words (trail.display)."""
        if field == "answers" and key is not None:
            from classification.questionnaire import QUESTIONS

            question = next((q for q in QUESTIONS if q.id == key), None)
            return question.label(value) if question else None
        if field == "computed" and key == "fired" and isinstance(value, list):
            from classification.rules import RULES

            sources = {rule.id: rule.source for rule in RULES}
            return "; ".join(f"{sources.get(f.get('rule'), f.get('rule'))}: {_levels_text(f.get('levels'))}"
                             for f in value if isinstance(f, dict))
        if field == "computed" and key == "levels" and isinstance(value, dict):
            return _levels_text(value)
        if field == "computed" and key == "protection_analysis" and isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if field == "overrides" and isinstance(value, dict) and "level" in value:
            return f"{value['level']}: {value.get('justification', '')}".strip(": ")
        return None

    def __str__(self) -> str:
        return f"{self.information_type.name} {self.tuple_label}"

    def get_absolute_url(self) -> str:
        return reverse("classification:detail", args=[self.pk])

    @property
    def levels(self) -> dict[str, int | None]:
        return {"K": self.confidentiality, "R": self.integrity, "T": self.availability, "S": self.traceability}

    @property
    def tuple_label(self) -> str:
        return tuple_label(self.levels, self.scheme)

    @property
    def computed_levels(self) -> dict[str, int | None]:
        return (self.computed or {}).get("levels", {})

    def is_stale(self, today) -> bool:
        """Approved, but its review date has passed."""
        return self.status == ClassificationStatus.APPROVED and self.review_date is not None and self.review_date < today


class SupplierQuestion(TenantModel):
    """A municipality's question to one of its suppliers, e.g. how long logs are kept.

    Its subject is a classification (which it then blocks while open), a system, a
    requirement or a contract with that supplier; at least one. Addressed to the supplier's organisation when the supplier is in
    Tillit (`addressee_lookup`): its service managers and security leads read and answer it
    there. Otherwise the municipality records the answer it got by e-mail (`recorded_by`).
    Open until answered; overdue when its due date has passed.
    """

    edit_perm = Perm.CLASSIFY
    addressee_lookup = "supplier__tillit_organisation"
    classification = models.ForeignKey(Classification, on_delete=models.CASCADE, related_name="supplier_questions",
                                       null=True, blank=True, verbose_name=_("classification"))
    system = models.ForeignKey("inventory.System", on_delete=models.CASCADE, related_name="supplier_questions",
                               null=True, blank=True, verbose_name=_("system"))
    requirement = models.ForeignKey("requirements.Requirement", on_delete=models.CASCADE,
                                    related_name="supplier_questions", null=True, blank=True,
                                    verbose_name=_("requirement"))
    contract = models.ForeignKey("suppliers.Contract", on_delete=models.CASCADE, related_name="supplier_questions",
                                 null=True, blank=True, verbose_name=_("contract"))
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="classification_questions",
                                 verbose_name=_("supplier"))
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("asked by"))
    asked_on = models.DateField(_("asked on"))
    due_date = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    # The answer's date (kept with answered_at: a question is open while it is empty).
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    # A member of the municipality who recorded an answer received outside Tillit.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answer recorded by"))

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("question to a supplier")
        verbose_name_plural = _("questions to suppliers")
        indexes = [
            models.Index(fields=["organisation", "answered_on", "due_date"], name="supplier_question_open_idx"),
            models.Index(fields=["supplier", "answered_on", "due_date"], name="supplier_question_to_idx"),
        ]

    def __str__(self) -> str:
        return self.question[:80]

    def get_absolute_url(self) -> str:
        return reverse("classification:question_detail", args=[self.pk])

    @property
    def subject_label(self) -> str:
        """What the question is about, as a reader names it (uses the preloaded relations)."""
        parts = []
        if self.classification_id:
            parts.append(self.classification.information_type.name)
        if self.system_id:
            parts.append(self.system.name)
        if self.requirement_id:
            parts.append(str(self.requirement))
        if self.contract_id:
            parts.append(self.contract.title)
        return "; ".join(parts)

    @property
    def is_open(self) -> bool:
        return self.answered_on is None

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date < today
