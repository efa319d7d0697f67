"""The rules from answers to levels, each at its edges, and how they combine and clip."""

import pytest
from django.core.exceptions import ValidationError

from classification import rules
from classification.questionnaire import clean_answers
from classification.tests.conftest import LOWEST


@pytest.mark.parametrize(
    "function, answers, expected",
    [
        (rules.personal_data, {"personal_data": True}, {"K": 1, "S": 1}),
        (rules.personal_data, {"personal_data": False}, {}),
        (rules.sensitive_personal_data, {"sensitive_personal_data": True}, {"K": 2, "S": 2}),
        (rules.sensitive_personal_data, {"sensitive_personal_data": False}, {}),
        (rules.criminal_offence_data, {"criminal_offence_data": True}, {"K": 2, "S": 2}),
        (rules.criminal_offence_data, {}, {}),
        (rules.national_id, {"national_id": True}, {"K": 1}),
        (rules.national_id, {"national_id": False}, {}),
        (rules.osl_strong_secrecy, {"osl_chapters": ["21"]}, {"K": 3}),
        (rules.osl_strong_secrecy, {"osl_chapters": ["23"]}, {"K": 3}),
        (rules.osl_strong_secrecy, {"osl_chapters": ["25"]}, {"K": 3}),
        (rules.osl_strong_secrecy, {"osl_chapters": ["26"]}, {"K": 3}),
        (rules.osl_strong_secrecy, {"osl_chapters": ["18", "19", "31", "other"]}, {}),
        (rules.osl_secrecy, {"osl_chapters": ["18"]}, {"K": 2}),
        (rules.osl_secrecy, {"osl_chapters": ["19"]}, {"K": 2}),
        (rules.osl_secrecy, {"osl_chapters": ["31"]}, {"K": 2}),
        (rules.osl_secrecy, {"osl_chapters": ["other"]}, {"K": 2}),
        (rules.osl_secrecy, {"osl_chapters": ["none"]}, {}),
        (rules.osl_secrecy, {"osl_chapters": ["26"]}, {}),
        (rules.security_classified, {"security_classified": True}, {"K": 4}),
        (rules.security_classified, {"security_classified": False}, {}),
        (rules.security_sensitive_operations, {"security_sensitive_operations": True}, {"R": 4, "T": 4}),
        (rules.security_sensitive_operations, {"security_sensitive_operations": False}, {}),
        (rules.impact_life_health, {"impact_life_health": "none"}, {}),
        (rules.impact_life_health, {"impact_life_health": "moderate"}, {"R": 1, "T": 1}),
        (rules.impact_life_health, {"impact_life_health": "serious"}, {"R": 3, "T": 3}),
        (rules.impact_services, {"impact_services": "none"}, {}),
        (rules.impact_services, {"impact_services": "significant"}, {"T": 2}),
        (rules.impact_finances, {"impact_finances": "moderate"}, {"R": 1}),
        (rules.impact_finances, {"impact_finances": "serious"}, {"R": 3}),
        (rules.impact_trust, {"impact_trust": "none"}, {}),
        (rules.impact_trust, {"impact_trust": "serious"}, {"K": 3}),
        (rules.outage_tolerance, {"outage_tolerance": "more_than_week"}, {}),
        (rules.outage_tolerance, {"outage_tolerance": "week"}, {"T": 1}),
        (rules.outage_tolerance, {"outage_tolerance": "day"}, {"T": 2}),
        (rules.outage_tolerance, {"outage_tolerance": "hours"}, {"T": 3}),
        (rules.outage_tolerance, {"outage_tolerance": "less_than_hour"}, {"T": 3}),
        (rules.integrity_consequence, {"integrity_consequence": "none"}, {}),
        (rules.integrity_consequence, {"integrity_consequence": "significant"}, {"R": 2}),
        (rules.traceability_consequence, {"traceability_consequence": "moderate"}, {"S": 1}),
        (rules.traceability_consequence, {"traceability_consequence": "serious"}, {"S": 3}),
    ],
)
def test_each_rule_at_its_edges(function, answers, expected):
    assert function(answers) == expected


def test_every_rule_is_registered_once_with_the_questions_it_reads():
    assert len(rules.RULES_BY_ID) == len(rules.RULES) == 15
    for rule in rules.RULES:
        assert rule.function.__name__ == rule.id


def test_the_level_is_the_highest_of_the_fired_rules():
    answers = {**LOWEST, "personal_data": True, "sensitive_personal_data": True, "osl_chapters": ["26", "19"],
               "impact_trust": "moderate"}
    result = rules.evaluate(answers, "klassa")
    assert result["levels"] == {"K": 3, "R": 0, "T": 0, "S": 2}
    assert result["fired"] == [
        {"rule": "personal_data", "levels": {"K": 1, "S": 1}},
        {"rule": "sensitive_personal_data", "levels": {"K": 2, "S": 2}},
        {"rule": "osl_strong_secrecy", "levels": {"K": 3}},
        {"rule": "osl_secrecy", "levels": {"K": 2}},
        {"rule": "impact_trust", "levels": {"K": 1}},
    ]
    assert result["protection_analysis"] is False


def test_an_aspect_stays_undecided_until_one_of_its_questions_is_answered():
    result = rules.evaluate({"personal_data": False}, "klassa")
    # personal_data feeds K and S: answered "no", they are decided at the lowest level.
    assert result["levels"] == {"K": 0, "R": None, "T": None, "S": 0}
    assert rules.evaluate({}, "klassa")["levels"] == {"K": None, "R": None, "T": None, "S": None}


def test_life_and_health_raises_integrity_and_availability():
    result = rules.evaluate({"impact_life_health": "serious"}, "klassa")
    assert result["levels"] == {"K": None, "R": 3, "T": 3, "S": None}


def test_without_the_protective_security_answers_nothing_reaches_level_4():
    worst = {"personal_data": True, "sensitive_personal_data": True, "criminal_offence_data": True,
             "national_id": True, "osl_chapters": ["21", "23", "25", "26", "18", "19", "31", "other"],
             "security_classified": False, "security_sensitive_operations": False,
             "impact_life_health": "serious", "impact_services": "serious", "impact_finances": "serious",
             "impact_trust": "serious", "outage_tolerance": "less_than_hour", "integrity_consequence": "serious",
             "traceability_consequence": "serious"}
    result = rules.evaluate(worst, "klassa")
    assert result["levels"] == {"K": 3, "R": 3, "T": 3, "S": 3}
    assert result["protection_analysis"] is False


@pytest.mark.parametrize(
    "answer, levels_case",
    [({"security_classified": True}, {"K": 4, "R": 0, "T": 0, "S": 0}),
     ({"security_sensitive_operations": True}, {"K": 0, "R": 4, "T": 4, "S": 0})],
    ids=["classified", "sensitive-operations"],
)
def test_level_4_comes_from_the_explicit_answers_and_calls_for_a_protection_analysis(answer, levels_case):
    result = rules.evaluate({**LOWEST, **answer}, "klassa")
    assert result["levels"] == levels_case
    assert result["protection_analysis"] is True


def test_an_ordinary_rule_is_capped_at_level_3_even_if_it_asks_for_more(monkeypatch):
    # A future rule that wrongly returned 4 must not open a protection analysis by itself.
    rule = rules.RULES_BY_ID["impact_trust"]
    patched = rules.Rule(rule.id, lambda a: {"K": 4}, rule.reads, rule.aspects, rule.reason, rule.source)
    monkeypatch.setattr(rules, "RULES", tuple(patched if r.id == rule.id else r for r in rules.RULES))
    result = rules.evaluate({**LOWEST}, "klassa")
    assert result["levels"]["K"] == 3
    assert result["protection_analysis"] is False


def test_the_msb_model_clips_to_1_3_and_has_no_traceability():
    assert rules.evaluate(LOWEST, "msb")["levels"] == {"K": 1, "R": 1, "T": 1}
    result = rules.evaluate({**LOWEST, "security_classified": True, "personal_data": True}, "msb")
    assert result["levels"] == {"K": 3, "R": 1, "T": 1}
    # MSB has no level 4, hence no separate protection analysis; S-only parts are left out.
    assert result["protection_analysis"] is False
    assert {"rule": "personal_data", "levels": {"K": 1}} in result["fired"]


def test_a_rule_explains_itself_with_the_answer():
    rule = rules.RULES_BY_ID["outage_tolerance"]
    assert rule.explain({"outage_tolerance": "hours"}) == "Tolerable outage: A few hours."
    assert rules.RULES_BY_ID["osl_strong_secrecy"].explain({"osl_chapters": ["26"]}) == (
        "Strong secrecy under OSL: Chapter 26: social services.")


@pytest.mark.parametrize(
    "answers, field",
    [({"personal_data": "yes"}, "personal_data"),
     ({"outage_tolerance": "a month"}, "outage_tolerance"),
     ({"osl_chapters": ["none", "26"]}, "osl_chapters"),
     ({"osl_chapters": "26"}, "osl_chapters"),
     ({"favourite_colour": "blue"}, "favourite_colour")],
    ids=["yes-no-as-text", "unknown-option", "none-with-a-chapter", "multi-as-text", "unknown-question"],
)
def test_invalid_answers_are_named(answers, field):
    with pytest.raises(ValidationError) as exc:
        clean_answers(answers)
    assert list(exc.value.message_dict) == [field]


def test_unanswered_questions_are_left_out_and_chapters_kept_in_order():
    assert clean_answers({"personal_data": None, "impact_trust": "", "osl_chapters": ["26", "21", "26"]}) == {
        "osl_chapters": ["21", "26"]}
