"""Base classes for records that belong to an organisation (a tenant)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.roles import Perm
from trail.models import AuditedModel


class TenantQuerySet(models.QuerySet):
    """Querysets of tenant records. Scoping happens in core.tenancy, nowhere else."""

    def update(self, **kwargs):
        # A queryset update would bypass the audit trail; write through save() instead.
        raise TypeError(f"{self.model.__name__}: use save() so that the change is audited.")


class TenantModel(AuditedModel):
    """A record owned by one organisation.

    `edit_perm` names the permission (organisations.roles.Perm) a role needs to create,
    change or delete records of this kind.
    """

    edit_perm: str = Perm.VIEW  # overridden by every concrete model
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantQuerySet.as_manager()

    # A path from the record to the organisation it is addressed to, when one organisation's
    # record asks another for something (a municipality's question to its supplier's
    # organisation: "supplier__tillit_organisation"). That organisation reads it too.
    addressee_lookup: str = ""

    TRAIL_IGNORED_FIELDS = frozenset({"updated_at"})

    class Meta:
        abstract = True


class SharedTenantModel(TenantModel):
    """A tenant record that its organisation can share with other organisations (read-only).

    The sharing is stored on the record, so both sides can see it.
    """

    shared_with = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="%(app_label)s_%(class)s_shared",
        verbose_name=_("shared with"),
    )

    class Meta:
        abstract = True


class CatalogueTenantModel(TenantModel):
    """A record that is either part of Tillit's shared catalogue (no organisation) or an
    organisation's own addition. Everyone reads the catalogue; only the owner edits its own
    additions; the catalogue itself is loaded by commands, never edited in the app.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        abstract = True

    @property
    def is_catalogue(self) -> bool:
        return self.organisation_id is None


class AddressedTenantModel(SharedTenantModel):
    """A supplier's record addressed to organisations it serves ("reported once, each decides").

    A shared IT company reports a KPI period, an incident, a change or a meeting once, and
    addresses it to one or more of its customers (`Organisation.customers`); every addressed
    organisation reads it (core.tenancy.Tenant.scope, the same rule as for shared records) and
    records its own decision on it as a ResponseTenantModel. Addressing anyone who is not a
    customer is refused by `Tenant.check_addressees`. An organisation that stops being a
    customer keeps what it was sent: the addressing stays on the record.
    """

    shared_with = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="%(app_label)s_%(class)s_addressed",
        verbose_name=_("addressed to"),
    )

    class Meta:
        abstract = True


class ResponseTenantModel(TenantModel):
    """An addressed organisation's own decision on another organisation's record.

    E.g. a municipality's verdict on a supplier's KPI report, its vote on a change. The
    response is the responding organisation's record; besides its own members, only the
    organisation that owns the subject reads it (never another addressee). `subject_field`
    names the foreign key to the subject, an AddressedTenantModel.
    """

    subject_field: str = ""

    class Meta:
        abstract = True


class ChildTenantModel(TenantModel):
    """A part of an addressed record kept in rows of its own (a KPI report's values).

    It belongs to the same organisation as its parent and is read by whoever may read the
    parent: `parent_field` names the foreign key to that AddressedTenantModel.
    """

    parent_field: str = ""

    class Meta:
        abstract = True
