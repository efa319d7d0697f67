from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.roles import Role
from trail.models import AuditedModel


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    MUNICIPAL_COMPANY = "municipal_company", _("Municipal company")
    SUPPLIER = "supplier", _("Supplier")


class Organisation(AuditedModel):
    """A tenant: a municipality, a region, a municipal company or a supplier."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    org_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    require_mfa = models.BooleanField(_("require two-factor authentication"), default=False)
    # A supplier (e.g. a shared IT company) serves several organisations.
    customers = models.ManyToManyField(
        "self", symmetrical=False, related_name="suppliers", blank=True, verbose_name=_("customers")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def trail_organisation_id(self) -> int | None:
        return self.pk


class UnitKind(models.TextChoices):
    BOARD = "board", _("Committee (nämnd)")
    ADMINISTRATION = "administration", _("Administration (förvaltning)")
    COMPANY = "company", _("Company (bolag)")
    DEPARTMENT = "department", _("Department")


class Unit(AuditedModel):
    """A part of an organisation that owns systems: a nämnd, förvaltning or bolag."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name=_("part of")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class Membership(AuditedModel):
    """A user's single role in one organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_one_role_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
