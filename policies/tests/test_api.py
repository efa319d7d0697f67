import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ApiToken
from policies.models import DocumentReview, GoverningDocument

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def api(client):
    """api(user, org) → call(method, path, json=None) authenticated as that member of org."""

    def as_user(user, org):
        _, raw = ApiToken.issue(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en", "HTTP_X_ORGANISATION": org.slug}

        def call(method, path, body=None, **extra):
            if method == "get":
                return client.get(f"/api/policies{path}", data=body, **headers)
            return getattr(client, method)(f"/api/policies{path}", data=json.dumps(body or {}),
                                           content_type="application/json", **headers)

        return call

    return as_user


def test_create_list_get_change_review(api, org_a, coordinator, org_b, member):
    call = api(coordinator, org_a)
    created = call("post", "/documents", {"kind": "policy", "title": "IT-säkerhetspolicy", "adopted_on": "2006-04-24",
                                          "adopted_by": "Kommunfullmäktige", "owner": coordinator.email})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["review_interval_months"], body["next_review"], body["review_overdue"], body["owner"]) == \
        (24, "2008-04-24", True, coordinator.email)
    pk = body["id"]
    listed = call("get", "/documents", {"overdue": "true"}).json()
    assert (listed["count"], listed["pages"], [r["id"] for r in listed["results"]]) == (1, 1, [pk])
    assert call("get", "/documents", {"kind": "routine"}).json()["count"] == 0
    changed = call("patch", f"/documents/{pk}", {"title": "IT-policy", "version": "2"})
    assert changed.status_code == 200 and (changed.json()["title"], changed.json()["version"]) == ("IT-policy", "2")
    reviewed = call("post", f"/documents/{pk}/review", {"outcome": "still_valid", "reviewed_on": "2024-02-29"})
    assert reviewed.status_code == 201
    assert (reviewed.json()["next_review"], len(reviewed.json()["reviews"])) == ("2026-02-28", 1)


def test_bad_input_is_422_json(api, org_a, coordinator, org_b, member):
    call = api(coordinator, org_a)
    outsider = member(org_b, "coordinator")
    response = call("post", "/documents", {"kind": "policy", "title": "X", "owner": outsider.email})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["owner"]
    response = call("post", "/documents", {"kind": "policy", "title": "X", "shared_with": [org_b.slug]})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["shared_with"]
    assert call("post", "/documents", {"kind": "nope", "title": "X"}).status_code == 422
    assert GoverningDocument.objects.count() == 0


def test_other_municipality_gets_404(api, org_a, tenant_a, make_doc, org_b, member):
    doc = make_doc(tenant_a)
    call = api(member(org_b, "coordinator"), org_b)
    assert call("get", f"/documents/{doc.pk}").status_code == 404
    assert call("patch", f"/documents/{doc.pk}", {"title": "B"}).status_code == 404
    assert call("post", f"/documents/{doc.pk}/review", {"outcome": "still_valid"}).status_code == 404
    assert call("get", "/documents").json()["count"] == 0
    doc.refresh_from_db()
    assert doc.title == "Informationssäkerhetspolicy"


def test_customer_reads_shared_but_cannot_change(api, org_a, coordinator, supplier_org, as_member, make_doc):
    _, lead = as_member(supplier_org, "security_lead")
    doc = make_doc(lead, "Leverantörens policy", shared_with=[org_a])
    call = api(coordinator, org_a)
    got = call("get", f"/documents/{doc.pk}")
    assert got.status_code == 200 and (got.json()["organisation"], got.json()["shared_with"]) == ("drift-ab", ["kommun-a"])
    assert call("get", "/documents", {"origin": "shared"}).json()["count"] == 1
    assert call("patch", f"/documents/{doc.pk}", {"title": "Ändrad"}).status_code == 403
    assert call("post", f"/documents/{doc.pk}/review", {"outcome": "still_valid"}).status_code == 403
    doc.refresh_from_db()
    assert doc.title == "Leverantörens policy" and DocumentReview.objects.count() == 0


def test_file_upload_and_download(client, api, org_a, coordinator, tenant_a, make_doc, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = make_doc(tenant_a)
    call = api(coordinator, org_a)
    _, raw = ApiToken.issue(user=coordinator, name="file")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": org_a.slug}
    bad = client.post(f"/api/policies/documents/{doc.pk}/file",
                      {"file": SimpleUploadedFile("policy.pdf", b"MZ not a pdf")}, **headers)
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["file"]
    assert call("get", f"/documents/{doc.pk}/file").status_code == 404
    good = client.post(f"/api/policies/documents/{doc.pk}/file",
                       {"file": SimpleUploadedFile("policy.pdf", b"%PDF-1.7 test")}, **headers)
    assert good.status_code == 200 and good.json()["file_name"] == "policy.pdf"
    download = call("get", f"/documents/{doc.pk}/file")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7 test"
