"""Appending to and verifying the hash chain of audit entries."""

import contextlib
import contextvars
import hashlib
import json
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from trail.models import AuditEntry, ChainHead

GENESIS_HASH = "0" * 64
_HASHED_FIELDS = (
    "seq", "actor_id", "actor_label", "organisation_id", "action", "model", "object_id",
    "object_repr", "changes", "source", "prev_hash",
)


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over a canonical JSON of the entry's fields and its predecessor's hash."""
    payload = {name: getattr(entry, name) for name in _HASHED_FIELDS}
    payload["created_at"] = entry.created_at.astimezone(dt_timezone.utc).isoformat()
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_head() -> ChainHead:
    # select_for_update serialises appends across app servers on PostgreSQL; SQLite
    # serialises writers itself.
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    return head or ChainHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)


# Entries collected by deferred(), to be chained together when its block ends.
_deferred: contextvars.ContextVar[list[AuditEntry] | None] = contextvars.ContextVar("trail_deferred", default=None)


@contextlib.contextmanager
def deferred():
    """Chain the entries of every write inside the block in one append when the block ends.

    For bulk work such as imports: each save() is still captured as usual, but the chain head
    is locked and written once instead of once per record (that dominated a 10 000-row import).
    Must run inside transaction.atomic(), so records and entries are kept or dropped together.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("trail.chain.deferred() must run inside transaction.atomic().")
    collected: list[AuditEntry] = []
    token = _deferred.set(collected)
    try:
        yield
    finally:
        _deferred.reset(token)
    append(collected)  # not reached when the block raised: its writes are rolled back


def append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Chain and store new entries (seq, time, hashes are filled in here)."""
    if not entries:
        return entries
    collected = _deferred.get()
    if collected is not None:
        collected.extend(entries)
        return entries
    with transaction.atomic():
        head = _lock_head()
        now = timezone.now()
        for entry in entries:
            head.seq += 1
            entry.seq = head.seq
            entry.created_at = now
            entry.prev_hash = head.hash
            entry.hash = entry_hash(entry)
            head.hash = entry.hash
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries, batch_size=1000)
        head.save(update_fields=["seq", "hash"])
    return entries


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    message: str
    broken_seq: int | None = None


def verify(batch_size: int = 5000) -> VerifyResult:
    """Walk the whole chain; report the first entry that was altered, removed or reordered."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    last_seq = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return VerifyResult(False, checked, f"entry #{expected_seq} is missing (next is #{entry.seq})", expected_seq)
            if entry.prev_hash != expected_prev:
                return VerifyResult(False, checked, f"entry #{entry.seq} does not follow its predecessor", entry.seq)
            if entry_hash(entry) != entry.hash:
                return VerifyResult(False, checked, f"entry #{entry.seq} was altered", entry.seq)
            expected_prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
        last_seq = batch[-1].seq
    head = ChainHead.objects.filter(pk=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return VerifyResult(False, checked, f"entries after #{expected_seq - 1} were removed", expected_seq)
    return VerifyResult(True, checked, f"{checked} entries intact")
