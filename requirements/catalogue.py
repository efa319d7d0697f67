"""Tillit's requirement catalogue as a versioned data file (requirements/data/catalogue.json),
and loading it into the database idempotently (`manage.py load_requirements`).

Controls are matched by number and catalogue requirements by code; changed texts are
updated, requirements the file no longer has are marked withdrawn (assessments refer to
them), and an organisation's own requirements are never touched.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from requirements.models import ATTRIBUTE_SETS, Area, Control, Nis2Point, Requirement, Theme, tags
from requirements.rules import validate_levels
from trail.capture import bulk_entries

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.json"
# ISO/IEC 27001:2022 Annex A: 37 organisational, 8 people, 14 physical, 34 technological controls.
ANNEX_A = {"5": (Theme.ORGANISATIONAL, 37), "6": (Theme.PEOPLE, 8), "7": (Theme.PHYSICAL, 14),
           "8": (Theme.TECHNOLOGICAL, 34)}
EXPECTED_NUMBERS = [f"{major}.{minor}" for major, (_theme, count) in ANNEX_A.items() for minor in range(1, count + 1)]
REQUIREMENT_COUNT = (60, 120)


def read_catalogue(path: Path = CATALOGUE_PATH) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def check_catalogue(data: dict) -> list[str]:
    """Everything wrong with a catalogue file (empty when it may be loaded)."""
    problems = []
    if not isinstance(data.get("version"), str) or not data["version"].strip():
        problems.append("version: missing")
    controls = data.get("controls", [])
    numbers = [c.get("number") for c in controls]
    if numbers != EXPECTED_NUMBERS:
        problems.append(f"controls: expected the 93 Annex A numbers 5.1–8.34 in order, got {len(numbers)}")
    for control in controls:
        problems += _check_control(control)
    requirements = data.get("requirements", [])
    low, high = REQUIREMENT_COUNT
    if not low <= len(requirements) <= high:
        problems.append(f"requirements: {len(requirements)}, expected {low}–{high}")
    codes = [r.get("code") for r in requirements]
    if len(set(codes)) != len(codes):
        problems.append("requirements: codes are not unique")
    known = set(numbers)
    for requirement in requirements:
        problems += _check_requirement(requirement, known)
    return problems


def _check_control(control: dict) -> list[str]:
    number = control.get("number", "?")
    problems = []
    theme = ANNEX_A.get(number.split(".")[0], (None,))[0]
    if control.get("theme") != theme:
        problems.append(f"control {number}: theme {control.get('theme')!r}, expected {theme!r}")
    if not control.get("name_en") or not control.get("name_sv"):
        problems.append(f"control {number}: a name in English and in Swedish is required")
    for name, (_label, choices) in ATTRIBUTE_SETS.items():
        values = control.get(name) or []
        if not values or not set(values) <= set(choices.values) or len(set(values)) != len(values):
            problems.append(f"control {number}: {name} {values!r} are not valid ISO/IEC 27002 values")
    return problems


def _check_requirement(requirement: dict, known_controls: set[str]) -> list[str]:
    code = requirement.get("code") or "?"
    problems = []
    if not re.fullmatch(r"[A-ZÅÄÖ]{2,4}-\d{2}", code):
        problems.append(f"requirement {code}: the code must look like ÅS-03")
    if requirement.get("area") not in Area.values:
        problems.append(f"requirement {code}: unknown area {requirement.get('area')!r}")
    for name in ("title", "title_en", "title_shall", "title_shall_en", "text_is", "text_shall"):
        if not (requirement.get(name) or "").strip():
            problems.append(f"requirement {code}: {name} is empty")
    try:
        validate_levels(requirement.get("levels"))
    except ValidationError as exc:
        problems.append(f"requirement {code}: levels {requirement.get('levels')!r}: {' '.join(exc.messages)}")
    controls = requirement.get("controls") or []
    if not controls or not set(controls) <= known_controls:
        problems.append(f"requirement {code}: controls {controls!r} must name existing Annex A controls")
    points = requirement.get("nis2") or []
    if not points or not set(points) <= set(Nis2Point.values):
        problems.append(f"requirement {code}: NIS2 points {points!r} must be letters a–j of article 21(2)")
    return problems


@dataclass
class LoadResult:
    version: str
    controls_created: int = 0
    controls_updated: int = 0
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    unchanged: int = 0


def _control_values(row: dict) -> dict:
    values = {"theme": row["theme"], "name_en": row["name_en"], "name_sv": row["name_sv"]}
    values.update({name: tags(row[name]) for name in ATTRIBUTE_SETS})
    return values


def _requirement_values(row: dict, version: str) -> dict:
    return {
        "area": row["area"], "title": row["title"], "title_en": row["title_en"],
        "title_shall": row["title_shall"], "title_shall_en": row["title_shall_en"], "text_is": row["text_is"],
        "text_shall": row["text_shall"], "levels": validate_levels(row["levels"]), "nis2_points": tags(sorted(row["nis2"])),
        "catalogue_version": version, "withdrawn": False,
    }


@transaction.atomic
def load_catalogue(data: dict | None = None) -> LoadResult:
    """Create or update the controls and the catalogue requirements from `data` (default: the file)."""
    data = read_catalogue() if data is None else data
    problems = check_catalogue(data)
    if problems:
        raise ValueError("The requirement catalogue is not valid:\n" + "\n".join(problems))
    result = LoadResult(version=data["version"])
    controls = _load_controls(data["controls"], result)
    _load_requirements(data["requirements"], data["version"], controls, result)
    return result


def _load_controls(rows: list[dict], result: LoadResult) -> dict[str, Control]:
    existing = {c.number: c for c in Control.objects.all()}
    new = []
    for row in rows:
        values = _control_values(row)
        control = existing.get(row["number"])
        if control is None:
            control = Control(number=row["number"], **values)
            control.sort_key = _sort_key(row["number"])
            new.append(control)
        elif any(getattr(control, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(control, name, value)
            control.save()
            result.controls_updated += 1
        existing[row["number"]] = control
    # bulk_create skips save(), so the sort key is set above.
    Control.objects.bulk_create(new)
    result.controls_created = len(new)
    return existing


def _sort_key(number: str) -> int:
    major, minor = number.split(".")
    return int(major) * 100 + int(minor)


def _load_requirements(rows: list[dict], version: str, controls: dict[str, Control], result: LoadResult) -> None:
    existing = {r.code: r for r in Requirement.objects.filter(organisation__isnull=True).prefetch_related("controls")}
    new, links = [], []
    for row in rows:
        values = _requirement_values(row, version)
        wanted = {controls[n].pk for n in row["controls"]}
        requirement = existing.pop(row["code"], None)
        if requirement is None:
            requirement = Requirement(organisation=None, code=row["code"], **values)
            new.append(requirement)
            links.append((requirement, wanted))
            continue
        changed = [k for k, v in values.items() if k != "catalogue_version" and getattr(requirement, k) != v]
        if changed or requirement.catalogue_version != version:
            for name, value in values.items():
                setattr(requirement, name, value)
            requirement.save()
        if {c.pk for c in requirement.controls.all()} != wanted:
            requirement.controls.set(wanted)  # captured by the trail's m2m recorder
            changed.append("controls")
        if changed:
            result.updated += 1
        else:
            result.unchanged += 1
    Requirement.objects.bulk_create(new)
    bulk_entries(new)
    through = Requirement.controls.through
    through.objects.bulk_create([through(requirement_id=r.pk, control_id=c) for r, pks in links for c in sorted(pks)])
    result.created = len(new)
    for requirement in existing.values():  # in the database, no longer in the file
        if not requirement.withdrawn:
            requirement.withdrawn = True
            requirement.save()
            result.withdrawn += 1


def catalogue_is_loaded() -> bool:
    controls_complete = Control.objects.count() == len(EXPECTED_NUMBERS)
    return controls_complete and Requirement.objects.filter(organisation__isnull=True).exists()

