"""Tampering as someone with write access to the database would do it: below the ORM, after
removing the append-only triggers (which the table's owner can do)."""

from django.db import connection

from trail.chain import entry_hash
from trail.models import AuditEntry


def disarm() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE trail_auditentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE trail_checkpoint DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS trail_auditentry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS trail_checkpoint_no_update")


def sql(statement: str, params=()) -> None:
    disarm()
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rehash_from(seq: int) -> None:
    """Recompute every hash from entry `seq` on and the head, as a careful attacker would."""
    disarm()
    previous = AuditEntry.objects.filter(seq__lt=seq).order_by("-seq").values_list("hash", flat=True).first()
    previous = previous or "0" * 64
    last = 0
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
            entry.prev_hash = previous
            previous = entry_hash(entry)
            cursor.execute("UPDATE trail_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
                           [entry.prev_hash, previous, entry.pk])
            last = entry.seq
        if last:
            cursor.execute("UPDATE trail_chainhead SET seq = %s, hash = %s WHERE id = 1", [last, previous])


def adjust_head() -> None:
    """Make the head match the last remaining entry."""
    last = AuditEntry.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE trail_chainhead SET seq = %s, hash = %s WHERE id = 1", [last.seq, last.hash])
