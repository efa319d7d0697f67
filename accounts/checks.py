"""System checks for sign-in in production: run by `manage.py check --deploy` and by tillit.wsgi
at start-up (deployment checks only, so migrations and translations run on a developer's machine)."""

from django.conf import settings
from django.core import checks

# Caches whose counters each worker process keeps for itself.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def shared_rate_limit_cache(app_configs, **kwargs):
    """Login lockouts count in the cache: with a per-process cache each worker counts alone."""
    if settings.DEBUG or getattr(settings, "TESTING", False) or getattr(settings, "SINGLE_PROCESS", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [checks.Error(
            "The cache is per process, so each worker counts failed sign-ins on its own and the "
            "lockout comes late or never.",
            hint="Set REDIS_URL to a Redis server shared by every app server (docs/deploy.md).",
            id="tillit.E001",
        )]
    return []
