"""Fixtures for the end-to-end tests: a live server, Debian's Chromium driven by Playwright.

Without a browser the suite is skipped on a developer's machine but fails in CI (CI=true), so a
broken CI image can never pass by silently skipping the accessibility checks.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an asyncio event loop running in the test thread; Django would
# otherwise refuse ORM calls from that thread (SynchronousOnlyOperation). The test thread
# only prepares data and checks results while the live server answers the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Debian's Chromium; TILLIT_CHROMIUM points elsewhere (another system, or a missing path to
# check the rule below).
CHROMIUM = Path(os.environ.get("TILLIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
AXE_STATIC = "vendor/axe.min.js"
AXE_PACKAGE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Secret-Pass-123!"  # what tests.factories.UserFactory sets


def _unavailable(request, reason: str):
    """Skip, or fail when running in CI, where every browser test must really run."""
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"Browser tests cannot run in CI: {reason}")
    # Said once, outside the output capture, so the reason shows without -rs.
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"Skipping browser tests: {reason}", yellow=True)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(request):
    if not CHROMIUM.exists():
        _unavailable(request, f"{CHROMIUM} is missing")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def inject_axe():
    """inject_axe(page) → loads axe-core into the page shown.

    From the static files when `make install` put it there: Chromium then caches the parsed
    script across pages, which saves a fifth of a second on each of the ~180 pages checked.
    """
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    if finders.find(AXE_STATIC):
        return lambda page: page.add_script_tag(url=static(AXE_STATIC))
    if not AXE_PACKAGE.exists():
        raise FileNotFoundError(f"axe-core is missing: neither static/{AXE_STATIC} nor {AXE_PACKAGE}; run `make install`")
    source = AXE_PACKAGE.read_text(encoding="utf-8")
    return lambda page: page.add_script_tag(content=source)


@pytest.fixture
def context(browser):
    # The site's CSP forbids inline scripts; bypassing it only in the test browser lets us
    # inject axe-core without weakening the policy the application sends.
    context = browser.new_context(bypass_csp=True, locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, email, password) → signs in through the real login form."""

    def do(page, email: str, password: str = PASSWORD):
        page.goto(live_server.url + reverse("account_login"))
        page.fill("#id_login", email)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form.form button[type=submit]")
        return page

    return do
