"""The rule for a missing browser, checked in a child pytest: skip on a developer's machine, fail in CI."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

MISSING = "/nonexistent/chromium"


def _run_without_browser(ci: str) -> subprocess.CompletedProcess:
    # The child uses its own in-memory SQLite database, never the parent's test database.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_ADDOPTS")}
    env.update(CI=ci, TILLIT_CHROMIUM=MISSING)
    target = "tests/browser/test_flows.py::test_sign_in_rejects_a_wrong_password_then_accepts_the_right_one"
    return subprocess.run(
        [sys.executable, "-m", "pytest", target],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )


def test_it_skips_without_a_browser_outside_ci():
    result = _run_without_browser("false")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Skipping browser tests: {MISSING} is missing" in result.stdout
    assert "1 skipped" in result.stdout


def test_it_fails_without_a_browser_in_ci():
    result = _run_without_browser("true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"RuntimeError: Browser tests cannot run in CI: {MISSING} is missing" in result.stdout
    assert "1 error" in result.stdout and "skipped" not in result.stdout
