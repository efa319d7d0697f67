import datetime
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from actions.models import Action
from core.tenancy import Tenant
from meetings import documents, reminders, selectors, services, workqueue
from meetings.models import Attendee, Decision, Meeting, MeetingKind, MeetingStatus
from organisations.models import Membership

pytestmark = pytest.mark.django_db


def tenant_of(user, org):
    return Tenant(Membership.objects.select_related("organisation", "user").get(user=user, organisation=org))


@pytest.fixture
def world(org_a, org_b, supplier_org, member):
    from tests.factories import OrganisationFactory

    org_c = OrganisationFactory(name="Kommun C", slug="kommun-c")
    supplier_org.customers.add(org_c)
    people = {
        "sm": member(supplier_org, "service_manager"),
        "a": member(org_a, "coordinator"),
        "c": member(org_c, "coordinator"),
        "b": member(org_b, "coordinator"),
    }
    return {"a": org_a, "b": org_b, "c": org_c, "s": supplier_org, **{f"u_{k}": v for k, v in people.items()}}


def make_meeting(w, *, addressees=("a", "c"), days=-3, status=MeetingStatus.PLANNED):
    t = tenant_of(w["u_sm"], w["s"])
    start = timezone.now() + datetime.timedelta(days=days)
    meeting = services.meeting_save(tenant=t, meeting=None, data={
        "kind": MeetingKind.OPERATIONS, "title": "Driftmöte", "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=1), "secretary": w["u_sm"],
        "shared_with": [w[k] for k in addressees]})
    if status != MeetingStatus.PLANNED:
        services.minutes_save(tenant=t, meeting=meeting, data={"status": MeetingStatus.HELD, "minutes": "Text"})
    return t, meeting


# Rules -------------------------------------------------------------------------------------

def test_addressing_only_customers(world):
    t = tenant_of(world["u_sm"], world["s"])
    start = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.meeting_save(tenant=t, meeting=None, data={
            "kind": MeetingKind.CAB, "title": "CAB", "starts_at": start, "ends_at": start, "shared_with": [world["b"]]})
    assert "shared_with" in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_municipality_meeting_of_its_own(world):
    t = tenant_of(world["u_a"], world["a"])
    start = timezone.now()
    m = services.meeting_save(tenant=t, meeting=None, data={
        "kind": MeetingKind.PRE_MEETING, "title": "Förmöte", "starts_at": start, "ends_at": start, "shared_with": []})
    assert m.organisation == world["a"] and not m.shared_with.exists()


def test_end_before_start_refused(world):
    t = tenant_of(world["u_sm"], world["s"])
    start = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.meeting_save(tenant=t, meeting=None, data={
            "kind": MeetingKind.CAB, "title": "CAB", "starts_at": start,
            "ends_at": start - datetime.timedelta(hours=1), "shared_with": []})
    assert "ends_at" in exc.value.message_dict


def test_attendee_organisation_must_take_part(world):
    t, m = make_meeting(world, addressees=("a",))
    with pytest.raises(ValidationError) as exc:
        services.attendee_save(tenant=t, meeting=m, attendee=None,
                               data={"name": "Chef", "represents": world["c"], "present": True})
    assert "represents" in exc.value.message_dict
    ok = services.attendee_save(tenant=t, meeting=m, attendee=None,
                                data={"name": "Chef", "represents": world["a"], "present": True})
    own = services.attendee_save(tenant=t, meeting=m, attendee=None,
                                 data={"name": "Tjänsteansvarig", "represents": world["s"], "present": True})
    assert ok.represents == world["a"] and own.represents is None
    assert Attendee.objects.count() == 2


def test_organiser_item_goes_into_organiser_plan(world):
    t, m = make_meeting(world)
    item = services.action_item_save(tenant=t, meeting=m, item=None, data={"title": "Redovisa", "responsible": None})
    action = Action.objects.get()
    assert action.organisation == world["s"] and action.source == item


def test_take_item_once_per_organisation(world):
    t, m = make_meeting(world)
    item = services.action_item_save(tenant=t, meeting=m, item=None, data={"title": "Rensa kön", "responsible": world["a"]})
    assert not Action.objects.exists()  # the supplier never writes into the municipality's plan
    ta = tenant_of(world["u_a"], world["a"])
    action = services.action_item_take(tenant=ta, item=item, owner=world["u_a"], due_date=datetime.date(2027, 1, 1))
    assert action.organisation == world["a"] and action.owner == world["u_a"] and action.source == item
    with pytest.raises(ValidationError):
        services.action_item_take(tenant=ta, item=item)
    assert Action.objects.count() == 1


def test_other_addressee_cannot_take_item_of_another(world):
    t, m = make_meeting(world)
    item = services.action_item_save(tenant=t, meeting=m, item=None, data={"title": "X", "responsible": world["a"]})
    with pytest.raises(PermissionDenied):
        services.action_item_take(tenant=tenant_of(world["u_c"], world["c"]), item=item)
    with pytest.raises((ValidationError, Http404)):
        services.action_item_take(tenant=tenant_of(world["u_b"], world["b"]), item=item)
    with pytest.raises(PermissionDenied):
        services.action_item_take(tenant=t, item=item)
    assert not Action.objects.exists()


def test_taken_actions_are_private(world, login):
    t, m = make_meeting(world)
    item = services.action_item_save(tenant=t, meeting=m, item=None, data={"title": "Gemensam", "responsible": world["a"]})
    services.action_item_take(tenant=tenant_of(world["u_a"], world["a"]), item=item)
    page = login(world["u_c"]).get(reverse("meetings:meeting_detail", args=[m.pk]))
    assert page.status_code == 200
    assert b"actions/" not in page.content.split(b'id="action-items"')[1].split(b"</table>")[0]


def test_approve_minutes_stores_who_and_when(world):
    t, m = make_meeting(world, status=MeetingStatus.HELD)
    approved = services.minutes_approve(tenant=t, meeting=m)
    assert approved.status == MeetingStatus.APPROVED and approved.minutes_approved_by == world["u_sm"]
    with pytest.raises(ValidationError):
        services.minutes_save(tenant=t, meeting=approved, data={"minutes": "Ändrat"})


def test_addressee_with_rows_cannot_be_removed(world):
    t, m = make_meeting(world)
    services.attendee_save(tenant=t, meeting=m, attendee=None, data={"name": "Chef", "represents": world["c"]})
    with pytest.raises(ValidationError):
        services.meeting_save(tenant=t, meeting=m, data={"shared_with": [world["a"]]})
    assert set(m.shared_with.values_list("slug", flat=True)) == {"kommun-a", "kommun-c"}


# Work queue and reminders ------------------------------------------------------------------

def test_work_queue(world):
    t, m = make_meeting(world, days=3)
    _t, held = make_meeting(world, days=-10, status=MeetingStatus.HELD)
    services.action_item_save(tenant=t, meeting=held, item=None, data={"title": "Ta in", "responsible": world["a"]})
    today = timezone.localdate()
    groups = workqueue.items(tenant=tenant_of(world["u_a"], world["a"]), today=today)
    titles = [g.title for g in groups]
    assert len(groups) == 2 and groups[1].items[0].title == "Ta in"
    assert "Driftmöte" in [i.title for i in groups[0].items]
    sm_groups = workqueue.items(tenant=t, today=today)
    assert len(titles) == 2
    assert [i.url for i in sm_groups[-1].items] == [held.get_absolute_url()]  # minutes to approve
    assert workqueue.items(tenant=tenant_of(world["u_b"], world["b"]), today=today) == []


def test_minutes_reminder(world):
    _t, held = make_meeting(world, days=-10, status=MeetingStatus.HELD)
    _t, recent = make_meeting(world, days=-2, status=MeetingStatus.HELD)
    today = timezone.localdate()
    found = list(reminders.minutes_due(today=today, horizon=today + datetime.timedelta(days=7)))
    assert [r.key for r in found] == [f"meeting-minutes:{held.pk}"]
    assert found[0].recipient_id == world["u_sm"].pk


# Pages -------------------------------------------------------------------------------------

def test_pages_for_organiser_and_addressee(world, login):
    t, m = make_meeting(world)
    client = login(world["u_sm"])
    assert client.get(reverse("meetings:meeting_list")).status_code == 200
    assert client.get(reverse("meetings:meeting_detail", args=[m.pk])).status_code == 200
    response = client.post(reverse("meetings:child_create", args=[m.pk, "decision"]), {"text": "Beslut ett"})
    assert response.status_code == 302 and Decision.objects.get().number == 1
    doc = client.get(reverse("meetings:minutes_document", args=[m.pk]))
    assert doc.status_code == 200 and "Protokoll%20Driftm" in doc["Content-Disposition"]
    client = login(world["u_a"])
    assert b"Driftm" in client.get(reverse("meetings:meeting_list")).content
    assert client.get(reverse("meetings:meeting_detail", args=[m.pk])).status_code == 200


def test_form_keeps_input_on_error(world, login):
    client = login(world["u_sm"])
    response = client.post(reverse("meetings:meeting_create"), {
        "kind": "cab", "title": "Mitt CAB", "starts_at": "2026-10-14T10:00", "ends_at": "2026-10-14T09:00"})
    assert response.status_code == 200 and b"Mitt CAB" in response.content
    assert not Meeting.objects.exists()


def test_addressee_cannot_edit(world, login):
    t, m = make_meeting(world)
    client = login(world["u_a"])
    assert client.post(reverse("meetings:meeting_edit", args=[m.pk]), {"title": "Kapad"}).status_code == 404
    assert client.post(reverse("meetings:child_create", args=[m.pk, "decision"]), {"text": "X"}).status_code == 404
    m.refresh_from_db()
    assert m.title == "Driftmöte" and not Decision.objects.exists()


def test_other_municipality_sees_nothing(world, login):
    t, m = make_meeting(world)
    client = login(world["u_b"])
    assert client.get(reverse("meetings:meeting_detail", args=[m.pk])).status_code == 404
    listing = client.get(reverse("meetings:meeting_list")).content.decode()
    # The meeting's page link, not its title: "Driftmöte" is also a kind in the filter.
    assert m.get_absolute_url() not in listing


def test_take_page(world, login):
    t, m = make_meeting(world)
    item = services.action_item_save(tenant=t, meeting=m, item=None, data={"title": "Ta in", "responsible": world["a"]})
    assert login(world["u_sm"]).post(reverse("meetings:action_item_take", args=[item.pk]), {}).status_code == 403
    assert login(world["u_b"]).post(reverse("meetings:action_item_take", args=[item.pk]), {}).status_code == 404
    assert not Action.objects.exists()
    response = login(world["u_a"]).post(reverse("meetings:action_item_take", args=[item.pk]),
                                        {"owner": world["u_a"].pk, "due_date": "2027-01-31"})
    assert response.status_code == 302
    assert Action.objects.get().due_date == datetime.date(2027, 1, 31)


def test_the_minutes_document_is_named_in_swedish_and_holds_the_meeting(world):
    t, m = make_meeting(world)
    services.action_item_save(tenant=t, meeting=m, item=None, data={"title": "Ta in", "responsible": world["a"]})
    assert documents.filename(m) == f"Protokoll Driftmöte {timezone.localtime(m.starts_at):%Y-%m-%d}"
    doc = documents.minutes(selectors.meeting_detail(tenant=t, pk=m.pk))
    word = docx.Document(io.BytesIO(doc.render_docx()))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Protokoll" in text and m.title in text and "Åtgärdspunkter" in text
    assert word.tables[-1].rows[1].cells[0].text == "Ta in"
    assert "UTKAST" in "\n".join(p.text for p in word.sections[0].header.paragraphs)  # not approved yet
    assert doc.render_pdf()[:5] == b"%PDF-"


# API ---------------------------------------------------------------------------------------

def api(client, user, method, path, **data):
    _token, raw = ApiToken.issue(user=user, name="test")
    call = getattr(client, method)
    return call(f"/api/meetings{path}", data=data or None, content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_create_and_rows(world, client):
    r = api(client, world["u_sm"], "post", "", kind="cab", title="CAB", starts_at="2026-10-14T09:00:00+02:00",
            ends_at="2026-10-14T10:00:00+02:00", participants=["kommun-a"])
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    r = api(client, world["u_sm"], "post", f"/{mid}/attendees", name="Chef", organisation="kommun-c")
    assert r.status_code == 422 and "represents" in r.json()["errors"]
    r = api(client, world["u_sm"], "post", f"/{mid}/action-items", title="Gör", responsible="kommun-a")
    assert r.status_code == 201
    item_id = r.json()["id"]
    assert api(client, world["u_sm"], "post", f"/action-items/{item_id}/take").status_code == 403
    assert api(client, world["u_b"], "post", f"/action-items/{item_id}/take").status_code == 404
    r = api(client, world["u_a"], "post", f"/action-items/{item_id}/take", owner=world["u_a"].email)
    assert r.status_code == 201
    assert api(client, world["u_a"], "post", f"/action-items/{item_id}/take").status_code == 422
    detail = api(client, world["u_a"], "get", f"/{mid}").json()
    assert detail["action_items"][0]["responsible"] == "kommun-a"
    assert api(client, world["u_b"], "get", f"/{mid}").status_code == 404
    r = api(client, world["u_a"], "put", f"/{mid}", kind="cab", title="Kapad", starts_at="2026-10-14T09:00:00+02:00",
            ends_at="2026-10-14T10:00:00+02:00")
    assert r.status_code in (403, 404)
    assert Meeting.objects.get().title == "CAB"


# Query counts ------------------------------------------------------------------------------

def _grow(world, n):
    for _ in range(n):
        t, m = make_meeting(world, status=MeetingStatus.HELD)
        services.attendee_save(tenant=t, meeting=m, attendee=None, data={"name": "Chef", "represents": world["a"]})
        services.action_item_save(tenant=t, meeting=m, item=None, data={"title": "I", "responsible": world["a"]})
        services.action_item_save(tenant=t, meeting=m, item=None, data={"title": "J", "responsible": world["c"]})
        services.decision_save(tenant=t, meeting=m, decision=None, data={"text": "B"})


def _count(fn):
    fn()  # the first request of a test fills per-process caches (content types, navigation)
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count(world, login):
    client = login(world["u_a"])
    _grow(world, 2)
    small = _count(lambda: client.get(reverse("meetings:meeting_list")))
    _grow(world, 10)
    assert _count(lambda: client.get(reverse("meetings:meeting_list"))) == small


def test_detail_query_count(world, login):
    client = login(world["u_a"])
    _grow(world, 1)
    m = Meeting.objects.get()
    small = _count(lambda: client.get(reverse("meetings:meeting_detail", args=[m.pk])))
    t = tenant_of(world["u_sm"], world["s"])
    for i in range(8):
        services.attendee_save(tenant=t, meeting=m, attendee=None, data={"name": f"P{i}", "represents": world["c"]})
        it = services.action_item_save(tenant=t, meeting=m, item=None, data={"title": f"I{i}", "responsible": world["a"]})
        services.action_item_take(tenant=tenant_of(world["u_a"], world["a"]), item=it)
        services.agenda_item_save(tenant=t, meeting=m, item=None, data={"title": f"A{i}", "position": i})
    assert _count(lambda: client.get(reverse("meetings:meeting_detail", args=[m.pk]))) == small


def test_api_list_query_count(world, client):
    _token, raw = ApiToken.issue(user=world["u_a"], name="qc")
    _grow(world, 2)
    get = lambda: client.get("/api/meetings", HTTP_AUTHORIZATION=f"Bearer {raw}")  # noqa: E731
    small = _count(get)
    _grow(world, 10)
    assert _count(get) == small


def test_api_refuses_an_empty_or_unknown_participant_and_saves_nothing(world, client):
    for participants in ([""], ["finns-inte"]):
        r = api(client, world["u_sm"], "post", "", kind="cab", title="CAB", starts_at="2026-10-14T09:00:00+02:00",
                ends_at="2026-10-14T10:00:00+02:00", participants=participants)
        assert r.status_code == 422 and "participants" in r.json()["errors"]
    assert Meeting.objects.count() == 0
