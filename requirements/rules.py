"""Which requirements apply to a system, and summaries of how far they are met.

Source: SKR's KLASSA (version 4.0, 2024, klassa.skr.se "Utformning av krav"): the levels a
classification gives select requirements from a catalogue; level 4 ("synnerligen allvarlig",
information that concerns national security) derives no requirements and calls for a separate
protection analysis instead. Levels run 0–4 on KLASSA's scale.

MSB's model (SIS/MSB 0040-09) has the levels Måttlig, Betydande, Allvarlig (1–3) for K, R
and T. The names are KLASSA's levels 1–3, so an MSB level is used as the KLASSA level of the
same number. MSB's model does not classify traceability (spårbarhet); for MSB organisations
the integrity level stands in for it, because being able to tell who changed what is part
of keeping information correct (our decision: docs for the catalogue; MSB states no rule).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ASPECTS = ("K", "R", "T", "S")
LOWEST_LEVEL = 0
# KLASSA derives nothing at this level: a separate protection analysis (skyddsanalys) instead.
PROTECTION_ANALYSIS_LEVEL = 4
UNASSESSED = "unassessed"
STATUS_KEYS = ("met", "partly_met", "not_met", "not_applicable", UNASSESSED)


def applies(requirement_levels: dict[str, int], system_need: dict[str, int | None]) -> bool:
    """True when any aspect the requirement lists has reached its level in the system's need.

    An aspect at level 4 derives nothing (KLASSA), an unclassified aspect (None) neither.
    """
    return bool(triggered_by(requirement_levels, system_need))


def triggered_by(requirement_levels: dict[str, int], system_need: dict[str, int | None]) -> tuple[str, ...]:
    """The aspects through which a requirement applies (empty when it does not)."""
    hits = []
    for aspect in ASPECTS:
        minimum = requirement_levels.get(aspect)
        level = system_need.get(aspect)
        if minimum is None or level is None or level >= PROTECTION_ANALYSIS_LEVEL:
            continue
        if level >= minimum:
            hits.append(aspect)
    return tuple(hits)


def klassa_need(need: dict[str, int | None], scheme: str) -> dict[str, int | None]:
    """A protection need on KLASSA's scale (see the module docstring for the MSB mapping)."""
    levels = {aspect: need.get(aspect) for aspect in ASPECTS}
    if scheme == "msb":
        levels["S"] = levels["R"]
    return levels


def analysis_aspects(need: dict[str, int | None]) -> tuple[str, ...]:
    """Aspects at level 4: for these a separate protection analysis replaces derived requirements."""
    return tuple(a for a in ASPECTS if (need.get(a) or 0) >= PROTECTION_ANALYSIS_LEVEL)


def is_classified(need: dict[str, int | None]) -> bool:
    return any(need.get(a) is not None for a in ASPECTS)


def validate_levels(levels) -> dict[str, int]:
    """The levels of a requirement: one or more aspects, each 0–3 (a level-4 requirement would never apply)."""
    if not isinstance(levels, dict) or not levels:
        raise ValidationError({"levels": _("Give the level of at least one aspect.")})
    clean = {}
    for aspect, level in levels.items():
        if aspect not in ASPECTS:
            raise ValidationError({"levels": _("Unknown aspect '%(aspect)s'; use K, R, T or S.") % {"aspect": aspect}})
        if isinstance(level, bool) or not isinstance(level, int) or not LOWEST_LEVEL <= level < PROTECTION_ANALYSIS_LEVEL:
            raise ValidationError({"levels": _("Levels run from 0 to 3 (level 4 calls for a protection analysis).")})
        clean[aspect] = level
    return {a: clean[a] for a in ASPECTS if a in clean}


def levels_label(levels: dict[str, int]) -> str:
    """{"K": 2, "R": 2} → "K ≥ 2 or R ≥ 2"."""
    return _(" or ").join(f"{a} ≥ {levels[a]}" for a in ASPECTS if a in levels)


@dataclass(frozen=True)
class Derivation:
    """A system's requirement list as derived from its protection need."""

    need: dict[str, int | None]
    requirements: list = field(default_factory=list)
    # requirement pk → the aspects through which it applies
    triggers: dict = field(default_factory=dict)

    @property
    def classified(self) -> bool:
        return is_classified(self.need)

    @property
    def analysis_aspects(self) -> tuple[str, ...]:
        return analysis_aspects(self.need)


def derive(requirements, need: dict[str, int | None]) -> Derivation:
    """The requirements (in the given order) that apply at `need`; withdrawn ones never do."""
    chosen, triggers = [], {}
    for requirement in requirements:
        if requirement.withdrawn:
            continue
        hits = triggered_by(requirement.levels, need)
        if hits:
            chosen.append(requirement)
            triggers[requirement.pk] = hits
    return Derivation(need=need, requirements=chosen, triggers=triggers)


def status_key(status) -> str:
    """A RequirementStatus (or None) as one of STATUS_KEYS."""
    return status.status if status is not None else UNASSESSED


def _counts(keys) -> dict[str, int]:
    counter = Counter(keys)
    counts = {key: counter.get(key, 0) for key in STATUS_KEYS}
    counts["total"] = sum(counter.values())
    return counts


def summarise(rows) -> dict[str, int]:
    """Counts per status of (requirement, status) rows, with "total"."""
    return _counts(status_key(status) for _requirement, status in rows)


def summarise_by_area(rows, areas) -> list[tuple[str, str, dict[str, int]]]:
    """[(area value, label, counts)] in `areas` order (a TextChoices), areas without rows left out."""
    by_area: dict[str, list] = {}
    for requirement, status in rows:
        by_area.setdefault(requirement.area, []).append(status_key(status))
    return [(value, label, _counts(by_area[value])) for value, label in areas.choices if value in by_area]


def summarise_by_attribute(rows, attribute_sets) -> list[tuple[str, list[tuple[str, str, dict[str, int]]]]]:
    """Per ISO/IEC 27002 attribute value, the counts of the requirements whose controls carry it.

    A requirement counts once per value, however many of its controls carry the value.
    `attribute_sets` is models.ATTRIBUTE_SETS; controls must be prefetched.
    """
    result = []
    for name, (label, choices) in attribute_sets.items():
        keys: dict[str, list] = {}
        for requirement, status in rows:
            values = {v for control in requirement.controls.all() for v in control.attribute_values(name)}
            for value in values:
                keys.setdefault(value, []).append(status_key(status))
        result.append((label, [(value, text, _counts(keys[value])) for value, text in choices.choices if value in keys]))
    return result


def summarise_controls_by_attribute(rows, attribute_sets) -> list[tuple[str, list[tuple[str, str, dict[str, int]]]]]:
    """SoA counts per attribute value: controls, applicable, not applicable, implemented, reasons pending.

    `rows` are (control, statement or None[, the implementation status that counts]).
    """
    result = []
    for name, (label, choices) in attribute_sets.items():
        per_value = []
        for value, text in choices.choices:
            matching = [row for row in rows if value in row[0].attribute_values(name)]
            if matching:
                per_value.append((value, text, soa_counts(matching)))
        result.append((label, per_value))
    return result


def soa_counts(rows) -> dict[str, int]:
    """Counts of SoA rows (control, statement or None[, implementation]): a control without a row
    is undecided. The implementation, when given, is the one that counts (derived from the
    systems unless overridden); else the statement's."""
    statements = [row[1] for row in rows]
    implementations = [row[2] if len(row) > 2 else (row[1].implementation if row[1] is not None else None)
                       for row in rows]
    return {
        "controls": len(statements),
        "undecided": sum(1 for s in statements if s is None),
        "applicable": sum(1 for s in statements if s is not None and s.applicable),
        "not_applicable": sum(1 for s in statements if s is not None and not s.applicable),
        "reason_pending": sum(1 for s in statements if s is not None and s.reason_pending),
        "implemented": sum(1 for s, i in zip(statements, implementations)
                           if s is not None and s.applicable and i == "implemented"),
    }
