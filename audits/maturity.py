"""Maturity per area and over time: plain functions over an audit's assessments.

An area is a framework requirement's group (an MSB/MCF method step, an ISO/IEC 27001 clause, an
Annex A theme); its maturity is the mean of its assessed requirements' levels on the scale kept
as data (audits.models.MaturityLevel). The change over time compares an audit with the
organisation's previous audit that has assessments.
"""

import math
from dataclasses import dataclass

from audits.models import Assessment, Audit
from core.tenancy import Tenant


@dataclass(frozen=True)
class Area:
    framework: str
    name: str
    level: float  # the mean of the assessed requirements' levels
    assessed: int  # how many requirements of the area were assessed
    previous: float | None = None  # the same area in the previous audit, when it was assessed there


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 1)


def assessments_of(audit: Audit) -> list[Assessment]:
    """The audit's assessments with their requirements and frameworks (one query)."""
    return list(Assessment.objects.filter(audit_id=audit.pk).select_related("requirement__framework")
                .order_by("requirement__framework__name", "requirement__order", "pk"))


def _levels(assessments: list[Assessment]) -> dict[tuple[str, str], list[int]]:
    areas: dict[tuple[str, str], list[int]] = {}
    for row in assessments:
        requirement = row.requirement
        key = (str(requirement.framework), requirement.group or requirement.framework.name)
        areas.setdefault(key, []).append(row.level)
    return areas


def previous_audit(*, tenant: Tenant, audit: Audit) -> Audit | None:
    """The organisation's latest audit before this one that has maturity assessments."""
    return (tenant.scope(Audit).filter(organisation_id=audit.organisation_id, pk__lt=audit.pk,
                                       assessments__isnull=False)
            .distinct().order_by("-pk").first())


def by_area(assessments: list[Assessment], previous: list[Assessment] | None = None) -> list[Area]:
    """The maturity of each assessed area, in the order of the frameworks and their requirements."""
    before = {key: _mean(levels) for key, levels in _levels(previous or []).items()}
    return [Area(framework=key[0], name=key[1], level=_mean(levels), assessed=len(levels), previous=before.get(key))
            for key, levels in _levels(assessments).items()]


def overall(assessments: list[Assessment]) -> float | None:
    """The overall maturity: the mean over every assessed requirement."""
    return _mean([a.level for a in assessments]) if assessments else None


def for_audit(*, tenant: Tenant, audit: Audit) -> tuple[list[Area], float | None, float | None]:
    """The areas, the overall maturity and the previous audit's overall maturity (three queries)."""
    current = assessments_of(audit)
    earlier = previous_audit(tenant=tenant, audit=audit)
    previous = assessments_of(earlier) if earlier else []
    return by_area(current, previous), overall(current), overall(previous)


def short_label(name: str, width: int) -> str:
    """An area's name short enough for a chart's axis: "Steg 2 Utforma" stays, longer names are cut."""
    return name if len(name) <= width else name[:max(width - 1, 1)].rstrip() + "…"


DEFAULT_TOP = 5  # the scale's top when the scale has not been loaded (it is loaded with the frameworks)


def scale_bounds(levels, areas: list[Area] = ()) -> tuple[int, int]:
    """The scale's lowest and highest level, for charts and texts; never below what was assessed."""
    values = [level.level for level in levels]
    low = min(values) if values else 0
    high = max(values + [math.ceil(a.level) for a in areas]) if values or areas else DEFAULT_TOP
    return low, max(high, 1)
