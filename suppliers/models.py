from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TenantModel
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
