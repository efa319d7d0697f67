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


# --- the legal outcome: lawful, lawful with residual risks, not lawful -------------------------


def _outcome(day, *, confidentiality=2, cap=None, dpf=True, scc=False, tia=False, keys=False, duty=True,
             technical=True, osl="appropriate", jurisdiction="US", countries=("IE", "US")):
    """A cloud arrangement judged as the law perspective judges it, from the same functions."""
    transfers = [basis(c, day, dpf=dpf, scc=scc, tia=tia) for c in countries]
    laws = legal.access_laws(jurisdiction=jurisdiction, access_countries=list(countries), day=day)
    position = legal.information_position(name="Akter", confidentiality=confidentiality, cap=cap, outsourced=True,
                                          day=day, technical_only=technical, outcome=osl, foreign_access=bool(laws),
                                          customer_held_keys=keys)
    return legal.lawfulness(outsourced=True, transfers=transfers, laws=laws, information=[position], day=day,
                            confidentiality_duty=duty, customer_held_keys=keys,
                            rules=("Inga sekretessuppgifter i tjänsten",) if cap is not None else ())


def test_a_certified_us_provider_is_not_lawful_the_day_before_the_dpf_applies():
    result = _outcome(D(2023, 7, 9))
    assert (result.outcome, result.label) == (legal.Lawfulness.NOT_LAWFUL, "Not lawful")
    assert result.obstacles == ("United States: No basis for the transfer. No adequacy decision for United States is "
                                "in force on 2023-07-09. No standard contractual clauses are signed: the transfer has "
                                "no basis.",)


def test_from_the_day_the_dpf_applies_it_is_lawful_with_the_access_laws_named_as_residual_risks():
    result = _outcome(D(2023, 7, 10))
    assert (result.outcome, result.obstacles) == (legal.Lawfulness.LAWFUL_WITH_RESIDUAL_RISKS, ())
    assert result.residual_risks == (
        "The provider is within reach of CLOUD Act (18 U.S.C. § 2713), FISA section 702 (50 U.S.C. § 1881a), "
        "whatever the data's location: a foreign authority may demand the information without international legal "
        "assistance (GDPR art. 48).",)


def test_clauses_without_a_transfer_impact_assessment_are_not_lawful():
    assert _outcome(D(2026, 1, 1), dpf=False, scc=True, tia=False).outcome == legal.Lawfulness.NOT_LAWFUL
    with_tia = _outcome(D(2026, 1, 1), dpf=False, scc=True, tia=True)
    assert with_tia.outcome == legal.Lawfulness.LAWFUL_WITH_RESIDUAL_RISKS
    assert with_tia.residual_risks[0] == ("United States: transfers rest on standard contractual clauses and the "
                                          "supplementary measures the transfer impact assessment calls for.")


def test_information_under_secrecy_not_kept_out_is_not_lawful_whatever_the_transfer_basis():
    result = _outcome(D(2026, 1, 1), confidentiality=3)
    assert result.outcome == legal.Lawfulness.NOT_LAWFUL
    assert result.obstacles == ("Akter must not be placed here: The provider can be compelled to disclose it to a "
                                "foreign authority (OSL 8 kap. 3 §).",)


def test_information_under_secrecy_kept_out_by_a_rule_with_a_valid_basis_is_lawful_with_residual_risks():
    result = _outcome(D(2026, 1, 1), confidentiality=3, cap=2)
    assert result.outcome == legal.Lawfulness.LAWFUL_WITH_RESIDUAL_RISKS
    assert result.residual_risks[0] == ("Akter relies on the rule “Inga sekretessuppgifter i tjänsten” to keep "
                                        "information under secrecy out of the service.")
    assert "CLOUD Act" in result.residual_risks[1]


def test_keys_held_only_by_the_organisation_keep_secret_information_from_a_foreign_order():
    result = _outcome(D(2026, 1, 1), confidentiality=3, keys=True)
    assert result.outcome == legal.Lawfulness.LAWFUL_WITH_RESIDUAL_RISKS
    assert result.residual_risks[-1].endswith("the information is encrypted with keys only the organisation holds.")
    # Encryption does not make it less of a disclosure: without the OSL exception it stays unlawful.
    assert _outcome(D(2023, 6, 30), confidentiality=3, keys=True, dpf=False, scc=True, tia=True).outcome == (
        legal.Lawfulness.NOT_LAWFUL)


def test_a_swedish_provider_within_the_eu_with_the_duty_of_confidentiality_is_lawful():
    result = _outcome(D(2026, 1, 1), confidentiality=3, jurisdiction="SE", countries=("SE",))
    assert (result.outcome, result.obstacles, result.residual_risks) == (legal.Lawfulness.LAWFUL, (), ())
    assert _outcome(D(2026, 1, 1), jurisdiction="SE", countries=("SE",), duty=False).outcome == (
        legal.Lawfulness.LAWFUL_WITH_RESIDUAL_RISKS)
