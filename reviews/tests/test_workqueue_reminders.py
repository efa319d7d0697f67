"""The yearly review on the coordinator's start page and in the reminders."""

import datetime

import pytest
from django.urls import reverse

from actions import reminders as action_reminders
from policies.rules import add_months
from reviews import reminders, services, workqueue

pytestmark = pytest.mark.django_db


def _hold(tenant, held_on):
    review = services.review_save(tenant=tenant, review=None, data={
        "title": f"Genomgång {held_on.year}", "held_on": held_on, "period_start": held_on - datetime.timedelta(days=300),
        "period_end": held_on, "status": "held"})
    return review


def test_none_held_yet_is_due_now_on_the_start_page(tenant_a, today):
    groups = workqueue.items(tenant=tenant_a, today=today)
    assert [(g.title, g.total, [i.url for i in g.items]) for g in groups] == [
        ("Management review due", 1, [reverse("reviews:review_add")])]


def test_due_twelve_months_after_the_last_held(tenant_a, today):
    last = add_months(today, -12) - datetime.timedelta(days=3)
    _hold(tenant_a, last)
    [group] = workqueue.items(tenant=tenant_a, today=today)
    item = group.items[0]
    assert (item.due, item.overdue) == (add_months(last, 12), True)


def test_a_recent_review_is_not_due(tenant_a, today):
    _hold(tenant_a, today - datetime.timedelta(days=30))
    assert workqueue.items(tenant=tenant_a, today=today) == []


def test_a_planned_review_is_what_the_start_page_links_to(tenant_a, today):
    _hold(tenant_a, add_months(today, -12))
    planned = services.review_save(tenant=tenant_a, review=None, data={
        "title": "Årets genomgång", "held_on": today + datetime.timedelta(days=10), "period_start": today,
        "period_end": today})
    [group] = workqueue.items(tenant=tenant_a, today=today)
    assert group.items[0].url == planned.get_absolute_url()


def test_members_who_do_not_hold_the_review_see_nothing(org_a, as_member, today):
    _user, reader = as_member(org_a, "reader")
    assert workqueue.items(tenant=reader, today=today) == []


def test_the_coordinator_and_the_administrator_are_reminded(org_a, org_b, supplier_org, coordinator, member, today):
    admin = member(org_a, "admin")
    member(org_a, "system_owner")
    member(supplier_org, "coordinator")
    horizon = today + datetime.timedelta(days=7)
    # Never held: the start page says so, no e-mail every day.
    assert list(reminders.reviews_due(today=today, horizon=horizon, organisation=org_a)) == []
    _hold(coordinator[1], today - datetime.timedelta(days=370))
    found = list(reminders.reviews_due(today=today, horizon=horizon, organisation=org_a))
    assert sorted(r.recipient_id for r in found) == sorted([coordinator[0].pk, admin.pk])
    due = add_months(today - datetime.timedelta(days=370), 12)
    assert {(r.due, r.path) for r in found} == {(due, reverse("reviews:review_list"))}
    # A supplier organisation holds no review in Tillit's sense; the collector includes the source.
    everyone = [r for r in action_reminders.collect(today=today) if r.key.startswith("management-review:")]
    assert {r.organisation_id for r in everyone} == {org_a.pk}


def test_a_recent_review_stops_the_reminder(tenant_a, org_a, today):
    _hold(tenant_a, today - datetime.timedelta(days=30))
    assert list(reminders.reviews_due(today=today, horizon=today + datetime.timedelta(days=7), organisation=org_a)) == []
