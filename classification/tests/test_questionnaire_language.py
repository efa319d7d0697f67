"""The guided questionnaire speaks Swedish: its questions, help texts and options reach the catalogue.

The questionnaire's texts once used an alias (`_l`) that makemessages does not look for, so none of
them were in locale/sv and Swedish pages showed English questions and options.
"""

import html

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from classification import questionnaire
from classification.questionnaire import QUESTIONS

pytestmark = pytest.mark.django_db

# Texts that are spelt the same in Swedish and English (none so far).
SAME_IN_BOTH: set[str] = set()


@pytest.fixture
def swedish(client):
    """Pages in the default language: no language cookie, no Accept-Language, no override."""
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    with translation.override(None):
        yield


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "sv"
    return html.unescape(response.content.decode())


def test_the_questionnaire_page_is_in_swedish(swedish, info, tenant_of, login):
    page = _page(login(tenant_of("coordinator").user), reverse("classification:classify", args=[info.pk]))
    for swedish_text in (
        "Innehåller informationen personuppgifter?",  # a question
        "Sekretess och säkerhetsskydd",  # a section
        "Ingen eller försumbar",  # an impact option
        "Upp till ett dygn",  # an outage option
        "25 kap. hälso- och sjukvård",  # an OSL chapter
        "Kryssa i varje kapitel som gäller för någon del av informationen.",  # a help text
    ):
        assert swedish_text in page
    for english_msgid in (
        "None or negligible",
        "Up to a day",
        "Chapter 25: health and medical care",
        "Does the information contain personal data?",
        "How long can the information be unavailable before it causes real harm?",
        "Secrecy and national security",
    ):
        assert english_msgid not in page


def test_the_reasons_on_the_classification_page_are_in_swedish(swedish, info, classify, tenant_of, login):
    classification = classify(info, osl_chapters=["25"], outage_tolerance="day")
    page = _page(login(tenant_of("reader").user), reverse("classification:detail", args=[classification.pk]))
    assert "Stark sekretess enligt OSL: 25 kap. hälso- och sjukvård." in page
    assert "Upp till ett dygn" in page
    assert "Chapter 25: health and medical care" not in page
    assert "Up to a day" not in page


def _texts() -> list[str]:
    """Every text of the questionnaire's definitions, lazily translated: sections, questions, help, options."""
    texts = [questionnaire.SECTION_PERSONAL, questionnaire.SECTION_SECRECY, questionnaire.SECTION_IMPACT]
    texts += [label for _value, label in questionnaire.IMPACT_OPTIONS]
    for question in QUESTIONS:
        texts += [question.section, question.text, question.help]
        texts += [label for _value, label in question.options]
    return texts


def test_every_questionnaire_text_has_a_swedish_translation():
    texts = _texts()
    assert len(texts) > 50
    with translation.override("en"):
        english = [str(text) for text in texts]
    with translation.override("sv"):
        swedish = [str(text) for text in texts]
    untranslated = [en for en, sv in zip(english, swedish, strict=True) if en == sv and en not in SAME_IN_BOTH]
    assert untranslated == []


def test_yes_and_no_answers_are_shown_in_swedish():
    question = questionnaire.BY_ID["personal_data"]
    with translation.override("sv"):
        assert (question.label(True), question.label(False)) == ("Ja", "Nej")
