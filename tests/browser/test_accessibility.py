"""WCAG 2.1 AA checks with axe-core on every page each demo role can reach.

Pages are discovered by following the links of the pages themselves (navigation, header,
page content), so a new module is checked as soon as it is linked. Each view is visited
once per role (the first link found to it); a fixed list adds what links cannot reach (a
filtered list, the error pages). A required set per role proves the crawl really reached the
known pages.

Cost: eight roles see largely the same pages, and rendering plus axe in Chromium is nearly
all of the suite's time. So every page is fetched over HTTP with the role's session and its
status and landmarks checked there; only the header and navigation depend on the role
throughout, so each role's start page is checked whole in the browser, and any other page
is rendered and checked (in <main>) when its <main> markup has not been checked yet, for
whichever role: equal markup gives equal axe results.
"""

import hashlib
import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.template import loader
from django.urls import Resolver404, resolve, reverse

from demo import data as demo
from organisations.roles import SHARED_ONLY_ROLES, Perm, has_perm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A common laptop screen: no page may scroll sideways at this width.
VIEWPORT_WIDTH = 1366
BLOCKING_IMPACTS = {"serious", "critical"}
# Not pages of the product: the Django admin (for operators, with its own accessibility work),
# the JSON API, static files and the language switch endpoint.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/i18n/")
# A guard against a crawl that never ends (e.g. a view name built per record), not a budget:
# each view is visited once per role, and the product has fewer GET views than this.
MAX_PAGES_PER_ROLE = 300

ROLE_ACCOUNTS = [
    ("admin", "admin@bjorkvik.example"),
    ("coordinator", "samordnare@bjorkvik.example"),
    ("system_owner", "systemagare@bjorkvik.example"),
    ("system_administrator", "systemforvaltare@bjorkvik.example"),
    ("dpo", "dataskyddsombud@samverkan.example"),
    ("auditor", "revisor@bjorkvik.example"),
    ("reader", "lasare@bjorkvik.example"),
    # The shared IT company's members: its workspace, and the read-only supplier role.
    ("service_manager", "leverantor@mellanskog-it.example"),
    ("security_lead", "sakerhet@mellanskog-it.example"),
    ("supplier", "lasare@mellanskog-it.example"),
]

RUN_AXE = """([tags, scope]) => axe.run(scope === "main" ? document.querySelector("main") : document,
    {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" "))})))"""
MAIN = re.compile(r"<main\b.*?</main>", re.S)
# The one part of <main> that changes on every request.
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


class PageFacts(HTMLParser):
    """What the landmark checks and the crawl need from a page's HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.lang, self.title, self.h1, self.main, self.links = "", "", 0, 0, []
        self._in_title = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang") or ""
        elif tag == "title":
            self._in_title = True
        elif tag in ("h1", "main"):
            setattr(self, tag, getattr(self, tag) + 1)
        elif tag == "a" and attrs.get("href") and attrs.get("target") != "_blank":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data.strip()

    def problems(self, url: str) -> list[str]:
        found = []
        if not self.lang:
            found.append(f"no lang attribute on <html> at {url}")
        if not self.title:
            found.append(f"empty <title> at {url}")
        if self.h1 != 1:
            found.append(f"{self.h1} <h1> elements instead of one at {url}")
        if self.main != 1:
            found.append(f"{self.main} <main> elements instead of one at {url}")
        return found


class Auditor:
    """Checks pages for their landmarks and, rendered in Chromium, with axe (see the module docstring)."""

    def __init__(self, inject_axe):
        self.inject_axe = inject_axe
        self.checked_mains: set[str] = set()

    def axe(self, page, *, whole: bool = True) -> list[str]:
        """axe's blocking violations on the page shown, in the whole document or in <main>, and
        sideways scrolling at the laptop width (WCAG 1.4.10 reflow; the page, not a table's own
        scroll box, must fit)."""
        self.inject_axe(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = [f"scrolls sideways by {overflow} px at {VIEWPORT_WIDTH} px at {page.url}"] if overflow > 0 else []
        return wide + [
            f"{v['id']} ({v['impact']}): {v['help']} at {page.url} → {', '.join(v['targets'])}"
            for v in page.evaluate(RUN_AXE, [AXE_TAGS, "document" if whole else "main"])
            if v["impact"] in BLOCKING_IMPACTS
        ]

    def audit_shown(self, page) -> tuple[PageFacts, list[str]]:
        """Check the page on screen whole: landmarks and axe."""
        html = page.content()
        self.checked_mains.add(_main_digest(html))
        facts = PageFacts(html)
        return facts, facts.problems(page.url) + self.axe(page)

    def visit(self, page, url: str, expected_status: int) -> tuple[PageFacts | None, list[str]]:
        """Fetch a page with the page's session and check it; (None, []) for a file download (an export)."""
        response = page.request.get(url)
        if not response.headers.get("content-type", "").startswith("text/html"):
            return None, []
        html = response.text()
        facts = PageFacts(html)
        problems = facts.problems(response.url)
        if response.status != expected_status:
            problems.append(f"status {response.status} instead of {expected_status} at {url}")
        digest = _main_digest(html)
        if digest not in self.checked_mains:
            self.checked_mains.add(digest)
            page.goto(url)
            problems += self.axe(page, whole=False)
        return facts, problems

    def crawl(self, page) -> tuple[set[str], list[str]]:
        """From the start page on screen, visit every view linked, once each; return the view names."""
        facts, problems = self.audit_shown(page)
        base, seen = page.url, {view_name(page.url)}
        queue = [urljoin(base, href) for href in facts.links]
        while queue and len(seen) < MAX_PAGES_PER_ROLE:
            url = queue.pop(0)
            name = view_name(url) if urlsplit(url).netloc == urlsplit(base).netloc else None
            if name is None or name in seen:
                continue
            seen.add(name)
            facts, found = self.visit(page, url, 200)
            problems += found
            if facts is not None:
                queue.extend(urljoin(url, href) for href in facts.links)
        return seen, problems


def _main_digest(html: str) -> str:
    match = MAIN.search(html)
    return hashlib.sha256(CSRF_VALUE.sub("", match.group(0) if match else "").encode()).hexdigest()


def view_name(url: str) -> str | None:
    path = urlsplit(url).path
    if path.startswith(SKIPPED_PREFIXES):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


SUPPLIER_ORGANISATION_ROLES = {"service_manager", "security_lead", "supplier"}


def required_views(role: str) -> set[str]:
    """The pages a role must have reached by following links."""
    if role in SUPPLIER_ORGANISATION_ROLES:
        return supplier_views(role)
    views = {"core:home", "inventory:system_list", "inventory:system_detail", "inventory:infotype_list",
             "suppliers:supplier_list", "organisations:detail", "accounts:profile", "mfa_index",
             "account_change_password"}
    if role not in SHARED_ONLY_ROLES:
        views |= {"suppliers:supplier_detail", "suppliers:contract_list", "suppliers:contract_detail",
                  "suppliers:gap_list", "kpis:report_list", "kpis:report_detail", "kpis:followup",
                  "classification:questions", "meetings:meeting_list", "meetings:meeting_detail",
                  "policies:document_list", "policies:document_detail"}
        if has_perm(role, Perm.INVENTORY_EDIT):
            views |= {"inventory:system_create", "inventory:system_edit", "inventory:infotype_create",
                      "inventory:infotype_edit"}
        if has_perm(role, Perm.SUPPLIER_EDIT):
            views |= {"suppliers:supplier_create", "suppliers:supplier_edit"}
    if has_perm(role, Perm.TRAIL_VIEW):
        views |= {"trail:log"}
    if has_perm(role, Perm.ORG_MANAGE):
        views |= {"organisations:unit_create"}
    return views


def supplier_views(role: str) -> set[str]:
    """The supplier organisation's workspace: what it reports and answers for its customers."""
    views = {"core:home", "inventory:system_list", "inventory:system_detail", "organisations:detail",
             "accounts:profile", "mfa_index", "account_change_password"}
    if has_perm(role, Perm.SUPPLIER_REPORT):
        views |= {"suppliers:contract_list", "suppliers:contract_detail", "classification:to_us",
                  "kpis:definition_list", "kpis:definition_detail", "kpis:report_list", "kpis:report_detail",
                  "meetings:meeting_list", "meetings:meeting_detail", "policies:document_list",
                  "policies:document_detail"}
    if has_perm(role, Perm.TRAIL_VIEW):
        views |= {"trail:log"}
    return views


def fixed_pages(role: str) -> list[tuple[str, int]]:
    """Pages links do not lead to: a filtered list and the error pages, with their status.

    One 403 and one 404 per role are enough: the error templates do not vary by page.
    """
    pages = [
        (reverse("inventory:system_list") + "?q=e&criticality=high&sort=-name", 200),
        (reverse("inventory:system_detail", args=[999999]), 404),
    ]
    forbidden = [(Perm.INVENTORY_EDIT, "inventory:system_create"), (Perm.TRAIL_VIEW, "trail:log"),
                 (Perm.ORG_MANAGE, "organisations:unit_create")]
    pages += [(reverse(name), 403) for perm, name in forbidden if not has_perm(role, perm)][:1]
    return pages


def test_every_page_of_every_role_meets_wcag_21_aa(live_server, context, sign_in, inject_axe):
    call_command("load_demo", stdout=io.StringIO())
    auditor, found = Auditor(inject_axe), []
    for role, email in ROLE_ACCOUNTS:
        context.clear_cookies()
        page = context.new_page()
        page.set_viewport_size({"width": VIEWPORT_WIDTH, "height": 900})
        sign_in(page, email, demo.DEMO_PASSWORD)
        assert urlsplit(page.url).path == "/", f"{email} did not land on the start page"
        reached, problems = auditor.crawl(page)
        if missing := required_views(role) - reached:
            problems.append(f"pages never reached by links: {', '.join(sorted(missing))}")
        for path, status in fixed_pages(role):
            problems += auditor.visit(page, live_server.url + path, status)[1]
        found.extend(f"[{role}] {p}" for p in problems)
        page.close()
    assert not found, "Accessibility problems:\n" + "\n".join(found)


def test_signed_out_pages_meet_wcag_21_aa(live_server, page, inject_axe):
    auditor, found = Auditor(inject_axe), []
    for path, status in [(reverse("account_login"), 200), (reverse("account_reset_password"), 200),
                         ("/no-such-page/", 404)]:
        response = page.goto(live_server.url + path)
        assert response.status == status
        found += auditor.audit_shown(page)[1]
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_login", "nobody@test.example")
    page.fill("#id_password", "wrong")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    found += auditor.audit_shown(page)[1]  # the login page showing its error
    assert not found, "Accessibility problems:\n" + "\n".join(found)


def test_the_server_error_page_meets_wcag_21_aa(live_server, page, inject_axe):
    # No view fails on purpose, so the page Django's server_error view would send is rendered
    # here (without a request, as there) and served at a live URL, with the real stylesheet.
    html = loader.get_template("500.html").render()
    page.route("**/server-error-page/", lambda route: route.fulfill(status=500, body=html, content_type="text/html"))
    response = page.goto(live_server.url + "/server-error-page/")
    assert response.status == 500
    assert page.locator("link[href$='/tillit.css']").evaluate("l => l.sheet.cssRules.length") > 0
    assert Auditor(inject_axe).audit_shown(page)[1] == []


def test_the_audit_reports_a_planted_violation(live_server, page, inject_axe):
    """Guards the checks above against passing vacuously (axe not running, wrong tags)."""
    page.goto(live_server.url + reverse("account_login"))
    page.evaluate("""() => {
      document.querySelector("main").insertAdjacentHTML("beforeend", '<input type="text" id="planted">');
      document.querySelector("h1").remove();
    }""")
    problems = Auditor(inject_axe).audit_shown(page)[1]
    assert len(problems) == 2
    assert problems[0] == f"0 <h1> elements instead of one at {page.url}"
    assert problems[1].startswith("label (critical): ") and problems[1].endswith("→ #planted")


def test_the_audit_renders_each_distinct_content_once(live_server, page, inject_axe):
    auditor = Auditor(inject_axe)
    login, reset = (live_server.url + reverse(name) for name in ("account_login", "account_reset_password"))
    rendered = []
    page.on("framenavigated", lambda frame: rendered.append(frame.url) if frame == page.main_frame else None)
    assert auditor.visit(page, login, 200)[1] == []
    assert auditor.visit(page, reset, 200)[1] == []
    assert auditor.visit(page, login, 200)[1] == []  # the same content again: fetched, not rendered
    assert rendered == [login, reset]
    facts, problems = auditor.visit(page, live_server.url + "/no-such-page/", 200)
    assert problems == [f"status 404 instead of 200 at {live_server.url}/no-such-page/"]  # still checked
    assert (facts.h1, facts.main) == (1, 1)
