"""Service levels and KPI reporting (PRODUCT.md C6): reported once by the supplier, each
municipality decides on its own.

A supplier organisation defines its KPIs (KpiDefinition) and addresses each to the customers it
applies to; it reports a period's values once (KpiReport with KpiValue rows), addressed to one or
more customers; every addressed municipality gives its own verdict (KpiVerdict). A period reported
again for some customers and definitions is a correction of exactly those (customer, KPI) pairs
(KpiCorrection): the earlier report stays, current for everyone else, and only the latest value
counts in trends. An earlier report is `superseded_by` only once every one of its pairs is corrected.
"""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AddressedTenantModel, ChildTenantModel, ResponseTenantModel
from organisations.roles import Perm


class Unit(models.TextChoices):
    PERCENT = "percent", _("Percent (0–100)")
    COUNT = "count", _("Count")
    DAYS = "days", _("Days")
    HOURS = "hours", _("Hours")


# Allowed range of a value per unit: (lowest, highest or None for no upper bound).
UNIT_RANGES: dict[str, tuple[Decimal, Decimal | None]] = {
    Unit.PERCENT: (Decimal(0), Decimal(100)),
    Unit.COUNT: (Decimal(0), None),
    Unit.DAYS: (Decimal(0), None),
    Unit.HOURS: (Decimal(0), None),
}
UNIT_SYMBOLS = {Unit.PERCENT: "%", Unit.COUNT: "", Unit.DAYS: _("days"), Unit.HOURS: _("h")}


def check_in_range(unit: str, value: Decimal) -> str | None:
    """A message when `value` is outside what `unit` allows, else None."""
    low, high = UNIT_RANGES.get(unit, (None, None))
    if low is not None and value < low:
        return _("The value must be at least %(low)s for this unit.") % {"low": low}
    if high is not None and value > high:
        return _("The value must be between %(low)s and %(high)s for this unit.") % {"low": low, "high": high}
    return None


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


def period_start(kind: str, day: datetime.date) -> datetime.date:
    """The first day of the period of `kind` that contains `day`."""
    if kind == PeriodKind.QUARTER:
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def is_period_start(kind: str, day: datetime.date) -> bool:
    return period_start(kind, day) == day


def next_period(kind: str, start: datetime.date) -> datetime.date:
    months = 3 if kind == PeriodKind.QUARTER else 1
    month = start.month - 1 + months
    return datetime.date(start.year + month // 12, month % 12 + 1, 1)


def period_end(kind: str, start: datetime.date) -> datetime.date:
    """The last day of the period that starts on `start`."""
    return next_period(kind, start) - datetime.timedelta(days=1)


def period_label(kind: str, start: datetime.date) -> str:
    if kind == PeriodKind.QUARTER:
        return f"{start.year} K{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def last_ended_start(kind: str, today: datetime.date) -> datetime.date:
    """The start of the last period that has ended before `today`."""
    current = period_start(kind, today)
    previous = current - datetime.timedelta(days=1)
    return period_start(kind, previous)


def month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


class KpiDefinition(AddressedTenantModel):
    """A service level the supplier reports on, addressed to the customers it applies to."""

    edit_perm = Perm.SUPPLIER_REPORT
    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("service"), max_length=120, help_text=_("E.g. Data centre, IT workplace, Network."))
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=3)
    period = models.CharField(_("reporting period"), max_length=10, choices=PeriodKind.choices,
                              default=PeriodKind.MONTH)
    report_due_days = models.PositiveSmallIntegerField(
        _("report due (days after the period)"), default=10,
        help_text=_("How many days after the end of a period its report is due."))
    reported_from = models.DateField(_("reported from"), help_text=_("The first period reported."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["service", "name"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        indexes = [models.Index(fields=["organisation", "active", "service"], name="kpidef_org_active_idx")]

    def __str__(self) -> str:
        return f"{self.service}: {self.name}"

    def clean(self):
        errors = {}
        if self.target is not None and self.unit:
            message = check_in_range(self.unit, self.target)
            if message:
                errors["target"] = message
        if errors:
            raise ValidationError(errors)

    def is_met(self, value: Decimal) -> bool:
        if self.direction == Direction.LOWER:
            return value <= self.target
        return value >= self.target

    @property
    def unit_symbol(self) -> str:
        return str(UNIT_SYMBOLS.get(self.unit, ""))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("kpis:definition_detail", args=[self.pk])


class KpiReport(AddressedTenantModel):
    """One period's values, reported once by the supplier to one or more customers."""

    edit_perm = Perm.SUPPLIER_REPORT
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    period_start = models.DateField(_("first day of the period"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="supersedes", verbose_name=_("corrected by"))

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("KPI report")
        verbose_name_plural = _("KPI reports")
        indexes = [models.Index(fields=["organisation", "period_kind", "period_start"], name="kpirep_org_period_idx")]

    def __str__(self) -> str:
        return _("KPI report %(period)s") % {"period": self.period_label}

    @property
    def period_label(self) -> str:
        return period_label(self.period_kind, self.period_start)

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("kpis:report_detail", args=[self.pk])


class KpiValue(ChildTenantModel):
    """One KPI's value in a report."""

    edit_perm = Perm.SUPPLIER_REPORT
    parent_field = "report"
    report = models.ForeignKey(KpiReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("report"))
    definition = models.ForeignKey(KpiDefinition, on_delete=models.PROTECT, related_name="values",
                                   verbose_name=_("KPI"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["definition__service", "definition__name"]
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        constraints = [models.UniqueConstraint(fields=["report", "definition"], name="kpivalue_unique_definition")]

    def __str__(self) -> str:
        return f"{self.definition_id}: {self.value}"

    @property
    def met(self) -> bool:
        return self.definition.is_met(self.value)


class KpiCorrection(ChildTenantModel):
    """One (customer, KPI) pair of an earlier report that a later report of the same period corrected.

    Part of the correcting report (read by whoever reads it); the earlier report keeps its value
    in the history and stays current for the other customers and KPIs.
    """

    edit_perm = Perm.SUPPLIER_REPORT
    parent_field = "report"
    report = models.ForeignKey(KpiReport, on_delete=models.CASCADE, related_name="corrections",
                               verbose_name=_("correcting report"))
    earlier = models.ForeignKey(KpiReport, on_delete=models.CASCADE, related_name="corrected_in",
                                verbose_name=_("corrected report"))
    definition = models.ForeignKey(KpiDefinition, on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI"))
    # Always set by kpis.services._supersede; nullable only so that the tenancy walk's automatic
    # seeding (which cannot know the supplier's customers) leaves it empty rather than wrong.
    customer = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("customer"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("KPI correction")
        verbose_name_plural = _("KPI corrections")
        constraints = [models.UniqueConstraint(fields=["earlier", "definition", "customer"],
                                               name="kpicorrection_once_per_pair")]
        indexes = [models.Index(fields=["earlier", "customer"], name="kpicorr_earlier_customer_idx")]

    def __str__(self) -> str:
        return f"{self.earlier_id} → {self.report_id}"


class Verdict(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REMARKS = "remarks", _("Approved with remarks")
    NOT_APPROVED = "not_approved", _("Not approved")


NEEDS_COMMENT = (Verdict.REMARKS, Verdict.NOT_APPROVED)


class KpiVerdict(ResponseTenantModel):
    """A municipality's own follow-up verdict on a report addressed to it."""

    edit_perm = Perm.SUPPLIER_FOLLOW_UP
    subject_field = "report"
    report = models.ForeignKey(KpiReport, on_delete=models.CASCADE, related_name="verdicts", verbose_name=_("report"))
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, default=Verdict.APPROVED)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    action = models.ForeignKey("actions.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("action"))

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("KPI verdict")
        verbose_name_plural = _("KPI verdicts")
        constraints = [models.UniqueConstraint(fields=["organisation", "report"], name="kpiverdict_one_per_org")]

    def __str__(self) -> str:
        return _("Verdict on %(report)s") % {"report": self.report}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("kpis:report_detail", args=[self.report_id])
