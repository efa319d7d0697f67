"""Read-side queries of risk analysis. All go through the tenant's scope."""

from dataclasses import dataclass

from django.utils import timezone
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from core.tenancy import Tenant
from risk import rules
from risk.models import Risk, RiskMatrix, RiskSession, RiskStatus, RiskSystem, Strategy, Threat, Treatment

KINDS = ("inherent", "residual")
# The status filter's value for every risk but the closed ones: what the heat maps count, so a
# cell and the register it links to show the same risks.
OPEN = "open"

SORTS = {
    "residual": ("-residual_score", "title", "pk"),
    "inherent": ("-inherent_score", "title", "pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "status": ("status", "title", "pk"),
    "review": ("review_date", "title", "pk"),
    "owner": ("owner__email", "title", "pk"),
    "updated": ("-updated_at", "-pk"),
}


def matrix_for(tenant: Tenant) -> RiskMatrix:
    """The organisation's matrix; an unsaved default if it has none yet.

    Reading never creates it: a reader's visit must not write (services.matrix_ensure does
    that on the first risk or configuration).
    """
    matrix = RiskMatrix.objects.filter(organisation_id=tenant.membership.organisation_id).first()
    return matrix or RiskMatrix(organisation_id=tenant.membership.organisation_id)


@dataclass(frozen=True)
class RiskFilters:
    q: str = ""
    system: int | None = None
    system_name: str = ""  # part of the name of a linked system (kept on the link if the system is deleted)
    level: str = ""
    kind: str = "residual"  # which assessment `level` and the cell (l, c) refer to
    status: str = ""
    owner: int | None = None
    strategy: str = ""
    orphaned: bool = False
    review_due: bool = False  # review date passed or acceptance lapsed (not closed)
    l: int | None = None  # noqa: E741  (the heat map's query parameter names)
    c: int | None = None
    session: int | None = None
    sort: str = "residual"


def _fields(kind: str) -> tuple[str, str, str]:
    prefix = kind if kind in KINDS else "residual"
    return f"{prefix}_likelihood", f"{prefix}_consequence", f"{prefix}_score"


def due_for_review(day) -> Q:
    """Risks whose review date has passed or whose acceptance has lapsed (before `day`)."""
    return Q(review_date__lt=day) | Q(accepted_at__isnull=False, accepted_until__lt=day)


def risk_list(*, tenant: Tenant, filters: RiskFilters, matrix: RiskMatrix) -> QuerySet:
    """The register, filtered and sorted, with what a row shows preloaded (one query per page
    plus one for the linked systems of the page's risks)."""
    # The acceptor is for the API's list, which names them on every row.
    qs = tenant.scope(Risk).select_related("owner", "threat", "accepted_by")
    likelihood, consequence, score = _fields(filters.kind)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.system:
        qs = qs.filter(Exists(RiskSystem.objects.filter(risk=OuterRef("pk"), system_id=filters.system)))
    if filters.system_name:
        qs = qs.filter(Exists(RiskSystem.objects.filter(risk=OuterRef("pk"), system_name__icontains=filters.system_name)))
    if filters.level in rules.LEVEL_ORDER:
        low, high = rules.score_range(filters.level, matrix.thresholds, matrix.max_score)
        qs = qs.filter(**{f"{score}__gte": low, f"{score}__lte": high})
    if filters.l and filters.c:
        qs = qs.filter(**{likelihood: filters.l, consequence: filters.c})
    if filters.status == OPEN:
        qs = qs.exclude(status=RiskStatus.CLOSED)
    elif filters.status in RiskStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.strategy in Strategy.values:
        qs = qs.filter(strategy=filters.strategy)
    if filters.orphaned:
        qs = qs.filter(Exists(RiskSystem.objects.filter(risk=OuterRef("pk"), system__isnull=True)))
    if filters.session:
        qs = qs.filter(session_id=filters.session)
    if filters.review_due:
        qs = qs.filter(due_for_review(timezone.localdate())).exclude(status=RiskStatus.CLOSED)
    links = RiskSystem.objects.only("pk", "risk_id", "system_id", "system_name")
    qs = qs.prefetch_related(Prefetch("system_links", queryset=links))
    return qs.order_by(*SORTS.get(filters.sort, SORTS["residual"]))


def risk_detail(*, tenant: Tenant, pk) -> Risk:
    """One risk with everything its page shows."""
    qs = Risk.objects.select_related("owner", "threat", "accepted_by", "session").prefetch_related(
        Prefetch("system_links", queryset=RiskSystem.objects.select_related("system")),
        "information_types", "suppliers",
        Prefetch("treatments", queryset=Treatment.objects.select_related("owner").order_by("due_date", "pk")),
    )
    return tenant.get(Risk, pk, queryset=qs)


def heatmap_counts(*, tenant: Tenant, kind: str) -> dict[tuple[int, int], int]:
    """Number of risks per cell (likelihood, consequence), closed risks left out (as the
    register filtered with status=open, which the cells link to)."""
    likelihood, consequence, _score = _fields(kind)
    rows = (tenant.scope(Risk).exclude(status=RiskStatus.CLOSED)
            .filter(**{f"{likelihood}__isnull": False, f"{consequence}__isnull": False})
            .values_list(likelihood, consequence).annotate(n=Count("pk")).order_by())
    return {(l, c): n for l, c, n in rows}


def risk_overview(*, tenant: Tenant) -> dict:
    """Figures for the overview page: open, by status, orphaned, overdue reviews."""
    from actions.selectors import today

    return tenant.scope(Risk).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=RiskStatus.CLOSED)),
        accepted=Count("pk", filter=Q(status=RiskStatus.ACCEPTED)),
        unassessed=Count("pk", filter=Q(residual_score__isnull=True) & ~Q(status=RiskStatus.CLOSED)),
        review_overdue=Count("pk", filter=due_for_review(today()) & ~Q(status=RiskStatus.CLOSED)),
    )


def session_list(*, tenant: Tenant) -> QuerySet:
    return tenant.scope(RiskSession).annotate(risk_count=Count("risks", distinct=True),
                                              participant_count=Count("participants", distinct=True)).order_by("-date", "-pk")


def session_detail(*, tenant: Tenant, pk) -> RiskSession:
    qs = RiskSession.objects.prefetch_related("participants")
    return tenant.get(RiskSession, pk, queryset=qs)


def threat_list(*, tenant: Tenant) -> QuerySet:
    """The shared catalogue and the organisation's own threats (see attach_risk_counts)."""
    return tenant.scope(Threat).order_by("category", "name", "pk")


def attach_risk_counts(*, tenant: Tenant, threats) -> list[Threat]:
    """Set risk_count (the organisation's risks naming the threat) on a page of threats, in one query.

    Counted for the page only: as an annotation it joined every organisation's risks to the
    whole catalogue, which took a tenth of a second with 50 000 risks.
    """
    threats = list(threats)
    counts = dict(tenant.scope(Risk).filter(threat__in=[t.pk for t in threats]).values("threat")
                  .annotate(n=Count("pk")).values_list("threat", "n"))
    for threat in threats:
        threat.risk_count = counts.get(threat.pk, 0)
    return threats


def with_levels(risks, matrix: RiskMatrix) -> list[Risk]:
    """Attach each risk's levels under the current matrix (computed, never stored: the
    thresholds can change without touching the risks)."""
    labels = dict(rules.Level.choices)
    for risk in risks:
        risk.inherent_level = matrix.level(risk.inherent_likelihood, risk.inherent_consequence)
        risk.residual_level = matrix.level(risk.residual_likelihood, risk.residual_consequence)
        risk.inherent_level_label = labels.get(risk.inherent_level, "")
        risk.residual_level_label = labels.get(risk.residual_level, "")
    return risks


def home_heatmap(*, tenant: Tenant):
    """The small residual-risk heat map of the start page (two queries: matrix, counts)."""
    from risk import heatmap

    return heatmap.build(matrix_for(tenant), heatmap_counts(tenant=tenant, kind="residual"), "residual", compact=True)
