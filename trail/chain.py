"""Appending to and verifying the hash chain of audit entries."""

import contextlib
import contextvars
import hashlib
import json
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

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
    problem: str = ""  # missing, order, altered, removed, checkpoint_rewritten, checkpoint_removed, checkpoint_invalid
    checkpoints: int = 0  # the checkpoints the chain was verified against
    last_seq: int = 0  # the last entry of the chain that was walked


def verify(batch_size: int = 5000, *, using: str = "default", watch: frozenset[int] = frozenset(),
           hashes: dict[int, str] | None = None) -> VerifyResult:
    """Walk the whole chain; report the first entry that was altered, removed or reordered.

    The hashes of the entries whose sequence numbers are in `watch` are put into `hashes`, for
    the comparison with checkpoints.
    """
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    last_seq = 0
    while True:
        batch = list(AuditEntry.objects.using(using).filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return VerifyResult(False, checked, _("entry #%(seq)s is missing (next is #%(next)s)")
                                    % {"seq": expected_seq, "next": entry.seq}, expected_seq, "missing")
            if entry.prev_hash != expected_prev:
                return VerifyResult(False, checked, _("entry #%(seq)s does not follow its predecessor")
                                    % {"seq": entry.seq}, entry.seq, "order")
            if entry_hash(entry) != entry.hash:
                return VerifyResult(False, checked, _("entry #%(seq)s was altered") % {"seq": entry.seq},
                                    entry.seq, "altered")
            if hashes is not None and entry.seq in watch:
                hashes[entry.seq] = entry.hash
            expected_prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
        last_seq = batch[-1].seq
    head = ChainHead.objects.using(using).filter(pk=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return VerifyResult(False, checked, _("entries after #%(seq)s were removed") % {"seq": expected_seq - 1},
                            expected_seq, "removed", last_seq=expected_seq - 1)
    return VerifyResult(True, checked, _("%(count)s entries intact") % {"count": checked}, last_seq=expected_seq - 1)


def verify_against_checkpoints(*, extra: list[tuple[str, bytes | str]] = (), include_stored: bool = True,
                               using: str = "default") -> VerifyResult:
    """Verify the chain and every known checkpoint (stored ones and those given as documents).

    A rewrite that recomputed every later hash and the head, entries removed at the end with the
    head adjusted, or entries reordered, all before the newest checkpoint, no longer match it.
    """
    from trail.checkpoints import known_checkpoints

    known = known_checkpoints(extra=extra, include_stored=include_stored, using=using)
    hashes: dict[int, str] = {}
    result = verify(using=using, watch=frozenset(c.seq for c in known.valid), hashes=hashes)
    if not result.ok:
        return result
    if known.invalid:
        return VerifyResult(False, result.checked, known.invalid[0], None, "checkpoint_invalid",
                            last_seq=result.last_seq)
    matched_seq = 0
    for checkpoint in known.valid:  # oldest first
        when = timezone.localtime(checkpoint.created_at).strftime("%Y-%m-%d %H:%M:%S")
        if checkpoint.seq == 0:
            continue
        if checkpoint.seq > result.last_seq:
            return VerifyResult(
                False, result.checked,
                _("entries after #%(last)s were removed: the checkpoint of %(time)s (%(origin)s) states the "
                  "trail reached #%(seq)s") % {"last": result.last_seq, "time": when, "origin": checkpoint.origin,
                                              "seq": checkpoint.seq},
                result.last_seq + 1, "checkpoint_removed", len(known.valid), result.last_seq)
        if hashes.get(checkpoint.seq) != checkpoint.head_hash:
            return VerifyResult(
                False, result.checked,
                _("the trail was rewritten between entries #%(first)s and #%(seq)s: entry #%(seq)s no longer "
                  "matches the checkpoint of %(time)s (%(origin)s)")
                % {"first": matched_seq + 1, "seq": checkpoint.seq, "time": when, "origin": checkpoint.origin},
                matched_seq + 1, "checkpoint_rewritten", len(known.valid), result.last_seq)
        matched_seq = max(matched_seq, checkpoint.seq)
    if known.valid:
        newest = known.valid[-1]
        message = _("%(count)s entries intact; the chain matches %(n)s checkpoints, the newest at entry #%(seq)s")
        message %= {"count": result.checked, "n": len(known.valid), "seq": newest.seq}
    else:
        message = _("%(count)s entries intact; no checkpoint to compare with") % {"count": result.checked}
    return VerifyResult(True, result.checked, message, checkpoints=len(known.valid), last_seq=result.last_seq)


def head_token(organisation_ids) -> str:
    """The heads of the trail of these organisations and of the records of none (people, the
    catalogues), as a short token that changes with every write Tillit records to them: every
    save and delete of every audited model, whoever makes it (pages, API, imports, jobs, the
    admin). Figures computed from that data can be kept under it (core.datacache) and are then
    never read after a change. One query: two lookups per organisation in the index of
    organisation and sequence number.

    The entries' times are part of it: a test database that rolls back reuses sequence numbers,
    and the same content may be written again at another moment."""
    from organisations.models import Organisation

    def latest(field: str, **where) -> Subquery:
        return Subquery(AuditEntry.objects.filter(**where).order_by("-seq").values(field)[:1])

    ids = sorted(set(organisation_ids))
    wheres = [{"organisation_id": pk} for pk in ids] + [{"organisation_id__isnull": True}]
    columns = {}
    for n, where in enumerate(wheres):
        columns[f"seq{n}"] = latest("seq", **where)
        columns[f"at{n}"] = latest("created_at", **where)
    # Any one row to select the subqueries from: the first of the organisations asked about.
    row = Organisation.objects.filter(pk=ids[0]).annotate(**columns).values_list(*columns).first() if ids else None
    if row is None:
        return "0"
    pairs = zip(row[0::2], row[1::2])
    return ".".join(f"{seq}-{at.timestamp():.6f}" if seq else "-" for seq, at in pairs)
