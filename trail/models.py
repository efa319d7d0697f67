"""The append-only, hash-chained audit trail (PRODUCT.md C12).

Every model that inherits AuditedModel is captured by trail.capture on every create,
update and delete, whichever path wrote it (page, API, import, admin, cascade).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditedModel(models.Model):
    """Base for every domain record: remembers the values it was loaded with.

    The snapshot gives the "before" of an update without an extra query.
    """

    # Field names whose values never enter the trail (secrets) or whose changes alone are
    # not worth an entry (bookkeeping).
    TRAIL_SECRET_FIELDS: frozenset[str] = frozenset()
    TRAIL_IGNORED_FIELDS: frozenset[str] = frozenset()
    # Fields kept in the trail but not shown to people (trail.display): derived or internal values.
    TRAIL_HIDDEN_FIELDS: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._trail_loaded = dict(zip(field_names, values))
        return instance

    def trail_organisation_id(self) -> int | None:
        return getattr(self, "organisation_id", None)


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class Source(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    ADMIN = "admin", _("Administration")
    CLI = "cli", _("Command line")
    SYSTEM = "system", _("System")


# Who wrote an entry when no person did, in words a reader understands (not "cli").
NO_PERSON = {
    Source.CLI: _("Command-line import"),
    Source.IMPORT: _("File import"),
    Source.SYSTEM: _("System job"),
}


class AuditEntry(models.Model):
    """One change to one record. Never updated or deleted once written."""

    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=254)
    # Plain ids, not foreign keys: deleting a user or an organisation must not alter the log.
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict)
    source = models.CharField(_("channel"), max_length=10, choices=Source.choices)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["model", "object_id", "seq"], name="trail_record_idx"),
            models.Index(fields=["organisation_id", "-seq"], name="trail_org_idx"),
            # The auditor's filters on the trail page: by record type and by person.
            models.Index(fields=["organisation_id", "model", "-seq"], name="trail_org_model_idx"),
            models.Index(fields=["organisation_id", "actor_id", "-seq"], name="trail_org_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.model}:{self.object_id}"

    @property
    def by_person(self) -> bool:
        return self.actor_id is not None

    @property
    def actor_display(self) -> str:
        """The author as people read it: the member's address, or what wrote it ("System job")."""
        if self.by_person:
            return self.actor_label
        return str(NO_PERSON.get(self.source, NO_PERSON[Source.SYSTEM]))

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit entries are append-only.")


class ChainHead(models.Model):
    """The last sequence number and hash: locked while appending so the chain stays linear."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class Checkpoint(models.Model):
    """A signed statement of the chain's head (sequence number and hash) at a moment.

    The signing key is not in the database, and each checkpoint is also kept outside it (file
    storage, e-mail to the recipients), so a rewrite of the trail before the newest checkpoint,
    even one that recomputes every later hash and the head, no longer matches it. Never updated
    or deleted once written.
    """

    class Reason(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ON_DEMAND = "on_demand", _("On demand")

    seq = models.PositiveBigIntegerField(_("sequence number"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(_("time"), db_index=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices, default=Reason.SCHEDULED)
    requested_by = models.CharField(_("requested by"), max_length=254, blank=True)
    document = models.TextField(_("signed document"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"#{self.seq} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit checkpoints are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit checkpoints are append-only.")
