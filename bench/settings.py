"""Settings of the benchmark: production settings (tillit.settings, TILLIT_DEBUG=0) on one machine.

Production counts sign-in failures and idle sessions in a cache shared by every worker (Redis,
`REDIS_URL`; system check tillit.E001 refuses a per-process cache). Without REDIS_URL the
benchmark's gunicorn workers share a file-based cache under bench/data/cache instead: shared by
the workers of this one machine, which is all the check asks for here. The idle-session
middleware reads it once per request, as it would read Redis.
"""

from pathlib import Path

from tillit.settings import *  # noqa: F401,F403
from tillit.settings import CACHES, env_str

if not env_str("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(__file__).resolve().parent / "data" / "cache"),
    }
