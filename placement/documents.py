"""The decision document of an assessment, shaped like a Swedish tjänsteskrivelse, as DOCX and PDF.

The content is built once from the Analysis as a list of blocks (headings, paragraphs,
tables, the chart); the DOCX writer (python-docx) and the PDF (an HTML template rendered by
WeasyPrint) only lay those blocks out, so both documents say the same thing and nothing is
assembled by hand. Documents are written in Swedish, the language of the decision.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from classification.schemes import ASPECT_LABELS
from core import documents
from core.tenancy import Tenant
from placement import charts, integrations, legal, rules, selectors
from placement.analysis import Analysis, country_list
from placement.models import Assessment, DecidingBody, Perspective, ResidualRisk, VerdictChoice
from placement.money import percent, sek, thousands, thousands_unit

DOCUMENT_LANGUAGE = "sv"


@dataclass
class Block:
    kind: str  # "heading", "paragraph", "table", "chart", "list", "facts"
    text: str = ""
    level: int = 2
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    emphasis_last_row: bool = False


@dataclass
class DecisionDocument:
    organisation: str
    kind: str
    title: str
    date: datetime.date
    registration_number: str
    version: str
    blocks: list[Block]
    chart_series: list[tuple[str, list[Decimal]]]
    filename: str  # without extension, as a person names the file
    draft: bool = False


def _heading(text: str, level: int = 2) -> Block:
    return Block("heading", text=text, level=level)


def _para(text: str) -> Block:
    return Block("paragraph", text=text)


def _body_name(body: str, name: str) -> str:
    if body == DecidingBody.COMMITTEE and name:
        return name
    return str(DecidingBody(body).label)


def _verdict_blocks(result: Analysis, perspective: str) -> list[Block]:
    rows = []
    for alt in result.alternatives:
        cell = result.perspectives[perspective].cells[alt.pk]
        rows.append([alt.name, cell.verdict_label, cell.rationale])
    return [Block("table", text=_("Assessment per alternative"), header=[_("Alternative"), _("Verdict"), _("Rationale")],
                  rows=rows)]


def _checklist_blocks(assessment: Assessment, perspective: str) -> list[Block]:
    answered = [q for q in assessment.checklist if q.get("perspective") == perspective and q.get("answer")]
    if not answered:
        return []
    return [Block("list", text=_("Questions answered"), items=[f"{q['question']} {q['answer']}" for q in answered])]


def _introduction(result: Analysis, systems) -> list[Block]:
    a = result.assessment
    blocks = [_heading(_("Introduction"))]
    if a.background:
        blocks += [_para(p) for p in a.background.split("\n") if p.strip()]
    blocks.append(_para(_("This memorandum assesses where %(service)s should be run, from the perspectives of "
                          "information security, economy, law and technology, and ends in a combined assessment.")
                        % {"service": a.service}))
    if systems:
        blocks.append(_para(_("Systems concerned: %(names)s.") % {"names": ", ".join(s.name for s in systems)}))
    rows = [[alt.name, alt.get_hosting_display(), alt.provider or "–", country_list(alt.storage_countries),
             country_list(alt.access_countries)] for alt in result.alternatives]
    blocks.append(Block("table", text=_("Alternatives compared"),
                        header=[_("Alternative"), _("Hosting"), _("Provider"), _("Data stored in"),
                                _("Accessed or processed from")], rows=rows))
    return blocks


def _security(result: Analysis) -> list[Block]:
    p = result.perspectives[Perspective.SECURITY]
    blocks = [_heading(_("Information security")),
              _para(_("Information security means giving the information the right protection: confidentiality (K), "
                      "integrity (R), availability (T) and traceability (S)."))]
    if result.information_types:
        rows = [[i.name, i.label] for i in result.information_types]
        rows.append([_("Highest levels (K-R-T-S)"), p.facts[-1][1]])
        blocks.append(Block("table", text=_("Classification of the information"),
                            header=[_("Information type"), _("Levels (K-R-T-S)")], rows=rows, emphasis_last_row=True))
    else:
        blocks.append(_para(_("No information types are linked to the assessment.")))
    requirements = p.details["requirements"]
    if requirements:
        rows = [[alt.name, str(len(p.details["assessed"][alt.pk]) - len(p.details["unmet"][alt.pk])),
                 str(len(p.details["unmet"][alt.pk])), str(len(requirements) - len(p.details["assessed"][alt.pk]))]
                for alt in result.alternatives]
        blocks.append(Block("table", text=_("Security requirements (%(n)d apply)") % {"n": len(requirements)},
                            header=[_("Alternative"), _("Met"), _("Not met"), _("Not assessed")], rows=rows))
    return blocks + _checklist_blocks(result.assessment, Perspective.SECURITY) + _verdict_blocks(result, Perspective.SECURITY)


def _economy(result: Analysis) -> list[Block]:
    """Costs as the base estimate, with the upper estimates always stated apart: no total or
    chart adds a worst-case figure to the base estimate."""
    a = result.assessment
    p = result.perspectives[Perspective.ECONOMIC]
    tcos = p.details["tco"]
    years = p.details["years"]
    unit = thousands_unit()
    any_upper = any(tcos[alt.pk].upper_estimates for alt in result.alternatives)
    header = [_("Alternative")] + [_("Year %(n)d") % {"n": y} for y in years] + [_("Total, base estimate")]
    if any_upper:
        header.append(_("Upper estimates, up to"))
    rows = []
    for alt in result.alternatives:
        t = tcos[alt.pk]
        row = [alt.name] + [thousands(v) for v in t.firm_yearly] + [thousands(t.firm_total)]
        if any_upper:
            row.append(thousands(t.upper_estimates) if t.upper_estimates else "–")
        rows.append(row)
    blocks = [_heading(_("Economy")),
              Block("table", text=_("Cost per year, base estimate (%(unit)s)") % {"unit": unit}, header=header,
                    rows=rows)]
    item_rows = []
    for alt in result.alternatives:
        for cost in alt.costs.all():
            within = sum(_one_line_total(cost, a.years), Decimal(0))
            amount = sek(within)
            if cost.upper_estimate:
                amount = _("up to %(amount)s") % {"amount": amount}
            item_rows.append([alt.name, cost.description or cost.get_category_display(), cost.get_category_display(),
                              cost.get_kind_display(), amount])
    if item_rows:
        blocks.append(Block("table", text=_("Costs over %(years)d years") % {"years": a.years},
                            header=[_("Alternative"), _("Cost"), _("Category"), _("Kind"), _("Over the period")],
                            rows=item_rows))
    firm_basis, firm_cheapest = p.details["firm_basis"], p.details["firm_cheapest"]
    for alt in result.alternatives:
        t = tcos[alt.pk]
        text = _("%(name)s costs %(total)s over %(years)d years.") % {
            "name": alt.name, "total": sek(t.firm_total), "years": a.years}
        if t.upper_estimates:
            text += " " + _("In the worst case the cost may be up to %(estimates)s higher (upper estimates).") % {
                "estimates": sek(t.upper_estimates)}
        difference = firm_basis[alt.pk] - firm_cheapest
        if difference > 0:
            text += " " + _("The base estimate is %(difference)s more than that of the cheapest alternative.") % {
                "difference": sek(difference)}
        blocks.append(_para(text))
    if a.discount_rate:
        pv_header = [_("Alternative"), _("Present value, base estimate")]
        if any_upper:
            pv_header.append(_("Upper estimates, up to"))
        pv_rows = []
        for alt in result.alternatives:
            t = tcos[alt.pk]
            row = [alt.name, sek(t.firm_discounted_total)]
            if any_upper:
                upper = t.discounted_total - t.firm_discounted_total
                row.append(sek(upper) if t.upper_estimates else "–")
            pv_rows.append(row)
        blocks.append(Block("table", text=_("Present value at a discount rate of %(rate)s") % {
            "rate": percent(a.discount_rate)}, header=pv_header, rows=pv_rows))
    blocks.append(Block("chart", text=_("Cumulative cost per year and alternative, base estimate")))
    if any_upper:
        blocks.append(_para(_("The chart shows the base estimate; the upper estimates above are not included.")))
    return blocks + _checklist_blocks(a, Perspective.ECONOMIC) + _verdict_blocks(result, Perspective.ECONOMIC)


def _one_line_total(cost, years: int) -> list[Decimal]:
    return rules.yearly_costs([rules.CostLine(cost.category, cost.kind, cost.amount, cost.year)], years)


def _law(result: Analysis) -> list[Block]:
    a = result.assessment
    p = result.perspectives[Perspective.LEGAL]
    blocks = [_heading(_("Law")),
              _para(_("The legal assessment is made as of %(date)s: the adequacy decisions and the provisions of OSL "
                      "in force on that date apply.") % {"date": a.assessment_date.isoformat()})]
    for alt in result.alternatives:
        la = p.details["alternatives"][alt.pk]
        blocks.append(_heading(alt.name, 3))
        blocks.append(_para(_("Legal outcome: %(outcome)s.") % {"outcome": la.outcome.label}))
        if la.outcome.obstacles:
            blocks.append(Block("list", text=_("Why it is not lawful:"), items=list(la.outcome.obstacles)))
        if la.outcome.residual_risks:
            blocks.append(Block("list", text=_("Residual risks:"), items=list(la.outcome.residual_risks)))
        if not la.outsourced:
            blocks.append(_para(_("The information stays with the organisation: no disclosure and no transfer.")))
            continue
        blocks.append(_para(_("Handing the information to the provider is disclosure under OSL, even when it is "
                              "encrypted (SOU 2021:1).")))
        if la.transfers:
            blocks.append(Block("table", text=_("Transfers (GDPR chapter V)"),
                                header=[_("Country"), _("Basis"), _("Explanation")],
                                rows=[[t.country_label, t.label, t.explanation] for t in la.transfers]))
        if la.access_laws:
            blocks.append(Block("list", text=_("Third-country access laws"),
                                items=[f"{law.name}: {law.summary}" for law in la.access_laws]))
        if la.information:
            blocks.append(Block("table", text=_("Secrecy (OSL) per information type"),
                                header=[_("Information type"), _("OSL 10 kap. 2 a §"), _("May be placed here")],
                                rows=[[i.name, str(legal.EXCEPTION_LABELS[i.exception]),
                                       _("No") if i.must_not_be_placed else _("Yes")] for i in la.information]))
        duty = _("Yes") if alt.confidentiality_duty else _("Not confirmed")
        blocks.append(_para(_("The provider's staff bound by the statutory duty of confidentiality (lag 2020:914): "
                              "%(duty)s.") % {"duty": duty}))
    rules_ = [m.text for m in _mitigations(result)]
    if rules_:
        blocks.append(Block("list", text=_("Mitigating rules"), items=rules_))
    return blocks + _checklist_blocks(a, Perspective.LEGAL) + _verdict_blocks(result, Perspective.LEGAL)


def _mitigations(result: Analysis):
    return result.perspectives[Perspective.LEGAL].details.get("mitigations", [])


def _technology(result: Analysis) -> list[Block]:
    p = result.perspectives[Perspective.TECHNICAL]
    required = p.details["required"]
    rows = []
    for alt in result.alternatives:
        rows.append([alt.name, percent(required) if required is not None else "–", percent(alt.sla_percent),
                     alt.get_redundancy_display(), alt.recovery_site or _("None"),
                     alt.end_of_life.isoformat() if alt.end_of_life else "–", alt.get_staff_capacity_display()])
    blocks = [_heading(_("Technology"))] + [_para(f"{label}: {value}.") for label, value in p.facts]
    blocks.append(Block("table", text=_("Technical comparison"),
                        header=[_("Alternative"), _("Required availability"), _("Promised availability"),
                                _("Redundancy"), _("Recovery site"), _("End of life"), _("Own capacity")], rows=rows))
    return blocks + _checklist_blocks(result.assessment, Perspective.TECHNICAL) + _verdict_blocks(result, Perspective.TECHNICAL)


def _names(labels: list[str]) -> str:
    """"a", "a and b", "a, b and c" in the document's language."""
    labels = [str(label) for label in labels]
    if len(labels) < 2:
        return "".join(labels)
    return _("%(first)s and %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def _lower(label) -> str:
    return str(label).lower()


def _reasoning(result: Analysis, alt) -> list[str]:
    """In words, why `alt` is the alternative the combined assessment leads to: which
    perspectives favour it, which speak against it, and which residual risks remain."""
    perspectives = list(result.perspectives.values())
    favours = [_lower(p.label) for p in perspectives if p.cells[alt.pk].verdict == VerdictChoice.FAVOURS]
    against = [_lower(p.label) for p in perspectives if p.cells[alt.pk].verdict == VerdictChoice.AGAINST]
    sentences = []
    if favours:
        sentences.append(_("%(name)s is favoured from the perspective of %(perspectives)s.") % {
            "name": alt.name, "perspectives": _names(favours)})
    if against:
        sentences.append(_("From the perspective of %(perspectives)s, %(name)s is the weaker alternative.") % {
            "name": alt.name, "perspectives": _names(against)})
    others = [o for o in result.alternatives if o.pk != alt.pk]
    for other in others:
        other_favours = [_lower(p.label) for p in perspectives if p.cells[other.pk].verdict == VerdictChoice.FAVOURS]
        if other_favours:
            sentences.append(_("%(name)s is favoured from the perspective of %(perspectives)s.") % {
                "name": other.name, "perspectives": _names(other_favours)})
    remaining = [(p, p.cells[alt.pk].residual_risk) for p in perspectives
                 if p.cells[alt.pk].residual_risk in (ResidualRisk.MEDIUM, ResidualRisk.HIGH)]
    if remaining:
        sentences.append(_("Residual risks remain with %(name)s: %(risks)s.") % {
            "name": alt.name, "risks": _names([_("%(perspective)s (%(level)s)") % {
                "perspective": _lower(p.label), "level": _lower(_residual(level))} for p, level in remaining])})
    else:
        sentences.append(_("No perspective leaves a medium or high residual risk with %(name)s.") % {"name": alt.name})
    return sentences


def _weighting(result: Analysis) -> list[Block]:
    weights = result.combined.weights
    if len(set(weights.values())) < 2:
        return []
    heaviest = max(weights.values())
    labels = [_lower(p.label) for key, p in result.perspectives.items() if weights[key] == heaviest]
    return [_para(_("In the combined assessment, %(perspectives)s weigh more heavily than the other perspectives.")
                  % {"perspectives": _names(labels)})]


def recommendation_reasons(result: Analysis) -> list[str]:
    """In words, without scores, why the combined assessment leads where it does: the weighting,
    the perspectives for and against, the remaining risks and the recommendation (the decision
    document and the combined-assessment page say the same)."""
    if not result.combined.can_combine:
        return [str(result.combined.message)]
    sentences = [block.text for block in _weighting(result)]
    recommended = result.recommended
    if recommended:
        sentences += _reasoning(result, recommended)
        sentences.append(_("The recommended alternative is %(name)s.") % {"name": recommended.name})
    else:
        sentences.append(_("No alternative leads in the combined assessment: the perspectives weigh equally for "
                           "and against the alternatives."))
    return [str(s) for s in sentences]


def _combined(result: Analysis) -> list[Block]:
    """The perspectives side by side and, in words, why the recommendation follows (no scores)."""
    a = result.assessment
    c = result.combined
    blocks = [_heading(_("Combined assessment"))]
    if not c.can_combine:
        return blocks + [_para(c.message)]
    header = [_("Perspective")] + [alt.name for alt in result.alternatives]
    rows = [[p.label] + [p.cells[alt.pk].verdict_label for alt in result.alternatives]
            for p in result.perspectives.values()]
    blocks.append(Block("table", text=_("Perspectives and alternatives"), header=header, rows=rows))
    risk_rows = [[p.label] + [p.cells[alt.pk].residual_label for alt in result.alternatives]
                 for p in result.perspectives.values()]
    blocks.append(Block("table", text=_("Residual risk per alternative"),
                        header=[_("Perspective")] + [alt.name for alt in result.alternatives], rows=risk_rows))
    raised = [f"{alt.name}: {r.title} ({_residual(r.residual)})" for alt in result.alternatives
              for r in result.risks_of(alt.pk)]
    if raised:
        blocks.append(Block("list", text=_("Risks in the risk register"), items=raised))
    blocks += _weighting(result)
    recommended = result.recommended
    if recommended:
        blocks.append(_para(" ".join(_reasoning(result, recommended))))
        blocks.append(_para(_("The recommended alternative is %(name)s.") % {"name": recommended.name}))
    else:
        blocks.append(_para(_("No alternative leads in the combined assessment: the perspectives weigh equally for "
                              "and against the alternatives.")))
    chosen = result.chosen
    if chosen and chosen != recommended:
        blocks.append(_para(_("The assessor chooses %(name)s: %(why)s") % {"name": chosen.name,
                                                                           "why": a.choice_justification}))
    return blocks


def _residual(level: str) -> str:
    return str(ResidualRisk(level).label) if level else "–"


def _case_officer(assessment: Assessment) -> str:
    """The handläggare as the memorandum names them: the title, then the member's name and e-mail."""
    title = assessment.case_officer_title.strip()
    user = assessment.case_officer
    parts = [title] if title else []
    if user is not None:
        name = (user.full_name or "").strip()
        if name and not (title and name.startswith(title)):
            parts.append(name)
        parts.append(user.email)
    return ", ".join(parts) or "–"


def _header_facts(result: Analysis) -> list[Block]:
    a = result.assessment
    rows = [[_("Organisation"), a.organisation.name]]
    if a.department:
        rows.append([_("Department (förvaltning)"), a.department])
    rows += [[_("Case officer (handläggare)"), _case_officer(a)],
             [_("Date"), a.assessment_date.isoformat()],
             [_("Registration number"), a.registration_number or "–"],
             [_("To"), _body_name(a.deciding_body, a.deciding_body_name)]]
    return [Block("facts", rows=rows)]


def _generated_summary(result: Analysis) -> list[str]:
    a = result.assessment
    text = [_("This memorandum assesses where %(service)s should be run, from the perspectives of information "
              "security, economy, law and technology.") % {"service": a.service}]
    names = [alt.name for alt in result.alternatives]
    if names:
        text.append(_("The alternatives compared are %(names)s.") % {"names": _names(names)})
    if result.combined.can_combine and result.recommended:
        text += _reasoning(result, result.recommended)
        text.append(_("The recommended alternative is %(name)s.") % {"name": result.recommended.name})
    elif result.combined.can_combine:
        text.append(_("No alternative leads in the combined assessment: the perspectives weigh equally for "
                      "and against the alternatives."))
    return [" ".join(text)]


def _summary(result: Analysis) -> list[Block]:
    a = result.assessment
    paragraphs = [p for p in a.summary.split("\n") if p.strip()] or _generated_summary(result)
    return [_heading(_("Summary"))] + [_para(p) for p in paragraphs]


def _proposal(result: Analysis) -> list[Block]:
    a = result.assessment
    blocks = [_heading(_("Proposed decision"))]
    if a.proposal:
        blocks += [_para(p) for p in a.proposal.split("\n") if p.strip()]
    elif result.chosen:
        blocks.append(_para(_("%(body)s is proposed to decide that %(service)s is run as %(name)s.") % {
            "body": _body_name(a.deciding_body, a.deciding_body_name), "service": a.service,
            "name": result.chosen.name}))
    decision = getattr(a, "decision", None)
    if decision:
        blocks.append(_heading(_("Decision"), 3))
        blocks.append(Block("table", text=_("Decision"), header=[_("Item"), _("Value")], rows=[
            [_("Deciding body"), _body_name(decision.body, decision.body_name)],
            [_("Registration number"), decision.registration_number],
            [_("Date of the decision"), decision.decided_on.isoformat()],
            [_("Alternative decided on"), decision.alternative.name if decision.alternative else "–"],
            [_("Decision"), decision.decision],
            [_("Follow-up date"), decision.follow_up_date.isoformat() if decision.follow_up_date else "–"],
        ]))
    return blocks


def _basis(result: Analysis, tenant: Tenant, systems) -> list[Block]:
    """Beslutsunderlag: this memorandum and what it rests on, as far as it exists."""
    a = result.assessment
    items = [_("This memorandum, %(date)s") % {"date": a.assessment_date.isoformat()}]
    for info in result.information_types:
        items.append(_("Classification of %(name)s (K-R-T-S %(levels)s)") % {"name": info.name, "levels": info.label})
    for name, count in integrations.system_risk_counts(tenant=tenant, systems=systems):
        items.append(ngettext("Risk analysis of %(system)s: %(n)d risk in the risk register",
                              "Risk analysis of %(system)s: %(n)d risks in the risk register", count)
                     % {"system": name, "n": count})
    for alt in result.alternatives:
        for risk in result.risks_of(alt.pk):
            items.append(_("Risk analysis: %(risk)s (%(alternative)s)") % {"risk": risk.title,
                                                                          "alternative": alt.name})
    for alt in result.alternatives:
        for osl in alt.osl_assessments.all():
            items.append(_("Appropriateness assessment under OSL 10 kap. 2 a §: %(information)s in %(alternative)s")
                         % {"information": osl.information_type.name, "alternative": alt.name})
    return [_heading(_("Basis for the decision")), Block("list", items=items)]


def _recipients(assessment: Assessment) -> list[Block]:
    recipients = [line.strip() for line in assessment.recipients.splitlines() if line.strip()]
    if not recipients:
        return []
    return [_heading(_("The decision is sent to")), Block("list", items=recipients)]


def build(*, tenant: Tenant, assessment: Assessment) -> DecisionDocument:
    """The document's content, computed in Swedish from the assessment's data, in the order of a
    tjänsteskrivelse: who writes to whom, the summary and the proposed decision first, then the
    perspectives and the combined assessment, then the basis for the decision and its recipients."""
    with translation.override(DOCUMENT_LANGUAGE):
        result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
        systems = selectors.linked_systems(assessment=assessment)
        blocks = (_header_facts(result) + _summary(result) + _proposal(result) + _introduction(result, systems)
                  + _security(result) + _economy(result) + _law(result) + _technology(result) + _combined(result)
                  + _basis(result, tenant, systems) + _recipients(assessment))
        tcos = result.perspectives[Perspective.ECONOMIC].details["tco"]
        # The chart shows what the text states: the base estimate.
        series = [(alt.name, tcos[alt.pk].firm_cumulative) for alt in result.alternatives]
        return DecisionDocument(
            organisation=assessment.organisation.name, kind=_("Memorandum"), title=assessment.title,
            date=assessment.assessment_date, registration_number=assessment.registration_number,
            version=_("Version %(n)d") % {"n": assessment.version_number}, blocks=blocks, chart_series=series,
            filename=_("Memorandum %(title)s version %(n)d") % {"title": assessment.title,
                                                                "n": assessment.version_number},
            draft=not assessment.is_locked,
        )


@dataclass(frozen=True)
class CostChart:
    """The cumulative cost chart in the form core.documents takes any chart."""

    title: str
    series: list[tuple[str, list[Decimal]]]

    def svg(self) -> str:
        return charts.cost_chart_svg(self.series)

    def png(self) -> bytes:
        return charts.cost_chart_png(self.series)


def as_document(document: DecisionDocument) -> documents.Document:
    """The decision document in the shared toolkit (A4, header, page numbers, author, charts)."""
    doc = documents.Document(organisation=document.organisation, kind=document.kind, title=document.title,
                             date=document.date, reference=document.registration_number, draft=document.draft,
                             subtitle=document.version)
    for block in document.blocks:
        if block.kind == "heading":
            doc.heading(block.text, block.level)
        elif block.kind == "paragraph":
            doc.paragraph(block.text)
        elif block.kind == "list":
            doc.bullets(block.items, caption=block.text)
        elif block.kind == "table":
            doc.table(header=block.header, rows=block.rows, caption=block.text, total_row=block.emphasis_last_row)
        elif block.kind == "chart":
            doc.chart(CostChart(block.text, document.chart_series))
        elif block.kind == "facts":
            doc.facts(block.rows)
    return doc


def render_pdf(document: DecisionDocument) -> bytes:
    return as_document(document).render_pdf()


def render_docx(document: DecisionDocument) -> bytes:
    return as_document(document).render_docx()
