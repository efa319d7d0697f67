"""Who is acting, and through which channel, for the audit trail.

Set by the web middleware, the API authentication, the importers and the management
commands; read by trail.capture when a record is written. A contextvar keeps concurrent
requests in threaded servers apart.
"""

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditActor:
    user_id: int | None
    label: str
    source: str  # web, api, import, admin, cli, system


SYSTEM_ACTOR = AuditActor(user_id=None, label="system", source="system")
_current: contextvars.ContextVar[AuditActor] = contextvars.ContextVar("audit_actor", default=SYSTEM_ACTOR)


def current_actor() -> AuditActor:
    return _current.get()


def actor_for_user(user, source: str) -> AuditActor:
    if user is None or not getattr(user, "is_authenticated", False):
        return AuditActor(user_id=None, label="anonymous", source=source)
    return AuditActor(user_id=user.pk, label=user.email, source=source)


@contextlib.contextmanager
def acting_as(user=None, *, source: str):
    """Attribute every record written inside the block to `user` via `source`."""
    token = _current.set(actor_for_user(user, source) if user is not None else AuditActor(None, source, source))
    try:
        yield
    finally:
        _current.reset(token)
