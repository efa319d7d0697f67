"""/api/reviews: the same services and refusals as the pages, JSON errors with a detail."""

import datetime
import json

import pytest

from actions.models import Action
from reviews.models import ManagementReview, ReviewDecision, ReviewStatus

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def call(client, coordinator, org_a, api_headers):
    headers = api_headers(coordinator[0], org_a)

    def do(method, path, body=None):
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        response = getattr(client, method)(f"/api/reviews{path}", **kwargs, **headers)
        return response.status_code, response.json() if response.content and "json" in response["Content-Type"] else None

    return do


def _body(today, **changes):
    body = {"title": "Ledningens genomgång", "held_on": today.isoformat(),
            "period_start": (today - 300 * DAY).isoformat(), "period_end": today.isoformat(), "status": "held"}
    return {**body, **changes}


def test_create_gather_decide_and_adopt(call, coordinator, today):
    status, created = call("post", "", _body(today, chair=coordinator[0].email, participants=[coordinator[0].email]))
    assert status == 201 and created["chair"] == coordinator[0].email and created["participants"] == [coordinator[0].email]
    pk = created["id"]
    status, listed = call("get", "")
    assert status == 200 and listed["count"] == 1 and listed["results"][0]["id"] == pk
    status, changed = call("put", f"/{pk}", _body(today, title="Ledningens genomgång 2026"))
    assert status == 200 and changed["title"] == "Ledningens genomgång 2026"
    status, gathered = call("post", f"/{pk}/gather")
    assert status == 200 and gathered["inputs"]["sections"] and gathered["gathered_at"]
    status, decision = call("post", f"/{pk}/decisions", {"text": "Revidera policyn.", "owner": coordinator[0].email,
                                                        "due_date": (today + 30 * DAY).isoformat()})
    assert status == 201 and decision["number"] == 1 and decision["action_status"] == "open"
    assert Action.objects.get(pk=decision["action_id"]).title == "Revidera policyn."
    status, closed = call("post", f"/{pk}/close")
    assert status == 200 and closed["status"] == "closed" and closed["closed_by"] == coordinator[0].email
    assert [d["text"] for d in closed["decisions"]] == ["Revidera policyn."]


def test_bad_input_answers_4xx_with_a_detail_and_saves_nothing(call, coordinator, today):
    status, body = call("post", "", _body(today, period_end=(today - 400 * DAY).isoformat()))
    assert status == 422 and body["detail"]
    assert not ManagementReview.objects.exists()
    status, body = call("post", "", _body(today, status="closed"))
    assert status == 422 and body["detail"]
    status, body = call("post", "", _body(today, chair="nobody@example.org"))
    assert status == 422 and body["detail"]
    assert not ManagementReview.objects.exists()
    _status, created = call("post", "", _body(today))
    pk = created["id"]
    status, body = call("post", f"/{pk}/close")
    assert status == 422 and body["detail"]
    status, body = call("post", f"/{pk}/decisions", {"text": "Utan ägare", "due_date": today.isoformat()})
    assert status == 422 and body["detail"]
    status, body = call("post", f"/{pk}/decisions", {"text": "Utan datum", "owner": coordinator[0].email})
    assert status == 422 and body["detail"]
    assert not ReviewDecision.objects.exists() and not Action.objects.exists()
    call("post", f"/{pk}/gather")
    call("post", f"/{pk}/close")
    status, body = call("put", f"/{pk}", _body(today, title="Ändrad"))
    assert status == 422 and body["detail"]
    assert ManagementReview.objects.get(pk=pk).title == "Ledningens genomgång"
    assert ManagementReview.objects.get(pk=pk).status == ReviewStatus.CLOSED


def test_the_document_comes_as_docx_and_pdf(call, client, coordinator, org_a, api_headers, today):
    _status, created = call("post", "", _body(today))
    headers = api_headers(coordinator[0], org_a)
    pdf = client.get(f"/api/reviews/{created['id']}/document?format=pdf", **headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(f"/api/reviews/{created['id']}/document", **headers)
    assert docx.status_code == 200 and docx.content.startswith(b"PK")


def test_another_organisation_gets_404(client, org_b, member, api_headers, call, today):
    _status, created = call("post", "", _body(today))
    headers = api_headers(member(org_b, "coordinator"), org_b)
    assert client.get(f"/api/reviews/{created['id']}", **headers).status_code == 404
    assert client.post(f"/api/reviews/{created['id']}/gather", **headers).status_code == 404
    assert client.get("/api/reviews", **headers).json()["count"] == 0
    assert not ManagementReview.objects.get(pk=created["id"]).gathered_at
