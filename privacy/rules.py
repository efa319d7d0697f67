"""The rules of the data-protection module as plain functions, tested without HTTP.

The art. 28(3) checklist and the WP248 screening criteria are versioned data files in
privacy/data/, each point citing its source. Third-country transfers are judged by
placement.legal.transfer_basis: the same dated legal rules as the placement assessment.
"""

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.countries import CODES, EEA
from placement.legal import TransferBasis, transfer_basis

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Point:
    key: str
    citation: str
    title_sv: str
    title_en: str
    letter: str = ""

    @property
    def title(self) -> str:
        return self.title_sv if (get_language() or "sv").startswith("sv") else self.title_en


def _points(items) -> tuple[Point, ...]:
    return tuple(Point(key=i["key"], citation=i["citation"], title_sv=i["title_sv"], title_en=i["title_en"],
                       letter=i.get("letter", "")) for i in items)


@lru_cache(maxsize=1)
def art28_checklist() -> tuple[str, tuple[Point, ...]]:
    """(version, points) of the art. 28(3) checklist."""
    data = json.loads((DATA / "art28_checklist.json").read_text(encoding="utf-8"))
    return data["version"], _points(data["points"])


@lru_cache(maxsize=1)
def dpia_screening() -> tuple[int, tuple[Point, ...], tuple[Point, ...]]:
    """(threshold, the nine WP248 criteria, the three cases of art. 35(3))."""
    data = json.loads((DATA / "dpia_criteria.json").read_text(encoding="utf-8"))
    return data["threshold"], _points(data["criteria"]), _points(data["article_35_3"])


def agreement_gaps(points: dict) -> list[Point]:
    """The art. 28(3) points an agreement does not cover (no clause named for them)."""
    return [p for p in art28_checklist()[1] if not str((points or {}).get(p.key, "")).strip()]


def clean_points(points: dict) -> dict:
    """Only the checklist's keys, with the clause text trimmed; empty clauses dropped."""
    keys = {p.key for p in art28_checklist()[1]}
    return {k: str(v).strip()[:200] for k, v in (points or {}).items() if k in keys and str(v).strip()}


@dataclass(frozen=True)
class Screening:
    criteria: list[str]
    art35_3: list[str]
    required: bool
    explanation: str


def screen(criteria: list[str], art35_3: list[str]) -> Screening:
    """Is a DPIA required? Any case of art. 35(3), or two or more WP248 criteria (WP248 rev.01 III.B.a)."""
    threshold, nine, cases = dpia_screening()
    met = [c.key for c in nine if c.key in set(criteria)]
    listed = [c.key for c in cases if c.key in set(art35_3)]
    if listed:
        return Screening(met, listed, True, _("A case of GDPR art. 35(3) applies: a DPIA is required."))
    if len(met) >= threshold:
        return Screening(met, listed, True, _("%(n)d of the nine WP248 criteria are met: two or more usually "
                                              "mean a DPIA is required.") % {"n": len(met)})
    return Screening(met, listed, False, _("%(n)d of the nine WP248 criteria are met: a DPIA is usually not "
                                           "required, but record why.") % {"n": len(met)})


def activity_problems(*, legal_basis: str, data_categories: list[str], art9_ground: str, art10_basis: str,
                      controllers: int) -> list[str]:
    """Why a processing activity cannot be marked complete (empty: it can)."""
    from privacy.models import SPECIAL_CATEGORIES, DataCategory

    problems = []
    if controllers == 0:
        problems.append(_("Name at least one controller (the nämnd responsible)."))
    if not legal_basis:
        problems.append(_("The processing has no legal basis under GDPR art. 6(1)."))
    if SPECIAL_CATEGORIES & set(data_categories or []) and not art9_ground:
        problems.append(_("The processing uses special categories of personal data but names no exception "
                          "under GDPR art. 9(2)."))
    if DataCategory.CRIMINAL in (data_categories or []) and not art10_basis.strip():
        problems.append(_("The processing uses data on criminal offences but names no basis under GDPR art. 10."))
    return problems


def problems_of(activity) -> list[str]:
    return activity_problems(legal_basis=activity.legal_basis, data_categories=activity.data_categories,
                             art9_ground=activity.art9_ground, art10_basis=activity.art10_basis,
                             controllers=len(activity.controllers.all()) if activity.pk else 0)


def third_country(code: str) -> bool:
    return bool(code) and code in CODES and code not in EEA


def judge(country: str, day: datetime.date, *, dpf_certified: bool, scc_signed: bool, tia_done: bool) -> TransferBasis:
    """The chapter V basis of one transfer on `day` (placement.legal: one set of dated rules)."""
    return transfer_basis(country, day, dpf_certified=dpf_certified, scc_signed=scc_signed, tia_done=tia_done)


def covers(agreement_units: set[int], unit_id: int) -> bool:
    """An agreement naming no controllers covers every controller of its organisation."""
    return not agreement_units or unit_id in agreement_units
