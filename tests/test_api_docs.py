"""/api/docs is served from Tillit's own files, under Tillit's own content security policy."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_docs_page_answers_and_loads_only_same_origin_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    # The site's policy is kept as it is: nothing but its own origin, no inline script.
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert sources == ["data:,", "/static/vendor/swagger-ui/swagger-ui.css", "/static/vendor/swagger-ui/swagger-ui-bundle.js",
                       "/static/api/docs.js"]
    assert "//" not in "".join(sources) and "cdn" not in html.lower()  # no other origin
    # Every script either has a source or is data (JSON), never inline code.
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes or ('type="application/json"' in attributes and body.strip().startswith("{"))
    assert "style=" not in html


def test_the_docs_settings_point_at_the_schema_and_ask_no_outside_validator(client):
    html = client.get("/api/docs").content.decode()
    settings = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S).group(1)
    assert '"url": "/api/openapi.json"' in settings and '"validatorUrl": null' in settings


def test_the_assets_it_names_are_found_by_the_static_files(client):
    from django.contrib.staticfiles import finders

    # static/vendor/swagger-ui is copied from the npm package by `make assets`.
    for path in ("api/docs.js", "vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"):
        assert finders.find(path), path


def test_the_schema_names_each_answer_status_once(client):
    """Swagger UI refuses a schema with a key twice; routes give 409 as a number, the error
    documentation as "409"."""
    import json

    duplicates = []

    def pairs(items):
        keys = [k for k, _ in items]
        duplicates.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    json.loads(client.get("/api/openapi.json").content, object_pairs_hook=pairs)
    assert duplicates == []
