"""The history says who and what in words: no channel as an author, no bookkeeping fields, no keys."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from trail import display
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entry(model: str, changes: dict, action: str = "update", **fields) -> AuditEntry:
    values = {"actor_label": "samordnare@kommun-a.example", "actor_id": 1, "source": "web", **fields}
    return AuditEntry(model=model, object_id="1", object_repr="x", action=action, changes=changes,
                      created_at=timezone.now(), **values)


def _rows(entry) -> dict[str, str]:
    with translation.override("en"):
        return {row.label: row.text for row in display.change_rows(entry)}


@pytest.mark.parametrize(("source", "author"), [("cli", "Command-line import"), ("system", "System job"),
                                                ("import", "File import")])
def test_an_entry_no_person_wrote_names_what_wrote_it(source, author):
    entry = _entry("inventory.system", {}, actor_label=source, actor_id=None, source=source)
    with translation.override("en"):
        assert entry.actor_display == author and not entry.by_person
        html = render_to_string("includes/history.html", {"history": [entry]})
    assert author in html and f"{source} (" not in html


def test_a_persons_entry_keeps_their_address_and_channel():
    entry = _entry("inventory.system", {})
    assert entry.actor_display == "samordnare@kommun-a.example" and entry.by_person


def test_derived_scores_a_generic_links_parts_and_lock_counters_are_not_shown():
    risk = _rows(_entry("risk.risk", {"inherent_score": [4, 8], "version": [1, 2], "title": ["A", "B"]}))
    assert list(risk) == ["Title"]
    action = _rows(_entry("actions.action", {"source_type_id": [None, 7], "source_id": ["", "10"],
                                             "source_label": ["", "Risk: Avbrott"]}, action="create"))
    assert action == {"Source": "Risk: Avbrott"}


def test_rules_themes_criteria_and_answers_are_named_not_keyed():
    from core.findings import THEMES_BY_KEY

    finding = _rows(_entry("audits.findingrecord", {"theme": ["", "change_involvement"],
                                                    "evidence_key": ["", "changes.change:4"]}, action="create"))
    assert finding == {"Theme": str(THEMES_BY_KEY["change_involvement"].title)}
    dpia = _rows(_entry("privacy.dpia", {"criteria": [[], ["sensitive", "large_scale"]]}, action="create"))
    assert "sensitive" not in dpia["Screening criteria met (WP248)"]
    assert "large_scale" not in dpia["Screening criteria met (WP248)"]
    computed = {"levels": {"K": 2, "S": 1}, "fired": [{"rule": "personal_data", "levels": {"K": 1}}],
                "protection_analysis": False}
    with translation.override("en"):
        row = next(r for r in display.change_rows(_entry("classification.classification",
                                                          {"computed": [None, computed]}, action="create"))
                   if r.label == "Levels from the rules")
    text = row.text + " ".join(row.details)
    assert "personal_data" not in text and "fired" not in text and '"K"' not in text
    assert "K 2, S 1" in text
