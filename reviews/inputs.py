"""The inputs of a management review as ISO/IEC 27001:2022 9.3.2 lists them, gathered by Tillit.

`gather` reads every module through the tenant (its scope, its own responses, the modules'
selectors) for the review's period and returns plain JSON data: the snapshot the review keeps
(services.review_gather). Figures are counted by the database; lists are capped at LIST_LIMIT
rows with their full count beside them, so the number of queries is the same whatever the data.
Texts are stored as keys and values (status "done", level "high") and given words when shown
(reviews.presentation), so the record reads in the member's language.

9.3.2 a) previous decisions; b) changes (deployed changes, new and retired systems); d) feedback
on performance: nonconformities and corrective actions (the action plan), monitoring and
measurement (KPI verdicts, periods not delivered), audit results (audits, observations,
automatic findings); f) risk assessment and treatment; plus incidents and governing documents
past review. c), e), g) and the objectives are the coordinator's own text on the review.
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.tenancy import Tenant

SCHEMA = 1
LIST_LIMIT = 25
SECTIONS = ("previous", "changes", "actions", "kpis", "audits", "risks", "incidents", "documents")


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes: from the first day's midnight to the midnight after the last."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


def _day(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _person(user) -> str:
    return (user.full_name or user.email) if user is not None else ""


def gather(*, tenant: Tenant, review, today: datetime.date) -> dict:
    """Everything Tillit knows for the review's period, as JSON data (a constant number of queries)."""
    start, end = review.period_start, review.period_end
    since, until = _bounds(start, end)
    return {
        "schema": SCHEMA,
        "gathered_on": today.isoformat(),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "sections": list(SECTIONS),
        "previous": previous_decisions(tenant=tenant, review=review),
        "changes": changes(tenant=tenant, since=since, until=until),
        "actions": actions(tenant=tenant, since=since, until=until, today=today),
        "kpis": kpis(tenant=tenant, start=start, end=end, since=since, until=until, today=today),
        "audits": audits(tenant=tenant, start=start, end=end, today=today),
        "risks": risks(tenant=tenant, today=today),
        "incidents": incidents(tenant=tenant, since=since, until=until),
        "documents": documents(tenant=tenant, today=today),
    }


def previous_decisions(*, tenant: Tenant, review) -> dict:
    """a) The decisions of earlier reviews: all of the latest one's, and those of older ones still open (1 query)."""
    from actions.models import OPEN_STATUSES
    from reviews.models import ReviewDecision

    qs = (tenant.scope(ReviewDecision).filter(review__held_on__lte=review.held_on).exclude(review_id=review.pk)
          .select_related("review", "owner", "action").order_by("-review__held_on", "-review_id", "number", "pk"))
    rows = list(qs[:500])
    latest = rows[0].review_id if rows else None
    items = []
    for d in rows:
        status = d.action.status if d.action_id else "removed"
        if d.review_id != latest and status not in OPEN_STATUSES:
            continue
        items.append({"review": d.review.title, "review_url": d.review.get_absolute_url(),
                      "held_on": _day(d.review.held_on), "number": d.number, "text": d.text,
                      "owner": _person(d.owner), "due_date": _day(d.due_date), "status": status,
                      "action_url": d.action.get_absolute_url() if d.action_id else "",
                      "overdue": bool(status in OPEN_STATUSES and d.due_date and d.due_date < review.held_on)})
    return {"items": items, "total": len(items), "done": sum(1 for i in items if i["status"] == "done"),
            "open": sum(1 for i in items if i["status"] in OPEN_STATUSES)}


def changes(*, tenant: Tenant, since, until) -> dict:
    """b) Changes deployed in the period; systems registered and systems retired or archived (6 queries)."""
    from changes.models import Change
    from inventory.models import Lifecycle, System

    deployed = tenant.scope(Change).filter(deployed_at__gte=since, deployed_at__lt=until)
    rows = deployed.select_related("organisation").order_by("deployed_at", "pk")[:LIST_LIMIT]
    systems = tenant.scope(System)
    new = systems.filter(created_at__gte=since, created_at__lt=until)
    retired = systems.filter(Q(archived_at__gte=since, archived_at__lt=until)
                             | Q(lifecycle=Lifecycle.RETIRED, updated_at__gte=since, updated_at__lt=until))

    def listed(qs):
        return [{"name": s.name, "url": reverse("inventory:system_detail", args=[s.pk])}
                for s in qs.order_by("name", "pk").only("pk", "name")[:LIST_LIMIT]]

    return {
        "deployed": deployed.count(),
        "deployed_list": [{"title": c.title, "url": c.get_absolute_url(), "date": _day(c.deployed_at),
                           "by": c.organisation.name, "status": c.status, "duties_separated": c.duties_separated}
                          for c in rows],
        "new_systems": new.count(), "new_systems_list": listed(new),
        "retired_systems": retired.count(), "retired_systems_list": listed(retired),
    }


def actions(*, tenant: Tenant, since, until, today: datetime.date) -> dict:
    """d) Nonconformities and corrective actions: the action plan's open, overdue and finished actions (2 queries)."""
    from actions.models import OPEN_STATUSES, Action, ActionStatus

    plan = tenant.scope(Action)
    overdue = Q(status__in=OPEN_STATUSES, due_date__lt=today)
    figures = plan.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue),
        created_in_period=Count("pk", filter=Q(created_at__gte=since, created_at__lt=until)),
        done_in_period=Count("pk", filter=Q(status=ActionStatus.DONE, completed_at__gte=since, completed_at__lt=until)),
    )
    rows = plan.filter(overdue).select_related("owner").order_by("due_date", "pk")[:LIST_LIMIT]
    figures["overdue_list"] = [{"title": a.title, "url": a.get_absolute_url(), "due_date": _day(a.due_date),
                                "owner": _person(a.owner), "source": a.source_label} for a in rows]
    return figures


def kpis(*, tenant: Tenant, start, end, since, until, today: datetime.date) -> dict:
    """d) Monitoring and measurement: the organisation's verdicts on KPI reports in the period and the
    periods not delivered (at most 5 queries)."""
    from kpis import selectors
    from kpis.models import KpiDefinition, KpiVerdict, Verdict
    from organisations.models import Organisation

    verdicts = dict(tenant.my_responses(KpiVerdict).filter(decided_at__gte=since, decided_at__lt=until)
                    .values_list("verdict").annotate(n=Count("pk")).order_by())
    from django.db.models import Prefetch

    definitions = list(tenant.addressed_to_me(KpiDefinition).filter(active=True).select_related("organisation")
                       .prefetch_related(Prefetch("shared_with", queryset=Organisation.objects.only("pk", "name"))))
    me = tenant.membership.organisation_id
    missing = [m for m in selectors.missing(definitions=definitions, today=today, customer_ids={me})
               if m.overdue and start <= m.period_start <= end]
    return {
        "verdicts": {v: verdicts.get(v, 0) for v in Verdict.values},
        "missing": len(missing),
        "missing_list": [{"kpi": m.definition.name, "service": m.definition.service,
                          "supplier": m.definition.organisation.name, "period": m.label, "due": _day(m.due),
                          "url": m.definition.get_absolute_url()} for m in missing[:LIST_LIMIT]],
    }


def audits(*, tenant: Tenant, start, end, today: datetime.date) -> dict:
    """d) Audit results: audits of the period, their observations by priority, and the automatic findings now.

    The findings engine reads the organisation as its reading members do (a fixed number of
    queries per rule, benchmarked in bench/)."""
    from audits import engine
    from audits.models import Audit, Observation
    from core.findings import PRIORITIES

    in_period = tenant.scope(Audit).filter(Q(period_start__lte=end, period_end__gte=start)
                                           | Q(period_start__isnull=True, report_date__gte=start, report_date__lte=end)
                                           | Q(period_end__isnull=True, period_start__gte=start, period_start__lte=end))
    rows = in_period.annotate(n=Count("observations")).order_by("period_start", "pk")[:LIST_LIMIT]
    by_priority = dict(tenant.scope(Observation).filter(audit__in=in_period.values("pk"))
                       .values_list("priority").annotate(n=Count("pk")).order_by())
    groups = engine.evaluate(tenant.organisation, today=today)
    return {
        "audits": [{"title": a.title, "url": a.get_absolute_url(), "status": a.status, "kind": a.kind,
                    "observations": a.n} for a in rows],
        "audit_count": in_period.count(),
        "observations": {p: by_priority.get(p, 0) for p in PRIORITIES},
        "findings": [{"theme": g.key, "title": str(g.title), "priority": g.priority,
                      "count": sum(len(f.evidence) for f in g.findings)} for g in groups],
        "findings_total": sum(len(f.evidence) for g in groups for f in g.findings),
    }


def risks(*, tenant: Tenant, today: datetime.date) -> dict:
    """f) Risk assessment and treatment: open risks by residual level, accepted risks, overdue treatments (5 queries)."""
    from actions.models import OPEN_STATUSES
    from risk import rules
    from risk.models import Risk, RiskStatus, Treatment
    from risk.selectors import matrix_for, risk_overview

    matrix = matrix_for(tenant)
    by_level = {level: 0 for level in rules.Level.values}
    for likelihood, consequence, n in (tenant.scope(Risk).exclude(status=RiskStatus.CLOSED)
                                       .filter(residual_likelihood__isnull=False, residual_consequence__isnull=False)
                                       .values_list("residual_likelihood", "residual_consequence")
                                       .annotate(n=Count("pk")).order_by()):
        level = matrix.level(likelihood, consequence)
        if level:
            by_level[level] += n
    overview = risk_overview(tenant=tenant)
    late = tenant.scope(Treatment).filter(status__in=OPEN_STATUSES, due_date__lt=today)
    rows = late.select_related("risk").order_by("due_date", "pk")[:LIST_LIMIT]
    return {
        "by_level": by_level, "open": overview["open"], "accepted": overview["accepted"],
        "unassessed": overview["unassessed"], "review_overdue": overview["review_overdue"],
        "overdue_treatments": late.count(),
        "treatment_list": [{"title": t.description[:200], "risk": t.risk.title, "url": t.get_absolute_url(),
                            "due_date": _day(t.due_date)} for t in rows],
    }


def incidents(*, tenant: Tenant, since, until) -> dict:
    """Incidents of the period: the organisation's own cases by severity, significant ones, breaches,
    those closed without the required review (4 queries)."""
    from incidents.models import IncidentCase, Severity

    cases = tenant.my_responses(IncidentCase).filter(aware_at__gte=since, aware_at__lt=until)
    figures = cases.aggregate(total=Count("pk"), significant=Count("pk", filter=Q(significant=True)),
                              breaches=Count("pk", filter=Q(breach=True)),
                              closed_without_review=Count("pk", filter=Q(closed_without_review=True)))
    counts = dict(cases.values_list("severity").annotate(n=Count("pk")).order_by())
    severities = {s.pk: s for s in tenant.scope(Severity).filter(pk__in=[k for k in counts if k is not None])}
    by_severity = sorted(
        ({"rank": severities[k].rank, "name": severities[k].name, "count": n} for k, n in counts.items() if k in severities),
        key=lambda s: -s["rank"])
    if counts.get(None):
        by_severity.append({"rank": 0, "name": "", "count": counts[None]})
    notable = (cases.filter(Q(significant=True) | Q(breach=True) | Q(closed_without_review=True))
               .select_related("incident", "severity").order_by("aware_at", "pk")[:LIST_LIMIT])
    figures["by_severity"] = by_severity
    figures["list"] = [{"title": str(c.incident), "url": c.get_absolute_url(), "date": _day(c.aware_at),
                        "severity": {"rank": c.severity.rank, "name": c.severity.name} if c.severity_id else None,
                        "significant": bool(c.significant), "breach": bool(c.breach),
                        "closed_without_review": c.closed_without_review} for c in notable]
    return figures


def documents(*, tenant: Tenant, today: datetime.date) -> dict:
    """Governing documents in force past their review (policies.selectors.past_review; 2 queries)."""
    from policies import selectors

    late = selectors.past_review(tenant=tenant, today=today)
    return {"count": late.count(),
            "list": [{"title": d.title, "url": d.get_absolute_url(), "kind": d.kind, "next_review": _day(d.next_review),
                      "owner": _person(d.owner)} for d in late[:LIST_LIMIT]]}
