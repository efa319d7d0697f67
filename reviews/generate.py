"""Generated management reviews for benchmarks (`manage.py generate_data`): per municipality one adopted
review for each of the last two years and, for about half, this year's planned one.

The adopted reviews carry a generated snapshot in the shape reviews.inputs writes (random figures,
no lists), since gathering runs the findings engine once per organisation and review."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from core.findings import PRIORITIES
from demo.generated import insert
from kpis.models import Verdict
from organisations.models import Membership
from organisations.roles import Role
from reviews import inputs
from reviews.models import ManagementReview, ReviewStatus
from risk.rules import Level


def _snapshot(rng: random.Random, start: datetime.date, end: datetime.date, gathered: datetime.date) -> dict:
    n = rng.randint
    return {
        "schema": inputs.SCHEMA, "gathered_on": gathered.isoformat(),
        "period": {"start": start.isoformat(), "end": end.isoformat()}, "sections": list(inputs.SECTIONS),
        "previous": {"items": [], "total": 0, "done": 0, "open": 0},
        "changes": {"deployed": n(0, 40), "deployed_list": [], "new_systems": n(0, 20), "new_systems_list": [],
                    "retired_systems": n(0, 8), "retired_systems_list": []},
        "actions": {"open": n(5, 80), "overdue": n(0, 20), "created_in_period": n(5, 60), "done_in_period": n(5, 60),
                    "overdue_list": []},
        "kpis": {"verdicts": {v: n(0, 12) for v in Verdict.values}, "missing": n(0, 6), "missing_list": []},
        "audits": {"audits": [], "audit_count": n(0, 2), "observations": {p: n(0, 4) for p in PRIORITIES},
                   "findings": [], "findings_total": n(0, 30)},
        "risks": {"by_level": {v: n(0, 30) for v in Level.values}, "open": n(10, 120), "accepted": n(0, 15),
                  "unassessed": n(0, 10), "review_overdue": n(0, 10), "overdue_treatments": n(0, 15),
                  "treatment_list": []},
        "incidents": {"total": n(0, 25), "significant": n(0, 2), "breaches": n(0, 3), "closed_without_review": n(0, 4),
                      "by_severity": [], "list": []},
        "documents": {"count": n(0, 6), "list": []},
    }


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    """Bulk-create the reviews of the generated municipalities (scale does not change the count)."""
    counts: dict[str, int] = {}
    orgs = list(organisations)
    if not orgs:
        return counts
    coordinators = dict(Membership.objects.filter(organisation__in=orgs, role=Role.COORDINATOR)
                        .values_list("organisation_id", "user_id"))
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    reviews = []
    for org in orgs:
        chair = coordinators.get(org.pk)
        for years_ago in (2, 1):
            year = today.year - years_ago
            held = datetime.date(year, 11, rng.randint(5, 25))
            start, end = datetime.date(year, 1, 1), datetime.date(year, 10, 31)
            gathered = datetime.datetime.combine(held - datetime.timedelta(days=7), datetime.time(9), tzinfo=tz)
            closed = datetime.datetime.combine(held + datetime.timedelta(days=3), datetime.time(14), tzinfo=tz)
            reviews.append(ManagementReview(
                organisation=org, title=f"Ledningens genomgång {year}", held_on=held, period_start=start,
                period_end=end, chair_id=chair, status=ReviewStatus.CLOSED,
                inputs=_snapshot(rng, start, end, held - datetime.timedelta(days=7)),
                gathered_at=gathered, gathered_by_id=chair, closed_at=closed, closed_by_id=chair,
                other_participants="Kommundirektör\nIT-chef"))
        if rng.random() < 0.5:
            reviews.append(ManagementReview(
                organisation=org, title=f"Ledningens genomgång {today.year}", held_on=today + datetime.timedelta(
                    days=rng.randint(7, 60)), period_start=datetime.date(today.year - 1, 11, 1), period_end=today,
                chair_id=chair, status=ReviewStatus.PLANNED))
    with transaction.atomic():
        insert(ManagementReview, reviews, counts)
    return counts
