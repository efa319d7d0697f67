"""The guided questions of a classification, kept as data (PRODUCT.md C2).

Each question has an id (the key in Classification.answers and .reasoning), a text, a help
text and an answer kind. Every question also takes a free-text reasoning. The rules that turn
answers into levels are in classification.rules; this module only says what may be asked and
which answers are valid.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

YES_NO = "yes_no"
CHOICE = "choice"
MULTI = "multi"  # several options may apply (e.g. OSL chapters)

# Impact questions share one consequence scale; the values are what classification.rules reads.
IMPACT_OPTIONS = (
    ("none", _l("None or negligible")),
    ("moderate", _l("Moderate: limited, passing harm")),
    ("significant", _l("Significant: considerable harm")),
    ("serious", _l("Serious: serious or lasting harm")),
)


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    text: str
    help: str
    kind: str
    options: tuple[tuple[str, str], ...] = field(default=())
    # For MULTI: an option that means "none of these" and cannot be combined with others.
    exclusive: str = ""

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.options)

    def label(self, value) -> str:
        """The answer as shown to people (None for unanswered)."""
        if value is None:
            return ""
        if self.kind == YES_NO:
            return str(_l("Yes") if value else _l("No"))
        labels = dict(self.options)
        if self.kind == MULTI:
            return ", ".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))


SECTION_PERSONAL = _l("Personal data")
SECTION_SECRECY = _l("Secrecy and national security")
SECTION_IMPACT = _l("Consequences")

QUESTIONS: tuple[Question, ...] = (
    Question(
        "personal_data", SECTION_PERSONAL,
        _l("Does the information contain personal data?"),
        _l("Any information that can be linked to a living person, directly or indirectly (GDPR article 4.1)."),
        YES_NO,
    ),
    Question(
        "sensitive_personal_data", SECTION_PERSONAL,
        _l("Does it contain sensitive personal data?"),
        _l("Health, ethnic origin, political opinions, religious or philosophical beliefs, trade union "
           "membership, genetic or biometric data, sex life or sexual orientation (GDPR article 9)."),
        YES_NO,
    ),
    Question(
        "criminal_offence_data", SECTION_PERSONAL,
        _l("Does it contain personal data about criminal convictions and offences?"),
        _l("For example extracts from the criminal records register or suspicions of crime (GDPR article 10)."),
        YES_NO,
    ),
    Question(
        "national_id", SECTION_PERSONAL,
        _l("Does it contain personal identity numbers or coordination numbers?"),
        _l("Personnummer and samordningsnummer may be processed only when clearly justified "
           "(the Swedish Data Protection Act, chapter 3, section 10)."),
        YES_NO,
    ),
    Question(
        "osl_chapters", SECTION_SECRECY,
        _l("Is any of the information covered by secrecy under the Public Access to Information and Secrecy Act (OSL)?"),
        _l("Tick every chapter that applies to some of the information."),
        MULTI,
        options=(
            ("none", _l("No, none of it is secret")),
            ("21", _l("Chapter 21: personal circumstances, e.g. protected identity")),
            ("23", _l("Chapter 23: preschool, school and student health")),
            ("25", _l("Chapter 25: health and medical care")),
            ("26", _l("Chapter 26: social services")),
            ("18", _l("Chapter 18: public order and security, e.g. security arrangements")),
            ("19", _l("Chapter 19: the municipality's economic interests, e.g. procurement")),
            ("31", _l("Chapter 31: individuals' business and economic circumstances")),
            ("other", _l("Another chapter")),
        ),
        exclusive="none",
    ),
    Question(
        "security_classified", SECTION_SECRECY,
        _l("Is the information security classified because disclosure could harm Sweden's security?"),
        _l("Information classified under the Protective Security Act (2018:585), e.g. compilations of "
           "critical infrastructure. Answer yes only when the protective security analysis says so."),
        YES_NO,
    ),
    Question(
        "security_sensitive_operations", SECTION_SECRECY,
        _l("Would it harm Sweden's security if the information were wrong or unavailable?"),
        _l("Security-sensitive activities under the Protective Security Act (2018:585), e.g. control of "
           "the water supply. Answer yes only when the protective security analysis says so."),
        YES_NO,
    ),
    Question(
        "impact_life_health", SECTION_IMPACT,
        _l("How could people's life and health be harmed if the information were wrong or missing when needed?"),
        _l("Think of the worst realistic case, e.g. a wrong medication list or an alarm that does not reach staff."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "impact_services", SECTION_IMPACT,
        _l("How badly would the municipality's services suffer if the information were unavailable?"),
        _l("Services to residents and businesses as well as the municipality's own work."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "impact_finances", SECTION_IMPACT,
        _l("What financial harm could follow if the information were wrong or manipulated?"),
        _l("Wrong payments, fraud, damages or fines, for the municipality or for others."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "impact_trust", SECTION_IMPACT,
        _l("How badly would trust in the municipality suffer if the information leaked or were misused?"),
        _l("Residents', partners' and the media's confidence in how the municipality handles information."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "outage_tolerance", SECTION_IMPACT,
        _l("How long can the information be unavailable before it causes real harm?"),
        _l("Count from when the information cannot be reached until the work it supports suffers."),
        CHOICE,
        options=(
            ("more_than_week", _l("More than a week")),
            ("week", _l("Up to a week")),
            ("day", _l("Up to a day")),
            ("hours", _l("A few hours")),
            ("less_than_hour", _l("Less than an hour")),
        ),
    ),
    Question(
        "integrity_consequence", SECTION_IMPACT,
        _l("What would the consequence be if the information were wrongly altered without anyone noticing?"),
        _l("By mistake or on purpose, e.g. a changed decision, account number or measurement."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "traceability_consequence", SECTION_IMPACT,
        _l("What would the consequence be if you could not trace who read or changed the information?"),
        _l("Traceability (spårbarhet): following up who did what, e.g. after suspected snooping in records."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
)

BY_ID = {q.id: q for q in QUESTIONS}


def clean_answers(answers: dict) -> dict:
    """Valid answers only, normalised; a ValidationError names each bad one.

    Unanswered questions (None, "" or absent) are left out, so a half-way save keeps what it has.
    """
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for key, value in (answers or {}).items():
        question = BY_ID.get(key)
        if question is None:
            errors[key] = _("There is no question '%(id)s'.") % {"id": key}
            continue
        if value is None or value == "" or value == []:
            continue
        if question.kind == YES_NO:
            if not isinstance(value, bool):
                errors[key] = _("Answer yes or no.")
                continue
            cleaned[key] = value
        elif question.kind == CHOICE:
            if value not in question.values:
                errors[key] = _("Choose one of the options.")
                continue
            cleaned[key] = value
        else:
            if isinstance(value, str) or not all(v in question.values for v in value):
                errors[key] = _("Choose among the options.")
                continue
            chosen = [v for v in question.values if v in value]  # option order, no duplicates
            if question.exclusive in chosen and len(chosen) > 1:
                errors[key] = _("“%(none)s” cannot be combined with other options.") % {
                    "none": dict(question.options)[question.exclusive]}
                continue
            cleaned[key] = chosen
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_reasoning(reasoning: dict) -> dict:
    """Free-text reasoning per question; empty texts are dropped."""
    unknown = [key for key in (reasoning or {}) if key not in BY_ID]
    if unknown:
        raise ValidationError({key: _("There is no question '%(id)s'.") % {"id": key} for key in unknown})
    result = {}
    for key, text in (reasoning or {}).items():
        if not isinstance(text, str):
            raise ValidationError({key: _("Write the reasoning as text.")})
        if text.strip():
            result[key] = text.strip()
    return result


def unanswered(answers: dict) -> list[Question]:
    return [q for q in QUESTIONS if answers.get(q.id) in (None, "", [])]
