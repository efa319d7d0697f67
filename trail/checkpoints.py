"""Signed checkpoints of the audit chain, kept where the database's administrator cannot change them.

A checkpoint is a small JSON document: the chain's last sequence number, its hash and the time,
signed with Ed25519. The private key is never in the database (TILLIT_AUDIT_KEY or
TILLIT_AUDIT_KEY_FILE); each checkpoint is stored in the database (for the trail page), written to
the file storage (an S3 bucket with object lock in production) and e-mailed to the recipients in
TILLIT_AUDIT_CHECKPOINT_RECIPIENTS (e.g. the auditor and the DPO). Someone who rewrites the trail
and recomputes every later hash and the head can therefore not make it match a checkpoint taken
before the rewrite.
"""

import base64
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trail.models import ChainHead, Checkpoint

logger = logging.getLogger(__name__)

FORMAT = "tillit-audit-checkpoint/1"
SIGNED_FIELDS = ("format", "seq", "head_hash", "created_at", "key_id")
# An on-demand checkpoint at most this often (the button on the trail page).
ON_DEMAND_INTERVAL = timedelta(seconds=60)


class CheckpointError(Exception):
    """A checkpoint document that cannot be read or whose signature does not hold."""


# -- keys -------------------------------------------------------------------------------------

def _decode_private(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("TILLIT_AUDIT_KEY must be an Ed25519 key.")
        return key
    try:
        seed = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("TILLIT_AUDIT_KEY is neither PEM nor base64.") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured("TILLIT_AUDIT_KEY must be 32 bytes (base64) or a PEM Ed25519 key.")
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key() -> Ed25519PrivateKey:
    """The private key from the environment; in development (DEBUG) one derived from SECRET_KEY.

    Production refuses to sign without a configured key: a key derived from a setting the
    servers share would not be outside the operators' reach.
    """
    configured = getattr(settings, "TILLIT_AUDIT_KEY", "")
    if configured:
        return _decode_private(configured)
    if settings.DEBUG:
        seed = hashlib.sha256(b"tillit-audit-dev-key:" + settings.SECRET_KEY.encode()).digest()
        return Ed25519PrivateKey.from_private_bytes(seed)
    raise ImproperlyConfigured(
        "No audit signing key: set TILLIT_AUDIT_KEY or TILLIT_AUDIT_KEY_FILE "
        "(generate one with `manage.py audit_checkpoint --generate-key`)."
    )


def public_key() -> Ed25519PublicKey:
    """The key checkpoints are verified with: TILLIT_AUDIT_PUBLIC_KEY, else the signing key's."""
    configured = getattr(settings, "TILLIT_AUDIT_PUBLIC_KEY", "").strip()
    if configured:
        if configured.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(configured.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(configured))
        if not isinstance(key, Ed25519PublicKey):
            raise ImproperlyConfigured("TILLIT_AUDIT_PUBLIC_KEY must be an Ed25519 key.")
        return key
    return signing_key().public_key()


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


def generate_key() -> tuple[str, str]:
    """A new key pair as base64: (private for TILLIT_AUDIT_KEY, public for TILLIT_AUDIT_PUBLIC_KEY)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    return base64.b64encode(private).decode(), base64.b64encode(_raw_public(key.public_key())).decode()


# -- documents ------------------------------------------------------------------------------

def _canonical(payload: dict) -> bytes:
    return json.dumps({k: payload[k] for k in SIGNED_FIELDS}, sort_keys=True, separators=(",", ":")).encode()


def sign(*, seq: int, head_hash: str, created_at: datetime) -> str:
    key = signing_key()
    payload = {
        "format": FORMAT,
        "seq": seq,
        "head_hash": head_hash,
        "created_at": created_at.astimezone(dt_timezone.utc).isoformat(),
        "key_id": key_id(key.public_key()),
    }
    payload["signature"] = base64.b64encode(key.sign(_canonical(payload))).decode()
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class SignedCheckpoint:
    seq: int
    head_hash: str
    created_at: datetime
    signature: str
    origin: str  # where it was found, for messages: "database", a stored file name, an upload


def parse(document: str | bytes, *, origin: str, key: Ed25519PublicKey | None = None) -> SignedCheckpoint:
    """Read a checkpoint document and check its signature; CheckpointError when it does not hold."""
    try:
        payload = json.loads(document)
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise ValueError("not a checkpoint")
        seq, head_hash = payload["seq"], payload["head_hash"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ValueError("bad sequence number")
        if not isinstance(head_hash, str) or len(head_hash) != 64:
            raise ValueError("bad hash")
        created_at = datetime.fromisoformat(payload["created_at"])
        signature = base64.b64decode(payload["signature"], validate=True)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise CheckpointError(_("%(origin)s is not a checkpoint document.") % {"origin": origin}) from exc
    key = key or public_key()
    try:
        key.verify(signature, _canonical(payload))
    except InvalidSignature as exc:
        raise CheckpointError(
            _("The signature of the checkpoint in %(origin)s does not hold (forged, altered, or signed "
              "with another key).") % {"origin": origin}
        ) from exc
    return SignedCheckpoint(seq, head_hash, created_at, payload["signature"], origin)


# -- making one -----------------------------------------------------------------------------

def storage_dir() -> str:
    return getattr(settings, "TILLIT_AUDIT_CHECKPOINT_DIR", "audit-checkpoints").strip("/")


def recipients() -> list[str]:
    return list(getattr(settings, "TILLIT_AUDIT_CHECKPOINT_RECIPIENTS", []))


def make_checkpoint(*, reason: str = Checkpoint.Reason.SCHEDULED, requested_by: str = "") -> Checkpoint:
    """Sign the chain's current head; store it in the database and the file storage, e-mail it.

    On demand, at most one a minute (ValidationError otherwise).
    """
    key = signing_key()  # before anything else: no key, no checkpoint
    del key
    with transaction.atomic():
        now = timezone.now()
        if reason == Checkpoint.Reason.ON_DEMAND:
            latest = Checkpoint.objects.order_by("-created_at").first()
            if latest and now - latest.created_at < ON_DEMAND_INTERVAL:
                raise ValidationError(_("A checkpoint was made less than a minute ago; it still holds."))
        # The row lock waits for an append in progress, so the head is one the chain reached.
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        seq, head_hash = (head.seq, head.hash) if head else (0, "0" * 64)
        document = sign(seq=seq, head_hash=head_hash, created_at=now)
        checkpoint = Checkpoint.objects.create(seq=seq, head_hash=head_hash, created_at=now, reason=reason,
                                               requested_by=requested_by[:254], document=document)
    _keep_outside_database(checkpoint)
    return checkpoint


def file_name(checkpoint: Checkpoint) -> str:
    return f"tillit-checkpoint-{checkpoint.seq:012d}-{checkpoint.created_at:%Y%m%dT%H%M%S%fZ}.json"


def _keep_outside_database(checkpoint: Checkpoint) -> None:
    name = file_name(checkpoint)
    # The storage keeps the copy: an S3 bucket with object lock in production (docs/deploy.md).
    default_storage.save(f"{storage_dir()}/{name}", ContentFile(checkpoint.document.encode()))
    to = recipients()
    if not to:
        return
    message = EmailMessage(
        subject=_("Tillit audit trail checkpoint #%(seq)s") % {"seq": checkpoint.seq},
        body=_("The attached signed checkpoint states that Tillit's audit trail reached entry #%(seq)s "
               "with hash %(hash)s at %(time)s. Keep this e-mail: an auditor can verify the trail "
               "against the attachment.")
        % {"seq": checkpoint.seq, "hash": checkpoint.head_hash, "time": checkpoint.created_at.isoformat()},
        to=to,
    )
    message.attach(name, checkpoint.document, "application/json")
    try:
        message.send()
    except Exception:  # the stored copies remain; the next checkpoint is e-mailed again
        logger.exception("Could not e-mail audit checkpoint #%s", checkpoint.seq)


# -- the known checkpoints ------------------------------------------------------------------

@dataclass
class KnownCheckpoints:
    valid: list[SignedCheckpoint] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # messages


def known_checkpoints(*, extra: list[tuple[str, bytes | str]] = (), include_stored: bool = True,
                      using: str = "default") -> KnownCheckpoints:
    """Every checkpoint: the database's, the file storage's and any given as (origin, document)."""
    key = public_key()
    found = KnownCheckpoints()
    sources: list[tuple[str, bytes | str]] = []
    if include_stored:
        sources += [(_("the database (checkpoint %(pk)s)") % {"pk": c.pk}, c.document)
                    for c in Checkpoint.objects.using(using).order_by("pk")]
        try:
            _dirs, names = default_storage.listdir(storage_dir())
        except (FileNotFoundError, NotADirectoryError):
            names = []
        for name in sorted(n for n in names if n.endswith(".json")):
            with default_storage.open(f"{storage_dir()}/{name}", "rb") as handle:
                sources.append((name, handle.read()))
    sources += list(extra)
    seen = set()
    for origin, document in sources:
        try:
            checkpoint = parse(document, origin=origin, key=key)
        except CheckpointError as exc:
            found.invalid.append(str(exc))
            continue
        if checkpoint.signature not in seen:
            seen.add(checkpoint.signature)
            found.valid.append(checkpoint)
    found.valid.sort(key=lambda c: (c.seq, c.created_at))
    return found
