"""From questionnaire answers to the minimum level per aspect (K, R, T, S).

Each rule is a plain function `answers -> {aspect: level}` that returns only the levels it
raises (1 or more) and cites its legal or method source in a comment. An aspect's level is the
highest any fired rule gives it, clipped to the organisation's scheme (MSB: 1–3, where 0 rises
to 1 and 4 falls to 3). Ordinary rules give at most level 3 (Serious); level 4 (Exceptionally
serious) comes only from the explicit protective-security answers, and in KLASSA it derives no
requirements but calls for a separate protection analysis.

Levels, KLASSA (SKR 4.0): 0 none or negligible, 1 moderate, 2 significant, 3 serious,
4 exceptionally serious. The impact answers use the same words, so "serious" means level 3.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from classification.questionnaire import BY_ID
from classification.schemes import SCHEMES

IMPACT_LEVEL = {"none": 0, "moderate": 1, "significant": 2, "serious": 3}
# The highest level an ordinary rule may give; level 4 is reserved for protective security.
ORDINARY_MAX = 3


def personal_data(a: dict) -> dict[str, int]:
    # GDPR art. 5.1 f (integrity and confidentiality) requires protection against unauthorised
    # access; art. 5.2 (accountability) and art. 32 require being able to show how personal
    # data was processed, so some traceability is always needed.
    return {"K": 1, "S": 1} if a.get("personal_data") else {}


def sensitive_personal_data(a: dict) -> dict[str, int]:
    # GDPR art. 9 (special categories) with art. 32: the security must match the risk, and a
    # disclosure of health, beliefs or sex life harms the person considerably. Access to such
    # data must be logged and followed up (cf. patientdatalagen 4 kap. 3 §).
    return {"K": 2, "S": 2} if a.get("sensitive_personal_data") else {}


def criminal_offence_data(a: dict) -> dict[str, int]:
    # GDPR art. 10 and dataskyddslagen (2018:218) 3 kap. 8 §: data on offences may be
    # processed only by authorities or under specific authority; disclosure stigmatises.
    return {"K": 2, "S": 2} if a.get("criminal_offence_data") else {}


def national_id(a: dict) -> dict[str, int]:
    # Dataskyddslagen (2018:218) 3 kap. 10 §: personal identity numbers may be processed only
    # when clearly justified; they make identity theft and linking of records easy.
    return {"K": 1} if a.get("national_id") else {}


# OSL chapters whose secrecy protects intimate personal circumstances, mostly with a reversed
# harm test (secrecy is the rule): 21 kap. 1 and 3 §§ (health, sex life, protected identity),
# 23 kap. 2 § (student health), 25 kap. 1 § (health care), 26 kap. 1 § (social services).
STRONG_SECRECY = {"21", "23", "25", "26"}
# Chapters with a straight harm test (disclosure is the rule unless harm follows):
# 18 kap. 8 § (security arrangements), 19 kap. 3 § (procurement), 31 kap. (business data).
SECRECY = {"18", "19", "31", "other"}


def osl_strong_secrecy(a: dict) -> dict[str, int]:
    # OSL (2009:400) 21, 23, 25 and 26 kap.: disclosure of such information can do serious harm
    # to the person (MSB, Modell för klassificering av information 2009: "allvarlig skada").
    return {"K": 3} if STRONG_SECRECY & set(a.get("osl_chapters") or []) else {}


def osl_secrecy(a: dict) -> dict[str, int]:
    # OSL (2009:400) 18, 19 and 31 kap. and other secrecy: a disclosure is a breach of statutory
    # secrecy (OSL 8 kap. 1 §), at least significant harm.
    return {"K": 2} if SECRECY & set(a.get("osl_chapters") or []) else {}


def security_classified(a: dict) -> dict[str, int]:
    # Säkerhetsskyddslagen (2018:585) 2 kap. 5 §: security-classified information. KLASSA
    # reserves level 4 (synnerligen allvarlig) for harm to national security and derives no
    # requirements for it; a separate protection analysis is needed (klassa.skr.se, "Utformning
    # av krav").
    return {"K": 4} if a.get("security_classified") else {}


def security_sensitive_operations(a: dict) -> dict[str, int]:
    # Säkerhetsskyddslagen (2018:585) 1 kap. 1 §: security-sensitive activities must also be
    # protected against sabotage, i.e. wrong or missing information (KLASSA level 4 as above).
    return {"R": 4, "T": 4} if a.get("security_sensitive_operations") else {}


def _impact(a: dict, question: str, aspects: str) -> dict[str, int]:
    level = IMPACT_LEVEL.get(a.get(question), 0)
    return {aspect: level for aspect in aspects} if level else {}


def impact_life_health(a: dict) -> dict[str, int]:
    # MSB, Modell för klassificering av information (2009), consequence area "liv och hälsa":
    # wrong or missing information in care and alarms harms people, so integrity and
    # availability follow the harm.
    return _impact(a, "impact_life_health", "RT")


def impact_services(a: dict) -> dict[str, int]:
    # MSB 2009, consequence area "verksamhet": an interrupted service is an availability matter.
    return _impact(a, "impact_services", "T")


def impact_finances(a: dict) -> dict[str, int]:
    # MSB 2009, consequence area "ekonomi": wrong payments and fraud come from manipulated
    # information, an integrity matter.
    return _impact(a, "impact_finances", "R")


def impact_trust(a: dict) -> dict[str, int]:
    # MSB 2009, consequence area "förtroende": a leak or misuse damages trust, a
    # confidentiality matter.
    return _impact(a, "impact_trust", "K")


# KLASSA's availability levels are described as how long an outage can be tolerated
# (SKR, KLASSA vägledning, tillgänglighet): a week → moderate, a day → significant, hours or
# less → serious. Level 4 never comes from here (only from protective security).
OUTAGE_LEVEL = {"more_than_week": 0, "week": 1, "day": 2, "hours": 3, "less_than_hour": 3}


def outage_tolerance(a: dict) -> dict[str, int]:
    level = OUTAGE_LEVEL.get(a.get("outage_tolerance"), 0)
    return {"T": level} if level else {}


def integrity_consequence(a: dict) -> dict[str, int]:
    # MSB 2009 and KLASSA: riktighet is classified by the harm of unnoticed wrong information.
    return _impact(a, "integrity_consequence", "R")


def traceability_consequence(a: dict) -> dict[str, int]:
    # KLASSA (SKR) adds spårbarhet: the harm of not being able to follow up who did what.
    return _impact(a, "traceability_consequence", "S")


@dataclass(frozen=True)
class Rule:
    id: str
    function: Callable[[dict], dict[str, int]]
    reads: tuple[str, ...]  # the questions whose answers it uses
    aspects: str  # the aspects it can raise
    reason: str  # why it fired; %(answer)s is the answer to its first question
    source: str

    def explain(self, answers: dict) -> str:
        first = BY_ID[self.reads[0]]
        return str(self.reason) % {"answer": first.label(answers.get(first.id))}


RULES: tuple[Rule, ...] = (
    Rule("personal_data", personal_data, ("personal_data",), "KS",
         _("The information contains personal data."), _("GDPR articles 5 and 32")),
    Rule("sensitive_personal_data", sensitive_personal_data, ("sensitive_personal_data",), "KS",
         _("The information contains sensitive personal data."), _("GDPR article 9")),
    Rule("criminal_offence_data", criminal_offence_data, ("criminal_offence_data",), "KS",
         _("The information contains data about criminal offences."),
         _("GDPR article 10; Data Protection Act (2018:218) chapter 3 section 8")),
    Rule("national_id", national_id, ("national_id",), "K",
         _("The information contains personal identity numbers."),
         _("Data Protection Act (2018:218) chapter 3 section 10")),
    Rule("osl_strong_secrecy", osl_strong_secrecy, ("osl_chapters",), "K",
         _("Strong secrecy under OSL: %(answer)s."), _("OSL (2009:400) chapters 21, 23, 25 and 26")),
    Rule("osl_secrecy", osl_secrecy, ("osl_chapters",), "K",
         _("Secrecy under OSL: %(answer)s."), _("OSL (2009:400) chapter 8 section 1")),
    Rule("security_classified", security_classified, ("security_classified",), "K",
         _("The information is security classified."),
         _("Protective Security Act (2018:585); KLASSA level 4")),
    Rule("security_sensitive_operations", security_sensitive_operations, ("security_sensitive_operations",), "RT",
         _("Wrong or missing information would harm Sweden's security."),
         _("Protective Security Act (2018:585); KLASSA level 4")),
    Rule("impact_life_health", impact_life_health, ("impact_life_health",), "RT",
         _("Harm to life and health: %(answer)s."), _("MSB classification model (2009): life and health")),
    Rule("impact_services", impact_services, ("impact_services",), "T",
         _("Harm to the municipality's services: %(answer)s."), _("MSB classification model (2009): operations")),
    Rule("impact_finances", impact_finances, ("impact_finances",), "R",
         _("Financial harm: %(answer)s."), _("MSB classification model (2009): finances")),
    Rule("impact_trust", impact_trust, ("impact_trust",), "K",
         _("Harm to trust: %(answer)s."), _("MSB classification model (2009): trust")),
    Rule("outage_tolerance", outage_tolerance, ("outage_tolerance",), "T",
         _("Tolerable outage: %(answer)s."), _("KLASSA guidance on availability")),
    Rule("integrity_consequence", integrity_consequence, ("integrity_consequence",), "R",
         _("Consequence of unnoticed wrong information: %(answer)s."), _("MSB classification model (2009); KLASSA")),
    Rule("traceability_consequence", traceability_consequence, ("traceability_consequence",), "S",
         _("Consequence of not knowing who did what: %(answer)s."), _("KLASSA: traceability")),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
# Only these may give level 4.
EXPLICIT_LEVEL_4 = frozenset({"security_classified", "security_sensitive_operations"})


def feeding_questions(aspect: str) -> set[str]:
    """The questions any rule reads for `aspect`: answering one of them decides the aspect."""
    return {q for rule in RULES if aspect in rule.aspects for q in rule.reads}


def clip(level: int, scheme: str) -> int:
    definition = SCHEMES[scheme]
    return min(max(level, definition.min_level), definition.max_level)


def evaluate(answers: dict, scheme: str) -> dict:
    """The levels the rules give, and which rules fired, as stored in Classification.computed.

    {"levels": {"K": 3, "R": 2, "T": None, "S": 2}, "fired": [{"rule": "…", "levels": {"K": 3}}],
     "protection_analysis": False}. An aspect is None while none of its questions is answered.
    """
    definition = SCHEMES[scheme]
    fired = []
    raised: dict[str, int] = {}
    for rule in RULES:
        result = rule.function(answers)
        if rule.id not in EXPLICIT_LEVEL_4:
            result = {aspect: min(level, ORDINARY_MAX) for aspect, level in result.items()}
        result = {aspect: level for aspect, level in result.items() if aspect in definition.aspects}
        if not result:
            continue
        fired.append({"rule": rule.id, "levels": result})
        for aspect, level in result.items():
            raised[aspect] = max(raised.get(aspect, 0), level)
    levels: dict[str, int | None] = {}
    for aspect in definition.aspects:
        decided = any(answers.get(q) not in (None, "", []) for q in feeding_questions(aspect))
        levels[aspect] = clip(raised.get(aspect, definition.min_level), scheme) if decided else None
    threshold = definition.protection_analysis_level
    analysis = threshold is not None and any(v is not None and v >= threshold for v in levels.values())
    return {"levels": levels, "fired": fired, "protection_analysis": analysis}
