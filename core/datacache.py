"""Figures computed from the whole of an organisation's data, kept until the data changes.

Some pages compute what many rules or many systems give (the automatic findings, the statement
of applicability). Their answer changes only when a record changes or time passes, and every
record change appends to the audit trail's hash chain (trail.capture: model signals see every
write). So such a result is kept in the cache under the organisation, the reading's own parts,
the minute, the language and the heads of the trail (`trail.chain.head_token`) of the
organisation, of the organisations that serve it or that it serves, and of records of no
organisation: after any write the key is new and the next view computes afresh, never from
stale data. The cache is Django's default: Redis in production, shared by the app servers.

Only plain values (lists, tuples, dicts, strings, numbers) are kept, so that a result read back
does not depend on how Python objects pickle across releases; `VERSION` moves when their shape
changes.
"""

import datetime
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone, translation

from core.tenancy import sharing_organisations

VERSION = 1
# A result is also keyed by the minute it was computed in: findings that depend on the clock (an
# incident's 24- and 72-hour deadlines) are at most a minute late without any write.
TIMEOUT = 120

T = TypeVar("T")


def moment_key(now: datetime.datetime | None = None) -> str:
    local = timezone.localtime(now or timezone.now())
    return local.strftime("%Y%m%d%H%M")


def remembered(name: str, organisation, *parts, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """compute() over `organisation`'s data, or what it gave for the same organisation, parts,
    trail heads, minute and language. Two queries."""
    from trail.chain import head_token

    # The organisation reads records of its own, records its suppliers addressed to it and, for a
    # supplier, those of the organisations it serves, and records of no organisation (people, the
    # catalogues).
    sources = [organisation.pk, *sharing_organisations(organisation)]
    key = ":".join(["tillit", "data", str(VERSION), name, str(organisation.pk), *(str(p) for p in parts),
                    head_token(sources), moment_key(), translation.get_language() or ""])
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, timeout)
    return value
