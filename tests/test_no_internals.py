"""No internals where people read: the demo's main pages, as a coordinator, and every register's export.

Field names ("Inherent score", "Source type"), the trail's channel as an author ("cli"), slugs and
enum values, Python's None/True/False and raw JSON must not reach a person. The demo is loaded for
the two reference municipalities (Björkvik, Lindö) and their IT company only, to keep the test fast.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from demo import data
from organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db

MAX_PAGES = 40
# Tokens that only an internal name produces, in the text of a page (tags and scripts removed).
INTERNAL = re.compile(
    r"\b[a-z]+_[a-z_]+\b"  # snake_case: a field, a rule's key, an enum value
    r"|\b(?:None|True|False)\b|\bcli\b|Inherent score|Residual score|Source type|Source id|Evidence key"
    r"|&quot;[a-z_]+&quot;:"  # a JSON key shown as JSON
)
SKIP = re.compile(r"/logout|/accounts/|/i18n|/static|/admin|/api/|export|/download|\.(?:docx|pdf|xlsx|csv|svg)$")


@pytest.fixture
def lindo_demo(monkeypatch):
    monkeypatch.setattr(data, "MUNICIPALITIES", [m for m in data.MUNICIPALITIES if m["slug"] in ("bjorkvik", "lindo")])
    call_command("load_demo", stdout=io.StringIO())
    return Organisation.objects.get(slug="lindo")


def _client(client, org, role):
    from core.middleware import SESSION_ORG_KEY

    membership = Membership.objects.select_related("user").get(organisation=org, role=role)
    client.force_login(membership.user)
    session = client.session
    session[SESSION_ORG_KEY] = org.pk
    session.save()
    return client


def _text(html: str) -> str:
    main = html[html.find("<main"):html.find("</main>")] if "<main" in html else html
    main = re.sub(r"<script.*?</script>|<style.*?</style>", "", main, flags=re.S)
    # Attribute values (names, ids, classes) are not read: only the text between tags.
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def _pattern(href: str) -> str:
    return re.sub(r"\d+", "N", href.split("?")[0])


def test_no_internals_on_the_demos_pages_or_in_its_exports(client, lindo_demo):
    """One demo load for both walks (loading it is most of the test's time)."""
    client = _client(client, lindo_demo, "coordinator")
    _pages_show_no_internals(client)
    _exports_show_no_slugs(client, lindo_demo)


def _pages_show_no_internals(client):
    queue, seen, patterns, found = ["/"], set(), {}, []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        found += [f"{url}: {m.group(0)}" for m in INTERNAL.finditer(_text(html))]
        for href in re.findall(r'href="(/[^"#?]*)"', html):
            # One record page of each kind: the others are built from the same template.
            if SKIP.search(href) or href in seen or patterns.get(_pattern(href), 0) >= 1:
                continue
            patterns[_pattern(href)] = patterns.get(_pattern(href), 0) + 1
            queue.append(href)
    assert len(seen) >= 25, sorted(seen)  # the walk reached the main pages
    assert not found, "\n".join(found)


SLUG = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)+$|^[a-z]+\.[a-z_]+$|^(?:None|True|False)$")


def _cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [v for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row]


def _exports_show_no_slugs(client, lindo_demo):
    from inventory.models import System
    from organisations.models import Unit

    system = System.objects.filter(organisation=lindo_demo).first()
    unit = Unit.objects.filter(organisation=lindo_demo).first()
    urls = [reverse("inventory:system_export"), reverse("actions:action_export"), reverse("risk:risk_export"),
            reverse("requirements:soa_export"), reverse("requirements:system_export_xlsx", args=[system.pk]),
            reverse("privacy:record_xlsx", args=[unit.pk])]
    found, cells = [], []
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200 and "sheet" in response["Content-Type"], url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        values = [v for v in _cells(content) if isinstance(v, str)]
        cells += values
        found += [f"{url}: {v}" for v in values if SLUG.match(v.strip()) and not re.match(r"^\d[\d-]*$", v)]
    assert not found, "\n".join(found)
    # Countries and threats by name: the systems' countries and the risks' threats are read as words.
    assert "Sverige" in cells and "SE" not in cells
