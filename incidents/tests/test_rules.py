"""The legal clocks at their edges: daylight saving, month ends, leap years, weekends."""

import datetime

import pytest

from incidents import rules

UTC = datetime.timezone.utc
SE = rules.STOCKHOLM


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SE)


def facts(aware, **kw):
    return rules.Facts(aware_at=aware, significant=kw.pop("significant", True), breach=kw.pop("breach", False),
                       breach_notifiable=kw.pop("breach_notifiable", None), **kw)


def by_stage(clocks):
    return {c.stage.key: c for c in clocks}


def test_24_hours_across_spring_forward_is_elapsed_time():
    # 28 March 2026 10:00 CET; the clocks go forward on the night to Sunday 29 March.
    aware = local(2026, 3, 28, 10, 0)
    due = rules.add_hours(aware, 24)
    assert due - aware == datetime.timedelta(hours=24)
    assert due.astimezone(SE).replace(tzinfo=None) == datetime.datetime(2026, 3, 29, 11, 0)


def test_24_hours_across_fall_back_shows_an_hour_earlier_by_the_clock():
    aware = local(2026, 10, 24, 22, 30)  # the night before 25 October, when summer time ends
    due = rules.add_hours(aware, 24)
    assert due.astimezone(SE).replace(tzinfo=None) == datetime.datetime(2026, 10, 25, 21, 30)


def test_72_hours_over_a_weekend_count_the_weekend():
    aware = local(2026, 12, 4, 16, 0)  # a Friday
    clocks = by_stage(rules.clocks(facts(aware), aware))
    assert clocks["notification"].due.astimezone(SE).replace(tzinfo=None) == datetime.datetime(2026, 12, 7, 16, 0)
    assert clocks["early_warning"].due.astimezone(SE).weekday() == 5  # Saturday


@pytest.mark.parametrize("sent, expected", [
    (local(2026, 1, 31, 9, 15), datetime.datetime(2026, 2, 28, 9, 15)),
    (local(2028, 1, 31, 9, 15), datetime.datetime(2028, 2, 29, 9, 15)),  # leap year
    (local(2026, 12, 15, 8, 0), datetime.datetime(2027, 1, 15, 8, 0)),  # over the year end
    (local(2026, 3, 10, 14, 0), datetime.datetime(2026, 4, 10, 14, 0)),  # across spring forward: same local time
    (local(2026, 10, 20, 14, 0), datetime.datetime(2026, 11, 20, 14, 0)),
], ids=["month_end", "leap_day", "year_end", "spring_dst", "autumn_dst"])
def test_one_month_is_a_calendar_month_in_swedish_time(sent, expected):
    assert rules.add_month(sent).astimezone(SE).replace(tzinfo=None) == expected


def test_final_report_counts_from_the_notification_actually_submitted():
    aware = local(2026, 1, 29, 12, 0)
    sent = local(2026, 1, 31, 10, 0)
    f = facts(aware, submitted={"early_warning": aware, "notification": sent},
              handling_ended_at=local(2026, 2, 10, 0, 0))
    clocks = by_stage(rules.clocks(f, sent))
    assert clocks["final"].due.astimezone(SE).replace(tzinfo=None) == datetime.datetime(2026, 2, 28, 10, 0)
    assert "progress" not in clocks


def test_still_handling_a_month_later_needs_a_progress_report_and_a_final_one_after_handling_ends():
    aware = local(2026, 5, 4, 12, 0)
    sent = local(2026, 5, 6, 12, 0)
    f = facts(aware, submitted={"early_warning": aware, "notification": sent})
    clocks = by_stage(rules.clocks(f, sent))
    assert clocks["progress"].due.astimezone(SE).replace(tzinfo=None) == datetime.datetime(2026, 6, 6, 12, 0)
    assert clocks["final"].due is None and clocks["final"].state == rules.WAITING
    ended = rules.Facts(**{**f.__dict__, "handling_ended_at": local(2026, 7, 1, 9, 0)})
    later = by_stage(rules.clocks(ended, sent))
    assert later["final"].due.astimezone(SE).replace(tzinfo=None) == datetime.datetime(2026, 8, 1, 9, 0)


def test_states_running_soon_overdue_met_late():
    aware = local(2026, 6, 1, 8, 0)
    f = facts(aware)
    assert by_stage(rules.clocks(f, aware))["notification"].state == rules.OPEN
    assert by_stage(rules.clocks(f, aware))["early_warning"].state == rules.SOON_DUE
    assert by_stage(rules.clocks(f, rules.add_hours(aware, 25)))["early_warning"].state == rules.OVERDUE
    sub = facts(aware, submitted={"early_warning": rules.add_hours(aware, 23), "notification": rules.add_hours(aware, 73)})
    clocks = by_stage(rules.clocks(sub, rules.add_hours(aware, 80)))
    assert clocks["early_warning"].state == rules.MET
    assert clocks["notification"].state == rules.LATE


def test_unassessed_incident_runs_provisional_clocks_and_not_significant_none():
    aware = local(2026, 6, 1, 8, 0)
    pending = rules.clocks(facts(aware, significant=None, breach=None), aware)
    assert {c.stage.key for c in pending} == {"early_warning", "notification", "imy"}
    assert all(c.provisional and c.state in (rules.PENDING,) for c in pending)
    assert rules.clocks(facts(aware, significant=False, breach=False), aware) == []


def test_breach_unlikely_to_result_in_a_risk_has_no_imy_clock():
    aware = local(2026, 6, 1, 8, 0)
    assert [c.stage.key for c in rules.clocks(facts(aware, significant=False, breach=True,
                                                    breach_notifiable=True), aware)] == ["imy"]
    assert rules.clocks(facts(aware, significant=False, breach=True, breach_notifiable=False), aware) == []


def test_the_processor_informs_its_controllers():
    aware = local(2026, 6, 1, 8, 0)
    told = rules.clocks(facts(aware, significant=False, breach=True, processor=True,
                              controllers_informed_at=aware), aware)
    assert [(c.stage.key, c.state) for c in told] == [("controller", rules.MET)]


@pytest.mark.parametrize("day, name", [
    (datetime.date(2025, 12, 31), "Myndigheten för samhällsskydd och beredskap (MSB), CERT-SE"),
    (datetime.date(2026, 1, 1), "Myndigheten för civilt försvar (MCF), CERT-SE"),
], ids=["msb_until_2025", "mcf_from_2026"])
def test_recipient_follows_the_dates_of_the_configuration(day, name):
    assert rules.recipient("early_warning", day).name == name
    assert rules.recipient("imy", day).key == "imy"


def test_refusals():
    aware = local(2026, 6, 1, 8, 0)
    now = local(2026, 6, 2, 8, 0)
    assert rules.check_awareness(local(2026, 6, 3, 8, 0), now)
    assert rules.check_awareness(aware, now) is None
    check = dict(aware_at=aware, now=now)
    assert rules.check_submission(stage="early_warning", submitted_at=local(2026, 6, 1, 7, 0), already=set(),
                                  **check)[0] == "submitted_at"
    assert rules.check_submission(stage="early_warning", submitted_at=aware, already={"early_warning"},
                                  **check)[0] == "stage"
    assert rules.check_submission(stage="intermediate", submitted_at=aware, already={"intermediate"},
                                  **check) is None
    assert rules.check_submission(stage="final", submitted_at=aware, already=set(), **check)[0] == "stage"
    assert rules.check_submission(stage="early_warning", submitted_at=local(2026, 6, 3, 8, 0), already=set(),
                                  **check)[0] == "submitted_at"
