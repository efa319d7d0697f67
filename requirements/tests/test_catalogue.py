"""The catalogue file's integrity and its idempotent loading (manage.py load_requirements)."""

import copy
import json
import re

import pytest
from django.core.management import call_command

from requirements.catalogue import CATALOGUE_PATH, check_catalogue, load_catalogue, read_catalogue
from requirements.models import ATTRIBUTE_SETS, Area, Control, Requirement
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

DATA = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_the_file_has_the_93_annex_a_controls_in_order():
    numbers = [c["number"] for c in DATA["controls"]]
    expected = ([f"5.{i}" for i in range(1, 38)] + [f"6.{i}" for i in range(1, 9)]
                + [f"7.{i}" for i in range(1, 15)] + [f"8.{i}" for i in range(1, 35)])
    assert numbers == expected
    assert len(numbers) == 93
    themes = {c["number"]: c["theme"] for c in DATA["controls"]}
    assert (themes["5.37"], themes["6.8"], themes["7.14"], themes["8.34"]) == (
        "organisational", "people", "physical", "technological")


def test_every_control_has_names_and_valid_attribute_values():
    for control in DATA["controls"]:
        assert control["name_en"].strip() and control["name_sv"].strip(), control["number"]
        for name, (_label, choices) in ATTRIBUTE_SETS.items():
            assert control[name], (control["number"], name)
            assert set(control[name]) <= set(choices.values), (control["number"], name, control[name])


def test_attribute_values_of_some_controls_follow_iso_iec_27002():
    by_number = {c["number"]: c for c in DATA["controls"]}
    assert by_number["8.13"]["control_types"] == ["corrective"]
    assert by_number["8.13"]["properties"] == ["integrity", "availability"]
    assert by_number["5.30"]["domains"] == ["resilience"]
    assert by_number["5.7"]["control_types"] == ["preventive", "detective", "corrective"]
    # 5.22: the standard prints this capability among the domains; we store it as a capability.
    assert "information_security_assurance" in by_number["5.22"]["capabilities"]


def test_requirements_count_codes_controls_and_nis2_points():
    requirements = DATA["requirements"]
    assert 60 <= len(requirements) <= 120
    codes = [r["code"] for r in requirements]
    assert len(codes) == len(set(codes))
    numbers = {c["number"] for c in DATA["controls"]}
    for r in requirements:
        assert re.fullmatch(r"[A-ZÅÄÖ]{2,4}-\d{2}", r["code"]), r["code"]
        assert r["area"] in Area.values, r["code"]
        assert r["controls"] and set(r["controls"]) <= numbers, r["code"]
        assert r["nis2"] and set(r["nis2"]) <= set("abcdefghij"), r["code"]
        assert r["levels"] and set(r["levels"]) <= {"K", "R", "T", "S"}, r["code"]
        assert all(0 <= level <= 3 for level in r["levels"].values()), r["code"]
        assert all(r[k].strip() for k in ("title", "title_en", "title_shall", "text_is", "text_shall")), r["code"]


def test_every_area_has_requirements_and_supplier_contracts_are_covered():
    areas = {r["area"] for r in DATA["requirements"]}
    assert areas == set(Area.values)
    supplier = [r for r in DATA["requirements"] if r["area"] == "supplier"]
    assert len(supplier) >= 8
    assert any("24 timmar" in r["text_shall"] for r in supplier)


def test_the_checker_accepts_the_file_and_names_what_is_wrong():
    assert check_catalogue(DATA) == []
    broken = copy.deepcopy(DATA)
    broken["requirements"][0]["controls"] = ["9.1"]
    broken["requirements"][1]["nis2"] = ["k"]
    broken["controls"] = broken["controls"][:-1]
    problems = check_catalogue(broken)
    assert any("8.34" in p or "93" in p for p in problems)
    assert any(broken["requirements"][0]["code"] in p and "controls" in p for p in problems)
    assert any(broken["requirements"][1]["code"] in p and "NIS2" in p for p in problems)


def test_loading_creates_everything_once(catalogue):
    assert (catalogue.controls_created, catalogue.created) == (93, len(DATA["requirements"]))
    assert Control.objects.count() == 93
    assert Requirement.objects.filter(organisation__isnull=True).count() == len(DATA["requirements"])
    two_factor = Requirement.objects.get(code="ÅS-03")
    assert sorted(c.number for c in two_factor.controls.all()) == ["5.17", "8.2", "8.5"]
    assert (two_factor.levels, two_factor.nis2, two_factor.catalogue_version) == ({"K": 2, "R": 2}, ["i", "j"], "2026.2")
    assert Control.objects.get(number="8.13").attribute_values("control_types") == ["corrective"]
    # Each catalogue row has its create entry in the trail.
    assert AuditEntry.objects.filter(model="requirements.requirement", action="create").count() == len(DATA["requirements"])


def test_loading_again_changes_nothing(catalogue):
    entries = AuditEntry.objects.count()
    again = load_catalogue()
    assert (again.created, again.updated, again.withdrawn, again.controls_created, again.controls_updated) == (0, 0, 0, 0, 0)
    assert again.unchanged == len(DATA["requirements"])
    assert AuditEntry.objects.count() == entries


def test_a_new_version_updates_texts_and_withdraws_but_keeps_own_requirements(catalogue, org_a):
    own = Requirement.objects.create(organisation=org_a, code="EGEN-01", area="access", title="Egen", text_is="Ä",
                                     text_shall="S", levels={"K": 1})
    changed = copy.deepcopy(DATA)
    changed["version"] = "2026.2"
    changed["requirements"][0]["text_shall"] = "Ny lydelse."
    changed["requirements"][0]["controls"] = ["5.1"]
    dropped = changed["requirements"].pop()
    result = load_catalogue(changed)
    assert (result.updated, result.withdrawn, result.created) == (1, 1, 0)
    first = Requirement.objects.get(code=DATA["requirements"][0]["code"])
    assert (first.text_shall, first.catalogue_version) == ("Ny lydelse.", "2026.2")
    assert [c.number for c in first.controls.all()] == ["5.1"]
    assert Requirement.objects.get(code=dropped["code"]).withdrawn is True
    assert Requirement.objects.get(pk=own.pk).title == "Egen"
    # The dropped requirement comes back when a later version has it again.
    load_catalogue(DATA)
    assert Requirement.objects.get(code=dropped["code"]).withdrawn is False


def test_an_invalid_file_loads_nothing(db):
    broken = copy.deepcopy(DATA)
    broken["requirements"][0]["levels"] = {"K": 4}
    with pytest.raises(ValueError, match="levels"):
        load_catalogue(broken)
    assert (Control.objects.count(), Requirement.objects.count()) == (0, 0)


def test_the_command_loads_and_reports(db, capsys):
    call_command("load_requirements")
    call_command("load_requirements")
    out = capsys.readouterr().out
    assert f"requirements {len(DATA['requirements'])} new" in out
    assert f"0 new, 0 changed, {len(DATA['requirements'])} unchanged, 0 withdrawn" in out
    assert AuditEntry.objects.filter(model="requirements.requirement").values_list("source", flat=True).distinct().get() == "cli"


def test_read_catalogue_reads_the_bundled_file():
    assert read_catalogue()["version"] == DATA["version"] == "2026.2"


def test_every_requirement_has_a_shall_title_that_is_loaded():
    for r in DATA["requirements"]:
        assert " ska " in f" {r['title_shall']} " or " får inte " in r["title_shall"], r["code"]
        assert " shall " in r["title_shall_en"], r["code"]
    broken = copy.deepcopy(DATA)
    broken["requirements"][0]["title_shall"] = " "
    assert any("title_shall is empty" in p for p in check_catalogue(broken))
    load_catalogue(DATA)
    assert Requirement.objects.get(code="ST-01").title_shall == "Leverantören ska utse en kontaktperson för informationssäkerhet"
