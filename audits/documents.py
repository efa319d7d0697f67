"""The audit report (granskningsrapport) as DOCX and PDF through core.documents, in Swedish.

Its shape is a Swedish municipal audit report's (the second seed): summary; introduction with
background, purpose, audit criteria, audit questions, scope and method; answers to the audit
questions; review of the areas with the maturity per area; the observations with their
priority, the records behind them, the risk and the numbered recommendations with who is
responsible and by when; the sources as an appendix. A report whose audit is not yet reported
is marked as a draft.
"""

from collections import Counter

from django.utils import formats, translation
from django.utils.translation import gettext as _

from audits import maturity, selectors
from audits.models import Audit, AuditStatus
from core import documents
from core.findings import PRIORITIES, PRIORITY_DEFINITIONS
from core.tenancy import Tenant

CHART_LABEL_WIDTH = 90  # characters shared by the chart's labels


def filename(audit: Audit) -> str:
    """The file name without extension: "Granskningsrapport 2026-06-15 Granskning av …"."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        day = (audit.report_date or audit.period_end or audit.period_start)
        if day:
            return _("Audit report %(date)s %(title)s") % {"date": day.isoformat(), "title": audit.title}
        return _("Audit report %(title)s") % {"title": audit.title}


def _level(value: float) -> str:
    """A maturity level as the report writes it: "2", "1,5"."""
    return formats.number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def _paragraphs(doc: documents.Document, text: str) -> None:
    for part in str(text or "").split("\n\n"):
        if part.strip():
            doc.paragraph(part.strip())


def _period(audit: Audit) -> str:
    if audit.period_start and audit.period_end:
        return f"{audit.period_start.isoformat()} – {audit.period_end.isoformat()}"
    return (audit.period_start or audit.period_end).isoformat() if (audit.period_start or audit.period_end) else ""


def report(*, tenant: Tenant, audit: Audit) -> documents.Document:
    """The report's content; `audit` comes from selectors.audit_detail (its rows prefetched)."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        observations = list(audit.observations.all())
        areas, overall, previous_overall = maturity.for_audit(tenant=tenant, audit=audit)
        doc = documents.Document(organisation=audit.organisation.name, kind=_("Audit report"), title=audit.title,
                                 date=audit.report_date or audit.period_end, reference=audit.reference,
                                 draft=audit.status != AuditStatus.REPORTED,
                                 subtitle=audit.commissioned_by)
        doc.facts([
            (_("Kind"), audit.get_kind_display()),
            (_("Audited organisation"), audit.organisation.name),
            (_("Commissioned by"), audit.commissioned_by),
            (_("Period"), _period(audit)),
            (_("Auditors"), ", ".join(str(u) for u in audit.auditors.all())),
            (_("Frameworks"), ", ".join(str(f) for f in audit.frameworks.all())),
            (_("Status"), audit.get_status_display()),
        ])

        doc.heading(_("Summary"))
        _paragraphs(doc, audit.summary)
        if observations:
            doc.bullets([f"{o.number}. {o.title} ({o.get_priority_display().lower()})" for o in observations],
                        caption=_("The most important observations"))
        levels = selectors.maturity_scale()
        if overall is not None:
            doc.paragraph(_overall_text(overall, previous_overall, maturity.scale_bounds(levels, areas)))

        doc.heading(_("1. Introduction"))
        sections = [(_("Background"), audit.background), (_("Purpose"), audit.purpose),
                    (_("Audit criteria"), audit.criteria), (_("Scope of the audit"), audit.scope),
                    (_("Method and conduct"), audit.method)]
        number = 0
        for title, text in sections[:3]:
            number += 1
            doc.heading(f"1.{number}. {title}", level=3)
            _paragraphs(doc, text or "–")
        number += 1
        doc.heading(f"1.{number}. {_('Audit questions')}", level=3)
        doc.bullets(audit.question_list or ["–"])
        for title, text in sections[3:]:
            number += 1
            doc.heading(f"1.{number}. {title}", level=3)
            _paragraphs(doc, text or "–")

        doc.heading(_("2. Answers to the audit questions"))
        answers = audit.answer_list
        if audit.question_list:
            doc.table(header=[_("Audit question"), _("Answer")],
                      rows=[[q, answers[i] if i < len(answers) else ""] for i, q in enumerate(audit.question_list)],
                      widths=[1, 1])
        else:
            doc.paragraph("–")

        doc.heading(_("3. Review of the areas"))
        _paragraphs(doc, audit.review)
        _maturity(doc, areas, overall, previous_overall, levels)

        doc.heading(_("4. Observations and recommendations"))
        _observations(doc, observations)

        doc.heading(_("Appendix 1: Sources"))
        doc.bullets(_lines(audit.sources) or ["–"])
        records = [e for o in observations for e in o.evidence]
        if records:
            doc.bullets([f"{o.number}. {e.get('label', '')}" for o in observations for e in o.evidence],
                        caption=_("Records in Tillit behind the observations"))
        return doc


def _overall_text(overall: float, previous: float | None, bounds: tuple[int, int]) -> str:
    text = _("The overall maturity is assessed at %(level)s on a scale of %(low)d–%(high)d.") % {
        "level": _level(overall), "low": bounds[0], "high": bounds[1]}
    if previous is not None:
        text += " " + _("At the previous assessment it was %(level)s.") % {"level": _level(previous)}
    return text


def _maturity(doc: documents.Document, areas: list[maturity.Area], overall, previous_overall, levels) -> None:
    doc.heading(_("Maturity per area"), level=3)
    if not areas:
        doc.paragraph(_("No maturity assessment has been made in this audit."))
        return
    top = maturity.scale_bounds(levels, areas)[1]
    width = max(CHART_LABEL_WIDTH // len(areas), 6)
    series = [(_("This audit"), [a.level for a in areas])]
    if any(a.previous is not None for a in areas):
        series.append((_("Previous assessment"), [a.previous or 0 for a in areas]))
    doc.chart(documents.BarChart(title=_("Maturity per area (0–%(top)d)") % {"top": top},
                                 labels=[maturity.short_label(a.name, width) for a in areas], series=series,
                                 maximum=top))
    rows = [[a.framework, a.name, a.assessed, _level(a.level),
             _level(a.previous) if a.previous is not None else ""] for a in areas]
    rows.append([_("Overall"), "", sum(a.assessed for a in areas), _level(overall),
                 _level(previous_overall) if previous_overall is not None else ""])
    doc.table(header=[_("Framework"), _("Area"), _("Requirements assessed"), _("Maturity"), _("Previously")],
              rows=rows, total_row=True, widths=[3, 4, 2, 1.5, 1.5])
    if levels:
        doc.table(header=[_("Level"), _("Definition")], rows=[[str(level), level.definition_sv] for level in levels],
                  caption=_("The maturity scale"), widths=[1, 3])


def _observations(doc: documents.Document, observations: list) -> None:
    doc.paragraph(_("The observations are classified in three levels of priority:"))
    doc.table(header=[_("Priority"), _("Definition")],
              rows=[[str(PRIORITIES[key]), str(text)] for key, text in PRIORITY_DEFINITIONS.items()], widths=[1, 4])
    if not observations:
        doc.paragraph(_("The audit has no observations."))
        return
    counts = Counter(o.priority for o in observations)
    doc.chart(documents.BarChart(title=_("Observations per priority"), labels=[str(v) for v in PRIORITIES.values()],
                                 series=[(_("Observations"), [counts.get(k, 0) for k in PRIORITIES])]))
    for o in observations:
        doc.heading(f"4.{o.number}. {o.title}", level=3)
        doc.facts([(_("Priority"), o.get_priority_display())])
        doc.heading(_("Observation"), level=4)
        _paragraphs(doc, o.description)
        if o.evidence:
            doc.bullets([e.get("label", "") for e in o.evidence], caption=_("Records behind the observation"))
        if o.risk:
            doc.heading(_("Risk"), level=4)
            _paragraphs(doc, o.risk)
        recommendations = list(o.recommendations.all())
        if recommendations:
            doc.heading(_("Recommendations"), level=4)
            doc.table(header=["#", _("Recommendation"), _("Responsible"), _("Due date"), _("Status")],
                      rows=[[r.number, r.text, str(r.action.owner) if r.action and r.action.owner else "",
                             r.action.due_date if r.action else None,
                             r.action.get_status_display() if r.action else _("Not yet in the action plan")]
                            for r in recommendations], widths=[0.5, 5, 2, 1.5, 1.5])
        if o.response:
            doc.heading(_("Response of the audited organisation"), level=4)
            _paragraphs(doc, o.response)
