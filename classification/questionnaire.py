"""The guided questions of a classification, kept as data (PRODUCT.md C2).

Each question has an id (the key in Classification.answers and .reasoning), a text, a help
text and an answer kind. Every question also takes a free-text reasoning. The rules that turn
answers into levels are in classification.rules; this module only says what may be asked and
which answers are valid.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YES_NO = "yes_no"
CHOICE = "choice"
MULTI = "multi"  # several options may apply (e.g. OSL chapters)

# Impact questions share one consequence scale; the values are what classification.rules reads.
IMPACT_OPTIONS = (
    ("none", gettext_lazy("None or negligible")),
    ("moderate", gettext_lazy("Moderate: limited, passing harm")),
    ("significant", gettext_lazy("Significant: considerable harm")),
    ("serious", gettext_lazy("Serious: serious or lasting harm")),
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
            return str(gettext_lazy("Yes") if value else gettext_lazy("No"))
        labels = dict(self.options)
        if self.kind == MULTI:
            return ", ".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))


SECTION_PERSONAL = gettext_lazy("Personal data")
SECTION_SECRECY = gettext_lazy("Secrecy and national security")
SECTION_IMPACT = gettext_lazy("Consequences")

QUESTIONS: tuple[Question, ...] = (
    Question(
        "personal_data", SECTION_PERSONAL,
        gettext_lazy("Does the information contain personal data?"),
        gettext_lazy("Any information that can be linked to a living person, directly or indirectly "
                     "(GDPR article 4.1)."),
        YES_NO,
    ),
    Question(
        "sensitive_personal_data", SECTION_PERSONAL,
        gettext_lazy("Does it contain sensitive personal data?"),
        gettext_lazy("Health, ethnic origin, political opinions, religious or philosophical beliefs, trade union "
                     "membership, genetic or biometric data, sex life or sexual orientation (GDPR article 9)."),
        YES_NO,
    ),
    Question(
        "criminal_offence_data", SECTION_PERSONAL,
        gettext_lazy("Does it contain personal data about criminal convictions and offences?"),
        gettext_lazy("For example extracts from the criminal records register or suspicions of crime "
                     "(GDPR article 10)."),
        YES_NO,
    ),
    Question(
        "national_id", SECTION_PERSONAL,
        gettext_lazy("Does it contain personal identity numbers or coordination numbers?"),
        gettext_lazy("Personnummer and samordningsnummer may be processed only when clearly justified "
                     "(the Swedish Data Protection Act, chapter 3, section 10)."),
        YES_NO,
    ),
    Question(
        "osl_chapters", SECTION_SECRECY,
        gettext_lazy("Is any of the information covered by secrecy under the Public Access to Information "
                     "and Secrecy Act (OSL)?"),
        gettext_lazy("Tick every chapter that applies to some of the information."),
        MULTI,
        options=(
            ("none", gettext_lazy("No, none of it is secret")),
            ("21", gettext_lazy("Chapter 21: personal circumstances, e.g. protected identity")),
            ("23", gettext_lazy("Chapter 23: preschool, school and student health")),
            ("25", gettext_lazy("Chapter 25: health and medical care")),
            ("26", gettext_lazy("Chapter 26: social services")),
            ("18", gettext_lazy("Chapter 18: public order and security, e.g. security arrangements")),
            ("19", gettext_lazy("Chapter 19: the municipality's economic interests, e.g. procurement")),
            ("31", gettext_lazy("Chapter 31: individuals' business and economic circumstances")),
            ("other", gettext_lazy("Another chapter")),
        ),
        exclusive="none",
    ),
    Question(
        "security_classified", SECTION_SECRECY,
        gettext_lazy("Is the information security classified because disclosure could harm Sweden's security?"),
        gettext_lazy("Information classified under the Protective Security Act (2018:585), e.g. compilations of "
                     "critical infrastructure. Answer yes only when the protective security analysis says so."),
        YES_NO,
    ),
    Question(
        "security_sensitive_operations", SECTION_SECRECY,
        gettext_lazy("Would it harm Sweden's security if the information were wrong or unavailable?"),
        gettext_lazy("Security-sensitive activities under the Protective Security Act (2018:585), e.g. control of "
                     "the water supply. Answer yes only when the protective security analysis says so."),
        YES_NO,
    ),
    Question(
        "impact_life_health", SECTION_IMPACT,
        gettext_lazy("How could people's life and health be harmed if the information were wrong or "
                     "missing when needed?"),
        gettext_lazy("Think of the worst realistic case, e.g. a wrong medication list or an alarm that "
                     "does not reach staff."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "impact_services", SECTION_IMPACT,
        gettext_lazy("How badly would the municipality's services suffer if the information were unavailable?"),
        gettext_lazy("Services to residents and businesses as well as the municipality's own work."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "impact_finances", SECTION_IMPACT,
        gettext_lazy("What financial harm could follow if the information were wrong or manipulated?"),
        gettext_lazy("Wrong payments, fraud, damages or fines, for the municipality or for others."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "impact_trust", SECTION_IMPACT,
        gettext_lazy("How badly would trust in the municipality suffer if the information leaked or were misused?"),
        gettext_lazy("Residents', partners' and the media's confidence in how the municipality handles information."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "outage_tolerance", SECTION_IMPACT,
        gettext_lazy("How long can the information be unavailable before it causes real harm?"),
        gettext_lazy("Count from when the information cannot be reached until the work it supports suffers."),
        CHOICE,
        options=(
            ("more_than_week", gettext_lazy("More than a week")),
            ("week", gettext_lazy("Up to a week")),
            ("day", gettext_lazy("Up to a day")),
            ("hours", gettext_lazy("A few hours")),
            ("less_than_hour", gettext_lazy("Less than an hour")),
        ),
    ),
    Question(
        "integrity_consequence", SECTION_IMPACT,
        gettext_lazy("What would the consequence be if the information were wrongly altered without anyone noticing?"),
        gettext_lazy("By mistake or on purpose, e.g. a changed decision, account number or measurement."),
        CHOICE, options=IMPACT_OPTIONS,
    ),
    Question(
        "traceability_consequence", SECTION_IMPACT,
        gettext_lazy("What would the consequence be if you could not trace who read or changed the information?"),
        gettext_lazy("Traceability (spårbarhet): following up who did what, e.g. after suspected snooping in records."),
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
