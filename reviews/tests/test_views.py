"""The review pages: list, plan, detail with inputs and decisions, gather, adopt, refusals."""

import datetime
from html import escape

import pytest
from django.urls import reverse

from actions.models import Action
from reviews import services
from reviews.models import ManagementReview, ReviewDecision, ReviewStatus

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_the_coordinator_plans_a_review_through_the_form(login, coordinator, today):
    client = login(coordinator[0])
    response = client.post(reverse("reviews:review_add"), {
        "title": "Ledningens genomgång 2026", "held_on": today.isoformat(),
        "period_start": (today - 300 * DAY).isoformat(), "period_end": today.isoformat(), "status": "planned",
        "chair": coordinator[0].pk, "participants": [coordinator[0].pk], "other_participants": "Kommundirektör"})
    review = ManagementReview.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert (review.title, review.chair, list(review.participants.all()), review.other_participant_list) == (
        "Ledningens genomgång 2026", coordinator[0], [coordinator[0]], ["Kommundirektör"])


def test_a_period_ending_before_it_starts_shows_on_the_form_and_keeps_the_input(login, coordinator, today):
    client = login(coordinator[0])
    response = client.post(reverse("reviews:review_add"), {
        "title": "Felaktig period", "held_on": today.isoformat(), "period_start": today.isoformat(),
        "period_end": (today - DAY).isoformat(), "status": "planned"})
    assert response.status_code == 422
    assert "The period cannot end before it starts." in response.content.decode()
    assert "Felaktig period" in response.content.decode()
    assert not ManagementReview.objects.exists()


def test_the_detail_page_shows_the_gathered_inputs_with_links(login, coordinator, review_a, org_a, today):
    Action(organisation=org_a, title="Försenad åtgärd", due_date=today - 3 * DAY).save()
    client = login(coordinator[0])
    response = client.post(reverse("reviews:review_gather", args=[review_a.pk]))
    assert response.status_code == 302
    page = client.get(review_a.get_absolute_url()).content.decode()
    assert "a) Status of actions from previous management reviews" in page
    assert "f) Results of risk assessment and status of the risk treatment plan" in page
    assert "Governing documents past review" in page and "Incidents in the period" in page
    action = Action.objects.get()
    assert f'<a href="{action.get_absolute_url()}">Försenad åtgärd</a>' in page
    assert "Gather the inputs again" in page


def test_a_decision_from_the_page_lands_in_the_action_plan(login, coordinator, review_a, today):
    client = login(coordinator[0])
    response = client.post(reverse("reviews:decision_add", args=[review_a.pk]), {
        "text": "Inför nyckeltal för leverantören.", "owner": coordinator[0].pk, "due_date": (today + 90 * DAY).isoformat()})
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert decision.action.title == "Inför nyckeltal för leverantören."
    page = client.get(review_a.get_absolute_url()).content.decode()
    assert decision.action.get_absolute_url() in page


def test_a_decision_without_owner_shows_the_message_and_saves_nothing(login, coordinator, review_a, today):
    client = login(coordinator[0])
    response = client.post(reverse("reviews:decision_add", args=[review_a.pk]), {
        "text": "Beslut utan ägare.", "due_date": today.isoformat()})
    assert response.status_code == 422
    assert escape(str(services.OWNER_REQUIRED)) in response.content.decode()
    assert "Beslut utan ägare." in response.content.decode()
    assert not ReviewDecision.objects.exists() and not Action.objects.exists()


def test_adopting_without_inputs_is_refused_with_the_message(login, coordinator, review_a):
    client = login(coordinator[0])
    response = client.post(reverse("reviews:review_close", args=[review_a.pk]), follow=True)
    assert escape(str(services.NO_INPUTS)) in response.content.decode()
    assert ManagementReview.objects.get(pk=review_a.pk).status == ReviewStatus.HELD


def test_an_adopted_review_is_frozen_on_the_pages(login, coordinator, tenant_a, review_a):
    services.review_gather(tenant=tenant_a, review=review_a)
    client = login(coordinator[0])
    client.post(reverse("reviews:review_close", args=[review_a.pk]))
    assert ManagementReview.objects.get(pk=review_a.pk).status == ReviewStatus.CLOSED
    page = client.get(review_a.get_absolute_url()).content.decode()
    assert "The record is frozen." in page and reverse("reviews:review_gather", args=[review_a.pk]) not in page
    response = client.post(reverse("reviews:review_edit", args=[review_a.pk]), {
        "title": "Ändrad", "held_on": review_a.held_on.isoformat(), "period_start": review_a.period_start.isoformat(),
        "period_end": review_a.period_end.isoformat(), "status": "held"}, follow=True)
    assert escape(str(services.CLOSED_REFUSED)) in response.content.decode()
    assert ManagementReview.objects.get(pk=review_a.pk).title == "Ledningens genomgång"


def test_a_reader_reads_but_writes_nothing(login, org_a, member, review_a):
    client = login(member(org_a, "reader"))
    assert client.get(reverse("reviews:review_list")).status_code == 200
    page = client.get(review_a.get_absolute_url()).content.decode()
    assert "Ledningens genomgång" in page and "Record a decision" not in page
    assert client.post(reverse("reviews:review_gather", args=[review_a.pk])).status_code == 403
    assert not ManagementReview.objects.get(pk=review_a.pk).gathered_at


def test_another_organisation_sees_nothing(login, org_b, member, review_a):
    client = login(member(org_b, "coordinator"))
    assert client.get(review_a.get_absolute_url()).status_code == 404
    assert "Ledningens genomgång" not in client.get(reverse("reviews:review_list")).content.decode()
    assert client.post(reverse("reviews:review_gather", args=[review_a.pk])).status_code == 404
