"""The findings engine: evaluation through the organisation's own reading, grouping by theme, and
the history of when each finding appeared and went."""

import datetime

import pytest

from actions.models import ActionStatus
from audits import engine
from audits.models import FindingRecord
from core.findings import LONG, MEDIUM, SHORT, THEMES, THEMES_BY_KEY, Evidence, Rule

pytestmark = pytest.mark.django_db


def _keys(groups):
    return {g.key: sorted(e.key for e in g.evidence) for g in groups}


def test_an_organisation_without_data_has_no_findings(org_a, today):
    assert engine.evaluate(org_a, today=today) == []


def test_overdue_actions_are_one_observation_with_their_records(org_a, overdue, today):
    late = overdue("Uppdatera kontinuitetsplanen", days=20)
    also = overdue("Genomför behörighetsgenomgång", days=3)
    overdue("Inte försenad", days=-5)  # due in five days

    groups = engine.evaluate(org_a, today=today)

    assert [g.key for g in groups] == ["action_follow_up"]
    group = groups[0]
    assert group.priority == MEDIUM
    assert str(group.title) == str(THEMES_BY_KEY["action_follow_up"].title)
    assert [e.key for e in group.evidence] == [f"actions.action:{late.pk}", f"actions.action:{also.pk}"]
    assert group.evidence[0].url == late.get_absolute_url()
    assert "Uppdatera kontinuitetsplanen" in group.evidence[0].label
    assert len(group.recommendations) == 1
    assert group.citations and "ISO/IEC 27001:2022" in group.citations[0]


def test_rules_read_only_the_organisations_own_data(org_a, org_b, overdue, today):
    overdue("Kommun B:s försenade åtgärd", org=org_b)
    assert engine.evaluate(org_a, today=today) == []
    assert [g.key for g in engine.evaluate(org_b, today=today)] == ["action_follow_up"]


def test_a_finished_action_is_no_longer_a_finding(org_a, overdue, today):
    action = overdue("Uppdatera kontinuitetsplanen")
    action.status = ActionStatus.DONE
    action.save()
    assert engine.evaluate(org_a, today=today) == []


def test_the_history_records_when_a_finding_appeared_and_went(org_a, overdue, today):
    first = overdue("Uppdatera kontinuitetsplanen")
    second = overdue("Genomför behörighetsgenomgång")

    changes = engine.record(org_a, engine.evaluate(org_a, today=today), today=today)
    assert (changes.appeared, changes.resolved) == (2, 0)
    rows = {r.evidence_key: r for r in FindingRecord.objects.filter(organisation=org_a)}
    assert set(rows) == {f"actions.action:{first.pk}", f"actions.action:{second.pk}"}
    assert all(r.first_seen == today and r.last_seen == today and r.resolved_on is None for r in rows.values())
    assert all(r.rule == "actions.overdue" and r.theme == "action_follow_up" for r in rows.values())

    # Nothing changed: nothing appears, nothing is written.
    later = today + datetime.timedelta(days=1)
    assert engine.record(org_a, engine.evaluate(org_a, today=later), today=later) == engine.Changes(0, 0)
    assert FindingRecord.objects.get(evidence_key=f"actions.action:{first.pk}").last_seen == today

    # Fixing one cause resolves only its own finding.
    first.status = ActionStatus.DONE
    first.save()
    fixed = today + datetime.timedelta(days=2)
    assert engine.record(org_a, engine.evaluate(org_a, today=fixed), today=fixed) == engine.Changes(0, 1)
    gone = FindingRecord.objects.get(evidence_key=f"actions.action:{first.pk}")
    kept = FindingRecord.objects.get(evidence_key=f"actions.action:{second.pk}")
    assert (gone.first_seen, gone.resolved_on) == (today, fixed)
    assert kept.resolved_on is None

    # A cause that comes back reopens its finding (one row per record, its first appearance kept).
    first.status = ActionStatus.OPEN
    first.save()
    back = today + datetime.timedelta(days=3)
    assert engine.record(org_a, engine.evaluate(org_a, today=back), today=back) == engine.Changes(1, 0)
    gone.refresh_from_db()
    assert (gone.first_seen, gone.last_seen, gone.resolved_on) == (today, back, None)
    assert FindingRecord.objects.filter(organisation=org_a).count() == 2


def test_the_nightly_run_moves_last_seen(org_a, overdue, today):
    action = overdue("Uppdatera kontinuitetsplanen")
    engine.evaluate_and_record(org_a, today=today)
    later = today + datetime.timedelta(days=5)
    engine.evaluate_and_record(org_a, today=later, touch=True)
    row = FindingRecord.objects.get(evidence_key=f"actions.action:{action.pk}")
    assert (row.first_seen, row.last_seen) == (today, later)


def test_the_history_of_one_organisation_leaves_the_others_alone(org_a, org_b, overdue, today):
    overdue("Kommun B:s försenade åtgärd", org=org_b)
    engine.evaluate_and_record(org_b, today=today)
    engine.evaluate_and_record(org_a, today=today + datetime.timedelta(days=1))
    assert FindingRecord.objects.get(organisation=org_b).resolved_on is None
    assert not FindingRecord.objects.filter(organisation=org_a).exists()


def _rule(key, theme, priority, recommendation="Gör något."):
    return Rule(key=key, theme=theme, title=key, citation="ISO/IEC 27001:2022 A.5.1", priority=priority,
                recommendation=recommendation,
                check=lambda tenant, *, today: [Evidence(key=f"x:{key}", label=key, url="/")])


def test_a_theme_takes_the_most_urgent_priority_of_its_rules_and_each_recommendation_once():
    theme = THEMES_BY_KEY["incident_evaluation"]
    assert theme.priority == LONG
    group = engine.ThemeGroup(theme)
    assert group.priority == LONG
    group.findings.append(engine.Finding(_rule("a", theme.key, LONG), [Evidence("x:a", "a", "/")]))
    group.findings.append(engine.Finding(_rule("b", theme.key, MEDIUM), [Evidence("x:b", "b", "/")]))
    assert group.priority == MEDIUM
    group.findings.append(engine.Finding(_rule("c", theme.key, SHORT, "Annat."), [Evidence("x:c", "c", "/")]))
    assert group.priority == SHORT
    assert group.recommendations == ["Gör något.", "Annat."]
    assert [e.key for e in group.evidence] == ["x:a", "x:b", "x:c"]


def test_groups_come_in_the_reports_order_of_themes(org_a, monkeypatch, today):
    keys = [t.key for t in THEMES]
    rules = [_rule("late", keys[4], LONG), _rule("early", keys[0], SHORT), _rule("middle", keys[2], MEDIUM)]
    monkeypatch.setattr(engine, "all_rules", lambda: rules)
    assert [g.key for g in engine.evaluate(org_a, today=today)] == [keys[0], keys[2], keys[4]]


def test_every_installed_rule_names_a_known_theme_a_priority_and_its_source():
    for rule in engine.all_rules():
        assert rule.theme in THEMES_BY_KEY, rule.key
        assert rule.priority in (SHORT, MEDIUM, LONG), rule.key
        assert str(rule.citation).strip() and str(rule.recommendation).strip(), rule.key
    assert {"suppliers", "actions", "policies"} <= {r.key.split(".")[0] for r in engine.all_rules()}
