"""Reviews due are reminded to the responsible person through the central reminder mechanism."""

import datetime

import pytest

from actions import reminders as central
from classification import reminders, services
from classification.models import Classification

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 28)


@pytest.fixture
def approved(tenant_of, info, classify, monkeypatch):
    """approved(review_date, responsible=…) → an approved classification due for review then."""

    def make(review_date, responsible="owner"):
        monkeypatch.setattr(services, "today", lambda: review_date - datetime.timedelta(days=365))
        c = services.classification_submit(tenant=tenant_of("coordinator"), classification=classify(info))
        c = services.classification_approve(tenant=tenant_of("system_owner"), classification=c)
        if responsible is None:
            c.responsible = None
            c.save()
        return c

    return make


@pytest.mark.parametrize(
    "offset, reminded_case",
    [(-40, True), (0, True), (7, True), (8, False)],
    ids=["stale", "today", "within-the-horizon", "beyond-it"],
)
def test_a_review_is_reminded_when_due_within_the_horizon_or_past(approved, offset, reminded_case):
    c = approved(TODAY + datetime.timedelta(days=offset))
    found = list(reminders.reviews_due(today=TODAY, horizon=TODAY + datetime.timedelta(days=7)))
    assert bool(found) is reminded_case
    if reminded_case:
        assert found == [central.Reminder(f"classification:{c.pk}", c.responsible_id, c.organisation_id,
                                          "Review the classification: Socialtjänstakter", c.review_date,
                                          f"/classification/{c.pk}/")]


def test_without_a_responsible_person_nobody_is_reminded(approved):
    approved(TODAY, responsible=None)
    assert list(reminders.reviews_due(today=TODAY, horizon=TODAY)) == []


def test_drafts_are_not_reviews(tenant_of, info, classify):
    c = classify(info)
    c.review_date = TODAY  # a stray date on a draft (e.g. from an import) is no review
    c.save()
    assert list(reminders.reviews_due(today=TODAY, horizon=TODAY)) == []


def test_the_reminders_are_filtered_by_user_and_organisation(approved, org_b, member, tenant_of):
    c = approved(TODAY)
    # The one who started the classification is responsible unless someone else is chosen.
    assert c.responsible == tenant_of("coordinator").user
    assert len(list(reminders.reviews_due(today=TODAY, horizon=TODAY, user=c.responsible))) == 1
    assert list(reminders.reviews_due(today=TODAY, horizon=TODAY, user=tenant_of("system_owner").user)) == []
    assert list(reminders.reviews_due(today=TODAY, horizon=TODAY, organisation=org_b)) == []


def test_the_central_collection_includes_classification_reviews(approved):
    c = approved(TODAY + datetime.timedelta(days=3))
    assert [r.key for r in central.collect(today=TODAY)] == [f"classification:{c.pk}"]
    assert Classification.objects.get().status == "approved"
