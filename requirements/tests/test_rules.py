"""The derivation rules at their edges (KLASSA: levels 0–4, level 4 derives nothing)."""

import pytest
from django.core.exceptions import ValidationError

from requirements import rules
from requirements.models import ATTRIBUTE_SETS, Area


@pytest.mark.parametrize(
    "levels, need, expected",
    [
        ({"K": 2}, {"K": 2}, True),  # exactly at the threshold
        ({"K": 2}, {"K": 1}, False),  # just below
        ({"K": 2}, {"K": 3}, True),
        ({"K": 2}, {"K": 4}, False),  # level 4: a protection analysis instead
        ({"K": 2}, {"K": None}, False),  # not classified
        ({"K": 2}, {}, False),
        ({"K": 3, "T": 2}, {"K": 1, "T": 2}, True),  # any listed aspect suffices
        ({"K": 3, "T": 2}, {"K": 2, "T": 1, "R": 3}, False),  # R is not listed
        ({"S": 0}, {"S": 0}, True),  # level 0 applies to anything classified
        ({"K": 2, "R": 2}, {"K": 4, "R": 2}, True),  # K at 4 derives nothing, but R still does
    ],
    ids=["at-threshold", "below", "above", "level-4", "unclassified", "empty-need", "any-aspect",
         "unlisted-aspect", "level-0", "other-aspect-despite-4"],
)
def test_applies(levels, need, expected):
    assert rules.applies(levels, need) is expected


def test_triggered_by_names_the_aspects_in_krts_order():
    assert rules.triggered_by({"T": 1, "K": 2, "S": 3}, {"K": 2, "R": 3, "T": 1, "S": 2}) == ("K", "T")


def test_level_4_is_flagged_for_a_protection_analysis():
    assert rules.analysis_aspects({"K": 4, "R": 2, "T": 4, "S": None}) == ("K", "T")
    assert rules.analysis_aspects({"K": 3, "R": 3, "T": 3, "S": 3}) == ()


def test_msb_levels_map_to_the_same_klassa_levels_and_integrity_stands_in_for_traceability():
    assert rules.klassa_need({"K": 3, "R": 2, "T": 1, "S": None}, "msb") == {"K": 3, "R": 2, "T": 1, "S": 2}
    assert rules.klassa_need({"K": 3, "R": 2, "T": 1, "S": None}, "klassa") == {"K": 3, "R": 2, "T": 1, "S": None}


class Req:
    def __init__(self, pk, levels, withdrawn=False):
        self.pk, self.levels, self.withdrawn = pk, levels, withdrawn


def test_derive_keeps_order_skips_withdrawn_and_records_why():
    reqs = [Req(1, {"K": 1}), Req(2, {"K": 3}), Req(3, {"T": 2}), Req(4, {"K": 1}, withdrawn=True)]
    result = rules.derive(reqs, {"K": 2, "R": None, "T": 2, "S": None})
    assert [r.pk for r in result.requirements] == [1, 3]
    assert result.triggers == {1: ("K",), 3: ("T",)}
    assert result.classified is True
    assert result.analysis_aspects == ()


def test_nothing_is_derived_without_a_classification_and_it_says_so():
    result = rules.derive([Req(1, {"K": 0, "R": 0, "T": 0, "S": 0})], {"K": None, "R": None, "T": None, "S": None})
    assert (result.requirements, result.classified) == ([], False)


def test_all_aspects_at_level_4_derive_nothing():
    result = rules.derive([Req(1, {"K": 0, "R": 1, "T": 2, "S": 3})], {"K": 4, "R": 4, "T": 4, "S": 4})
    assert result.requirements == []
    assert result.analysis_aspects == ("K", "R", "T", "S")


@pytest.mark.parametrize("levels", [{}, {"X": 1}, {"K": 4}, {"K": -1}, {"K": "2"}, {"K": True}, None],
                         ids=["empty", "unknown-aspect", "level-4", "negative", "text", "bool", "none"])
def test_invalid_levels_are_refused(levels):
    with pytest.raises(ValidationError):
        rules.validate_levels(levels)


def test_valid_levels_come_back_in_aspect_order():
    assert list(rules.validate_levels({"S": 1, "K": 0})) == ["K", "S"]
    assert rules.levels_label({"R": 2, "K": 2}) == "K ≥ 2 or R ≥ 2"


class Status:
    def __init__(self, status):
        self.status = status


class Ctl:
    def __init__(self, **attrs):
        self.attrs = attrs

    def attribute_values(self, name):
        return self.attrs.get(name, [])


class Controls:
    def __init__(self, *controls):
        self._controls = controls

    def all(self):
        return self._controls


class R:
    def __init__(self, area, *controls):
        self.area = area
        self.controls = Controls(*controls)


def test_summaries_per_status_area_and_attribute():
    backup = Ctl(control_types=["corrective"], capabilities=["continuity"])
    both = Ctl(control_types=["preventive", "corrective"], capabilities=["continuity"])
    rows = [
        (R("backup", backup, both), Status("met")),  # counts once per value despite two controls
        (R("backup", backup), None),
        (R("access", both), Status("not_applicable")),
    ]
    assert rules.summarise(rows) == {"met": 1, "partly_met": 0, "not_met": 0, "not_applicable": 1, "unassessed": 1,
                                     "total": 3}
    by_area = rules.summarise_by_area(rows, Area)
    assert [(value, counts["total"], counts["met"]) for value, _label, counts in by_area] == [("access", 1, 0), ("backup", 2, 1)]
    by_attribute = dict((str(label), values) for label, values in rules.summarise_by_attribute(rows, ATTRIBUTE_SETS))
    types = {value: counts for value, _text, counts in by_attribute["Control type"]}
    assert (types["corrective"]["total"], types["preventive"]["total"]) == (3, 2)
    assert types["corrective"] == {"met": 1, "partly_met": 0, "not_met": 0, "not_applicable": 1, "unassessed": 1, "total": 3}
    assert by_attribute["Security domain"] == []


class Statement:
    def __init__(self, applicable, reason="", implementation="not_implemented"):
        self.applicable, self.reason, self.implementation = applicable, reason, implementation

    @property
    def reason_pending(self):
        return not self.applicable and not self.reason


def test_soa_counts():
    rows = [(None, Statement(True, implementation="implemented")), (None, Statement(False)),
            (None, Statement(False, "Ingen sådan verksamhet")), (None, None)]
    assert rules.soa_counts(rows) == {"controls": 4, "undecided": 1, "applicable": 1, "not_applicable": 2,
                                      "reason_pending": 1, "implemented": 1}
