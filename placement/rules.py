"""The computed parts of a placement assessment: availability, cost of ownership, verdicts and
the recommendation. Plain functions on plain values, tested at their edges.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy

from placement.models import CostKind, Perspective, ResidualRisk, VerdictChoice

# --- Availability -----------------------------------------------------------------------

# Required availability (per cent of a month) by the availability (T) level of the information.
# Documented assumption: neither KLASSA nor MSB's model translates T levels into a service
# level, so we use the tolerable downtime per month each level implies in KLASSA's
# consequence scale (klassa.skr.se): level 1 (moderate) tolerates about a day and a half a
# month (95 %), level 2 (significant) a working day (99 %, ~7 h), level 3 (serious) a few
# hours (99.5 %, ~3.6 h), level 4 (exceptionally serious) under an hour (99.9 %, ~44 min).
# MSB's three levels are read as KLASSA's 1–3. Level 0 gives no requirement.
REQUIRED_AVAILABILITY: dict[int, Decimal | None] = {
    0: None,
    1: Decimal("95.0"),
    2: Decimal("99.0"),
    3: Decimal("99.5"),
    4: Decimal("99.9"),
}
HOURS_PER_MONTH = Decimal("730")  # 365 × 24 / 12


def required_availability(level: int | None) -> Decimal | None:
    """The availability a service must promise for information at availability level `level`."""
    if level is None:
        return None
    return REQUIRED_AVAILABILITY[max(0, min(level, 4))]


def downtime_hours_per_month(percent: Decimal) -> Decimal:
    """Allowed downtime in hours per month at an availability of `percent`."""
    return ((Decimal(100) - percent) / Decimal(100) * HOURS_PER_MONTH).quantize(Decimal("0.1"), ROUND_HALF_UP)


def availability_met(required: Decimal | None, promised: Decimal | None) -> bool | None:
    """True when the promise meets the requirement, None when either is unknown."""
    if required is None:
        return True
    if promised is None:
        return None
    return promised >= required


# --- Cost of ownership ------------------------------------------------------------------


@dataclass(frozen=True)
class CostLine:
    category: str
    kind: str
    amount: Decimal
    year: int
    upper_estimate: bool = False  # a worst-case figure ("i värsta fall")


def yearly_costs(lines: list[CostLine], years: int) -> list[Decimal]:
    """Cost per year (index 0 is year 1) over `years` years. A one-off cost falls in its year;
    a recurring cost falls in every year from its year on. Costs after the horizon are left out."""
    totals = [Decimal(0)] * years
    for line in lines:
        if line.kind == CostKind.ONE_OFF:
            if 1 <= line.year <= years:
                totals[line.year - 1] += line.amount
        else:
            for y in range(max(line.year, 1), years + 1):
                totals[y - 1] += line.amount
    return totals


def discount_factor(rate_percent: Decimal, year: int) -> Decimal:
    """Present-value factor of year `year` at `rate_percent` a year.

    Assumption: year 1 is the year of the decision and counts in today's money (factor 1);
    each later year is discounted once more.
    """
    return Decimal(1) / (Decimal(1) + rate_percent / Decimal(100)) ** (year - 1)


def discounted(yearly: list[Decimal], rate_percent: Decimal) -> list[Decimal]:
    return [(amount * discount_factor(rate_percent, i + 1)).quantize(Decimal("1"), ROUND_HALF_UP)
            for i, amount in enumerate(yearly)]


@dataclass(frozen=True)
class Tco:
    yearly: list[Decimal]
    cumulative: list[Decimal]
    total: Decimal
    discounted_yearly: list[Decimal]
    discounted_total: Decimal
    one_off: Decimal
    recurring: Decimal
    by_category: dict[str, Decimal]
    upper_estimates: Decimal  # the part of `total` given as worst-case estimates
    upper_yearly: list[Decimal] = field(default_factory=list)  # that part year by year
    firm_discounted_total: Decimal = Decimal(0)  # the present value of the base estimate

    @property
    def firm_total(self) -> Decimal:
        return self.total - self.upper_estimates

    @property
    def firm_yearly(self) -> list[Decimal]:
        """The base estimate year by year: the costs without the upper estimates."""
        upper = self.upper_yearly or [Decimal(0)] * len(self.yearly)
        return [amount - extra for amount, extra in zip(self.yearly, upper)]

    @property
    def firm_cumulative(self) -> list[Decimal]:
        running, cumulative = Decimal(0), []
        for amount in self.firm_yearly:
            running += amount
            cumulative.append(running)
        return cumulative


def tco(lines: list[CostLine], years: int, rate_percent: Decimal = Decimal(0)) -> Tco:
    """Total cost of ownership over `years` years, year by year, optionally discounted.

    Upper estimates count in full in the comparison (it takes the worst case) and are also
    kept apart, so a document states the base estimate ("about 2 mnkr") and, separately, the
    upper estimates ("up to 600 tkr more") without a sum that mixes the two.
    """
    yearly = yearly_costs(lines, years)
    cumulative, running = [], Decimal(0)
    for amount in yearly:
        running += amount
        cumulative.append(running)
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    one_off = recurring = estimates = Decimal(0)
    upper_yearly = [Decimal(0)] * years
    for line in lines:
        per_year = yearly_costs([line], years)
        within = sum(per_year, Decimal(0))
        by_category[line.category] += within
        if line.kind == CostKind.ONE_OFF:
            one_off += within
        else:
            recurring += within
        if line.upper_estimate:
            estimates += within
            upper_yearly = [a + b for a, b in zip(upper_yearly, per_year)]
    disc = discounted(yearly, rate_percent)
    firm_disc = discounted([a - b for a, b in zip(yearly, upper_yearly)], rate_percent)
    return Tco(yearly, cumulative, running, disc, sum(disc, Decimal(0)), one_off, recurring, dict(by_category),
               estimates, upper_yearly, sum(firm_disc, Decimal(0)))


# An alternative whose total is more than this share above the cheapest one's is "against"
# from the economic perspective; within it, the difference is judged too small to decide on.
ECONOMIC_MARGIN = Decimal("0.10")


def economic_verdicts(totals: dict[int, Decimal]) -> dict[int, str]:
    """Verdict per alternative from its total: the cheapest favours when every other is clearly
    dearer; within the margin of the cheapest is neutral; beyond it is against."""
    if not totals:
        return {}
    cheapest = min(totals.values())
    limit = cheapest * (Decimal(1) + ECONOMIC_MARGIN)
    clearly_dearer = {k: v > limit for k, v in totals.items()}
    verdicts = {}
    for key, total in totals.items():
        if clearly_dearer[key]:
            verdicts[key] = VerdictChoice.AGAINST
        elif total == cheapest and all(clearly_dearer[k] for k in totals if k != key) and len(totals) > 1:
            verdicts[key] = VerdictChoice.FAVOURS
        else:
            verdicts[key] = VerdictChoice.NEUTRAL
    return verdicts


# --- Verdicts from findings -------------------------------------------------------------

MAJOR, MINOR, INFO = "major", "minor", "info"
SEVERITY_LABELS = {
    MAJOR: gettext_lazy("Major issue"),
    MINOR: gettext_lazy("Minor issue"),
    INFO: gettext_lazy("Information"),
}


@dataclass(frozen=True)
class Finding:
    severity: str  # MAJOR, MINOR or INFO
    text: str

    @property
    def severity_label(self) -> str:
        """The severity as the pages show it (screen readers read it before the text)."""
        return str(SEVERITY_LABELS.get(self.severity, self.severity))


def verdict_from_findings(findings: list[Finding]) -> str:
    """Any major finding → against; only minor ones → neutral; none → favours."""
    severities = {f.severity for f in findings}
    if MAJOR in severities:
        return VerdictChoice.AGAINST
    if MINOR in severities:
        return VerdictChoice.NEUTRAL
    return VerdictChoice.FAVOURS


# --- Combined assessment ----------------------------------------------------------------

VERDICT_VALUE = {VerdictChoice.FAVOURS: 1, VerdictChoice.NEUTRAL: 0, VerdictChoice.AGAINST: -1}
# A residual risk lowers what a perspective contributes: a high residual risk cancels a
# "favours" (the risk remains after the mitigations, whatever the perspective's merits).
RESIDUAL_PENALTY = {"": Decimal(0), ResidualRisk.LOW: Decimal("0.25"), ResidualRisk.MEDIUM: Decimal("0.5"),
                    ResidualRisk.HIGH: Decimal(1)}


def alternative_score(verdicts: dict[str, tuple[str, str]], weights: dict[str, int]) -> Decimal:
    """Σ over perspectives of weight × (verdict value − residual-risk penalty).

    `verdicts` maps a perspective to (verdict, residual risk).
    """
    score = Decimal(0)
    for perspective in Perspective.values:
        verdict, residual = verdicts.get(perspective, (VerdictChoice.NEUTRAL, ""))
        score += weights.get(perspective, 1) * (VERDICT_VALUE[verdict] - RESIDUAL_PENALTY[residual or ""])
    return score


def recommend(scores: dict[int, Decimal]) -> int | None:
    """The alternative with the highest score; None when two or more share it (a tie needs a
    person's choice) or when there is nothing to compare."""
    if len(scores) < 2:
        return None
    best = max(scores.values())
    leaders = [key for key, score in scores.items() if score == best]
    return leaders[0] if len(leaders) == 1 else None
