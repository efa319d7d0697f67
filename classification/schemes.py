"""Classification schemes (klassningsmodeller) as data.

KLASSA (SKR, version 4.0, 2024): konfidentialitet, riktighet, tillgänglighet, spårbarhet on
levels 0–4; level 4 derives no requirements and calls for a separate protection analysis
(klassa.skr.se, "Utformning av krav"). MSB's model (SIS/MSB 0040-09, 2009): K, R, T on the three
levels Måttlig, Betydande, Allvarlig.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    KLASSA = "klassa", _("KLASSA: K, R, T, S on levels 0–4")
    MSB = "msb", _("MSB: K, R, T on levels 1–3")


# Aspect keys as written in the tuple (K-R-T-S), and the model field that stores each.
ASPECT_FIELDS = {"K": "confidentiality", "R": "integrity", "T": "availability", "S": "traceability"}
ASPECT_LABELS = {
    "K": _("Confidentiality"),
    "R": _("Integrity"),
    "T": _("Availability"),
    "S": _("Traceability"),
}


@dataclass(frozen=True)
class SchemeDefinition:
    key: str
    aspects: tuple[str, ...]
    levels: tuple[tuple[int, str], ...]
    # Levels at or above this need a separate protection analysis instead of derived requirements.
    protection_analysis_level: int | None

    @property
    def min_level(self) -> int:
        return self.levels[0][0]

    @property
    def max_level(self) -> int:
        return self.levels[-1][0]

    def label(self, level: int | None) -> str:
        return dict(self.levels).get(level, "–")


SCHEMES = {
    Scheme.KLASSA: SchemeDefinition(
        key=Scheme.KLASSA,
        aspects=("K", "R", "T", "S"),
        levels=(
            (0, _("No or negligible")),
            (1, _("Moderate")),
            (2, _("Significant")),
            (3, _("Serious")),
            (4, _("Exceptionally serious")),
        ),
        protection_analysis_level=4,
    ),
    Scheme.MSB: SchemeDefinition(
        key=Scheme.MSB,
        aspects=("K", "R", "T"),
        levels=((1, _("Moderate")), (2, _("Significant")), (3, _("Serious"))),
        protection_analysis_level=None,
    ),
}


def tuple_label(levels: dict[str, int | None], scheme: str) -> str:
    """Levels written as municipalities do, e.g. '2-3-2-2' (a dash for an aspect not set)."""
    return "-".join("–" if levels.get(a) is None else str(levels[a]) for a in SCHEMES[scheme].aspects)
