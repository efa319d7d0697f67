from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import SharedTenantModel, TenantModel
from organisations.roles import Perm


class InformationType(TenantModel):
    """A kind of information the organisation handles (pupil records, payroll, e-mail …)."""

    edit_perm = Perm.INVENTORY_EDIT
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    personal_data = models.BooleanField(_("contains personal data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("information type")
        verbose_name_plural = _("information types")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="infotype_unique_name")]

    def __str__(self) -> str:
        return self.name


class Hosting(models.TextChoices):
    OWN_DATA_CENTRE = "own_dc", _("Own data centre")
    SUPPLIER_DATA_CENTRE = "supplier_dc", _("Supplier's data centre")
    CLOUD = "cloud", _("Cloud service")


class Criticality(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Lifecycle(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DEVELOPMENT = "development", _("Being introduced")
    OPERATION = "operation", _("In operation")
    PHASE_OUT = "phase_out", _("Being phased out")
    RETIRED = "retired", _("Retired")


class System(SharedTenantModel):
    """A business system (verksamhetssystem) or service in the inventory (PRODUCT.md C1)."""

    edit_perm = Perm.INVENTORY_EDIT
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="systems",
        verbose_name=_("owning unit"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_systems",
        verbose_name=_("system owner"),
    )
    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="administered_systems", verbose_name=_("system administrator"),
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.SET_NULL, null=True, blank=True, related_name="systems",
        verbose_name=_("supplier"),
    )
    supplier_contact = models.CharField(_("supplier's technical administrator"), max_length=200, blank=True)
    contract = models.CharField(_("contract"), max_length=200, blank=True)
    hosting = models.CharField(_("hosting"), max_length=20, choices=Hosting.choices, default=Hosting.OWN_DATA_CENTRE)
    hosting_provider = models.CharField(_("operator or cloud provider"), max_length=200, blank=True)
    storage_countries = models.JSONField(_("countries where data is stored"), default=list, blank=True)
    processing_countries = models.JSONField(_("countries where data is processed"), default=list, blank=True)
    provider_jurisdiction = models.CharField(_("provider's home jurisdiction"), max_length=2, blank=True)
    criticality = models.CharField(_("criticality"), max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM)
    lifecycle = models.CharField(_("lifecycle status"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.OPERATION)
    personal_data = models.BooleanField(_("processes personal data"), default=False)
    information_types = models.ManyToManyField(
        InformationType, blank=True, related_name="systems", verbose_name=_("information types")
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # Optimistic locking: a save must name the version it was based on (see services).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("system")
        verbose_name_plural = _("systems")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="system_unique_name")]
        indexes = [
            models.Index(fields=["organisation", "archived_at", "name"], name="system_org_list_idx"),
            models.Index(fields=["organisation", "lifecycle"], name="system_org_lifecycle_idx"),
            models.Index(fields=["organisation", "criticality"], name="system_org_crit_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class SystemDependency(TenantModel):
    """`system` depends on `depends_on` (e.g. a portal on the identity service)."""

    edit_perm = Perm.INVENTORY_EDIT
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey(System, on_delete=models.CASCADE, related_name="dependents")
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["system", "depends_on"], name="dependency_unique"),
            models.CheckConstraint(condition=~models.Q(system=models.F("depends_on")), name="dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.system} → {self.depends_on}"
