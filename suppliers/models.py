import calendar
import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import SharedTenantModel, TenantModel
from organisations.roles import Perm


class Supplier(TenantModel):
    """A supplier in one organisation's register (may itself be an organisation in Tillit)."""

    edit_perm = Perm.SUPPLIER_EDIT
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # When the supplier uses Tillit, records can be shared with its organisation.
    tillit_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("organisation in Tillit"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="supplier_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("suppliers:supplier_detail", args=[self.pk])


class ContractKind(models.TextChoices):
    MAIN = "main", _("Main agreement")
    SERVICE = "service", _("Service description")
    DPA = "dpa", _("Data processing agreement")
    LEASE = "lease", _("Lease")
    OTHER = "other", _("Other")


def contract_document_path(instance: "Contract", filename: str) -> str:
    # A random folder per upload: two contracts' "Avtal.pdf" never overwrite each other.
    return f"suppliers/contracts/{instance.organisation_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


# How far ahead a contract counts as expiring soon, or its notice deadline as near.
EXPIRY_HORIZON_DAYS = 90


class Contract(SharedTenantModel):
    """A contract the organisation (the buyer) has with one of its suppliers.

    It can be shared read-only with the supplier's own organisation in Tillit, and only with
    that one (suppliers.services.contract_save).
    """

    edit_perm = Perm.SUPPLIER_FOLLOW_UP
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("supplier"))
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices, default=ContractKind.MAIN)
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference (registry number)"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children",
        verbose_name=_("part of contract"),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True,
                                   help_text=_("Leave empty when the contract runs until further notice."))
    notice_months = models.PositiveSmallIntegerField(_("notice period (months)"), null=True, blank=True)
    auto_renewal = models.BooleanField(_("renewed automatically"), default=False)
    systems = models.ManyToManyField("inventory.System", blank=True, related_name="contracts",
                                     verbose_name=_("systems covered"))
    services = models.TextField(_("services covered"), blank=True)
    document = models.FileField(_("document"), upload_to=contract_document_path, max_length=300, blank=True)
    link = models.URLField(_("link to the document"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["supplier__name", "title"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["organisation", "supplier"], name="contract_org_supplier_idx"),
            models.Index(fields=["organisation", "kind"], name="contract_org_kind_idx"),
            models.Index(fields=["organisation", "valid_until"], name="contract_org_until_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("suppliers:contract_detail", args=[self.pk])

    def in_force(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        started = self.valid_from is None or self.valid_from <= today
        return started and (self.valid_until is None or self.valid_until >= today)

    @property
    def in_force_today(self) -> bool:
        return self.in_force()

    @property
    def notice_deadline(self) -> datetime.date | None:
        """The last day to give notice before the contract ends (valid until − notice period)."""
        if self.valid_until is None or not self.notice_months:
            return None
        return add_months(self.valid_until, -self.notice_months)

    def expiring_soon(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.valid_until is not None and today <= self.valid_until <= today + datetime.timedelta(EXPIRY_HORIZON_DAYS)

    @property
    def expiring_soon_today(self) -> bool:
        return self.expiring_soon()

    @property
    def document_name(self) -> str:
        return PurePath(self.document.name).name if self.document else ""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, clamped to the month's last day (31 May − 3 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ChecklistArea(models.Model):
    """One area of Tillit's contract security checklist (suppliers/data/contract_checklist.json).

    Not an organisation's record: the checklist is loaded by `manage.py load_contract_checklist`
    (and automatically when absent), the same for everyone.
    """

    version = models.CharField(_("checklist version"), max_length=20)
    key = models.SlugField(_("key"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    guidance_sv = models.TextField(_("guidance (Swedish)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    source = models.TextField(_("source"), blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("checklist area")
        verbose_name_plural = _("checklist areas")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_sv if (get_language() or "sv").startswith("sv") else self.title_en

    @property
    def guidance(self) -> str:
        return self.guidance_sv if (get_language() or "sv").startswith("sv") else self.guidance_en


class CoverageStatus(models.TextChoices):
    COVERED = "covered", _("Covered")
    PARTLY = "partly", _("Partly covered")
    NOT_COVERED = "not_covered", _("Not covered")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


# Best first: over several contracts, the best status of an area is the supplier's coverage.
COVERAGE_RANK = {CoverageStatus.COVERED: 0, CoverageStatus.PARTLY: 1, CoverageStatus.NOT_COVERED: 2,
                 CoverageStatus.NOT_ASSESSED: 3}


class ContractAssessment(TenantModel):
    """How far one contract covers one checklist area, with who judged it, when and why."""

    edit_perm = Perm.SUPPLIER_FOLLOW_UP
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="assessments",
                                 verbose_name=_("contract"))
    area = models.ForeignKey(ChecklistArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    status = models.CharField(_("status"), max_length=20, choices=CoverageStatus.choices,
                              default=CoverageStatus.NOT_ASSESSED)
    clause = models.CharField(_("clause reference"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assessed by"))
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "area__order"]
        verbose_name = _("contract assessment")
        verbose_name_plural = _("contract assessments")
        constraints = [models.UniqueConstraint(fields=["contract", "area"], name="contract_assessment_unique_area")]
        indexes = [models.Index(fields=["organisation", "status"], name="contract_assessment_status_idx")]

    def __str__(self) -> str:
        return f"{self.contract} – {self.area}"

    def get_absolute_url(self) -> str:
        return reverse("suppliers:contract_detail", args=[self.contract_id])
