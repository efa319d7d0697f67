"""The risk model's rules at their edges: levels, acceptance, matrix validation and rescaling."""

import itertools
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from risk import rules
from risk.rules import Level

T4, T5 = rules.DEFAULT_THRESHOLDS[4], rules.DEFAULT_THRESHOLDS[5]


@pytest.mark.parametrize("value, level", [
    (1, Level.LOW), (3, Level.LOW), (4, Level.MEDIUM), (6, Level.MEDIUM), (7, Level.MEDIUM), (8, Level.HIGH),
    (11, Level.HIGH), (12, Level.VERY_HIGH), (16, Level.VERY_HIGH),
], ids=lambda v: str(v))
def test_levels_of_the_4x4_default_at_each_threshold(value, level):
    assert rules.level_for_score(value, T4) == level


@pytest.mark.parametrize("value, level", [
    (4, Level.LOW), (5, Level.MEDIUM), (9, Level.MEDIUM), (10, Level.HIGH), (15, Level.HIGH), (16, Level.VERY_HIGH),
    (25, Level.VERY_HIGH),
], ids=lambda v: str(v))
def test_levels_of_the_5x5_default_at_each_threshold(value, level):
    assert rules.level_for_score(value, T5) == level


def test_score_is_likelihood_times_consequence_and_none_until_both_are_assessed():
    assert rules.score(3, 4) == 12
    assert rules.score(None, 4) is None
    assert rules.score(3, None) is None
    assert rules.level_for_score(None, T4) is None


def test_every_cell_of_the_4x4_default_gets_the_expected_level():
    grid = [[rules.level_for_score(l * c, T4) for c in range(1, 5)] for l in range(1, 5)]
    assert grid == [
        ["low", "low", "low", "medium"],
        ["low", "medium", "medium", "high"],
        ["low", "medium", "high", "very_high"],
        ["medium", "high", "very_high", "very_high"],
    ]


def _matrix(acceptance="medium", thresholds=T4):
    return SimpleNamespace(acceptance_level=acceptance, thresholds=thresholds)


@pytest.mark.parametrize("residual, privileged_case", [
    ((2, 3), False),  # 6: medium, at the acceptance level
    ((2, 4), True),   # 8: high, just above it
    ((1, 1), False),
    ((4, 4), True),
    ((None, 4), False),  # not assessed: nothing to accept yet
], ids=["medium-6", "high-8", "low-1", "very-high-16", "unassessed"])
def test_privileged_acceptance_starts_just_above_the_acceptance_level(residual, privileged_case):
    assert rules.needs_privileged_acceptance(_matrix(), *residual) is privileged_case


def test_an_acceptance_level_of_low_makes_every_medium_risk_privileged():
    assert rules.needs_privileged_acceptance(_matrix("low"), 1, 4) is True  # 4: medium
    assert rules.needs_privileged_acceptance(_matrix("low"), 1, 3) is False  # 3: low
    assert rules.needs_privileged_acceptance(_matrix("very_high"), 4, 4) is False


@pytest.mark.parametrize("l_size, c_size", [(4, 4), (4, 5), (5, 4), (5, 5)])
def test_the_defaults_are_valid_for_every_allowed_size(l_size, c_size):
    rules.validate_matrix(likelihood_size=l_size, consequence_size=c_size,
                          thresholds=rules.DEFAULT_THRESHOLDS[max(l_size, c_size)], acceptance_level="medium")


@pytest.mark.parametrize("sizes, thresholds, field", [
    ((3, 4), T4, "likelihood_size"),
    ((4, 6), T4, "consequence_size"),
    ((4, 4), (4, 4, 12), "medium_from"),    # not rising
    ((4, 4), (8, 4, 12), "medium_from"),
    ((4, 4), (1, 8, 12), "medium_from"),    # low would be empty
    ((4, 4), (4, 8, 17), "medium_from"),    # beyond the highest score, 16
    ((4, 4), (5, 6, 7), "medium_from"),     # no cell scores 5: medium unreachable
    ((4, 4), (4, 13, 16), "medium_from"),   # no cell scores 13–15: high unreachable
], ids=["size-3", "size-6", "equal", "falling", "threshold-1", "beyond-max", "medium-dead", "high-dead"])
def test_invalid_matrices_are_refused_on_the_right_field(sizes, thresholds, field):
    with pytest.raises(ValidationError) as info:
        rules.validate_matrix(likelihood_size=sizes[0], consequence_size=sizes[1], thresholds=thresholds,
                              acceptance_level="medium")
    assert list(info.value.message_dict) == [field]


def test_labels_may_not_outnumber_the_levels():
    with pytest.raises(ValidationError) as info:
        rules.validate_matrix(likelihood_size=4, consequence_size=4, thresholds=T4, acceptance_level="medium",
                              likelihood_labels=["a", "b", "c", "d", "e"])
    assert list(info.value.message_dict) == ["likelihood_labels"]


def test_the_highest_thresholds_are_allowed_at_the_edge():
    # 16 is the highest 4×4 score; 9 and 12 are reached by 3×3 and 3×4.
    rules.validate_matrix(likelihood_size=4, consequence_size=4, thresholds=(9, 12, 16), acceptance_level="high")


def test_suggested_mapping_4_to_5_and_5_to_4():
    assert rules.suggest_mapping(4, 5) == {1: 1, 2: 2, 3: 4, 4: 5}
    assert rules.suggest_mapping(5, 4) == {1: 1, 2: 2, 3: 3, 4: 3, 5: 4}
    assert rules.suggest_mapping(4, 4) == {1: 1, 2: 2, 3: 3, 4: 4}


@pytest.mark.parametrize("old, new", [(4, 5), (5, 4)])
def test_mapping_every_cell_loses_none_and_keeps_the_order(old, new):
    mapping = rules.validate_mapping(rules.suggest_mapping(old, new), old, new, "m")
    cells = list(itertools.product(range(1, old + 1), repeat=2))
    mapped = [(rules.map_value(l, mapping), rules.map_value(c, mapping)) for l, c in cells]
    assert len(mapped) == len(cells) == old * old
    assert all(1 <= l <= new and 1 <= c <= new for l, c in mapped)
    # A higher old level never ends below a lower one.
    assert [mapping[i] for i in range(1, old + 1)] == sorted(mapping.values())
    assert rules.map_value(None, mapping) is None


@pytest.mark.parametrize("mapping, message", [
    ({1: 1, 2: 2, 3: 3}, "Give a new level for every old level 1–4."),
    ({1: 1, 2: 2, 3: 3, 4: 6}, "The new levels lie between 1 and 5."),
    ({1: 2, 2: 1, 3: 4, 4: 5}, "A higher old level cannot map to a lower new level."),
    ({1: "x", 2: 2, 3: 3, 4: 4}, "Give a level for every old level."),
], ids=["missing", "out-of-range", "decreasing", "not-a-number"])
def test_invalid_mappings_are_refused(mapping, message):
    with pytest.raises(ValidationError) as info:
        rules.validate_mapping(mapping, 4, 5, "likelihood_mapping")
    assert info.value.message_dict == {"likelihood_mapping": [message]}


def test_score_ranges_of_the_levels():
    assert [rules.score_range(level, T4, 16) for level in rules.LEVEL_ORDER] == [(1, 3), (4, 7), (8, 11), (12, 16)]


def test_labels_use_the_organisations_own_where_given():
    assert rules.labels(["", "Kanske"], ["A", "B", "C", "D"], 4) == ["A", "Kanske", "C", "D"]
