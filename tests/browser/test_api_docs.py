"""/api/docs renders its operations in a browser that enforces Tillit's content security policy."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# One tag per router of tillit/api.py, first to last.
TAGS = ["organisations", "systems", "information types", "classification", "risk", "placement assessments",
        "policies"]


def test_swagger_ui_lists_the_operations_without_csp_violations(browser, live_server):
    # A context of its own: the shared one bypasses the CSP to inject axe-core.
    context = browser.new_context(locale="sv-SE", viewport={"width": 1366, "height": 900})
    try:
        # Every violation the browser reports (the console shows them too).
        context.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                                "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
        page = context.new_page()
        problems, outside = [], []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on("request", lambda req: outside.append(req.url)
                if not req.url.startswith((live_server.url, "data:")) else None)
        page.goto(live_server.url + "/api/docs")
        page.locator(".opblock-summary-path", has_text="/api/organisations").first.wait_for(timeout=15_000)
        # Swagger UI draws the operations as they scroll into view: scroll down to the last router's.
        seen, paths = set(), set()
        for _ in range(200):
            seen.update(page.locator(".opblock-tag").all_inner_texts())
            paths.update(page.locator(".opblock-summary-path").all_inner_texts())
            if "policies" in seen and any(p.startswith("/api/policies") for p in paths):
                break
            page.mouse.wheel(0, 800)
            page.wait_for_timeout(50)
        assert set(TAGS) <= {tag.strip() for tag in seen}, seen
        assert len(paths) > 50
        assert page.evaluate("window.__csp") == [] and problems == [], problems
        assert outside == []
    finally:
        context.close()
