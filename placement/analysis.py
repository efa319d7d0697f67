"""The four perspectives and the combined assessment, computed from loaded data (no queries).

selectors.assessment_analysis() loads what an assessment needs in a fixed number of queries
and hands it to `analyse()`; pages, the API and the documents all read the same Analysis.
Texts are produced in the active language, so the documents compute under Swedish.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from classification.schemes import ASPECT_FIELDS, SCHEMES, Scheme, tuple_label
from core.countries import country_name
from inventory.models import Hosting
from placement import legal, rules
from placement.models import (
    CostCategory,
    Perspective,
    Redundancy,
    ResidualRisk,
    StaffCapacity,
    VerdictChoice,
)
from placement.money import percent, sek
from placement.rules import INFO, MAJOR, MINOR, Finding


@dataclass
class InfoType:
    """An information type of the assessment with its classification (levels None when unclassified)."""

    pk: int
    name: str
    personal_data: bool
    levels: dict[str, int | None]
    scheme: str = Scheme.KLASSA

    @property
    def classified(self) -> bool:
        return any(v is not None for v in self.levels.values())

    @property
    def label(self) -> str:
        return tuple_label(self.levels, self.scheme) if self.classified else "–"


@dataclass
class RequirementRef:
    pk: int
    code: str
    title: str


@dataclass
class RaisedRisk:
    """A risk raised into the register from a perspective of an alternative."""

    pk: int
    title: str
    alternative_id: int
    perspective: str
    residual: str  # a ResidualRisk value, "" when not assessed
    url: str = ""


@dataclass
class Inputs:
    assessment: object
    alternatives: list
    information_types: list[InfoType]
    mitigations: list
    requirements: list[RequirementRef] = field(default_factory=list)
    risks: list[RaisedRisk] = field(default_factory=list)


@dataclass
class Cell:
    """One perspective's judgement of one alternative."""

    alternative: object
    computed_verdict: str
    findings: list[Finding]
    verdict: str
    rationale: str
    residual_risk: str
    judged: bool  # the assessor set the verdict

    @property
    def computed_rationale(self) -> str:
        return " ".join(f.text for f in self.findings)

    @property
    def verdict_label(self) -> str:
        return str(VerdictChoice(self.verdict).label)

    @property
    def computed_verdict_label(self) -> str:
        return str(VerdictChoice(self.computed_verdict).label)

    @property
    def residual_label(self) -> str:
        return str(ResidualRisk(self.residual_risk).label) if self.residual_risk else "–"


@dataclass
class PerspectiveResult:
    key: str
    facts: list[tuple[str, str]]
    cells: dict[int, Cell]
    details: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(Perspective(self.key).label)


@dataclass
class Combined:
    weights: dict[str, int]
    scores: dict[int, Decimal]
    recommended_id: int | None
    chosen_id: int | None
    facts: list[str]
    can_combine: bool
    message: str = ""


@dataclass
class Analysis:
    assessment: object
    alternatives: list
    information_types: list[InfoType]
    highest: dict[str, int | None]
    perspectives: dict[str, PerspectiveResult]
    combined: Combined
    risks: list[RaisedRisk]

    def alternative(self, pk: int | None):
        return next((a for a in self.alternatives if a.pk == pk), None)

    @property
    def recommended(self):
        return self.alternative(self.combined.recommended_id)

    @property
    def chosen(self):
        return self.alternative(self.combined.chosen_id)

    def rows(self):
        """(perspective result, [cell per alternative]) for the combined table."""
        return [(p, [p.cells[a.pk] for a in self.alternatives]) for p in self.perspectives.values()]

    def risks_of(self, alternative_id: int) -> list[RaisedRisk]:
        return [r for r in self.risks if r.alternative_id == alternative_id]


def highest_levels(infos: list[InfoType]) -> dict[str, int | None]:
    """The highest level per aspect over the information (a system's protection need, C2)."""
    result = {}
    for aspect in ASPECT_FIELDS:
        values = [i.levels.get(aspect) for i in infos if i.levels.get(aspect) is not None]
        result[aspect] = max(values) if values else None
    return result


def _cells(alternatives, perspective: str, computed: dict[int, tuple[str, list[Finding]]],
           risks: list[RaisedRisk]) -> dict[int, Cell]:
    cells = {}
    for alt in alternatives:
        verdict_row = next((v for v in alt.verdicts.all() if v.perspective == perspective), None)
        computed_verdict, findings = computed[alt.pk]
        verdict = verdict_row.verdict if verdict_row and verdict_row.verdict else computed_verdict
        rationale = verdict_row.rationale if verdict_row and verdict_row.rationale else " ".join(f.text for f in findings)
        residual = verdict_row.residual_risk if verdict_row else ""
        # A risk raised into the register speaks for itself: its residual level counts when
        # the assessor has not judged the residual risk here.
        if not residual:
            levels = [r.residual for r in risks if r.alternative_id == alt.pk and r.perspective == perspective and r.residual]
            residual = max(levels, key=lambda lv: rules.RESIDUAL_PENALTY[lv]) if levels else ""
        cells[alt.pk] = Cell(alt, computed_verdict, findings, verdict, rationale, residual,
                             bool(verdict_row and verdict_row.verdict))
    return cells


# --- Information security ---------------------------------------------------------------


def security(inputs: Inputs, highest: dict) -> PerspectiveResult:
    infos = inputs.information_types
    facts = [(i.name, i.label) for i in infos]
    scheme = infos[0].scheme if infos else Scheme.KLASSA
    facts.append((_("Highest levels (K-R-T-S)"), tuple_label(highest, scheme) if any(
        v is not None for v in highest.values()) else "–"))
    level4 = SCHEMES[scheme].protection_analysis_level
    needs_analysis = level4 is not None and any(v is not None and v >= level4 for v in highest.values())
    requirement_ids = [str(r.pk) for r in inputs.requirements]
    unmet = {}
    assessed = {}
    for alt in inputs.alternatives:
        marks = alt.requirements_met or {}
        assessed[alt.pk] = [rid for rid in requirement_ids if rid in marks]
        unmet[alt.pk] = [rid for rid in assessed[alt.pk] if not marks[rid]]
    any_assessed = any(assessed.values())
    fewest = min((len(u) for u in unmet.values()), default=0)
    computed = {}
    for alt in inputs.alternatives:
        findings = []
        if not any(i.classified for i in infos):
            findings.append(Finding(MINOR, _("The information is not classified; classify it before deciding.")))
        if needs_analysis:
            findings.append(Finding(INFO, _("Level 4 information needs a separate protection analysis.")))
        if not requirement_ids:
            findings.append(Finding(INFO, _("No requirements of the catalogue apply at these levels.")))
        elif not assessed[alt.pk]:
            findings.append(Finding(INFO, _("Not yet assessed against the %(n)d applicable requirements.") % {
                "n": len(requirement_ids)}))
        else:
            findings.append(Finding(INFO, _("Meets %(met)d of %(assessed)d assessed requirements (%(n)d apply).") % {
                "met": len(assessed[alt.pk]) - len(unmet[alt.pk]), "assessed": len(assessed[alt.pk]),
                "n": len(requirement_ids)}))
        if not any_assessed or not assessed[alt.pk]:
            verdict = VerdictChoice.NEUTRAL
        elif not unmet[alt.pk]:
            verdict = VerdictChoice.FAVOURS
        elif len(unmet[alt.pk]) > fewest:
            verdict = VerdictChoice.AGAINST
        else:
            verdict = VerdictChoice.NEUTRAL
        if any(f.severity == MINOR for f in findings) and verdict == VerdictChoice.FAVOURS:
            verdict = VerdictChoice.NEUTRAL
        computed[alt.pk] = (verdict, findings)
    details = {"requirements": inputs.requirements, "unmet": unmet, "assessed": assessed,
               "needs_protection_analysis": needs_analysis}
    return PerspectiveResult(Perspective.SECURITY, facts, _cells(inputs.alternatives, Perspective.SECURITY, computed,
                                                                inputs.risks), details)


# --- Law --------------------------------------------------------------------------------


@dataclass
class LegalAlternative:
    transfers: list[legal.TransferBasis]
    access_laws: list[legal.AccessLaw]
    information: list[legal.InformationPosition]
    outsourced: bool
    personal_data: bool
    outcome: legal.LegalOutcome | None = None

    @property
    def must_not_be_placed(self) -> list[legal.InformationPosition]:
        return [i for i in self.information if i.must_not_be_placed]


def _legal_alternative(alt, inputs: Inputs, day: datetime.date, cap: int | None,
                       rules_text: tuple[str, ...] = ()) -> LegalAlternative:
    outsourced = alt.hosting != Hosting.OWN_DATA_CENTRE
    infos = inputs.information_types
    # Without linked information the service is assumed to hold personal data (the safe side).
    personal = any(i.personal_data for i in infos) or not infos
    countries = sorted(set(alt.storage_countries or []) | set(alt.access_countries or []))
    transfers = [legal.transfer_basis(c, day, dpf_certified=alt.dpf_certified, scc_signed=alt.scc_signed,
                                      tia_done=alt.tia_done) for c in countries] if outsourced and personal else []
    laws = legal.access_laws(jurisdiction=alt.provider_jurisdiction, access_countries=alt.access_countries or [],
                             day=day) if outsourced else []
    outcomes = {o.information_type_id: o.outcome for o in alt.osl_assessments.all()}
    positions = [
        legal.information_position(name=i.name, confidentiality=i.levels.get("K"), cap=cap, outsourced=outsourced,
                                   day=day, technical_only=alt.technical_only, outcome=outcomes.get(i.pk),
                                   foreign_access=bool(laws), customer_held_keys=alt.customer_held_keys)
        for i in infos
    ]
    outcome = legal.lawfulness(outsourced=outsourced, transfers=transfers, laws=laws, information=positions, day=day,
                               confidentiality_duty=alt.confidentiality_duty,
                               customer_held_keys=alt.customer_held_keys, rules=rules_text)
    return LegalAlternative(transfers, laws, positions, outsourced, personal, outcome)


def _legal_findings(la: LegalAlternative) -> list[Finding]:
    """The outcome in findings: what makes it unlawful (major), what remains (minor), the context."""
    if not la.outsourced:
        return [Finding(INFO, _("The information stays with the organisation: no disclosure and no transfer."))]
    findings = [Finding(INFO, _("Legal outcome: %(outcome)s.") % {"outcome": la.outcome.label}),
                Finding(INFO, _("Handing the information to the provider is disclosure under OSL, even when "
                                "it is encrypted (SOU 2021:1)."))]
    findings += [Finding(MAJOR, text) for text in la.outcome.obstacles]
    if not la.personal_data:
        findings.append(Finding(INFO, _("The information holds no personal data: GDPR chapter V does not apply.")))
    findings += [Finding(MINOR, _("Residual risk: %(risk)s") % {"risk": text}) for text in la.outcome.residual_risks]
    return findings


# The outcome decides the perspective's verdict: an arrangement that is lawful with residual
# risks is weighed as neutral (the risks are named), only an unlawful one speaks against.
LAWFULNESS_VERDICT = {legal.Lawfulness.LAWFUL: VerdictChoice.FAVOURS,
                      legal.Lawfulness.LAWFUL_WITH_RESIDUAL_RISKS: VerdictChoice.NEUTRAL,
                      legal.Lawfulness.NOT_LAWFUL: VerdictChoice.AGAINST}


def law(inputs: Inputs) -> PerspectiveResult:
    assessment = inputs.assessment
    day = assessment.assessment_date
    caps = [m.max_confidentiality for m in inputs.mitigations if m.max_confidentiality is not None]
    cap = min(caps) if caps else None
    rules_text = tuple(m.text for m in inputs.mitigations if m.max_confidentiality is not None)
    per_alt, computed = {}, {}
    for alt in inputs.alternatives:
        la = _legal_alternative(alt, inputs, day, cap, rules_text)
        per_alt[alt.pk] = la
        computed[alt.pk] = (LAWFULNESS_VERDICT[la.outcome.outcome], _legal_findings(la))
    facts = [(_("Date of the legal assessment"), day.isoformat()),
             (_("Mitigating rules"), "; ".join(m.text.rstrip(".") for m in inputs.mitigations) or "–")]
    details = {"alternatives": per_alt, "cap": cap, "mitigations": inputs.mitigations}
    return PerspectiveResult(Perspective.LEGAL, facts, _cells(inputs.alternatives, Perspective.LEGAL, computed,
                                                             inputs.risks), details)


# --- Technology -------------------------------------------------------------------------


def technology(inputs: Inputs, highest: dict) -> PerspectiveResult:
    assessment = inputs.assessment
    required = rules.required_availability(highest.get("T"))
    horizon_end = _add_years(assessment.assessment_date, assessment.years)
    computed = {}
    for alt in inputs.alternatives:
        findings = []
        met = rules.availability_met(required, alt.sla_percent)
        if alt.sla_percent is None:
            findings.append(Finding(MINOR, _("No availability is promised.")))
        elif met is False:
            findings.append(Finding(MAJOR, _("Promised availability %(promised)s is below the required %(required)s.") % {
                "promised": percent(alt.sla_percent), "required": percent(required)}))
        else:
            findings.append(Finding(INFO, _("Promised availability %(promised)s meets the requirement.") % {
                "promised": percent(alt.sla_percent)}))
        if alt.end_of_life and alt.end_of_life <= assessment.assessment_date:
            findings.append(Finding(MAJOR, _("The infrastructure reached its end of life on %(date)s.") % {
                "date": alt.end_of_life.isoformat()}))
        elif alt.end_of_life and alt.end_of_life < horizon_end:
            findings.append(Finding(MINOR, _("The infrastructure reaches its end of life on %(date)s, within the "
                                             "period compared.") % {"date": alt.end_of_life.isoformat()}))
        if alt.redundancy == Redundancy.SINGLE_SITE:
            findings.append(Finding(MINOR, _("One site: a failure of the site stops the service.")))
        elif alt.redundancy == Redundancy.SAME_LOCATION:
            findings.append(Finding(MINOR, _("Both sites are at the same physical location: one incident can "
                                             "affect both.")))
        else:
            findings.append(Finding(INFO, _("Geographically separate sites.")))
        if not alt.recovery_site:
            findings.append(Finding(MINOR, _("No recovery site.")))
        if alt.staff_capacity == StaffCapacity.INSUFFICIENT:
            findings.append(Finding(MAJOR, _("The organisation lacks the staff to run this alternative.")))
        elif alt.staff_capacity == StaffCapacity.STRAINED:
            findings.append(Finding(MINOR, _("Running this alternative strains the organisation's own staff.")))
        computed[alt.pk] = (rules.verdict_from_findings(findings), findings)
    facts = [
        (_("Availability level (T)"), "–" if highest.get("T") is None else str(highest["T"])),
        (_("Required availability"), percent(required) if required is not None else _("No requirement")),
    ]
    if required is not None:
        facts.append((_("Allowed downtime per month"), _("%(hours)s hours") % {
            "hours": number_format(rules.downtime_hours_per_month(required), decimal_pos=1, use_l10n=True)}))
    return PerspectiveResult(Perspective.TECHNICAL, facts, _cells(inputs.alternatives, Perspective.TECHNICAL, computed,
                                                                 inputs.risks), {"required": required})


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


# --- Economy ----------------------------------------------------------------------------


def economy(inputs: Inputs) -> PerspectiveResult:
    assessment = inputs.assessment
    rate = assessment.discount_rate or Decimal(0)
    tcos = {}
    for alt in inputs.alternatives:
        lines = [rules.CostLine(c.category, c.kind, c.amount, c.year, c.upper_estimate) for c in alt.costs.all()]
        tcos[alt.pk] = rules.tco(lines, assessment.years, rate)
    basis = {pk: (t.discounted_total if rate else t.total) for pk, t in tcos.items()}
    verdicts = rules.economic_verdicts(basis)
    cheapest = min(basis.values()) if basis else Decimal(0)
    # What the text compares: the base estimates, without the upper estimates.
    firm_basis = {pk: (t.firm_discounted_total if rate else t.firm_total) for pk, t in tcos.items()}
    firm_cheapest = min(firm_basis.values()) if firm_basis else Decimal(0)
    computed = {}
    for alt in inputs.alternatives:
        t = tcos[alt.pk]
        # The base estimate and the upper estimates are stated apart, never added into one sum.
        findings = [Finding(INFO, _("Base estimate over %(years)d years: %(total)s.") % {
            "years": assessment.years, "total": sek(t.firm_total)})]
        if t.upper_estimates:
            findings.append(Finding(INFO, _("Upper estimates up to %(estimates)s come in addition.") % {
                "estimates": sek(t.upper_estimates)}))
        if rate:
            findings.append(Finding(INFO, _("Present value at %(rate)s: %(value)s.") % {
                "rate": percent(rate), "value": sek(t.firm_discounted_total)}))
        difference = firm_basis[alt.pk] - firm_cheapest
        if difference > 0:
            findings.append(Finding(INFO, _("%(difference)s more than the cheapest alternative.") % {
                "difference": sek(difference)}))
        computed[alt.pk] = (verdicts.get(alt.pk, VerdictChoice.NEUTRAL), findings)
    facts = [(_("Years compared"), str(assessment.years)),
             (_("Discount rate"), percent(rate) if rate else _("None"))]
    details = {"tco": tcos, "basis": basis, "cheapest": cheapest, "firm_basis": firm_basis,
               "firm_cheapest": firm_cheapest, "years": list(range(1, assessment.years + 1)),
               "categories": CostCategory}
    return PerspectiveResult(Perspective.ECONOMIC, facts, _cells(inputs.alternatives, Perspective.ECONOMIC, computed,
                                                                inputs.risks), details)


# --- Combined ---------------------------------------------------------------------------


def combine(assessment, alternatives, perspectives: dict[str, PerspectiveResult]) -> Combined:
    weights = assessment.weights
    if len(alternatives) < 2:
        return Combined(weights, {}, None, None, [], False,
                        _("Add at least two alternatives: an assessment with one alternative cannot be combined."))
    scores = {
        alt.pk: rules.alternative_score(
            {key: (p.cells[alt.pk].verdict, p.cells[alt.pk].residual_risk) for key, p in perspectives.items()}, weights)
        for alt in alternatives
    }
    recommended = rules.recommend(scores)
    facts = []
    for alt in alternatives:
        favours = [p.label.lower() for p in perspectives.values() if p.cells[alt.pk].verdict == VerdictChoice.FAVOURS]
        against = [p.label.lower() for p in perspectives.values() if p.cells[alt.pk].verdict == VerdictChoice.AGAINST]
        facts.append(_("%(name)s: favoured from %(favours)s; against from %(against)s; score %(score)s.") % {
            "name": alt.name, "favours": ", ".join(favours) or "–", "against": ", ".join(against) or "–",
            "score": signed_score(scores[alt.pk])})
    if recommended is None:
        facts.append(_("No alternative leads: choose one and justify the choice."))
    chosen = assessment.chosen_alternative_id if assessment.chosen_alternative_id in scores else None
    return Combined(weights, scores, recommended, chosen or recommended, facts, True)


def signed_score(value: Decimal) -> str:
    text = number_format(value.quantize(Decimal("0.01")).normalize(), use_l10n=True)
    return f"+{text}" if value > 0 else text


def analyse(inputs: Inputs) -> Analysis:
    highest = highest_levels(inputs.information_types)
    perspectives = {
        Perspective.SECURITY: security(inputs, highest),
        Perspective.LEGAL: law(inputs),
        Perspective.TECHNICAL: technology(inputs, highest),
        Perspective.ECONOMIC: economy(inputs),
    }
    combined = combine(inputs.assessment, inputs.alternatives, perspectives)
    return Analysis(inputs.assessment, inputs.alternatives, inputs.information_types, highest, perspectives, combined,
                    inputs.risks)


def country_list(codes) -> str:
    return ", ".join(country_name(c) for c in codes or []) or "–"
