"""The review's services: gathering the inputs from every module, decisions into the plan, adopting, bad input."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actions.models import Action, ActionStatus
from actions.services import action_update
from changes.models import Change
from incidents.models import Incident, IncidentCase, Severity
from policies.models import DocumentStatus, GoverningDocument
from reviews import services
from reviews.models import ManagementReview, ReviewDecision, ReviewStatus
from risk.models import Risk, RiskStatus, Treatment
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def records(org_a, org_b, supplier_org, today):
    """Kommun A's records in and out of the period, and Kommun B's, which no input may count."""
    for org in (org_a, org_b):
        Action(organisation=org, title="Försenad åtgärd", due_date=today - 10 * DAY).save()
        done = Action(organisation=org, title="Klar åtgärd", status=ActionStatus.DONE)
        done.completed_at = _at(today - 30 * DAY)
        done.save()
        GoverningDocument(organisation=org, kind="policy", title="Informationssäkerhetspolicy 2006",
                          status=DocumentStatus.IN_FORCE, adopted_on=datetime.date(2006, 3, 1),
                          next_review=datetime.date(2008, 3, 1)).save()
        risk = Risk(organisation=org, title="Utpressningsvirus", residual_likelihood=4, residual_consequence=4,
                    status=RiskStatus.ASSESSED)
        risk.save()
        Treatment(organisation=org, risk=risk, description="Säkerhetskopior offline", due_date=today - 5 * DAY).save()
        Risk(organisation=org, title="Accepterad risk", residual_likelihood=1, residual_consequence=1,
             status=RiskStatus.ACCEPTED).save()
    # Deployed changes: one addressed to A inside the period, one long before, one to nobody.
    for title, day, addressed in (("Uppgradering av e-post", today - 20 * DAY, True),
                                  ("Gammal ändring", today - 800 * DAY, True),
                                  ("Annans ändring", today - 20 * DAY, False)):
        change = Change(organisation=supplier_org, title=title, description="–", deployed_at=_at(day),
                        status="deployed")
        change.save()
        if addressed:
            change.shared_with.add(org_a)
    SystemFactory(organisation=org_a, name="Nytt e-arkiv")
    severity = Severity.objects.filter(organisation__isnull=True).order_by("-rank").first() or Severity.objects.create(
        rank=4, name="Kritisk")
    incident = Incident(organisation=org_a, reference="INC-1", title="Nätfiske mot ekonomi", description="–",
                        detected_at=_at(today - 40 * DAY))
    incident.save()
    IncidentCase(organisation=org_a, incident=incident, aware_at=_at(today - 40 * DAY), severity=severity,
                 significant=True, breach=True).save()
    return severity


def test_gather_counts_the_period_of_the_organisation_only(tenant_a, review_a, records, today):
    review = services.review_gather(tenant=tenant_a, review=review_a)
    data = review.inputs
    assert review.has_inputs and review.gathered_by == tenant_a.user
    assert data["period"] == {"start": review_a.period_start.isoformat(), "end": today.isoformat()}
    assert data["actions"]["open"] == 1 and data["actions"]["overdue"] == 1 and data["actions"]["done_in_period"] == 1
    assert [a["title"] for a in data["actions"]["overdue_list"]] == ["Försenad åtgärd"]
    assert data["changes"]["deployed"] == 1
    assert [c["title"] for c in data["changes"]["deployed_list"]] == ["Uppgradering av e-post"]
    assert data["changes"]["new_systems"] == 1 and data["changes"]["new_systems_list"][0]["name"] == "Nytt e-arkiv"
    assert data["risks"]["by_level"] == {"low": 1, "medium": 0, "high": 0, "very_high": 1}
    assert data["risks"]["accepted"] == 1 and data["risks"]["overdue_treatments"] == 1
    assert data["incidents"]["total"] == 1 and data["incidents"]["significant"] == 1 and data["incidents"]["breaches"] == 1
    assert data["incidents"]["by_severity"] == [{"rank": records.rank, "name": records.name, "count": 1}]
    assert data["documents"]["count"] == 1
    assert data["documents"]["list"][0]["title"] == "Informationssäkerhetspolicy 2006"
    # The automatic findings see the overdue action and the document past review.
    assert data["audits"]["findings_total"] >= 2


def test_gathering_again_replaces_the_snapshot_until_adopted(tenant_a, review_a, org_a, today):
    first = services.review_gather(tenant=tenant_a, review=review_a).inputs
    assert first["actions"]["open"] == 0
    Action(organisation=org_a, title="Ny åtgärd", due_date=today + DAY).save()
    second = services.review_gather(tenant=tenant_a, review=review_a).inputs
    assert second["actions"]["open"] == 1
    services.review_close(tenant=tenant_a, review=review_a)
    Action(organisation=org_a, title="Ännu en", due_date=today + DAY).save()
    with pytest.raises(ValidationError) as exc:
        services.review_gather(tenant=tenant_a, review=review_a)
    assert exc.value.messages == [str(services.CLOSED_REFUSED)]
    assert ManagementReview.objects.get(pk=review_a.pk).inputs["actions"]["open"] == 1


def test_a_decision_becomes_an_action_linked_back_and_the_next_review_lists_its_status(tenant_a, review_a, today):
    decision = services.decision_add(tenant=tenant_a, review=review_a, text="Revidera policyn.", owner=tenant_a.user,
                                     due_date=today + 30 * DAY)
    action = Action.objects.get(pk=decision.action_id)
    assert (action.title, action.owner, action.due_date, action.status) == (
        "Revidera policyn.", tenant_a.user, today + 30 * DAY, ActionStatus.OPEN)
    assert action.source == decision
    assert action.source_label == "Management review: Ledningens genomgång / Decision 1"
    second = services.decision_add(tenant=tenant_a, review=review_a, text="Öva kontinuitet.", owner=tenant_a.user,
                                   due_date=today + 60 * DAY)
    assert second.number == 2
    services.review_gather(tenant=tenant_a, review=review_a)
    services.review_close(tenant=tenant_a, review=review_a)
    action_update(tenant=tenant_a, action=action, data={"status": ActionStatus.DONE})
    following = services.review_save(tenant=tenant_a, review=None, data={
        "title": "Nästa genomgång", "held_on": today + DAY, "period_start": today, "period_end": today + DAY})
    previous = services.review_gather(tenant=tenant_a, review=following).inputs["previous"]
    assert [(i["number"], i["status"]) for i in previous["items"]] == [(1, "done"), (2, "open")]
    assert (previous["total"], previous["done"], previous["open"]) == (2, 1, 1)


@pytest.mark.parametrize("owner_case, due_case, field", [("none", "set", "owner"), ("set", "none", "due_date")])
def test_a_decision_without_owner_or_due_date_is_refused_and_nothing_is_saved(tenant_a, review_a, today, owner_case,
                                                                               due_case, field):
    with pytest.raises(ValidationError) as exc:
        services.decision_add(tenant=tenant_a, review=review_a, text="Beslut.",
                              owner=tenant_a.user if owner_case == "set" else None,
                              due_date=today if due_case == "set" else None)
    assert list(exc.value.message_dict) == [field]
    assert not ReviewDecision.objects.exists() and not Action.objects.exists()


def test_an_owner_from_another_organisation_is_refused(tenant_a, review_a, org_b, member, today):
    outsider = member(org_b, "coordinator")
    with pytest.raises(ValidationError) as exc:
        services.decision_add(tenant=tenant_a, review=review_a, text="Beslut.", owner=outsider, due_date=today)
    assert exc.value.message_dict == {"owner": [str(services.OWNER_NOT_MEMBER)]}
    assert not Action.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(tenant_a, today):
    with pytest.raises(ValidationError) as exc:
        services.review_save(tenant=tenant_a, review=None, data={
            "title": "Fel period", "held_on": today, "period_start": today, "period_end": today - DAY})
    assert exc.value.message_dict == {"period_end": [str(services.PERIOD_ORDER)]}
    assert not ManagementReview.objects.exists()


def test_adopting_needs_gathered_inputs(tenant_a, review_a):
    with pytest.raises(ValidationError) as exc:
        services.review_close(tenant=tenant_a, review=review_a)
    assert exc.value.messages == [str(services.NO_INPUTS)]
    assert ManagementReview.objects.get(pk=review_a.pk).status == ReviewStatus.HELD


def test_adopting_freezes_the_review_with_who_and_when(tenant_a, review_a, today):
    services.review_gather(tenant=tenant_a, review=review_a)
    closed = services.review_close(tenant=tenant_a, review=review_a)
    assert closed.status == ReviewStatus.CLOSED and closed.closed_by == tenant_a.user and closed.closed_at is not None
    for attempt in (
        lambda: services.review_save(tenant=tenant_a, review=review_a, data={"title": "Ändrad"}),
        lambda: services.decision_add(tenant=tenant_a, review=review_a, text="Sent beslut.", owner=tenant_a.user,
                                      due_date=today),
        lambda: services.review_close(tenant=tenant_a, review=review_a),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.messages == [str(services.CLOSED_REFUSED)]
    assert ManagementReview.objects.get(pk=review_a.pk).title == "Ledningens genomgång"
    assert not ReviewDecision.objects.exists()


def test_a_review_cannot_be_adopted_before_it_is_held(tenant_a, today):
    review = services.review_save(tenant=tenant_a, review=None, data={
        "title": "Kommande", "held_on": today + DAY, "period_start": today - DAY, "period_end": today})
    services.review_gather(tenant=tenant_a, review=review)
    with pytest.raises(ValidationError):
        services.review_close(tenant=tenant_a, review=review)
    assert ManagementReview.objects.get(pk=review.pk).status == ReviewStatus.PLANNED


def test_only_those_who_hold_the_review_write_it(org_a, as_member, review_a, today):
    _user, owner_tenant = as_member(org_a, "system_owner")
    with pytest.raises(PermissionDenied):
        services.review_gather(tenant=owner_tenant, review=review_a)
    with pytest.raises(PermissionDenied):
        services.decision_add(tenant=owner_tenant, review=review_a, text="X", owner=owner_tenant.user, due_date=today)
    assert not ManagementReview.objects.get(pk=review_a.pk).gathered_at


def test_the_status_adopted_is_not_set_by_saving(tenant_a, review_a):
    with pytest.raises(ValidationError) as exc:
        services.review_save(tenant=tenant_a, review=review_a, data={"status": "closed"})
    assert list(exc.value.message_dict) == ["status"]
    assert ManagementReview.objects.get(pk=review_a.pk).status == ReviewStatus.HELD
