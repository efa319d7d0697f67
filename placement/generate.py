"""Generated placement assessments for benchmarks (`manage.py generate_data`): 2 000 at scale 1.

Assessments are spread over the generated municipalities in proportion to their systems. Each
concerns one of the municipality's systems (sometimes two) and the information types those
systems hold, and compares two or three alternatives: the current hosting and one or two of
the municipality's own data centre, its IT company's data centre and named cloud services,
with countries, jurisdiction, promised availability, redundancy and costs per category and
year. Requirement marks and appropriateness assessments (OSL 10 kap. 2 a §) are recorded for
many alternatives, and the assessor's verdicts, rationales and residual risks per perspective
for most of them.

What the app computes is computed here with the app's own functions: every assessment is run
through placement.analysis.analyse() (the legal table, availability, cost of ownership and the
combined score) before it is written, the assessor's verdicts follow the computed ones, and a
third of each municipality's assessments (rounded; chosen among those fully judged whose
analysis recommends one alternative) are decided on the recommended alternative, with the
classification snapshot the decision service keeps. The rest are drafts. Rows are
bulk-inserted in batches; trail.capture.bulk_entries gives each its create entry, so
`verify_audit` holds afterwards.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from classification.schemes import Scheme
from core.countries import EEA
from core.tenancy import tenant_for
from demo.generated import CLOUD_PROVIDERS, insert
from inventory.models import Hosting, InformationType, System
from organisations.models import Membership, OrganisationKind
from organisations.roles import Role
from placement import analysis, integrations, legal, selectors
from placement.models import (
    Alternative,
    Appropriateness,
    Assessment,
    AssessmentStatus,
    CostCategory,
    CostItem,
    CostKind,
    Decision,
    DecidingBody,
    Mitigation,
    OslAssessment,
    Perspective,
    Redundancy,
    ResidualRisk,
    StaffCapacity,
    Verdict,
    VerdictChoice,
)
from suppliers.models import Supplier

ASSESSMENTS_AT_SCALE_1 = 2_000
DECIDED_SHARE = 1 / 3
# Share of assessments whose assessor has judged every perspective of every alternative;
# only those can be decided (a decision needs the whole picture), so it is well above a third.
COMPLETE_SHARE = 0.6
BATCH = 1000
RESPONSIBLE_ROLES = (Role.COORDINATOR, Role.SYSTEM_OWNER)
# A decision is taken at least this long after the assessment.
MIN_DAYS_TO_DECISION = 14

OWN, SUPPLIER, CLOUD = Hosting.OWN_DATA_CENTRE, Hosting.SUPPLIER_DATA_CENTRE, Hosting.CLOUD
COMMITTEES = ["Socialnämnden", "Barn- och utbildningsnämnden", "Samhällsbyggnadsnämnden", "Kultur- och fritidsnämnden"]
BODY_NAMES = {DecidingBody.EXECUTIVE_BOARD: "Kommunstyrelsen", DecidingBody.COUNCIL: "Kommunfullmäktige"}
BODY_PREFIX = {DecidingBody.EXECUTIVE_BOARD: "KS", DecidingBody.COUNCIL: "KF", DecidingBody.COMMITTEE: "N"}
TITLES = ["Driftform för {name}", "Placering av {name}", "Val av driftform: {name}"]
RATIONALES = {
    Perspective.SECURITY: {
        VerdictChoice.FAVOURS: "Alternativet uppfyller kraven för informationens skyddsbehov.",
        VerdictChoice.NEUTRAL: "De flesta kraven uppfylls; resten hanteras med kompletterande åtgärder.",
        VerdictChoice.AGAINST: "Flera krav för informationens skyddsbehov uppfylls inte.",
    },
    Perspective.LEGAL: {
        VerdictChoice.FAVOURS: "Informationen kan placeras här utan röjande eller överföring utan stöd.",
        VerdictChoice.NEUTRAL: "Placeringen kräver riktlinjer och avtal som hålls aktuella.",
        VerdictChoice.AGAINST: "Uppgifter kan röjas eller lämnas ut till utländsk myndighet; placeringen saknar stöd.",
    },
    Perspective.TECHNICAL: {
        VerdictChoice.FAVOURS: "Utlovad tillgänglighet och redundans motsvarar kraven.",
        VerdictChoice.NEUTRAL: "Tillgängligheten räcker men redundansen eller reservplatsen är begränsad.",
        VerdictChoice.AGAINST: "Tillgängligheten, driftmiljöns livslängd eller bemanningen räcker inte.",
    },
    Perspective.ECONOMIC: {
        VerdictChoice.FAVOURS: "Lägst totalkostnad över perioden.",
        VerdictChoice.NEUTRAL: "Kostnaden ligger nära det billigaste alternativet.",
        VerdictChoice.AGAINST: "Klart dyrare än det billigaste alternativet.",
    },
}
RESIDUAL = {
    VerdictChoice.FAVOURS: {"": 30, ResidualRisk.LOW: 70},
    VerdictChoice.NEUTRAL: {ResidualRisk.LOW: 50, ResidualRisk.MEDIUM: 50},
    VerdictChoice.AGAINST: {ResidualRisk.MEDIUM: 50, ResidualRisk.HIGH: 50},
}
SECRECY_RULE = "Uppgifter som omfattas av sekretess får inte lagras eller behandlas i tjänsten."
AWARENESS_RULE = "En informationsinsats om informationssäkerhet och dataskydd till alla användare."


def _weighted(rng: random.Random, options: dict):
    return rng.choices(list(options), weights=list(options.values()))[0]


def _sek(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount in SEK between low and high, in whole ten thousands."""
    return Decimal(rng.randrange(low, high + 1, 10_000))


def _shares(total: int, weights: list[int]) -> list[int]:
    shares = [total * w // sum(weights) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def planned_assessments(*, municipalities: int, scale: float) -> int:
    """How many assessments a scale gives: 2 000 × scale, at least one per municipality."""
    return max(municipalities, round(ASSESSMENTS_AT_SCALE_1 * scale))


# --- The analysis of a draft that is not yet in the database ----------------------------


class _Rows:
    def __init__(self, rows: list):
        self._rows = rows

    def all(self) -> list:
        return list(self._rows)


class _Unsaved:
    """An alternative not yet inserted, as analysis.analyse() reads it: a key of its own and
    its costs, verdicts and appropriateness assessments in memory (as the prefetching
    selector hands them over)."""

    def __init__(self, key: int, alternative: Alternative, costs: list, verdicts: list, osl: list):
        self.pk = key
        self._alternative = alternative
        self.costs, self.verdicts, self.osl_assessments = _Rows(costs), _Rows(verdicts), _Rows(osl)

    def __getattr__(self, name):
        return getattr(self._alternative, name)


@dataclass
class _Option:
    alternative: Alternative
    costs: list[CostItem] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    osl: list[OslAssessment] = field(default_factory=list)


@dataclass
class _Draft:
    assessment: Assessment
    system_ids: list[int]
    infos: list[analysis.InfoType]
    options: list[_Option]
    mitigations: list[Mitigation]
    requirements: list[analysis.RequirementRef]
    complete: bool
    result: analysis.Analysis | None = None
    decision: Decision | None = None
    decided: "_Option | None" = None

    def analyse(self) -> analysis.Analysis:
        unsaved = [_Unsaved(i + 1, o.alternative, o.costs, o.verdicts, o.osl) for i, o in enumerate(self.options)]
        self.result = analysis.analyse(analysis.Inputs(
            assessment=self.assessment, alternatives=unsaved, information_types=self.infos,
            mitigations=self.mitigations, requirements=self.requirements, risks=[]))
        return self.result

    def option(self, key: int | None) -> _Option | None:
        return self.options[key - 1] if key else None


# --- Generation -------------------------------------------------------------------------


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    """Bulk-create placement assessments with alternatives, costs, verdicts and decisions for
    the generated municipalities."""
    counts: dict[str, int] = {}
    municipalities = [o for o in organisations if o.kind == OrganisationKind.MUNICIPALITY]
    system_counts = dict(System.objects.filter(organisation__in=municipalities, archived_at__isnull=True)
                         .values_list("organisation").annotate(n=Count("pk")))
    municipalities = [o for o in municipalities if system_counts.get(o.pk)]
    if not municipalities:
        return counts
    total = planned_assessments(municipalities=len(municipalities), scale=scale)
    with transaction.atomic():
        for org, n in zip(municipalities, _shares(total, [system_counts[o.pk] for o in municipalities])):
            _organisation(org, n, rng, counts)
    return counts


@dataclass
class _Context:
    """What one municipality's assessments are made of, loaded once."""

    organisation: object
    systems: list[tuple[int, str, str]]  # pk, name, hosting
    infos_of_system: dict[int, list[int]]
    infos: dict[int, analysis.InfoType]
    information_types: dict[int, InformationType]
    responsible: list[int]
    it_company: str
    tenant: object
    requirements: dict = field(default_factory=dict)

    def applicable(self, infos: list[analysis.InfoType]) -> list[analysis.RequirementRef]:
        """The requirements that apply at the information's highest levels (placement.integrations)."""
        highest = analysis.highest_levels(infos)
        scheme = infos[0].scheme if infos else Scheme.KLASSA
        key = (tuple(sorted(highest.items())), scheme)
        if key not in self.requirements:
            self.requirements[key] = integrations.applicable_requirements(
                tenant=self.tenant, levels=highest, scheme=scheme) if self.tenant else []
        return self.requirements[key]


def _context(org) -> _Context:
    systems = list(System.objects.filter(organisation=org, archived_at__isnull=True).order_by("pk")
                   .values_list("pk", "name", "hosting"))
    links = defaultdict(list)
    for system_id, info_id in (System.information_types.through.objects.filter(system__organisation=org)
                               .order_by("system_id", "informationtype_id")
                               .values_list("system_id", "informationtype_id")):
        links[system_id].append(info_id)
    information_types = {i.pk: i for i in InformationType.objects.filter(organisation=org)
                         .select_related("classification").order_by("pk")}
    infos = {pk: selectors.information_type_view(i) for pk, i in information_types.items()}
    members = list(Membership.objects.filter(organisation=org, role__in=RESPONSIBLE_ROLES)
                   .select_related("user").order_by("role", "pk"))
    coordinator = next((m.user for m in members if m.role == Role.COORDINATOR), None)
    it_company = (Supplier.objects.filter(organisation=org, tillit_organisation__isnull=False)
                  .order_by("pk").values_list("name", flat=True).first()) or "Kommunens driftleverantör"
    return _Context(org, systems, links, infos, information_types, [m.user_id for m in members], it_company,
                    tenant_for(coordinator, org.pk) if coordinator else None)


def _organisation(org, n: int, rng: random.Random, counts: dict[str, int]) -> None:
    ctx = _context(org)
    today = timezone.localdate()
    drafts = [_draft(ctx, rng, today, number) for number in range(1, n + 1)]
    for draft in drafts:
        draft.analyse()  # the computed verdicts, which the assessor's verdicts follow
        _judge(draft, rng)
        draft.analyse()  # and the combined assessment with the assessor's verdicts
    _decide(drafts, rng, today, round(n * DECIDED_SHARE))
    _write(org, drafts, counts)


def _draft(ctx: _Context, rng: random.Random, today: datetime.date, number: int) -> _Draft:
    system_id, name, hosting = rng.choice(ctx.systems)
    system_ids = [system_id]
    if len(ctx.systems) > 1 and rng.random() < 0.2:  # a service of two systems
        other = rng.choice([s for s in ctx.systems if s[0] != system_id])
        system_ids.append(other[0])
    info_ids = sorted({i for s in system_ids for i in ctx.infos_of_system.get(s, [])})
    infos = sorted((ctx.infos[i] for i in info_ids), key=lambda i: i.name)
    day = today - datetime.timedelta(days=rng.randint(0, 1_600))
    body = _weighted(rng, {DecidingBody.EXECUTIVE_BOARD: 50, DecidingBody.COMMITTEE: 35, DecidingBody.COUNCIL: 15})
    assessment = Assessment(
        organisation=ctx.organisation, title=rng.choice(TITLES).format(name=name)[:200], service=name,
        responsible_id=rng.choice(ctx.responsible) if ctx.responsible and rng.random() < 0.9 else None,
        background=f"Bedömningen gäller {name} och jämför driftformer ur informationssäkerhetens, juridikens, "
                   f"teknikens och ekonomins perspektiv inför att avtalet ska förnyas.",
        assessment_date=day, registration_number=f"{BODY_PREFIX[body]} {day.year}/{number:04d}",
        deciding_body=body, deciding_body_name=rng.choice(COMMITTEES) if body == DecidingBody.COMMITTEE else "",
        years=rng.choice([3, 4, 5, 6]), discount_rate=Decimal(rng.choice([0, 0, 2, 3])),
        weight_security=rng.choice([1, 1, 2]), weight_legal=rng.choice([1, 1, 2]), weight_technical=1,
        weight_economic=1, status=AssessmentStatus.DRAFT,
    )
    complete = rng.random() < COMPLETE_SHARE
    requirements = ctx.applicable(infos)
    options = [_option(ctx, rng, assessment, kind, provider, position, infos, requirements, complete)
               for position, (kind, provider) in enumerate(_kinds(rng, hosting), start=1)]
    mitigations = []
    secret = any((i.levels.get("K") or 0) >= legal.SECRECY_LEVEL for i in infos)
    foreign = any(o.alternative.provider_jurisdiction not in ("", "SE") for o in options)
    if secret and foreign and rng.random() < 0.4:
        mitigations.append(Mitigation(organisation=ctx.organisation, text=SECRECY_RULE,
                                      max_confidentiality=legal.SECRECY_LEVEL - 1))
    if rng.random() < 0.2:
        mitigations.append(Mitigation(organisation=ctx.organisation, text=AWARENESS_RULE))
    return _Draft(assessment, system_ids, infos, options, mitigations, requirements, complete)


def _kinds(rng: random.Random, current: str) -> list[tuple[str, tuple | None]]:
    """Two or three alternatives: the current hosting first, then others (cloud services by name)."""
    providers = rng.sample(CLOUD_PROVIDERS, 2)
    pool = [(OWN, None), (SUPPLIER, None), (CLOUD, providers[0]), (CLOUD, providers[1])]
    first = next((p for p in pool if p[0] == current), pool[0])
    rest = [p for p in pool if p is not first]
    return [first] + rng.sample(rest, rng.choice([1, 1, 2]))


def _option(ctx: _Context, rng: random.Random, assessment: Assessment, kind: str, provider: tuple | None,
            position: int, infos: list, requirements: list, complete: bool) -> _Option:
    day, years = assessment.assessment_date, assessment.years
    common = {"organisation": ctx.organisation, "position": position, "hosting": kind,
              "description": "Nuvarande driftform." if position == 1 else ""}
    if kind == OWN:
        alt = Alternative(
            **common, name="Egen drift i kommunens datacenter", provider="Kommunens IT-enhet",
            storage_countries=["SE"], access_countries=["SE"], provider_jurisdiction="SE",
            sla_percent=rng.choice([None, Decimal("99.0"), Decimal("99.5"), Decimal("99.7")]),
            redundancy=_weighted(rng, {Redundancy.SINGLE_SITE: 40, Redundancy.SAME_LOCATION: 40,
                                       Redundancy.SEPARATE_SITES: 20}),
            recovery_site=rng.choice(["", "", "Reservhall i stadshuset"]),
            end_of_life=day + datetime.timedelta(days=rng.randint(-365, 6 * 365)) if rng.random() < 0.5 else None,
            staff_capacity=_weighted(rng, {StaffCapacity.SUFFICIENT: 40, StaffCapacity.STRAINED: 45,
                                           StaffCapacity.INSUFFICIENT: 15}),
        )
        costs = [_cost(ctx, CostCategory.HARDWARE, CostKind.ONE_OFF, _sek(rng, 300_000, 1_500_000),
                       "Servrar och lagring"),
                 _cost(ctx, CostCategory.LICENCES, CostKind.RECURRING, _sek(rng, 100_000, 500_000), "Serverlicenser"),
                 _cost(ctx, CostCategory.OWN_STAFF, CostKind.RECURRING, _sek(rng, 200_000, 800_000),
                       "Drift och förvaltning med egen personal")]
        if rng.random() < 0.5:
            costs.append(_cost(ctx, CostCategory.CONSULTANTS, CostKind.ONE_OFF, _sek(rng, 50_000, 300_000),
                               "Konsultstöd vid uppbyggnaden"))
        if years >= 4 and rng.random() < 0.5:
            costs.append(_cost(ctx, CostCategory.HARDWARE, CostKind.ONE_OFF, _sek(rng, 200_000, 900_000),
                               "Reinvestering i hårdvara", year=4))
    elif kind == SUPPLIER:
        alt = Alternative(
            **common, name=f"{ctx.it_company}:s datacenter"[:200], provider=ctx.it_company,
            storage_countries=["SE"], access_countries=["SE"], provider_jurisdiction="SE", technical_only=True,
            confidentiality_duty=rng.random() < 0.9,
            sla_percent=rng.choice([Decimal("99.5"), Decimal("99.7"), Decimal("99.8"), Decimal("99.9")]),
            redundancy=_weighted(rng, {Redundancy.SEPARATE_SITES: 70, Redundancy.SAME_LOCATION: 30}),
            recovery_site=f"Reservdatacenter hos {ctx.it_company}"[:200],
            end_of_life=day + datetime.timedelta(days=rng.randint(3 * 365, 10 * 365)) if rng.random() < 0.3 else None,
            staff_capacity=StaffCapacity.SUFFICIENT,
        )
        costs = [_cost(ctx, CostCategory.CONSULTANTS, CostKind.ONE_OFF, _sek(rng, 50_000, 250_000), "Flytt och test"),
                 _cost(ctx, CostCategory.OTHER, CostKind.RECURRING, _sek(rng, 150_000, 600_000),
                       f"Driftavgift till {ctx.it_company}"[:200]),
                 _cost(ctx, CostCategory.LICENCES, CostKind.RECURRING, _sek(rng, 100_000, 500_000), "Licenser")]
    else:
        name, jurisdiction, storage, processing = provider
        outside = any(c not in EEA for c in set(storage) | set(processing) | {jurisdiction})
        scc = outside and rng.random() < 0.8
        alt = Alternative(
            **common, name=f"{name} (molntjänst)", provider=name, storage_countries=sorted(storage),
            access_countries=sorted(processing), provider_jurisdiction=jurisdiction,
            dpf_certified=jurisdiction == "US" and rng.random() < 0.7, scc_signed=scc,
            tia_done=scc and rng.random() < 0.6, technical_only=rng.random() < 0.6,
            confidentiality_duty=rng.random() < 0.5,
            sla_percent=rng.choice([Decimal("99.9"), Decimal("99.95"), Decimal("99.99")]),
            redundancy=Redundancy.SEPARATE_SITES, recovery_site=f"{name}, annan region",
            staff_capacity=_weighted(rng, {StaffCapacity.SUFFICIENT: 85, StaffCapacity.STRAINED: 15}),
        )
        costs = [_cost(ctx, CostCategory.CONSULTANTS, CostKind.ONE_OFF, _sek(rng, 50_000, 400_000), "Migrering"),
                 _cost(ctx, CostCategory.LICENCES, CostKind.RECURRING, _sek(rng, 200_000, 900_000), "Abonnemang")]
        if rng.random() < 0.3:
            costs.append(_cost(ctx, CostCategory.CONSULTANTS, CostKind.ONE_OFF, _sek(rng, 50_000, 200_000),
                               "Export av data vid avtalets slut", year=years))
        if rng.random() < 0.2:
            costs.append(_cost(ctx, CostCategory.LICENCES, CostKind.RECURRING, _sek(rng, 50_000, 300_000),
                               "Tilläggstjänster (i värsta fall)", upper_estimate=True))
    if requirements and (complete or rng.random() < 0.4):
        # Some alternatives meet every requirement; the rest miss a share that depends on the hosting.
        met = 1.0 if rng.random() < 0.2 else {SUPPLIER: 0.9, CLOUD: 0.85, OWN: 0.7}[kind]
        alt.requirements_met = {str(r.pk): rng.random() < met for r in requirements}
    return _Option(alt, costs, [], _osl(ctx, rng, alt, day, infos, complete))


def _cost(ctx: _Context, category: str, kind: str, amount: Decimal, description: str, *, year: int = 1,
          upper_estimate: bool = False) -> CostItem:
    return CostItem(organisation=ctx.organisation, category=category, kind=kind, amount=amount, year=year,
                    description=description, upper_estimate=upper_estimate)


def _osl(ctx: _Context, rng: random.Random, alt: Alternative, day: datetime.date, infos: list,
         complete: bool) -> list[OslAssessment]:
    """Appropriateness assessments where OSL 10 kap. 2 a § asks for them (legal.osl_exception)."""
    if legal.osl_exception(outsourced=alt.hosting != OWN, day=day, technical_only=alt.technical_only,
                           outcome=None) != "not_assessed" or not (complete or rng.random() < 0.4):
        return []
    foreign = bool(legal.access_laws(jurisdiction=alt.provider_jurisdiction, access_countries=alt.access_countries,
                                     day=day))
    rows = []
    for info in infos:
        secret = (info.levels.get("K") or 0) >= legal.SECRECY_LEVEL
        outcome = Appropriateness.INAPPROPRIATE if secret and foreign else Appropriateness.APPROPRIATE
        reasoning = ("Uppgifterna omfattas av sekretess och leverantören kan tvingas lämna ut dem till utländsk "
                     "myndighet." if outcome == Appropriateness.INAPPROPRIATE else
                     "Leverantören bearbetar och lagrar uppgifterna endast tekniskt.")
        rows.append(OslAssessment(organisation=ctx.organisation, information_type=ctx.information_types[info.pk],
                                  outcome=outcome, reasoning=reasoning))
    return rows


def _judge(draft: _Draft, rng: random.Random) -> None:
    """The assessor's verdicts: every perspective of every alternative in a complete
    assessment, some in the others. Most leave the computed verdict standing and add a
    rationale and the residual risk; a few set a verdict of their own."""
    share = 1.0 if draft.complete else rng.choice([0.0, 0.0, 0.3, 0.6])
    for key, option in enumerate(draft.options, start=1):
        for perspective, result in draft.result.perspectives.items():
            if rng.random() >= share:
                continue
            computed = result.cells[key].computed_verdict
            own = ""
            if rng.random() < 0.15:
                own = computed if rng.random() < 0.7 else VerdictChoice.NEUTRAL
            option.verdicts.append(Verdict(
                organisation=draft.assessment.organisation, perspective=perspective, verdict=own,
                rationale=RATIONALES[perspective][own or computed],
                residual_risk=_weighted(rng, RESIDUAL[own or computed])))


def _decide(drafts: list[_Draft], rng: random.Random, today: datetime.date, wanted: int) -> None:
    """Decide `wanted` of the complete assessments whose analysis recommends one alternative,
    on that alternative (as placement.services.decision_record would)."""
    latest = today - datetime.timedelta(days=MIN_DAYS_TO_DECISION)
    eligible = [d for d in drafts if d.complete and d.result.combined.can_combine
                and d.result.combined.recommended_id is not None and d.assessment.assessment_date <= latest]
    for draft in rng.sample(eligible, min(wanted, len(eligible))):
        a, chosen = draft.assessment, draft.option(draft.result.combined.chosen_id)
        body = BODY_NAMES.get(a.deciding_body) or a.deciding_body_name
        decided_on = min(today, a.assessment_date + datetime.timedelta(days=rng.randint(MIN_DAYS_TO_DECISION, 120)))
        score = f"{draft.result.combined.scores[draft.result.combined.recommended_id]:+.2f}".replace(".", ",")
        name = chosen.alternative.name
        a.status = AssessmentStatus.DECIDED
        a.summary = (f"Sammantaget ger alternativet ”{name}” högst vägt värde ({score}) av de "
                     f"{len(draft.options)} alternativen.")
        a.proposal = f"{body} föreslås besluta att {a.service} ska driftas enligt alternativet ”{name}”."
        draft.decision = Decision(
            organisation=a.organisation, body=a.deciding_body, body_name=a.deciding_body_name,
            registration_number=a.registration_number, decided_on=decided_on,
            decision=f"{body} beslutar att {a.service} ska driftas enligt alternativet ”{name}”.",
            follow_up_date=decided_on + datetime.timedelta(days=rng.choice([365, 730])),
            levels_snapshot=selectors.level_snapshot(draft.infos), recorded_by_id=a.responsible_id,
        )
        draft.decided = chosen


# --- Writing ----------------------------------------------------------------------------


def _link(field, pairs: list[tuple[int, int]], counts: dict[str, int]) -> None:
    # Link rows go into the through table without trail entries of their own, as
    # demo.generated does: the assessment's create entry names the record.
    through = field.remote_field.through
    source, target = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
    through.objects.bulk_create([through(**{source: a, target: b}) for a, b in pairs], batch_size=BATCH)
    counts[through._meta.label] = counts.get(through._meta.label, 0) + len(pairs)


def _write(org, drafts: list[_Draft], counts: dict[str, int]) -> None:
    insert(Assessment, [d.assessment for d in drafts], counts)
    _link(Assessment._meta.get_field("systems"), [(d.assessment.pk, s) for d in drafts for s in d.system_ids], counts)
    _link(Assessment._meta.get_field("information_types"),
          [(d.assessment.pk, i.pk) for d in drafts for i in d.infos], counts)
    options = []
    for d in drafts:
        for option in d.options:
            option.alternative.assessment = d.assessment
            options.append(option)
    insert(Alternative, [o.alternative for o in options], counts)
    for model, rows in ((CostItem, "costs"), (Verdict, "verdicts"), (OslAssessment, "osl")):
        children = []
        for option in options:
            for row in getattr(option, rows):
                row.alternative = option.alternative
                children.append(row)
        insert(model, children, counts)
    rules = []
    for d in drafts:
        for rule in d.mitigations:
            rule.assessment = d.assessment
            rules.append(rule)
    insert(Mitigation, rules, counts)
    decisions = []
    for d in drafts:
        if d.decision is not None:
            d.decision.assessment = d.assessment
            d.decision.alternative = d.decided.alternative
            decisions.append(d.decision)
    insert(Decision, decisions, counts)
