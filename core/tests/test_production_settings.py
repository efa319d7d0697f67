"""Issue 13, points 3 and 5: production settings, checked in a fresh interpreter.

Settings are read once per process, so each case starts Python with a production-like
environment (TILLIT_DEBUG=0, HTTPS behind the proxy) rather than overriding settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from accounts.checks import shared_rate_limit_cache

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "tillit.settings",
    "TILLIT_DEBUG": "0",
    "TILLIT_SECRET_KEY": "a-production-secret-key-only-for-this-test-3c5f1e9a8b7d6c5e4f3a2b1c0d9e8f7a",
    "TILLIT_ALLOWED_HOSTS": "tillit.example.se",
    "TILLIT_CSRF_TRUSTED_ORIGINS": "https://tillit.example.se",
    "TILLIT_HTTPS": "1",
    "TILLIT_BEHIND_PROXY": "1",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _run(args, **env_changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILLIT_", "DJANGO_", "REDIS_"))}
    env.update(PRODUCTION)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


SHOW = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k) "
        "for k in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_NAME', "
        "'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE', 'SESSION_IDLE_TIMEOUT', 'ALLAUTH_TRUSTED_PROXY_COUNT']}))")


def test_without_a_secret_key_production_refuses_to_start():
    result = _run(["-c", "import django; django.setup()"], TILLIT_SECRET_KEY=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "TILLIT_SECRET_KEY" in result.stderr


def test_a_developer_still_runs_without_a_key():
    assert _run(["-c", "import django; django.setup()"], TILLIT_SECRET_KEY=None, TILLIT_DEBUG="1").returncode == 0


def test_production_settings_hsts_host_cookies_idle_timeout_and_proxy():
    result = _run(["-c", SHOW])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_NAME": "__Host-sessionid", "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True, "SESSION_IDLE_TIMEOUT": 1800, "ALLAUTH_TRUSTED_PROXY_COUNT": 1,
    }
    preload = json.loads(_run(["-c", SHOW], TILLIT_HSTS_PRELOAD="1", TILLIT_SESSION_IDLE="600").stdout)
    assert (preload["SECURE_HSTS_PRELOAD"], preload["SESSION_IDLE_TIMEOUT"]) == (True, 600)
    direct = json.loads(_run(["-c", SHOW], TILLIT_BEHIND_PROXY=None).stdout)
    # Without the proxy nobody's X-Forwarded-For is believed.
    assert direct["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0


def test_check_deploy_is_clean_with_production_settings():
    result = _run(["manage.py", "check", "--deploy"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_and_the_wsgi_start_fail_without_a_shared_cache():
    result = _run(["manage.py", "check", "--deploy"], REDIS_URL=None)
    assert result.returncode != 0
    assert "tillit.E001" in result.stderr and "REDIS_URL" in result.stderr
    started = _run(["-c", "import tillit.wsgi"], REDIS_URL=None)
    assert started.returncode != 0 and "tillit.E001" in started.stderr


@pytest.mark.parametrize("backend, errors", [
    ("django.core.cache.backends.locmem.LocMemCache", ["tillit.E001"]),
    ("django.core.cache.backends.redis.RedisCache", []),
])
def test_the_shared_cache_check(backend, errors):
    with override_settings(DEBUG=False, TESTING=False, CACHES={"default": {"BACKEND": backend}}):
        assert [e.id for e in shared_rate_limit_cache(None)] == errors
    # `make run`'s single runserver process shares its own cache between all its requests.
    with override_settings(DEBUG=False, TESTING=False, SINGLE_PROCESS=True, CACHES={"default": {"BACKEND": backend}}):
        assert shared_rate_limit_cache(None) == []


@pytest.mark.django_db
def test_an_idle_session_is_signed_out_and_a_busy_one_is_not(org_a, member, login):
    import time

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.middleware import SessionIdleTimeoutMiddleware

    client = login(member(org_a))
    assert client.get("/").status_code == 200
    key = SessionIdleTimeoutMiddleware.cache_key(client.session.session_key)
    seen = cache.get(key)
    assert seen is not None
    # Keeping track writes neither the session nor anything else in the database.
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert cache.get(key) == seen

    cache.set(key, int(time.time()) - 29 * 60)
    assert client.get("/").status_code == 200
    assert cache.get(key) >= int(time.time()) - 5

    cache.set(key, int(time.time()) - 31 * 60)
    response = client.get("/systems/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=%2Fsystems%2F")
    assert "_auth_user_id" not in client.session
