"""The history as people read it: labels, choice labels, Ja/Nej, dates, names, JSON summaries.

Display only: the tests also check that rendering leaves the stored entries (and the chain) as
they were.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.tenancy import tenant_for
from inventory.models import System
from tests.factories import InformationTypeFactory, SupplierFactory, SystemFactory, UnitFactory
from trail import display
from trail.capture import MASK
from trail.chain import verify
from trail.context import acting_as
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entry(model: str, changes: dict, action: str = "update") -> AuditEntry:
    """An unsaved entry as trail.capture writes them."""
    return AuditEntry(model=model, object_id="1", object_repr="x", action=action, changes=changes,
                      actor_label="someone", source="web", created_at=timezone.now())


def _rows(entry, names=None) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {row.label: (row.text, row.details) for row in display.change_rows(entry, names)}


def test_labels_choices_booleans_and_dates_are_shown_in_swedish():
    entry = _entry("inventory.system", {
        "hosting": ["own_dc", "supplier_dc"],
        "personal_data": [False, True],
        "archived_at": [None, "2026-03-05T10:15:00+00:00"],
        "criticality": ["medium", "gone_value"],  # a value no longer among the choices
    })
    with translation.override("sv"):
        rows = _rows(entry)
    assert rows["Driftform"] == ("Egen datahall → Leverantörens datahall", ())
    assert rows["Behandlar personuppgifter"] == ("Nej → Ja", ())
    # Stored in UTC, shown in Swedish local time (CET, +1 in March).
    assert rows["Arkiverad"] == ("– → 2026-03-05 11:15", ())
    assert rows["Kritikalitet"][0].endswith("→ gone_value")
    with translation.override("en"):
        rows = _rows(entry)
    assert rows["Hosting"] == ("Own data centre → Supplier's data centre", ())
    assert rows["Processes personal data"] == ("No → Yes", ())


def test_a_created_record_shows_its_values_and_a_deleted_one_what_it_had():
    with translation.override("en"):
        created = _rows(_entry("inventory.system", {"hosting": [None, "cloud"], "personal_data": [None, False]},
                               action="create"))
        deleted = _rows(_entry("inventory.system", {"hosting": ["cloud", None]}, action="delete"))
    assert created["Hosting"] == ("Cloud service", ())
    assert created["Processes personal data"] == ("No", ())
    assert deleted["Hosting"] == ("Cloud service", ())


def test_links_show_the_linked_records_name_or_their_id():
    entry = _entry("inventory.system", {
        "supplier_id": [7, 8],
        "shared_with": {"added": [3, 4]},
    })
    names = {("suppliers.supplier", 7): "Drift AB", ("organisations.organisation", 3): "Kommun C"}
    with translation.override("en"):
        rows = _rows(entry, names)
    assert rows["Supplier"] == ("Drift AB → #8", ())
    assert rows["Shared with"] == ("added: Kommun C, #4", ())
    with translation.override("sv"):
        assert _rows(entry, names)["Delad med"] == ("tillagda: Kommun C, #4", ())


def test_json_answers_are_summarised_by_the_keys_that_changed():
    entry = _entry("classification.classification", {
        "answers": [{"personal_data": False, "secrecy": "none", "impact": "low"},
                    {"personal_data": True, "secrecy": "none", "impact": "high", "new_question": True}],
    })
    with translation.override("en"):
        (text, details), = _rows(entry).values()
    # A known question is named by its text; keys the questionnaire no longer has stay as they are.
    question = "Does the information contain personal data?"
    assert text == f"changed: impact, new_question, {question}"
    assert details == ("impact: low → high", "new_question: – → Yes", f"{question}: No → Yes")
    assert "{" not in text


def test_a_new_records_json_names_its_keys_and_lists_read_as_lists():
    with translation.override("en"):
        rows = _rows(_entry("classification.classification", {
            "answers": [None, {f"q{i:02d}": i for i in range(10)}],
        }, action="create"))
        assert rows["Answers"][0] == "q00, q01, q02, q03, q04, q05, q06, q07 and 2 more"
        assert rows["Answers"][1][0] == "q00: 0" and len(rows["Answers"][1]) == 10
        rows = _rows(_entry("inventory.system", {"storage_countries": [["SE"], ["SE", "NO"]]}))
    assert rows["Countries where data is stored"] == ("Sweden → Sweden, Norway", ())


def test_bookkeeping_times_are_left_out_as_the_entry_has_its_own():
    entry = _entry("inventory.system", {"created_at": [None, "2026-03-05T10:15:00+00:00"],
                                        "updated_at": [None, "2026-03-05T10:15:00+00:00"], "name": [None, "Lön"]},
                   action="create")
    with translation.override("en"):
        assert _rows(entry) == {"Name": ("Lön", ())}


def test_secrets_stay_masked():
    entry = _entry("accounts.user", {"password": [MASK, MASK]})
    assert [(row.text, row.details) for row in display.change_rows(entry)] == [(MASK, ())]
    # Even a value that somehow was not masked when written is not shown.
    entry = _entry("accounts.user", {"password": ["pbkdf2$old", "pbkdf2$new"]})
    assert [row.text for row in display.change_rows(entry)] == [MASK]


def test_unknown_models_and_fields_fall_back_to_the_stored_names():
    removed = _entry("inventory.system", {"retired_field": [None, True], "other": {"added": [1]}})
    gone = _entry("nowhere.gone", {"colour": ["red", "blue"], "settings": [None, {"a": 1}], "flag": "odd"})
    with translation.override("en"):
        assert _rows(removed) == {"retired_field": ("– → Yes", ()), "other": ("added: #1", ())}
        rows = _rows(gone)
    assert rows["colour"] == ("red → blue", ())
    assert rows["settings"] == ("changed: a", ("a: – → 1",))
    assert rows["flag"] == ("odd", ())
    assert display.model_label(gone) == "nowhere.gone"
    # Stored changes that are not even a dict do not break the page either.
    odd = _entry("inventory.system", ["not", "a", "dict"])
    assert [row.text for row in display.change_rows(odd)] == ['["not", "a", "dict"]']


def test_names_are_read_once_for_a_page_and_only_through_the_tenant(org_a, org_b, member):
    tenant = tenant_for(member(org_a, "coordinator"), org_a.pk)
    ours = SupplierFactory(organisation=org_a, name="Vår leverantör AB")
    theirs = SupplierFactory(organisation=org_b, name="HEMLIG-B leverantör")
    unit = UnitFactory(organisation=org_a, name="Socialnämnden")
    owner = member(org_a, "system_owner")
    info = InformationTypeFactory(organisation=org_a, name="Elevakter")
    entries = [
        _entry("inventory.system", {"supplier_id": [ours.pk, theirs.pk], "unit_id": [None, unit.pk],
                                    "owner_id": [None, owner.pk], "information_types": {"added": [info.pk]},
                                    "shared_with": {"added": [org_b.pk]}})
        for _ in range(30)
    ]
    with CaptureQueriesContext(connection) as ctx:
        described = display.describe(entries, tenant=tenant)
    assert len(ctx.captured_queries) == 1  # one UNION, however many entries and linked models
    with translation.override("en"):
        rows = {row.label: row.text for row in display.change_rows(entries[0], display.resolve_names(
            display.references(entries), tenant=tenant))}
    assert rows["Supplier"] == f"Vår leverantör AB → #{theirs.pk}"  # not org_b's name
    assert rows["Owning unit"] == "– → Socialnämnden"
    assert rows["System owner"] == f"– → {owner.full_name}"
    assert rows["Information types"] == "added: Elevakter"
    assert rows["Shared with"] == "added: Kommun B"
    assert len(described) == 30
    # Without a tenant nothing is looked up.
    with CaptureQueriesContext(connection) as ctx:
        display.describe(entries, tenant=None)
    assert len(ctx.captured_queries) == 0


def test_a_supplier_role_sees_no_names_of_internal_records(org_a, supplier_org, member):
    tenant = tenant_for(member(supplier_org, "supplier"), supplier_org.pk)
    unit = UnitFactory(organisation=org_a, name="Socialnämnden")
    entry = _entry("inventory.system", {"unit_id": [None, unit.pk]})
    names = display.resolve_names(display.references([entry]), tenant=tenant)
    assert names == {}


def test_the_system_page_shows_a_readable_history_in_swedish(org_a, member, login):
    coordinator = member(org_a, "coordinator")
    with acting_as(coordinator, source="web"):
        supplier = SupplierFactory(organisation=org_a, name="Drift Norr AB")
        system = SystemFactory(organisation=org_a, name="Skolplattform", hosting="own_dc", owner=coordinator)
        system.information_types.add(InformationTypeFactory(organisation=org_a, name="Betyg"))
        system = System.objects.get(pk=system.pk)
        system.hosting, system.supplier, system.personal_data = "supplier_dc", supplier, True
        system.archived_at = datetime.datetime(2026, 3, 5, 10, 15, tzinfo=datetime.UTC)
        system.save()
    stored = {e.seq: (e.changes, e.hash) for e in AuditEntry.objects.all()}
    client = login(coordinator)
    page = client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    history = page.split('id="history-title"')[1].split("</section>")[0]
    assert "Driftform</span>: Egen datahall → Leverantörens datahall" in history
    assert "Behandlar personuppgifter</span>: Nej → Ja" in history
    assert "Leverantör</span>: – → Drift Norr AB" in history
    assert "Arkiverad</span>: – → 2026-03-05 11:15" in history
    assert "Informationstyper</span>: tillagda: Betyg" in history
    assert f"Systemägare</span>: {coordinator.full_name}" in history
    for raw in ("supplier_dc", "personal_data", "hosting", "supplier_id", "{'", "True", "False"):
        assert raw not in history, raw
    # The audit trail page reads the same way, and names the record type.
    log = client.get(reverse("trail:log")).content.decode()
    assert "Driftform</span>: Egen datahall → Leverantörens datahall" in log
    assert "supplier_dc" not in log and "personal_data" not in log
    # Display only: the stored entries and the chain are untouched.
    assert {e.seq: (e.changes, e.hash) for e in AuditEntry.objects.all()} == stored
    assert verify().ok
