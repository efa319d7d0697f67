import datetime

import pytest

from policies import rules
from policies.models import DocumentStatus, GoverningDocument

D = datetime.date


@pytest.mark.parametrize("start, months, expected", [
    (D(2024, 1, 31), 1, D(2024, 2, 29)),  # month end, leap year
    (D(2023, 1, 31), 1, D(2023, 2, 28)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + a year
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2024, 11, 15), 3, D(2025, 2, 15)),
    (D(2024, 3, 31), -1, D(2024, 2, 29)),
])
def test_add_months(start, months, expected):
    assert rules.add_months(start, months) == expected


def test_next_review_from_last_review_else_adoption():
    assert rules.next_review(adopted_on=D(2024, 1, 31), last_reviewed_on=None, interval_months=1) == D(2024, 2, 29)
    assert rules.next_review(adopted_on=D(2020, 1, 1), last_reviewed_on=D(2024, 2, 29),
                             interval_months=12) == D(2025, 2, 28)
    assert rules.next_review(adopted_on=None, last_reviewed_on=None, interval_months=12) is None


def test_months_between_and_overdue_text():
    assert rules.months_between(D(2024, 1, 31), D(2024, 2, 28)) == 0
    assert rules.months_between(D(2024, 1, 31), D(2024, 2, 29)) == 1
    assert rules.overdue_text(D(2008, 4, 24), D(2026, 7, 30)) == "18 years 3 months"
    assert rules.overdue_text(D(2026, 1, 1), D(2026, 1, 13)) == "12 days"
    assert rules.overdue_text(D(2025, 1, 1), D(2026, 1, 1)) == "1 year"


def test_overdue_only_in_force_and_past_next_review():
    today = D(2026, 6, 1)
    doc = GoverningDocument(status=DocumentStatus.IN_FORCE, next_review=D(2026, 5, 31))
    assert doc.is_overdue(today)
    doc.next_review = today
    assert not doc.is_overdue(today)
    doc.next_review, doc.status = D(2020, 1, 1), DocumentStatus.REPEALED
    assert not doc.is_overdue(today)
    doc.status = DocumentStatus.DRAFT
    assert not doc.is_overdue(today)
