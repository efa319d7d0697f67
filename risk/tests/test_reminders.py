"""Risk reviews reach their owner when due within the horizon or overdue; closed risks do not."""

import datetime

import pytest

from actions import reminders
from risk.models import RiskStatus
from risk.reminders import reviews_due

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 28)
HORIZON = TODAY + datetime.timedelta(days=reminders.HORIZON_DAYS)


def _day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.mark.parametrize("offset, reminded_case", [(-30, True), (0, True), (7, True), (8, False)],
                         ids=["overdue", "today", "at-the-horizon", "beyond"])
def test_reviews_due_by_the_horizon_or_overdue(make_risk, people, offset, reminded_case):
    risk = make_risk("Ransomware", owner=people["system_owner"], review_date=_day(offset))
    found = list(reviews_due(today=TODAY, horizon=HORIZON))
    expected = [(f"risk-review:{risk.pk}", people["system_owner"].pk, risk.organisation_id,
                 "Risk review: Ransomware", _day(offset), f"/risks/{risk.pk}/")]
    assert [(r.key, r.recipient_id, r.organisation_id, r.title, r.due, r.path) for r in found] == (
        expected if reminded_case else [])


def test_closed_risks_and_risks_without_owner_are_not_reminded(make_risk, people):
    make_risk("Stängd", owner=people["system_owner"], review_date=_day(-1), status=RiskStatus.CLOSED)
    make_risk("Ingen ägare", review_date=_day(-1))
    assert list(reviews_due(today=TODAY, horizon=HORIZON)) == []


def test_filters_by_organisation_and_user(make_risk, people, org_a, org_b):
    make_risk("Mine", owner=people["system_owner"], review_date=_day(1))
    make_risk("Theirs", owner=people["coordinator"], review_date=_day(1))
    assert [r.title for r in reviews_due(today=TODAY, horizon=HORIZON, user=people["system_owner"])] == [
        "Risk review: Mine"]
    assert list(reviews_due(today=TODAY, horizon=HORIZON, organisation=org_b)) == []
    assert len(list(reviews_due(today=TODAY, horizon=HORIZON, organisation=org_a))) == 2


def test_the_central_collection_includes_risk_reviews(make_risk, people):
    risk = make_risk("Nätfiske", owner=people["system_owner"], review_date=_day(3))
    assert [r.key for r in reminders.collect(today=TODAY) if r.key.startswith("risk-review:")] == [
        f"risk-review:{risk.pk}"]
