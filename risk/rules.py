"""The rules of the risk model: score, level, acceptance and rescaling of the matrix.

Plain functions over plain values, so they can be tested at their edges without a database.

Method source: MSB's guidance on risk management (metodstod-informationssakerhet.msb.se,
"Utforma – Riskhantering") leaves the scales to each organisation but asks for one model
across the organisation, with risk as a combination of likelihood (sannolikhet) and
consequence (konsekvens); SS-ISO/IEC 27005 and SS-ISO 31000 describe the same evaluation
against risk-acceptance criteria. Swedish public bodies commonly use 4 × 4 or 5 × 5 scales
with score = likelihood × consequence (e.g. KTH's IT-security handbook), which is what we
implement; PRODUCT.md C4 asks for a 4 × 4 default with 5 × 5 possible.
"""

import math
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

# The scale sizes an organisation may choose for each axis (PRODUCT.md C4: 4 × 4 default, 5 × 5).
SIZES = (4, 5)
DEFAULT_SIZE = 4


class Level(models.TextChoices):
    LOW = "low", gettext_lazy("Low")
    MEDIUM = "medium", gettext_lazy("Medium")
    HIGH = "high", gettext_lazy("High")
    VERY_HIGH = "very_high", gettext_lazy("Very high")


LEVEL_ORDER = list(Level.values)

# Lowest score of medium, high and very high. For 4 × 4 the scores are 1–16: low 1–3,
# medium 4–6, high 8–9, very high 12–16; for 5 × 5 (1–25): low 1–4, medium 5–9,
# high 10–15, very high 16–25.
DEFAULT_THRESHOLDS = {4: (4, 8, 12), 5: (5, 10, 16)}

# Labels of the default scales. Translators: the Swedish words are the ones municipalities use.
DEFAULT_LIKELIHOOD_LABELS = {
    4: (
        pgettext_lazy("risk likelihood", "Unlikely"),  # Osannolik
        pgettext_lazy("risk likelihood", "Possible"),  # Möjlig
        pgettext_lazy("risk likelihood", "Likely"),  # Sannolik
        pgettext_lazy("risk likelihood", "Very likely"),  # Mycket sannolik
    ),
    5: (
        pgettext_lazy("risk likelihood", "Very unlikely"),  # Mycket osannolik
        pgettext_lazy("risk likelihood", "Unlikely"),
        pgettext_lazy("risk likelihood", "Possible"),
        pgettext_lazy("risk likelihood", "Likely"),
        pgettext_lazy("risk likelihood", "Very likely"),
    ),
}
DEFAULT_CONSEQUENCE_LABELS = {
    4: (
        pgettext_lazy("risk consequence", "Limited"),  # Begränsad
        pgettext_lazy("risk consequence", "Moderate"),  # Måttlig
        pgettext_lazy("risk consequence", "Serious"),  # Allvarlig
        pgettext_lazy("risk consequence", "Very serious"),  # Mycket allvarlig
    ),
    5: (
        pgettext_lazy("risk consequence", "Negligible"),  # Försumbar
        pgettext_lazy("risk consequence", "Limited"),
        pgettext_lazy("risk consequence", "Moderate"),
        pgettext_lazy("risk consequence", "Serious"),
        pgettext_lazy("risk consequence", "Very serious"),
    ),
}


def score(likelihood: int | None, consequence: int | None) -> int | None:
    """Risk value = likelihood × consequence; None until both are assessed."""
    if likelihood is None or consequence is None:
        return None
    return likelihood * consequence


def level_for_score(value: int | None, thresholds: tuple[int, int, int]) -> str | None:
    """The level a score falls in: at or above a threshold means that level or higher."""
    if value is None:
        return None
    medium_from, high_from, very_high_from = thresholds
    if value >= very_high_from:
        return Level.VERY_HIGH
    if value >= high_from:
        return Level.HIGH
    if value >= medium_from:
        return Level.MEDIUM
    return Level.LOW


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


def score_range(level: str, thresholds: tuple[int, int, int], max_score: int) -> tuple[int, int]:
    """The scores (inclusive) that make up a level, for filtering the register by level."""
    bounds = (1, *thresholds, max_score + 1)
    rank = level_rank(level)
    return bounds[rank], bounds[rank + 1] - 1


def needs_privileged_acceptance(matrix, likelihood: int | None, consequence: int | None) -> bool:
    """Whether accepting this residual risk needs the system owner or an administrator.

    ISO/IEC 27005 (risk acceptance) and MSB LIS: the business that owns the risk accepts
    it; only risks within the organisation's acceptance criteria may be accepted by those
    who analyse them. A residual level above `matrix.acceptance_level` is outside them.
    """
    level = level_for_score(score(likelihood, consequence), matrix.thresholds)
    if level is None:
        return False
    return level_rank(level) > level_rank(matrix.acceptance_level)


def validate_matrix(*, likelihood_size: int, consequence_size: int, thresholds: tuple[int, int, int],
                    acceptance_level: str, likelihood_labels: list[str] = (), consequence_labels: list[str] = ()) -> None:
    """Raise ValidationError (per field) unless the matrix is usable.

    Sizes are 4 or 5; the thresholds rise strictly and every level is reached by at least
    one cell, so the heat map shows all four colours and no level is dead.
    """
    errors: dict[str, list[str]] = {}
    for name, size in (("likelihood_size", likelihood_size), ("consequence_size", consequence_size)):
        if size not in SIZES:
            errors[name] = [_("Choose a scale of %(sizes)s levels.") % {"sizes": _(" or ").join(map(str, SIZES))}]
    for name, labels, size in (("likelihood_labels", likelihood_labels, likelihood_size),
                               ("consequence_labels", consequence_labels, consequence_size)):
        if len(labels) > size:
            errors[name] = [_("Give at most one label per level.")]
        elif any(len(label) > 60 for label in labels):
            errors[name] = [_("A label may be at most 60 characters long.")]
    if errors:
        raise ValidationError(errors)
    medium_from, high_from, very_high_from = thresholds
    max_score = likelihood_size * consequence_size
    if not 1 < medium_from < high_from < very_high_from <= max_score:
        raise ValidationError({"medium_from": _(
            "The thresholds must rise: 1 < medium < high < very high ≤ %(max)d (the highest score).") % {"max": max_score}})
    reached = {level_for_score(l * c, thresholds) for l in range(1, likelihood_size + 1)
               for c in range(1, consequence_size + 1)}
    missing = [str(Level(level).label) for level in LEVEL_ORDER if level not in reached]
    if missing:
        raise ValidationError({"medium_from": _(
            "No cell of the matrix has the level %(levels)s; move the thresholds so that every level is used.")
            % {"levels": ", ".join(missing)}})
    if acceptance_level not in LEVEL_ORDER:
        raise ValidationError({"acceptance_level": _("Choose a level.")})


def suggest_mapping(old_size: int, new_size: int) -> dict[int, int]:
    """Old level → new level, proportionally: each old level's centre on the new scale.

    4 → 5 gives 1→1, 2→2, 3→4, 4→5; 5 → 4 gives 1→1, 2→2, 3→3, 4→3, 5→4. Every old level
    gets a new one, so no assessment is lost; the user may change the suggestion. A centre
    exactly between two levels goes up: a rescaled risk is never understated.
    """
    mapping = {}
    for old in range(1, old_size + 1):
        centre = (old - 0.5) * new_size / old_size + 0.5
        mapping[old] = min(new_size, max(1, math.floor(centre + 0.5)))
    return mapping


def validate_mapping(mapping: Mapping[int, int], old_size: int, new_size: int, field: str) -> dict[int, int]:
    """A complete, non-decreasing map from every old level to a new level (or ValidationError)."""
    try:
        clean = {int(old): int(new) for old, new in mapping.items()}
    except (TypeError, ValueError):
        raise ValidationError({field: _("Give a level for every old level.")}) from None
    if sorted(clean) != list(range(1, old_size + 1)):
        raise ValidationError({field: _("Give a new level for every old level 1–%(n)d.") % {"n": old_size}})
    if any(not 1 <= new <= new_size for new in clean.values()):
        raise ValidationError({field: _("The new levels lie between 1 and %(n)d.") % {"n": new_size}})
    ordered = [clean[old] for old in range(1, old_size + 1)]
    if ordered != sorted(ordered):
        # A higher old level must not become a lower new one: the order of the assessments stays.
        raise ValidationError({field: _("A higher old level cannot map to a lower new level.")})
    return clean


def map_value(value: int | None, mapping: Mapping[int, int] | None) -> int | None:
    if value is None or mapping is None:
        return value
    return mapping[value]


def labels(custom: Iterable[str], defaults: Iterable, size: int) -> list[str]:
    """The labels of a scale: the organisation's own where given, else the default."""
    custom = list(custom or [])
    defaults = list(defaults)
    return [(custom[i] if i < len(custom) and custom[i] else str(defaults[i])) for i in range(size)]
