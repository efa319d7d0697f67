"""The legal table of placement assessments: dated data with sources, and the rules that read it.

Everything here depends on a date, because the law changed: an assessment made in 2021 and
one made in 2026 about the same US provider reach different results (Privacy Shield was
invalidated on 16 July 2020, the Data Privacy Framework applies from 10 July 2023; the OSL
exception for purely technical processing applies from 1 July 2023). Add new decisions as
rows; never change the meaning of a row that was in force.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.countries import EEA, country_name

COMMISSION_ADEQUACY_PAGE = (
    "https://commission.europa.eu/law/law-topic/data-protection/international-dimension-data-protection/"
    "adequacy-decisions_en"
)


@dataclass(frozen=True)
class Adequacy:
    """A Commission adequacy decision (GDPR art. 45) for one country.

    `valid_from` is the first day it applies, `ends` the first day it no longer does (None:
    in force). `certified_only`: it covers only organisations certified under it (Safe
    Harbour, Privacy Shield, the Data Privacy Framework).
    """

    country: str
    act: str | Promise  # translatable: the act's name as the language of the page or document writes it
    valid_from: datetime.date
    ends: datetime.date | None
    source: str
    certified_only: bool = False
    scope: str | Promise = ""
    note: str | Promise = ""

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.ends is None or day < self.ends)


def _eli(kind: str, year: int, number: int) -> str:
    return f"https://eur-lex.europa.eu/eli/{kind}/{year}/{number}/oj"


D = datetime.date
# The adequacy decisions in force or once in force (Commission list, COMMISSION_ADEQUACY_PAGE;
# each row's act on EUR-Lex). The Commission's first review of the older decisions (report
# of 15 January 2024) confirmed those of 2000–2013.
ADEQUACY_DECISIONS: tuple[Adequacy, ...] = (
    Adequacy("CH", gettext_lazy("Commission Decision 2000/518/EC"), D(2000, 7, 26), None, _eli("dec", 2000, 518)),
    Adequacy("CA", gettext_lazy("Commission Decision 2002/2/EC"), D(2001, 12, 20), None, _eli("dec", 2002, 2),
             scope=gettext_lazy("Commercial organisations subject to PIPEDA.")),
    Adequacy("AR", gettext_lazy("Commission Decision 2003/490/EC"), D(2003, 6, 30), None, _eli("dec", 2003, 490)),
    Adequacy("GG", gettext_lazy("Commission Decision 2003/821/EC"), D(2003, 11, 21), None, _eli("dec", 2003, 821)),
    Adequacy("IM", gettext_lazy("Commission Decision 2004/411/EC"), D(2004, 4, 28), None, _eli("dec", 2004, 411)),
    Adequacy("JE", gettext_lazy("Commission Decision 2008/393/EC"), D(2008, 5, 8), None, _eli("dec", 2008, 393)),
    Adequacy("FO", gettext_lazy("Commission Decision 2010/146/EU"), D(2010, 3, 5), None, _eli("dec", 2010, 146)),
    Adequacy("AD", gettext_lazy("Commission Decision 2010/625/EU"), D(2010, 10, 19), None, _eli("dec", 2010, 625)),
    Adequacy("IL", gettext_lazy("Commission Decision 2011/61/EU"), D(2011, 1, 31), None, _eli("dec", 2011, 61)),
    Adequacy("UY", gettext_lazy("Commission Implementing Decision 2012/484/EU"), D(2012, 8, 21), None,
             _eli("dec_impl", 2012, 484)),
    Adequacy("NZ", gettext_lazy("Commission Implementing Decision 2013/65/EU"), D(2012, 12, 19), None,
             _eli("dec_impl", 2013, 65)),
    Adequacy("JP", gettext_lazy("Commission Implementing Decision (EU) 2019/419"), D(2019, 1, 23), None,
             _eli("dec_impl", 2019, 419), scope=gettext_lazy("Private-sector organisations subject to the APPI.")),
    Adequacy("KR", gettext_lazy("Commission Implementing Decision (EU) 2022/254"), D(2021, 12, 17), None,
             _eli("dec_impl", 2022, 254)),
    # The UK decision had a sunset clause (27 June 2025), was extended to 27 December 2025
    # and renewed on 19 December 2025 until 27 December 2031.
    Adequacy("GB", gettext_lazy("Commission Implementing Decision (EU) 2021/1772"), D(2021, 6, 28), D(2025, 12, 28),
             _eli("dec_impl", 2021, 1772)),
    Adequacy("GB", gettext_lazy("Commission renewal of the UK adequacy decision (19 December 2025)"), D(2025, 12, 28),
             D(2031, 12, 28), COMMISSION_ADEQUACY_PAGE),
    # The United States: three frameworks, each covering only certified organisations. The
    # first two were invalidated by the Court of Justice (Schrems I, C-362/14, 6 October 2015;
    # Schrems II, C-311/18, 16 July 2020).
    Adequacy("US", gettext_lazy("Commission Decision 2000/520/EC (Safe Harbour)"), D(2000, 7, 26), D(2015, 10, 6),
             _eli("dec", 2000, 520), certified_only=True),
    Adequacy("US", gettext_lazy("Commission Implementing Decision (EU) 2016/1250 (Privacy Shield)"), D(2016, 8, 1),
             D(2020, 7, 16), _eli("dec_impl", 2016, 1250), certified_only=True),
    Adequacy("US", gettext_lazy("Commission Implementing Decision (EU) 2023/1795 (EU–US Data Privacy Framework)"),
             D(2023, 7, 10), None, _eli("dec_impl", 2023, 1795), certified_only=True,
             note=gettext_lazy("Upheld by the General Court in T-553/23 (3 September 2025); appeal C-703/25 P "
                               "pending.")),
)


class Basis:
    """The chapter V basis of a transfer to one country."""

    EEA = "eea"  # no transfer to a third country (GDPR art. 44 does not apply)
    ADEQUACY = "adequacy"  # art. 45
    SCC = "scc"  # art. 46(2)(c), Commission Implementing Decision (EU) 2021/914, with a TIA
    SCC_WITHOUT_TIA = "scc_without_tia"  # clauses signed, but no transfer impact assessment
    NONE = "none"


BASIS_LABELS = {
    Basis.EEA: gettext_lazy("EU/EEA: no third-country transfer"),
    Basis.ADEQUACY: gettext_lazy("Adequacy decision (GDPR art. 45)"),
    Basis.SCC: gettext_lazy("Standard contractual clauses with a transfer impact assessment (GDPR art. 46)"),
    Basis.SCC_WITHOUT_TIA: gettext_lazy("Standard contractual clauses without a transfer impact assessment"),
    Basis.NONE: gettext_lazy("No basis for the transfer"),
}
SCC_ACT = gettext_lazy("Commission Implementing Decision (EU) 2021/914")
SCC_SOURCE = _eli("dec_impl", 2021, 914)
# EDPB Recommendations 01/2020 (version 2.0, 18 June 2021): the six steps of a transfer
# impact assessment after Schrems II.
TIA_SOURCE = "https://www.edpb.europa.eu/our-work-tools/our-documents/recommendations/recommendations-012020-measures-supplement-transfer_en"


@dataclass(frozen=True)
class TransferBasis:
    country: str
    basis: str
    ok: bool
    explanation: str
    act: str | Promise = ""
    source: str = ""

    @property
    def label(self) -> str:
        return str(BASIS_LABELS[self.basis])

    @property
    def country_label(self) -> str:
        return country_name(self.country)


def adequacy_on(country: str, day: datetime.date) -> Adequacy | None:
    """The adequacy decision for `country` in force on `day`, if any."""
    return next((a for a in ADEQUACY_DECISIONS if a.country == country and a.valid_on(day)), None)


def transfer_basis(country: str, day: datetime.date, *, dpf_certified: bool, scc_signed: bool,
                   tia_done: bool) -> TransferBasis:
    """The GDPR chapter V basis for making personal data available in `country` on `day`.

    Storage in, and access from, a third country are both transfers (SOU 2021:1; EDPB
    Guidelines 05/2021). Order of the bases as in GDPR arts. 45–46: adequacy first, then
    appropriate safeguards; after Schrems II (C-311/18) clauses need a transfer impact
    assessment. Derogations (art. 49) are left out: most are not open to public authorities
    exercising public powers (art. 49(3)).
    """
    name = country_name(country)
    if country in EEA:
        return TransferBasis(country, Basis.EEA, True, _("%(country)s is in the EU/EEA.") % {"country": name})
    decision = adequacy_on(country, day)
    if decision and (not decision.certified_only or dpf_certified):
        return TransferBasis(country, Basis.ADEQUACY, True,
                             _("%(act)s applies.") % {"act": decision.act}, decision.act, decision.source)
    if decision:
        reason = _("%(act)s covers only certified organisations and the provider is not certified.") % {
            "act": decision.act}
    else:
        reason = _("No adequacy decision for %(country)s is in force on %(date)s.") % {
            "country": name, "date": day.isoformat()}
    if scc_signed and tia_done:
        return TransferBasis(country, Basis.SCC, True, reason + " " + _(
            "Standard contractual clauses and a transfer impact assessment are in place; supplementary measures "
            "must follow from it."), SCC_ACT, SCC_SOURCE)
    if scc_signed:
        return TransferBasis(country, Basis.SCC_WITHOUT_TIA, False, reason + " " + _(
            "Standard contractual clauses are signed but no transfer impact assessment has been made."),
            SCC_ACT, TIA_SOURCE)
    return TransferBasis(country, Basis.NONE, False, reason + " " + _(
        "No standard contractual clauses are signed: the transfer has no basis."))


@dataclass(frozen=True)
class AccessLaw:
    """A third-country law that lets that country's authorities reach data held by a provider."""

    country: str
    name: str | Promise  # translatable, keeping the official title and section
    in_force_from: datetime.date
    summary: str | Promise
    source: str


# Laws that reach data by the provider's jurisdiction, whatever the data's location.
ACCESS_LAWS: tuple[AccessLaw, ...] = (
    AccessLaw("US", gettext_lazy("CLOUD Act (18 U.S.C. § 2713)"), D(2018, 3, 23),
              gettext_lazy("US providers must disclose data in their possession, custody or control, wherever it is "
                           "stored. This conflicts with GDPR art. 48 and with OSL 8 kap. 3 §."),
              "https://www.congress.gov/bill/115th-congress/house-bill/4943"),
    AccessLaw("US", gettext_lazy("FISA section 702 (50 U.S.C. § 1881a)"), D(2008, 7, 10),
              gettext_lazy("Surveillance of non-US persons' data held by US electronic communication service "
                           "providers; the ground of the Schrems II judgment (C-311/18)."),
              "https://curia.europa.eu/juris/liste.jsf?num=C-311/18"),
)


def access_laws(*, jurisdiction: str, access_countries: list[str], day: datetime.date) -> list[AccessLaw]:
    """Access laws in force on `day` that reach the alternative: by the provider's home
    jurisdiction, or through a sub-processor or support located in that country."""
    reach = {jurisdiction} | set(access_countries)
    return [law for law in ACCESS_LAWS if law.country in reach and law.in_force_from <= day]


# OSL 10 kap. 2 a § (prop. 2022/23:97): secrecy does not prevent disclosure to a party engaged
# only to process or store the information technically, unless that is inappropriate.
OSL_TECHNICAL_EXCEPTION_FROM = D(2023, 7, 1)
# Lag (2020:914): a criminally sanctioned duty of confidentiality for staff of providers
# engaged only for technical processing or storage (prop. 2019/20:201).
CONFIDENTIALITY_ACT_FROM = D(2021, 1, 1)
# The level of confidentiality from which information is treated as under secrecy whose
# disclosure must have a basis in OSL. Assumption: KLASSA's and MSB's level 3 ("serious" /
# "allvarlig") is where municipalities place information under secrecy (socialtjänst, elevhälsa,
# HSL); lower levels may hold occasional secret data, which the mitigating rules address.
SECRECY_LEVEL = 3


@dataclass
class InformationPosition:
    """One information type in one alternative: may it be placed there, and why."""

    name: str
    confidentiality: int | None
    effective_confidentiality: int | None
    kept_out_by_rule: bool
    exception: str  # "not_needed", "applies", "inappropriate", "not_assessed", "not_in_force", "not_technical"
    must_not_be_placed: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def exception_label(self) -> str:
        return str(EXCEPTION_LABELS[self.exception])


EXCEPTION_LABELS = {
    "not_needed": gettext_lazy("No disclosure: the information stays with the organisation"),
    "applies": gettext_lazy("The exception in OSL 10 kap. 2 a § can apply"),
    "inappropriate": gettext_lazy("Assessed as inappropriate: the exception does not apply"),
    "not_assessed": gettext_lazy("The appropriateness assessment is not recorded"),
    "not_in_force": gettext_lazy("The exception was not in force on the date of the assessment"),
    "not_technical": gettext_lazy("The provider does more than technical processing: the exception does not apply"),
}


def osl_exception(*, outsourced: bool, day: datetime.date, technical_only: bool, outcome: str | None) -> str:
    """Whether OSL 10 kap. 2 a § lets the information be handed to the provider (EXCEPTION_LABELS keys).

    Handing information to a provider is disclosure even if it is encrypted (SOU 2021:1).
    """
    if not outsourced:
        return "not_needed"
    if day < OSL_TECHNICAL_EXCEPTION_FROM:
        return "not_in_force"
    if not technical_only:
        return "not_technical"
    if outcome is None:
        return "not_assessed"
    return "applies" if outcome == "appropriate" else "inappropriate"


def information_position(*, name: str, confidentiality: int | None, cap: int | None, outsourced: bool,
                         day: datetime.date, technical_only: bool, outcome: str | None,
                         foreign_access: bool, customer_held_keys: bool = False) -> InformationPosition:
    """May this information type be placed in the alternative, given its classification?

    Information under secrecy (confidentiality ≥ SECRECY_LEVEL) must not be handed to a
    provider without a basis in OSL, and not to one whose staff can be compelled to hand it
    to a foreign authority (OSL 8 kap. 3 §; eSam, "Outsourcing 2.0", 2019). A rule that keeps
    such information out of the service (cap) removes it from the service. Encryption with
    keys only the organisation holds does not make the handing over less of a disclosure
    (SOU 2021:1), so the OSL exception is still needed; but a foreign order then reaches
    nothing readable (EDPB Recommendations 01/2020, annex 2, use case 1), so the access law
    remains a residual risk instead of a bar.
    """
    effective = confidentiality if cap is None or confidentiality is None else min(confidentiality, cap)
    kept_out = cap is not None and confidentiality is not None and confidentiality > cap
    exception = osl_exception(outsourced=outsourced, day=day, technical_only=technical_only, outcome=outcome)
    reasons = []
    secret = effective is not None and effective >= SECRECY_LEVEL
    if secret and exception in ("not_in_force", "not_technical", "inappropriate"):
        reasons.append(str(EXCEPTION_LABELS[exception]))
    if secret and outsourced and foreign_access and not customer_held_keys:
        reasons.append(_("The provider can be compelled to disclose it to a foreign authority (OSL 8 kap. 3 §)."))
    return InformationPosition(name, confidentiality, effective, kept_out, exception, bool(reasons), reasons)


# --- the legal outcome of an arrangement -------------------------------------------------


class Lawfulness:
    """Is the arrangement lawful on the date of the assessment?

    Not "against" because a third-country access law exists: the law asks for a valid transfer
    basis (GDPR chapter V) and for a basis in OSL for disclosing information under secrecy.
    Where both hold, what remains (an access law's reach, clauses that rest on supplementary
    measures, an appropriateness assessment not recorded) is a residual risk, named in words.
    """

    LAWFUL = "lawful"
    LAWFUL_WITH_RESIDUAL_RISKS = "lawful_with_residual_risks"
    NOT_LAWFUL = "not_lawful"


LAWFULNESS_LABELS = {
    Lawfulness.LAWFUL: gettext_lazy("Lawful"),
    Lawfulness.LAWFUL_WITH_RESIDUAL_RISKS: gettext_lazy("Lawful with residual risks"),
    Lawfulness.NOT_LAWFUL: gettext_lazy("Not lawful"),
}


@dataclass(frozen=True)
class LegalOutcome:
    outcome: str
    obstacles: tuple[str, ...]  # why it is not lawful
    residual_risks: tuple[str, ...]  # what remains when it is

    @property
    def label(self) -> str:
        return str(LAWFULNESS_LABELS[self.outcome])

    @property
    def lawful(self) -> bool:
        return self.outcome != Lawfulness.NOT_LAWFUL


def lawfulness(*, outsourced: bool, transfers: list[TransferBasis], laws: list[AccessLaw],
               information: list[InformationPosition], day: datetime.date, confidentiality_duty: bool,
               customer_held_keys: bool = False, rules: tuple[str, ...] = ()) -> LegalOutcome:
    """The outcome of one arrangement from its transfer bases, access laws and secrecy positions.

    `rules` are the texts of the mitigating rules that keep information out of the service:
    information kept out only by a rule is lawful as long as the rule is followed.
    """
    if not outsourced:
        return LegalOutcome(Lawfulness.LAWFUL, (), ())
    obstacles, residual = [], []
    for t in transfers:
        if not t.ok:
            obstacles.append(_("%(country)s: %(basis)s. %(why)s") % {
                "country": t.country_label, "basis": t.label, "why": t.explanation})
        elif t.basis == Basis.SCC:
            residual.append(_("%(country)s: transfers rest on standard contractual clauses and the supplementary "
                              "measures the transfer impact assessment calls for.") % {"country": t.country_label})
    for info in information:
        if info.must_not_be_placed:
            obstacles.append(_("%(name)s must not be placed here: %(reasons)s") % {
                "name": info.name, "reasons": " ".join(info.reasons)})
        elif info.kept_out_by_rule:
            residual.append(_("%(name)s relies on the rule “%(rule)s” to keep information under secrecy out of the "
                              "service.") % {"name": info.name, "rule": "; ".join(rules)})
        if not info.must_not_be_placed and info.exception == "not_assessed":
            residual.append(_("The appropriateness assessment (OSL 10 kap. 2 a §) for %(name)s is not recorded.") % {
                "name": info.name})
    if laws:
        names = ", ".join(str(law.name) for law in laws)
        if customer_held_keys:
            residual.append(_("The provider is within reach of %(laws)s, whatever the data's location; the "
                              "information is encrypted with keys only the organisation holds.") % {"laws": names})
        else:
            residual.append(_("The provider is within reach of %(laws)s, whatever the data's location: a foreign "
                              "authority may demand the information without international legal assistance "
                              "(GDPR art. 48).") % {"laws": names})
    if day >= CONFIDENTIALITY_ACT_FROM and not confidentiality_duty:
        residual.append(_("It is not confirmed that the provider's staff are bound by the statutory duty of "
                          "confidentiality (lag 2020:914)."))
    if obstacles:
        return LegalOutcome(Lawfulness.NOT_LAWFUL, tuple(obstacles), tuple(residual))
    if residual:
        return LegalOutcome(Lawfulness.LAWFUL_WITH_RESIDUAL_RISKS, (), tuple(residual))
    return LegalOutcome(Lawfulness.LAWFUL, (), ())
