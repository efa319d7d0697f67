"""Read-side queries of the requirements module. All go through the tenant's scope.

Each selector reads a fixed number of queries whatever the data size; the derivation and the
summaries run in Python over one requirement list (the catalogue has ~100 rows).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, Action
from classification.schemes import ASPECT_LABELS, Scheme
from classification.selectors import annotate_protection_need, protection_need
from core import datacache
from core.tenancy import Tenant
from inventory.models import System
from requirements import derived as derived_rules
from requirements import rules
from requirements.models import (
    ACTION_STATUSES,
    ATTRIBUTE_SETS,
    ApplicabilityStatement,
    Area,
    Control,
    Implementation,
    Nis2Point,
    Requirement,
    RequirementStatus,
    Status,
    Theme,
    parse_attribute,
    tag_filter,
)

AREA_ORDER = {value: i for i, value in enumerate(Area.values)}


def today():
    """Today in Stockholm (TIME_ZONE): the date printed on exports is a Swedish calendar day."""
    return timezone.localdate()


def scheme_for(tenant: Tenant) -> str:
    """The organisation's classification model (KLASSA unless it chose MSB's)."""
    from classification.models import ClassificationSettings

    settings = tenant.scope(ClassificationSettings).only("scheme").first()
    return settings.scheme if settings else Scheme.KLASSA


def own_system(*, tenant: Tenant, pk) -> System:
    """A system of the tenant's own organisation, or Http404.

    Requirement work belongs to the organisation that owns the system: an organisation a system
    is shared with (its supplier) sees neither the assessments nor the derived list here.
    """
    system = tenant.get(System, pk, queryset=System.objects.select_related("organisation"))
    if not tenant.owns(system):
        raise Http404
    return system


# Areas in their presentation order (Area's order), then codes: "ÅS" would otherwise sort last.
AREA_ORDERING = Case(*[When(area=value, then=Value(i)) for i, value in enumerate(Area.values)], default=Value(99))


def active_requirements(tenant: Tenant) -> QuerySet:
    """The catalogue and the organisation's own requirements in force, with their controls."""
    return tenant.scope(Requirement).filter(withdrawn=False).prefetch_related("controls").order_by(AREA_ORDERING, "code")


# --- the catalogue -----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    area: str = ""
    control: str = ""  # an Annex A number, "5.15"
    nis2: str = ""
    attribute: str = ""  # "<attribute set>:<value>", e.g. "capabilities:continuity"
    origin: str = ""  # "", "catalogue" or "own"


def catalogue_list(*, tenant: Tenant, filters: CatalogueFilters) -> QuerySet:
    """Requirements in force, filtered; the controls of each are prefetched."""
    qs = active_requirements(tenant)
    if filters.q:
        qs = qs.filter(Q(code__icontains=filters.q) | Q(title__icontains=filters.q) | Q(title_en__icontains=filters.q)
                       | Q(text_is__icontains=filters.q) | Q(text_shall__icontains=filters.q))
    if filters.area in Area.values:
        qs = qs.filter(area=filters.area)
    if filters.nis2 in Nis2Point.values:
        qs = qs.filter(nis2_points__contains=tag_filter(filters.nis2))
    if filters.origin == "catalogue":
        qs = qs.filter(organisation__isnull=True)
    elif filters.origin == "own":
        qs = qs.filter(organisation__isnull=False)
    # Filters through the controls join: a subquery keeps one row per requirement (no DISTINCT,
    # which would also have to cover the text columns).
    control_q = Q()
    if filters.control:
        control_q &= Q(number=filters.control)
    if parsed := parse_attribute(filters.attribute):
        control_q &= Q(**{f"{parsed[0]}__contains": tag_filter(parsed[1])})
    if control_q:
        qs = qs.filter(pk__in=Requirement.controls.through.objects.filter(
            control__in=Control.objects.filter(control_q)).values("requirement_id"))
    return qs


@dataclass(frozen=True)
class ControlFilters:
    theme: str = ""
    attributes: tuple[str, ...] = ()  # "<set>:<value>" each; all must hold


def control_list(*, filters: ControlFilters) -> QuerySet:
    """The 93 Annex A controls (reference data, the same for every organisation), filtered."""
    qs = Control.objects.all()
    if filters.theme in Theme.values:
        qs = qs.filter(theme=filters.theme)
    for attribute in filters.attributes:
        if parsed := parse_attribute(attribute):
            qs = qs.filter(**{f"{parsed[0]}__contains": tag_filter(parsed[1])})
    return qs.order_by("sort_key")


# --- a system's requirement list -----------------------------------------------------------


def effective_of(status: RequirementStatus | None, derived: derived_rules.Derived | None):
    """The status that counts: the one derived from data unless a person overrode it with a
    reason, else the assessment (None: neither)."""
    if derived is not None and not (status is not None and status.override_reason):
        return derived
    return status


def derived_answer(*, tenant: Tenant, system: System, requirement: Requirement) -> derived_rules.Derived | None:
    """The status Tillit derives for one requirement of one system (None: not a derived one)."""
    return derived_statuses(tenant=tenant, systems=[system], requirements=[requirement]).get(system.pk, {}).get(
        requirement.pk)


@dataclass(frozen=True)
class RequirementRow:
    requirement: Requirement
    status: RequirementStatus | None
    triggers: tuple[str, ...]
    # The open actions of the assessment in the action plan. They stay when the status later
    # becomes met or not applicable: the person responsible closes them.
    actions: tuple[Action, ...] = ()
    # The status Tillit derives from its data (requirements.derived), None for the others.
    derived: derived_rules.Derived | None = None

    @property
    def overridden(self) -> bool:
        """A person overrode the derived status, with a reason."""
        return self.derived is not None and self.status is not None and bool(self.status.override_reason)

    @property
    def effective(self):
        """What the row's status is: the derived one unless overridden, else the assessment (or None)."""
        return effective_of(self.status, self.derived)

    @property
    def status_key(self) -> str:
        return rules.status_key(self.effective)

    @property
    def wants_action(self) -> bool:
        """Not met or partly met (as assessed, or as derived from data), and no open action yet: the
        row offers "Create action"."""
        return self.effective is not None and self.effective.status in ACTION_STATUSES and not self.actions


def open_actions(*, tenant: Tenant, statuses) -> dict[int, tuple[Action, ...]]:
    """The open actions of each assessment in `statuses`, by its pk: one query for them all."""
    keys = {str(status.pk): status.pk for status in statuses}
    if not keys:
        return {}
    found: dict[int, list[Action]] = {}
    # The content type through the join (no lookup of its own, cached or not).
    qs = (tenant.scope(Action)
          .filter(source_type__app_label=RequirementStatus._meta.app_label,
                  source_type__model=RequirementStatus._meta.model_name,
                  source_id__in=list(keys), status__in=OPEN_STATUSES)
          .select_related("owner", "source_type").order_by("due_date", "pk"))
    for action in qs:
        found.setdefault(keys[action.source_id], []).append(action)
    return {pk: tuple(actions) for pk, actions in found.items()}


@dataclass(frozen=True)
class SystemFilters:
    status: str = ""  # a Status value or "unassessed"
    area: str = ""
    attribute: str = ""


@dataclass
class SystemRequirements:
    system: System
    scheme: str
    derivation: rules.Derivation
    rows: list[RequirementRow] = field(default_factory=list)  # everything derived
    shown: list[RequirementRow] = field(default_factory=list)  # after the filters

    @property
    def need(self) -> dict[str, int | None]:
        return self.derivation.need

    @property
    def need_label(self) -> str:
        """"2-3-2-2" (K-R-T-S; a dash where an aspect is not classified)."""
        return "-".join("–" if self.need.get(a) is None else str(self.need[a]) for a in rules.ASPECTS)

    @property
    def need_items(self) -> list[tuple[str, str, int | None]]:
        """[(aspect, its name, level)] for display."""
        return [(a, ASPECT_LABELS[a], self.need.get(a)) for a in rules.ASPECTS]

    @property
    def analysis_labels(self) -> list[str]:
        """Names of the aspects at level 4 (a protection analysis instead of requirements)."""
        return [ASPECT_LABELS[a] for a in self.derivation.analysis_aspects]

    @property
    def summary(self) -> dict[str, int]:
        return rules.summarise(self._pairs(self.rows))

    @property
    def by_area(self):
        return rules.summarise_by_area(self._pairs(self.rows), Area)

    @property
    def by_attribute(self):
        return rules.summarise_by_attribute(self._pairs(self.rows), ATTRIBUTE_SETS)

    def groups(self) -> list[tuple[str, list[RequirementRow]]]:
        """The shown rows per area label, in the areas' order."""
        grouped: dict[str, list[RequirementRow]] = {}
        for row in self.shown:
            grouped.setdefault(row.requirement.area, []).append(row)
        return [(label, grouped[value]) for value, label in Area.choices if value in grouped]

    @staticmethod
    def _pairs(rows):
        return [(row.requirement, row.effective) for row in rows]


def system_requirements(*, tenant: Tenant, system: System, filters: SystemFilters = SystemFilters()) -> SystemRequirements:
    """The requirements that apply to `system` from its protection need, with their statuses."""
    scheme = scheme_for(tenant)
    need = rules.klassa_need(protection_need(system), scheme)
    derivation = rules.derive(active_requirements(tenant), need)
    assessed = tenant.scope(RequirementStatus).filter(system=system).select_related("assessed_by")
    statuses = {s.requirement_id: s for s in assessed}
    actions = open_actions(tenant=tenant, statuses=statuses.values())
    answers = derived_statuses(tenant=tenant, systems=[system], requirements=derivation.requirements).get(system.pk, {})
    rows = sorted(
        (RequirementRow(r, statuses.get(r.pk), derivation.triggers[r.pk],
                        actions.get(statuses[r.pk].pk, ()) if r.pk in statuses else (), answers.get(r.pk))
         for r in derivation.requirements),
        key=lambda row: (AREA_ORDER.get(row.requirement.area, 99), row.requirement.code),
    )
    return SystemRequirements(system=system, scheme=scheme, derivation=derivation, rows=rows,
                              shown=[row for row in rows if _shown(row, filters)])


def _shown(row: RequirementRow, filters: SystemFilters) -> bool:
    if filters.status and row.status_key != filters.status:
        return False
    if filters.area and row.requirement.area != filters.area:
        return False
    if parsed := parse_attribute(filters.attribute):
        name, value = parsed
        if not any(value in control.attribute_values(name) for control in row.requirement.controls.all()):
            return False
    return True


def requirement_row(*, tenant: Tenant, system: System, requirement_pk) -> RequirementRow:
    """One row of a system's list (for inline editing), or Http404 when the requirement is not visible."""
    requirement = tenant.get(Requirement, requirement_pk, queryset=Requirement.objects.prefetch_related("controls"))
    status = tenant.scope(RequirementStatus).filter(system=system, requirement=requirement).select_related(
        "assessed_by").first()
    need = rules.klassa_need(protection_need(system), scheme_for(tenant))
    actions = open_actions(tenant=tenant, statuses=[status]).get(status.pk, ()) if status else ()
    return RequirementRow(requirement, status, rules.triggered_by(requirement.levels, need), actions,
                          derived_answer(tenant=tenant, system=system, requirement=requirement))


def effective_statuses(*, tenant: Tenant, systems, requirement_pks) -> dict[int, dict[int, str]]:
    """system pk → requirement pk → the status that counts on the system's own list (derived from
    data unless overridden, else assessed); unassessed pairs are absent. Used where another module
    states a system's requirement figures (placement), so they never contradict the list."""
    system_pks = [s.pk for s in systems if tenant.owns(s)]
    if not system_pks or not requirement_pks:
        return {}
    return _effective_statuses(tenant, system_pks,
                               list(tenant.scope(Requirement).filter(pk__in=list(requirement_pks))))


def _effective_statuses(tenant: Tenant, system_pks: list[int], requirements) -> dict[int, dict[int, str]]:
    """effective_statuses for the pks of own systems."""
    if not system_pks or not requirements:
        return {}
    stored = tenant.scope(RequirementStatus).filter(system__in=system_pks,
                                                    requirement__in=[r.pk for r in requirements])
    result: dict[int, dict[int, str]] = {pk: {} for pk in system_pks}
    overridden = set()
    # Plain tuples: a large municipality has tens of thousands of statuses behind its SoA.
    for system_id, requirement_id, value, override_reason in stored.values_list(
            "system_id", "requirement_id", "status", "override_reason"):
        result[system_id][requirement_id] = value
        if override_reason:
            overridden.add((system_id, requirement_id))
    for system_pk, answers in derived_statuses(tenant=tenant, systems=system_pks,
                                               requirements=requirements).items():
        for requirement_pk, answer in answers.items():
            if (system_pk, requirement_pk) not in overridden:
                result[system_pk][requirement_pk] = answer.status
    return result


def derived_statuses(*, tenant: Tenant, systems, requirements) -> dict[int, dict[int, derived_rules.Derived]]:
    """system pk → requirement pk → the status derived from data, for the derived requirements
    among `requirements` (no query at all when there are none; else derived.load_facts's six)."""
    wanted = [r for r in requirements if derived_rules.is_derived(r)]
    if not wanted or not systems:
        return {}
    day = today()
    result: dict[int, dict[int, derived_rules.Derived]] = {}
    for pk, facts in derived_rules.load_facts(tenant=tenant, systems=systems).items():
        answers = {}
        for requirement in wanted:
            answer = derived_rules.RULES_BY_CODE[requirement.code].decide(facts, day)
            if answer is not None:
                answers[requirement.pk] = answer
        result[pk] = answers
    return result


def _applying(requirements, scheme: str, needs: dict[int, tuple]) -> dict[int, list[int]]:
    """system pk → the pks of the requirements that apply to it, from its need (K, R, T, S).
    A large municipality has thousands of systems but only a few distinct needs: each is
    derived once."""
    by_need: dict[tuple, list[int]] = {}
    for need in set(needs.values()):
        levels = rules.klassa_need(dict(zip(rules.ASPECTS, need)), scheme)
        by_need[need] = [r.pk for r in requirements if rules.applies(r.levels, levels)]
    return {pk: by_need[need] for pk, need in needs.items()}


def status_counts(*, tenant: Tenant, systems) -> dict[int, Counter]:
    """system pk → how many of the requirements that apply to it (from its protection need, set
    on each system as need_k … need_s by classification.selectors) have each effective status, as
    the system's own list counts them (derived from data unless overridden); unassessed ones are
    counted under None. A fixed number of queries whatever the number of systems."""
    own = [s for s in systems if tenant.owns(s)]
    if not own:
        return {}
    requirements = list(active_requirements(tenant))
    applying = _applying(requirements, scheme_for(tenant),
                         {s.pk: (s.need_k, s.need_r, s.need_t, s.need_s) for s in own})
    statuses = _effective_statuses(tenant, list(applying), requirements)
    return {pk: Counter(statuses.get(pk, {}).get(r) for r in pks) for pk, pks in applying.items()}


# --- the statement of applicability ----------------------------------------------------------


@dataclass(frozen=True)
class DerivedImplementation:
    """A control's implementation status as the systems' requirement statuses give it."""

    implementation: str
    reason: str

    @property
    def label(self) -> str:
        return str(Implementation(self.implementation).label)


@dataclass(frozen=True)
class SoaRow:
    control: Control
    statement: ApplicabilityStatement | None
    requirements: tuple[Requirement, ...]  # linked requirements in force
    applying: tuple[Requirement, ...]  # those that apply to at least one of the organisation's systems
    derived: DerivedImplementation | None = None  # None: no linked requirement applies to a system

    @property
    def suggested_applicable(self) -> bool:
        return bool(self.applying)

    @property
    def overridden(self) -> bool:
        return (self.statement is not None and self.statement.applicable
                and bool(self.statement.implementation_override_reason))

    @property
    def implementation(self) -> str | None:
        """The status that counts: derived unless overridden; the recorded one where nothing derives it."""
        if self.statement is not None and not self.statement.applicable:
            return self.statement.implementation
        if self.derived is not None and not self.overridden:
            return self.derived.implementation
        return self.statement.implementation if self.statement else None

    @property
    def implementation_label(self) -> str:
        return str(Implementation(self.implementation).label) if self.implementation else ""


def derive_implementation(statuses) -> DerivedImplementation | None:
    """From the statuses of the (system, requirement) pairs behind a control (a list, or a Counter
    of status → pairs): all met → implemented; some met or partly met → partly; none → not
    implemented. Not applicable pairs are left out; an unassessed pair counts as not (yet) shown
    to be met."""
    counts = statuses if isinstance(statuses, Counter) else Counter(statuses)
    n = sum(counts.values()) - counts[Status.NOT_APPLICABLE]
    if not n:
        return None
    met, partly = counts[Status.MET], counts[Status.PARTLY_MET]
    reason = _("%(met)d of %(n)d system requirements met, %(partly)d partly, %(rest)d not met or not assessed.") % {
        "met": met, "n": n, "partly": partly, "rest": n - met - partly}
    if met == n:
        return DerivedImplementation(Implementation.IMPLEMENTED, reason)
    if met or partly:
        return DerivedImplementation(Implementation.PARTLY, reason)
    return DerivedImplementation(Implementation.NOT_IMPLEMENTED, reason)


@dataclass(frozen=True)
class SoaFilters:
    theme: str = ""
    attribute: str = ""
    applicability: str = ""  # "applicable", "not_applicable", "reason_pending", "undecided"
    implementation: str = ""


def _system_statuses(tenant: Tenant, requirements: list[Requirement]) -> dict[int, list[str | None]]:
    """requirement pk → the effective status on each own system in use it applies to (None:
    unassessed), in a fixed number of queries: the systems with their needs, the settings, the
    stored statuses and the facts of the derived requirements."""
    systems = list(annotate_protection_need(tenant.scope(System).filter(
        organisation_id=tenant.membership.organisation_id, archived_at__isnull=True)).order_by("pk")
        .values_list("pk", "need_k", "need_r", "need_t", "need_s"))
    applying = _applying(requirements, scheme_for(tenant), {pk: tuple(need) for pk, *need in systems})
    statuses = _effective_statuses(tenant, list(applying), requirements)
    result: dict[int, list[str | None]] = {}
    for system_pk, requirement_pks in applying.items():
        own = statuses.get(system_pk, {})
        for requirement_pk in requirement_pks:
            result.setdefault(requirement_pk, []).append(own.get(requirement_pk))
    return result


def soa_rows(*, tenant: Tenant) -> list[SoaRow]:
    """All 93 controls with the organisation's statement row (if any), the linked requirements
    and the implementation status their systems' statuses give."""
    requirements = list(active_requirements(tenant))

    def count() -> dict[int, dict[str | None, int]]:
        # Each requirement's statuses counted once; a control sums the counts of its requirements.
        return {pk: dict(Counter(statuses)) for pk, statuses in _system_statuses(tenant, requirements).items()}

    # Every system's effective status of every requirement: kept until the data changes (or the
    # minute passes, for the derived statuses' review dates), see core.datacache.
    counted = datacache.remembered("soa-statuses", tenant.organisation, tenant.role,
                                   tenant.user.pk if tenant.user else "", today().isoformat(), compute=count)
    applying = set(counted)
    linked: dict[int, list[Requirement]] = {}
    for requirement in requirements:
        for control in requirement.controls.all():
            linked.setdefault(control.pk, []).append(requirement)
    statements = {s.control_id: s for s in tenant.scope(ApplicabilityStatement)}
    rows = []
    for control in Control.objects.order_by("sort_key"):
        mapped = linked.get(control.pk, ())
        statuses = Counter()
        for r in mapped:
            statuses.update(counted.get(r.pk, {}))
        rows.append(SoaRow(control, statements.get(control.pk), tuple(mapped),
                           tuple(r for r in mapped if r.pk in applying), derive_implementation(statuses)))
    return rows


def soa_filtered(rows: list[SoaRow], filters: SoaFilters) -> list[SoaRow]:
    def keep(row: SoaRow) -> bool:
        statement = row.statement
        if filters.theme and row.control.theme != filters.theme:
            return False
        if (parsed := parse_attribute(filters.attribute)) and parsed[1] not in row.control.attribute_values(parsed[0]):
            return False
        if filters.applicability == "undecided" and statement is not None:
            return False
        if filters.applicability == "applicable" and not (statement and statement.applicable):
            return False
        if filters.applicability == "not_applicable" and not (statement and not statement.applicable):
            return False
        if filters.applicability == "reason_pending" and not (statement and statement.reason_pending):
            return False
        if filters.implementation and row.implementation != filters.implementation:
            return False
        return True

    return [row for row in rows if keep(row)]


def soa_row(*, tenant: Tenant, control_pk) -> SoaRow:
    """One control's SoA row (for inline editing), or Http404."""
    try:
        control = Control.objects.get(pk=control_pk)
    except (Control.DoesNotExist, ValueError, TypeError):
        raise Http404
    for row in soa_rows(tenant=tenant):
        if row.control.pk == control.pk:
            return row
    raise Http404
