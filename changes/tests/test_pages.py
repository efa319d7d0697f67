"""The browser flow of issue 9, and bad input refused on the pages with nothing changed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changes import services
from changes.models import AcceptanceTest, Change, ChangeDecision, ChangeStep, ClosingConfirmation, Status


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_the_whole_flow_in_the_browser(world, client, cab):
    p = world["people"]
    meeting = cab()
    client.force_login(p["dev"])
    start = timezone.now() + datetime.timedelta(days=20)
    response = client.post(reverse("changes:change_create"), {
        "title": "Uppgradering av Procapita och Lifecare", "description": "Ny huvudversion", "kind": "normal",
        "likelihood": "3", "consequence": "4", "window_start": _local(start),
        "window_end": _local(start + datetime.timedelta(hours=3)), "rollback_plan": "Ögonblicksbild",
        "systems": [world["system_a"].pk, world["system_b"].pk]})
    change = Change.objects.get()
    assert response.status_code == 302 and change.risk_level == "high"
    assert set(change.shared_with.all()) == {world["a"], world["b"]}
    client.post(reverse("changes:change_schedule", args=[change.pk]), {"schedule-cab_meeting": meeting.pk})
    response = client.post(reverse("changes:cab_papers", args=[meeting.pk]))
    change.refresh_from_db()
    assert change.status == Status.PAPERS_SENT

    client.force_login(p["coord_a"])
    assert change.title in client.get(reverse("changes:awaiting")).content.decode()
    client.post(reverse("changes:change_decide", args=[change.pk]), {"decision-decision": "approve"})
    client.force_login(p["coord_b"])
    client.post(reverse("changes:change_decide", args=[change.pk]), {
        "decision-decision": "conditions", "decision-conditions": "Fönstret efter kl. 18",
        "decision-wants_acceptance_test": "on"})
    assert ChangeDecision.objects.count() == 2
    assert change.title not in client.get(reverse("changes:awaiting")).content.decode()

    client.force_login(p["dev"])
    now = timezone.now() - datetime.timedelta(minutes=30)
    client.post(reverse("changes:change_step", args=[change.pk]), {
        "step-kind": "develop", "step-performed_by": p["dev"].pk,
        "step-performed_at": _local(now), "step-result": "succeeded"})
    client.post(reverse("changes:change_step", args=[change.pk]), {
        "step-kind": "test", "step-performed_by": p["tester"].pk,
        "step-performed_at": _local(now), "step-result": "succeeded"})
    response = client.post(reverse("changes:change_step", args=[change.pk]), {
        "step-kind": "deploy", "step-performed_by": p["lead"].pk,
        "step-performed_at": _local(now), "step-result": "succeeded"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "The acceptance test asked for has not passed: Kommun B." in response.content.decode()

    client.force_login(p["coord_b"])
    client.post(reverse("changes:change_acceptance", args=[change.pk]), {
        "acceptance-tested_by": p["coord_b"].pk, "acceptance-tested_at": _local(now), "acceptance-passed": "1"})
    assert AcceptanceTest.objects.get().passed

    client.force_login(p["dev"])
    response = client.post(reverse("changes:change_step", args=[change.pk]), {
        "step-kind": "deploy", "step-performed_by": p["dev"].pk,
        "step-performed_at": _local(now), "step-result": "succeeded"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "someone other than the developer deploys" in response.content.decode()
    assert ChangeStep.objects.count() == 2
    response = client.post(reverse("changes:change_step", args=[change.pk]), {
        "step-kind": "deploy", "step-performed_by": p["lead"].pk,
        "step-performed_at": _local(now), "step-result": "succeeded"})
    assert response.status_code == 302
    client.post(reverse("changes:change_close", args=[change.pk]), {"close-closing_report": "Genomfört enligt plan."})
    change.refresh_from_db()
    assert change.status == Status.CLOSED and change.acceptance_met and change.separation_met

    for key in ("coord_a", "coord_b"):
        client.force_login(p[key])
        client.post(reverse("changes:change_answer", args=[change.pk]), {"answer-outcome": "confirmed"})
    assert ClosingConfirmation.objects.filter(outcome="confirmed").count() == 2
    page = client.get(reverse("changes:cab_detail", args=[meeting.pk])).content.decode()
    assert "Fönstret efter kl. 18" in page
    docx = client.get(reverse("changes:cab_docx", args=[meeting.pk]))
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    import io
    import zipfile

    body = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "Fönstret efter kl. 18" in body  # the minutes show every municipality's decision
    pdf = client.get(reverse("changes:cab_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_bad_input_keeps_what_was_typed(world, client, make_change):
    change = make_change()
    client.force_login(world["people"]["coord_a"])
    response = client.post(reverse("changes:change_decide", args=[change.pk]), {
        "decision-decision": "reject", "decision-participation": "Styrgruppen"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 422
    body = response.content.decode()
    assert "Styrgruppen" in body
    assert not ChangeDecision.objects.exists()


def test_the_supplier_cannot_decide_or_test_for_a_municipality(world, client, make_change):
    change = make_change()
    client.force_login(world["people"]["dev"])
    assert client.post(reverse("changes:change_decide", args=[change.pk]), {
        "decision-decision": "approve"}).status_code == 403
    response = client.post(reverse("changes:change_acceptance", args=[change.pk]), {
        "acceptance-tested_by": world["people"]["dev"].pk,
        "acceptance-tested_at": _local(timezone.now()), "acceptance-passed": "1"})
    assert response.status_code == 403
    assert not ChangeDecision.objects.exists() and not AcceptanceTest.objects.exists()


def test_an_organisation_not_affected_does_not_see_the_change(world, client, make_change):
    change = make_change(systems=[world["system_a"]])
    client.force_login(world["people"]["coord_b"])
    assert client.get(reverse("changes:change_detail", args=[change.pk])).status_code == 404
    assert client.post(reverse("changes:change_decide", args=[change.pk]), {
        "decision-decision": "approve"}).status_code == 404


def test_request_from_a_municipality_is_registered_by_the_it_company(world, client):
    client.force_login(world["people"]["coord_a"])
    response = client.post(reverse("changes:request_create"), {
        "addressed_to": world["s"].pk, "title": "Ny e-tjänst för bygglov", "description": "Koppla till Procapita",
        "kind": "normal", "systems": [world["system_a"].pk], "wants_acceptance_test": "on"})
    assert response.status_code == 302
    client.force_login(world["people"]["dev"])
    listing = client.get(reverse("changes:request_list")).content.decode()
    assert "Ny e-tjänst för bygglov" in listing
    from changes.models import ChangeRequest

    rfc = ChangeRequest.objects.get()
    form = client.get(reverse("changes:change_create") + f"?request={rfc.pk}").content.decode()
    assert "Ny e-tjänst för bygglov" in form


def test_other_pages_answer(world, client, make_change, cab):
    change = make_change()
    meeting = cab()
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
    services.papers_send(tenant=world["t"]["dev"], meeting=meeting)
    for key in ("dev", "coord_a", "lead"):
        client.force_login(world["people"][key])
        for name in ("changes:change_list", "changes:calendar", "changes:awaiting", "changes:cab_list",
                     "changes:request_list"):
            assert client.get(reverse(name)).status_code == 200, (key, name)
        assert client.get(reverse("changes:change_list") + f"?system={world['system_a'].pk}").status_code == 200
        assert client.get(reverse("changes:cab_detail", args=[meeting.pk])).status_code == 200
        # The meeting's own page leads to its agenda of changes.
        meeting_page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
        assert reverse("changes:cab_detail", args=[meeting.pk]) in meeting_page, key
        assert client.get(reverse("changes:change_detail", args=[change.pk])).status_code == 200
        week = timezone.localtime(change.window_start).date().isoformat()
        assert change.title in client.get(reverse("changes:calendar") + f"?week={week}").content.decode()
        assert change.title not in client.get(reverse("changes:calendar") + "?week=2020-01-01").content.decode()
    client.force_login(world["people"]["lead"])
    assert client.get(reverse("changes:standing_list")).status_code == 200
    assert client.post(reverse("changes:standing_list"), {"supplier": world["s"].pk,
                                                          "change_class": "X"}).status_code == 403
    assert client.get(reverse("changes:settings")).status_code == 200
    response = client.post(reverse("changes:settings"), {"papers_lead_days": "7", "separation_high": "all_different",
                                                         "separation_medium": "all_different",
                                                         "separation_low": "none"})
    assert response.status_code == 302
    client.force_login(world["people"]["coord_a"])
    assert client.get(reverse("changes:standing_list")).status_code == 200
    assert client.get(reverse("changes:settings")).status_code == 403


# Query counts ------------------------------------------------------------------------------------

@pytest.fixture
def grow(world, cab):
    meeting = cab()
    made = [0]

    def more(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            start = timezone.now() + datetime.timedelta(days=1 + i % 20)
            change = services.change_save(tenant=world["t"]["dev"], change=None, data={
                "title": f"Ändring {i:03d}", "description": "Beskrivning", "kind": "normal", "likelihood": 2,
                "consequence": 2, "window_start": start, "window_end": start + datetime.timedelta(hours=2),
                "systems": [world["system_a"], world["system_b"]]})
            services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
            services.papers_send(tenant=world["t"]["dev"], meeting=meeting)
            services.decision_set(tenant=world["t"]["b"], change=change, decision="approve")
            if i % 2:
                services.decision_set(tenant=world["t"]["a"], change=change, decision="conditions",
                                      conditions="Informera användarna")
    more.meeting = meeting
    return more


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["dev", "coord_a", "owner_a"])
@pytest.mark.parametrize("name", ["changes:change_list", "changes:calendar", "changes:awaiting", "cab"])
def test_list_pages_read_a_constant_number_of_queries(world, client, grow, who, name):
    client.force_login(world["people"][who])
    url = reverse("changes:cab_detail", args=[grow.meeting.pk]) if name == "cab" else reverse(name)
    grow(2)
    few = _count(client, url)
    grow(8)
    assert _count(client, url) == few


def _ids(html: str) -> list[str]:
    import re

    return re.findall(r'\sid="([^"]+)"', html)


def test_the_change_page_has_no_duplicate_ids_however_many_forms_it_holds(world, client, make_change, cab):
    """A municipality sees its decision and acceptance-test forms together (both have a comment
    and a version); the IT company its schedule, step and test-environment forms. Each form's
    prefix keeps every id unique (the accessibility crawl fails on duplicates)."""
    change = make_change()
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=cab())
    services.step_record(tenant=world["t"]["dev"], change=change, kind="develop", performed_by=world["people"]["dev"],
                         performed_at=timezone.now() - datetime.timedelta(hours=1))
    for key, forms in (("coord_a", ("decision-comment", "acceptance-comment")),
                       ("dev", ("schedule-cab_meeting", "step-comment", "env-organisation"))):
        client.force_login(world["people"][key])
        ids = _ids(client.get(reverse("changes:change_detail", args=[change.pk])).content.decode())
        assert len(ids) == len(set(ids)), key
        assert {f"id_{name}" for name in forms} <= set(ids)


def test_sending_the_papers_of_one_change_says_so_in_the_singular(world, client, make_change, cab):
    meeting = cab()
    services.change_schedule(tenant=world["t"]["dev"], change=make_change(), meeting=meeting)
    client.force_login(world["people"]["lead"])
    response = client.post(reverse("changes:cab_papers", args=[meeting.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "The papers of 1 change were sent." in response.content.decode()


def test_no_changes_page_repeats_an_id_in_any_state_of_a_change(world, client, make_change, cab):
    """Every page of change management a person reaches, for the IT company and a municipality,
    with a change open, deployed and closed: ids unique (as the accessibility crawl demands)."""
    p, t = world["people"], world["t"]
    meeting = cab()
    change = make_change(likelihood=1, consequence=1)
    services.change_schedule(tenant=t["dev"], change=change, meeting=meeting)
    rfc = services.request_save(tenant=t["a"], request=None, data={
        "addressed_to": world["s"], "title": "Ny e-tjänst", "description": "Bygglov", "reason": "", "kind": "normal",
        "requested_date": None, "systems": [], "wants_acceptance_test": False, "wants_test_environment": False})
    pages = [reverse(name) for name in ("changes:change_list", "changes:calendar", "changes:awaiting",
                                        "changes:cab_list", "changes:request_list", "changes:standing_list")]
    pages += [reverse("changes:cab_detail", args=[meeting.pk]), reverse("changes:request_detail", args=[rfc.pk])]
    detail = reverse("changes:change_detail", args=[change.pk])
    done = timezone.now() - datetime.timedelta(hours=1)

    def check(key, urls):
        client.force_login(p[key])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (key, url)
            ids = _ids(response.content.decode())
            assert len(ids) == len(set(ids)), (key, url, sorted({i for i in ids if ids.count(i) > 1}))

    check("dev", pages + [detail, reverse("changes:change_create"), reverse("changes:change_edit", args=[change.pk])])
    check("lead", [reverse("changes:settings")])
    services.papers_send(tenant=t["dev"], meeting=meeting)
    check("coord_a", pages + [detail, reverse("changes:request_create")])
    services.decision_set(tenant=t["a"], change=change, decision="approve")
    services.decision_set(tenant=t["b"], change=change, decision="approve")
    services.step_record(tenant=t["dev"], change=change, kind="develop", performed_by=p["dev"], performed_at=done)
    services.step_record(tenant=t["dev"], change=change, kind="deploy", performed_by=p["tester"], performed_at=done)
    check("dev", [detail])
    check("coord_a", [detail])
    services.change_close(tenant=t["dev"], change=change, report="Genomfört.")
    check("dev", [detail])
    check("coord_a", [detail])


def test_a_municipality_is_linked_to_the_cab_only_once_the_papers_address_it(world, client, make_change, cab):
    """Before the papers go out the CAB meeting is not yet shared with the municipality: the
    change names it without a link that would answer 404; afterwards the link opens it."""
    meeting = cab()
    change = make_change()
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
    client.force_login(world["people"]["coord_a"])
    link = f'href="{reverse("changes:cab_detail", args=[meeting.pk])}"'
    body = client.get(reverse("changes:change_detail", args=[change.pk])).content.decode()
    assert str(meeting) in body and link not in body
    services.papers_send(tenant=world["t"]["dev"], meeting=meeting)
    assert link in client.get(reverse("changes:change_detail", args=[change.pk])).content.decode()
    assert client.get(reverse("changes:cab_detail", args=[meeting.pk])).status_code == 200


def test_the_cab_a_change_is_on_is_the_one_chosen_in_its_form(world, client, make_change, cab):
    """Moving a change to another CAB starts from the meeting it is on, not an empty choice."""
    cab(days=5)
    meeting = cab(days=12)
    change = make_change()
    services.change_schedule(tenant=world["t"]["dev"], change=change, meeting=meeting)
    client.force_login(world["people"]["dev"])
    body = client.get(reverse("changes:change_detail", args=[change.pk])).content.decode()
    assert f'<option value="{meeting.pk}" selected>' in body


def test_only_who_may_authorise_an_exception_is_offered_one_and_it_stays_visible(world, client, make_change):
    """High risk, all three different (the default rule): the developer is not offered the
    exception field; the security lead records the developer's deployment under an exception
    with its reason, which the change's page shows as such."""
    p, t = world["people"], world["t"]
    change = make_change(likelihood=4, consequence=4)
    done = timezone.now() - datetime.timedelta(hours=1)
    services.step_record(tenant=t["dev"], change=change, kind="develop", performed_by=p["dev"], performed_at=done)
    url = reverse("changes:change_detail", args=[change.pk])
    client.force_login(p["dev"])
    assert 'id="id_step-exception_reason"' not in client.get(url).content.decode()
    client.force_login(p["lead"])
    assert 'id="id_step-exception_reason"' in client.get(url).content.decode()
    response = client.post(reverse("changes:change_step", args=[change.pk]), {
        "step-kind": "test", "step-performed_by": p["dev"].pk, "step-performed_at": _local(done),
        "step-result": "succeeded", "step-exception_reason": "Ingen annan testare i tjänst under natten."})
    assert response.status_code == 302
    step = ChangeStep.objects.get(change=change, kind="test")
    assert step.exception_by == p["lead"] and step.is_exception
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Exception to the separation of duties" in body and "Ingen annan testare i tjänst under natten." in body
