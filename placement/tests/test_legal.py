"""The dated legal table and its rules, at their edges (dates of the decisions and judgments)."""

import datetime

import pytest
from django.utils import translation

from placement import legal
from placement.legal import Basis

D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def basis(country, day, *, dpf=False, scc=False, tia=False):
    return legal.transfer_basis(country, day, dpf_certified=dpf, scc_signed=scc, tia_done=tia)


@pytest.mark.parametrize(
    "day, certified, scc, tia, expected, ok",
    [
        # Privacy Shield applied from 1 August 2016 until the Schrems II judgment of 16 July 2020.
        (D(2020, 7, 15), True, False, False, Basis.ADEQUACY, True),
        (D(2020, 7, 16), True, False, False, Basis.NONE, False),
        # Between Schrems II and the Data Privacy Framework: clauses with a TIA are the basis.
        (D(2023, 7, 9), True, True, True, Basis.SCC, True),
        (D(2023, 7, 9), True, True, False, Basis.SCC_WITHOUT_TIA, False),
        # The DPF applies from 10 July 2023, and only to certified organisations.
        (D(2023, 7, 10), True, False, False, Basis.ADEQUACY, True),
        (D(2023, 7, 10), False, False, False, Basis.NONE, False),
        (D(2023, 7, 10), False, True, True, Basis.SCC, True),
        (D(2026, 11, 23), True, False, False, Basis.ADEQUACY, True),
    ],
    ids=["privacy-shield-last-day", "schrems-ii-day", "gap-scc-with-tia", "gap-scc-without-tia",
         "dpf-first-day-certified", "dpf-first-day-not-certified", "dpf-not-certified-scc", "dpf-2026"],
)
def test_the_us_basis_depends_on_the_date_and_the_certification(day, certified, scc, tia, expected, ok):
    result = basis("US", day, dpf=certified, scc=scc, tia=tia)
    assert (result.basis, result.ok) == (expected, ok)


def test_before_the_dpf_the_us_has_no_adequacy_and_needs_clauses_with_a_tia():
    result = basis("US", D(2023, 7, 9), dpf=True, scc=False)
    assert result.basis == Basis.NONE
    assert result.explanation == ("No adequacy decision for United States is in force on 2023-07-09. "
                                  "No standard contractual clauses are signed: the transfer has no basis.")


def test_after_the_dpf_an_uncertified_provider_is_told_why():
    result = basis("US", D(2023, 7, 10), dpf=False, scc=True, tia=False)
    assert result.basis == Basis.SCC_WITHOUT_TIA
    assert result.explanation.startswith(
        "Commission Implementing Decision (EU) 2023/1795 (EU–US Data Privacy Framework) covers only certified "
        "organisations and the provider is not certified.")


def test_the_dpf_basis_names_its_act_and_source():
    result = basis("US", D(2024, 1, 1), dpf=True)
    assert result.act == "Commission Implementing Decision (EU) 2023/1795 (EU–US Data Privacy Framework)"
    assert result.source == "https://eur-lex.europa.eu/eli/dec_impl/2023/1795/oj"


def test_safe_harbour_ended_with_schrems_i():
    assert basis("US", D(2015, 10, 5), dpf=True).basis == Basis.ADEQUACY
    assert basis("US", D(2015, 10, 6), dpf=True).basis == Basis.NONE


@pytest.mark.parametrize("country", ["SE", "IE", "NO", "IS", "LI"])
def test_eu_and_eea_countries_need_no_chapter_v_basis(country):
    result = basis(country, D(2021, 4, 20))
    assert (result.basis, result.ok) == (Basis.EEA, True)


def test_an_adequacy_decision_without_certification_covers_every_provider():
    assert basis("CH", D(2021, 1, 1)).basis == Basis.ADEQUACY
    assert basis("JP", D(2019, 1, 22)).basis == Basis.NONE
    assert basis("JP", D(2019, 1, 23)).basis == Basis.ADEQUACY


def test_the_uk_decision_runs_on_through_its_renewal():
    assert basis("GB", D(2021, 6, 27)).basis == Basis.NONE
    assert basis("GB", D(2021, 6, 28)).basis == Basis.ADEQUACY
    assert basis("GB", D(2025, 12, 27)).basis == Basis.ADEQUACY
    assert basis("GB", D(2025, 12, 28)).act == "Commission renewal of the UK adequacy decision (19 December 2025)"
    assert basis("GB", D(2031, 12, 28)).basis == Basis.NONE


def test_a_country_without_any_decision_has_no_basis_without_clauses():
    assert basis("IN", D(2026, 1, 1)).basis == Basis.NONE
    assert basis("IN", D(2026, 1, 1), scc=True, tia=True).basis == Basis.SCC


def test_every_adequacy_row_has_a_source_and_a_valid_period():
    for row in legal.ADEQUACY_DECISIONS:
        assert row.source.startswith("https://")
        assert row.ends is None or row.ends > row.valid_from


def test_us_access_laws_follow_the_jurisdiction_whatever_the_data_location():
    laws = legal.access_laws(jurisdiction="US", access_countries=["SE"], day=D(2021, 4, 20))
    assert [law.name for law in laws] == ["CLOUD Act (18 U.S.C. § 2713)", "FISA section 702 (50 U.S.C. § 1881a)"]


def test_a_us_sub_processor_also_brings_the_access_laws():
    laws = legal.access_laws(jurisdiction="SE", access_countries=["SE", "US"], day=D(2021, 4, 20))
    assert len(laws) == 2


def test_a_swedish_provider_in_sweden_is_reached_by_no_access_law():
    assert legal.access_laws(jurisdiction="SE", access_countries=["SE"], day=D(2026, 1, 1)) == []


def test_the_cloud_act_applies_from_23_march_2018():
    before = legal.access_laws(jurisdiction="US", access_countries=[], day=D(2018, 3, 22))
    after = legal.access_laws(jurisdiction="US", access_countries=[], day=D(2018, 3, 23))
    assert [law.name for law in before] == ["FISA section 702 (50 U.S.C. § 1881a)"]
    assert len(after) == 2


@pytest.mark.parametrize(
    "outsourced, day, technical, outcome, expected",
    [
        (False, D(2021, 1, 1), False, None, "not_needed"),
        (True, D(2023, 6, 30), True, "appropriate", "not_in_force"),
        (True, D(2023, 7, 1), True, "appropriate", "applies"),
        (True, D(2023, 7, 1), True, "inappropriate", "inappropriate"),
        (True, D(2023, 7, 1), True, None, "not_assessed"),
        (True, D(2023, 7, 1), False, "appropriate", "not_technical"),
    ],
    ids=["own-data-centre", "day-before-2a", "first-day-2a", "inappropriate", "not-assessed", "not-technical"],
)
def test_the_osl_exception_for_technical_processing(outsourced, day, technical, outcome, expected):
    assert legal.osl_exception(outsourced=outsourced, day=day, technical_only=technical, outcome=outcome) == expected


def _position(confidentiality, *, cap=None, day=D(2026, 1, 1), technical=True, outcome="appropriate", foreign=False,
              outsourced=True):
    return legal.information_position(name="Akter", confidentiality=confidentiality, cap=cap, outsourced=outsourced,
                                      day=day, technical_only=technical, outcome=outcome, foreign_access=foreign)


def test_secret_information_may_be_placed_where_the_exception_applies_and_no_foreign_law_reaches():
    position = _position(3)
    assert (position.must_not_be_placed, position.exception) == (False, "applies")


def test_secret_information_must_not_be_placed_with_a_provider_under_a_foreign_access_law():
    position = _position(3, foreign=True)
    assert position.must_not_be_placed is True
    assert position.reasons == ["The provider can be compelled to disclose it to a foreign authority (OSL 8 kap. 3 §)."]


def test_secret_information_must_not_be_placed_before_the_exception_was_in_force():
    position = _position(3, day=D(2023, 6, 30))
    assert position.must_not_be_placed is True
    assert position.reasons == ["The exception was not in force on the date of the assessment"]


def test_information_below_the_secrecy_level_may_be_placed_anyway():
    assert _position(2, day=D(2021, 4, 20), foreign=True, outcome=None).must_not_be_placed is False


def test_a_rule_that_keeps_secret_information_out_lifts_the_restriction():
    position = _position(3, cap=2, foreign=True)
    assert (position.must_not_be_placed, position.kept_out_by_rule, position.effective_confidentiality) == (False, True, 2)


def test_own_operation_never_restricts():
    assert _position(4, outsourced=False, foreign=False).must_not_be_placed is False
