"""Cost of ownership, discounting, availability, verdicts and the recommendation, at their edges."""

from decimal import Decimal

import pytest
from django.utils import translation

from placement import money, rules
from placement.models import CostKind, ResidualRisk, VerdictChoice
from placement.rules import CostLine, Finding

ONE_OFF, RECURRING = CostKind.ONE_OFF, CostKind.RECURRING


def line(amount, kind=ONE_OFF, year=1, estimate=False, category="licences"):
    return CostLine(category, kind, Decimal(amount), year, estimate)


def test_a_one_off_cost_falls_in_its_year_only():
    assert rules.yearly_costs([line(100, year=2)], 3) == [0, 100, 0]


def test_a_recurring_cost_falls_in_every_year_from_its_year():
    assert rules.yearly_costs([line(100, RECURRING, year=2)], 4) == [0, 100, 100, 100]


def test_costs_after_the_horizon_are_left_out():
    assert rules.yearly_costs([line(100, year=4), line(50, RECURRING, year=4)], 3) == [0, 0, 0]


def test_one_year_compares_only_the_first_year():
    assert rules.tco([line(100), line(10, RECURRING)], 1).total == Decimal(110)


def test_the_seed_figures_add_up_over_three_years():
    local = [line(500_000, category="hardware"), line(300_000, category="consultants"),
             line(400_000, RECURRING), line(200_000, RECURRING, estimate=True)]
    result = rules.tco(local, 3)
    assert result.yearly == [Decimal(1_400_000), Decimal(600_000), Decimal(600_000)]
    assert result.cumulative == [Decimal(1_400_000), Decimal(2_000_000), Decimal(2_600_000)]
    assert (result.total, result.firm_total, result.upper_estimates) == (2_600_000, 2_000_000, 600_000)
    # The base estimate year by year, and the upper estimates apart (a document never adds them up).
    assert result.firm_yearly == [Decimal(1_200_000), Decimal(400_000), Decimal(400_000)]
    assert result.upper_yearly == [Decimal(200_000)] * 3
    assert result.firm_cumulative == [Decimal(1_200_000), Decimal(1_600_000), Decimal(2_000_000)]
    assert (result.one_off, result.recurring) == (800_000, 1_800_000)
    assert result.by_category == {"hardware": 500_000, "consultants": 300_000, "licences": 1_800_000}


def test_without_a_discount_rate_the_present_value_is_the_total():
    result = rules.tco([line(100, RECURRING)], 3, Decimal(0))
    assert result.discounted_total == result.total == 300


def test_discounting_leaves_year_one_and_discounts_each_later_year():
    assert rules.discount_factor(Decimal(10), 1) == 1
    assert rules.discounted([Decimal(1000), Decimal(1100), Decimal(1210)], Decimal(10)) == [1000, 1000, 1000]


def test_no_costs_give_zero():
    result = rules.tco([], 3)
    assert (result.total, result.yearly) == (0, [0, 0, 0])


@pytest.mark.parametrize(
    "level, required",
    [(None, None), (0, None), (1, Decimal("95.0")), (2, Decimal("99.0")), (3, Decimal("99.5")), (4, Decimal("99.9"))],
)
def test_required_availability_by_the_t_level(level, required):
    assert rules.required_availability(level) == required


def test_availability_is_met_at_exactly_the_required_level_and_not_below():
    assert rules.availability_met(Decimal("99.9"), Decimal("99.9")) is True
    assert rules.availability_met(Decimal("99.9"), Decimal("99.899")) is False
    assert rules.availability_met(Decimal("99.0"), None) is None
    assert rules.availability_met(None, None) is True


def test_allowed_downtime_per_month():
    assert rules.downtime_hours_per_month(Decimal("99.9")) == Decimal("0.7")
    assert rules.downtime_hours_per_month(Decimal("99.0")) == Decimal("7.3")
    assert rules.downtime_hours_per_month(Decimal("100")) == Decimal("0.0")


def test_the_cheapest_favours_when_the_other_is_clearly_dearer():
    assert rules.economic_verdicts({1: Decimal(50_000), 2: Decimal(2_600_000)}) == {
        1: VerdictChoice.FAVOURS, 2: VerdictChoice.AGAINST}


def test_within_ten_per_cent_of_the_cheapest_no_one_is_favoured():
    assert rules.economic_verdicts({1: Decimal(1000), 2: Decimal(1100)}) == {
        1: VerdictChoice.NEUTRAL, 2: VerdictChoice.NEUTRAL}
    assert rules.economic_verdicts({1: Decimal(1000), 2: Decimal(1101)}) == {
        1: VerdictChoice.FAVOURS, 2: VerdictChoice.AGAINST}


def test_a_free_alternative_against_any_cost():
    assert rules.economic_verdicts({1: Decimal(0), 2: Decimal(1)}) == {1: VerdictChoice.FAVOURS, 2: VerdictChoice.AGAINST}
    assert rules.economic_verdicts({1: Decimal(0), 2: Decimal(0)}) == {1: VerdictChoice.NEUTRAL, 2: VerdictChoice.NEUTRAL}


def test_a_single_alternative_is_never_favoured_economically():
    assert rules.economic_verdicts({1: Decimal(10)}) == {1: VerdictChoice.NEUTRAL}


def test_verdict_from_findings():
    major, minor, info = Finding(rules.MAJOR, "x"), Finding(rules.MINOR, "y"), Finding(rules.INFO, "z")
    assert rules.verdict_from_findings([info]) == VerdictChoice.FAVOURS
    assert rules.verdict_from_findings([info, minor]) == VerdictChoice.NEUTRAL
    assert rules.verdict_from_findings([minor, major]) == VerdictChoice.AGAINST
    assert rules.verdict_from_findings([]) == VerdictChoice.FAVOURS


WEIGHTS = {"security": 1, "legal": 1, "technical": 1, "economic": 1}


def test_the_score_adds_weighted_verdicts_less_residual_risks():
    verdicts = {"security": (VerdictChoice.FAVOURS, ResidualRisk.LOW), "legal": (VerdictChoice.AGAINST, ResidualRisk.MEDIUM),
                "technical": (VerdictChoice.FAVOURS, ""), "economic": (VerdictChoice.NEUTRAL, ResidualRisk.HIGH)}
    assert rules.alternative_score(verdicts, WEIGHTS) == Decimal("-0.75")
    assert rules.alternative_score(verdicts, {**WEIGHTS, "legal": 3}) == Decimal("-3.75")
    assert rules.alternative_score(verdicts, {**WEIGHTS, "economic": 0}) == Decimal("0.25")


def test_the_recommendation_is_the_single_best_score():
    assert rules.recommend({1: Decimal("0.75"), 2: Decimal("-4.25")}) == 1
    assert rules.recommend({1: Decimal(1), 2: Decimal(1)}) is None
    assert rules.recommend({1: Decimal(1)}) is None
    assert rules.recommend({}) is None


@pytest.mark.parametrize(
    "amount, swedish",
    [(950, "950 SEK"), (9_999, "9\xa0999 SEK"), (10_000, "10 kSEK"), (50_000, "50 kSEK"), (600_000, "600 kSEK"),
     (999_499, "999 kSEK"), (1_000_000, "1,0 MSEK"), (2_000_000, "2,0 MSEK"), (2_600_000, "2,6 MSEK")],
)
def test_money_in_the_units_swedish_documents_use(amount, swedish):
    # The units are msgids ("kSEK", "MSEK"); the Swedish catalogue gives "tkr" and "mnkr".
    with translation.override("sv"):
        expected = (swedish.replace("kSEK", money.pgettext("currency unit, thousands", "kSEK"))
                    .replace("MSEK", money.pgettext("currency unit, millions", "MSEK"))
                    .replace(" SEK", " " + money.pgettext("currency unit", "SEK")))
        assert money.sek(Decimal(amount)) == expected


def test_percent_with_a_decimal_comma_in_swedish():
    with translation.override("sv"):
        assert money.percent(Decimal("99.9")) == "99,9\xa0%"
    with translation.override("en"):
        assert money.percent(Decimal("99.9")) == "99.9\xa0%"


@pytest.mark.parametrize("amount, shown", [("12345.50", "12\xa0345,50"), ("950", "950,00"), ("0.05", "0,05"),
                                           ("2000000", "2\xa0000\xa0000,00"), ("1234567.89", "1\xa0234\xa0567,89")])
def test_money_to_the_ore_as_pages_show_it(amount, shown):
    with translation.override("sv"):
        assert money.exact(Decimal(amount)) == f"{shown}\xa0{money.pgettext('currency unit', 'SEK')}"
        # A document still rounds the same amount to its unit.
        assert money.sek(Decimal(amount)) != money.exact(Decimal(amount))
