"""The review's inputs as readable sections, in ISO/IEC 27001:2022 9.3.2's order (a–g), then the
incidents and the governing documents: the same sections for the page and the document.

The snapshot holds keys and figures (reviews.inputs); the words are given here, when shown.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from actions.models import ActionStatus
from audits.models import AuditKind, AuditStatus
from changes.models import Status as ChangeStatus
from core.findings import PRIORITIES
from incidents.models import DEFAULT_SEVERITY_NAMES
from kpis.models import Verdict
from policies.models import Kind as DocumentKind
from reviews.models import ManagementReview
from risk.rules import Level


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    total: int = 0  # rows in all (the table shows at most inputs.LIST_LIMIT)

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass
class Section:
    key: str
    letter: str
    title: str
    level: int = 2  # heading level: 2 for 9.3.2's items, 3 for the parts of d)
    figures: list[tuple[str, object]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    text: str = ""
    empty: str = ""  # what the section says when it holds nothing


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "–")


def _date(value) -> str:
    return value or "–"


def _yes(value) -> str:
    return _("Yes") if value else _("No")


def _status(value: str) -> str:
    return _("Removed from the action plan") if value == "removed" else _label(ActionStatus, value)


def _severity(value) -> str:
    if not value:
        return _("Not assessed")
    return value.get("name") or str(DEFAULT_SEVERITY_NAMES.get(value.get("rank"), value.get("rank")))


def _table(caption, header, rows, total=None) -> Table:
    rows = [[c if isinstance(c, Cell) else Cell(str(c) if c not in (None, "") else "–") for c in row] for row in rows]
    return Table(caption=caption, header=header, rows=rows, total=len(rows) if total is None else total)


def sections(review: ManagementReview) -> list[Section]:
    """The sections of a review; without gathered inputs only the written ones have content."""
    data = review.inputs if isinstance(review.inputs, dict) else {}
    gathered = review.has_inputs
    none = _("The inputs have not been gathered yet.")
    result = [_previous(data.get("previous") or {}) if gathered else Section("previous", "a", _previous_title(), empty=none),
              _changes(data.get("changes") or {}) if gathered else Section("changes", "b", _changes_title(), empty=none),
              Section("interested_needs", "c", _("Changes in needs and expectations of interested parties"),
                      text=review.interested_parties_changes, empty=_("Nothing written.")),
              Section("performance", "d", _("Feedback on the information security performance"),
                      text=_("Trends in nonconformities and corrective actions, monitoring and measurement results, "
                             "audit results and the fulfilment of information security objectives."))]
    if gathered:
        result += [_actions(data.get("actions") or {}), _kpis(data.get("kpis") or {}), _audits(data.get("audits") or {})]
    else:
        result += [Section(key, "d", title, level=3, empty=none) for key, title in (
            ("actions", _("Nonconformities and corrective actions")),
            ("kpis", _("Monitoring and measurement results")), ("audits", _("Audit results")))]
    result += [
        Section("objectives", "d", _("Fulfilment of information security objectives"), level=3, text=review.objectives,
                empty=_("Nothing written.")),
        Section("feedback", "e", _("Feedback from interested parties"), text=review.interested_parties_feedback,
                empty=_("Nothing written.")),
        _risks(data.get("risks") or {}) if gathered else Section("risks", "f", _risks_title(), empty=none),
        Section("improvement", "g", _("Opportunities for continual improvement"), text=review.improvement_opportunities,
                empty=_("Nothing written.")),
        _incidents(data.get("incidents") or {}) if gathered else Section("incidents", "", _incidents_title(), empty=none),
        _documents(data.get("documents") or {}) if gathered else Section("documents", "", _documents_title(), empty=none),
    ]
    return result


def _previous_title() -> str:
    return _("Status of actions from previous management reviews")


def _previous(data: dict) -> Section:
    items = data.get("items") or []
    section = Section("previous", "a", _previous_title(), empty=_("No earlier management review has decisions."))
    if items:
        section.figures = [(_("Decisions followed up"), data.get("total", 0)), (_("Done"), data.get("done", 0)),
                           (_("Not yet done"), data.get("open", 0))]
        section.tables.append(_table(_("Decisions of earlier reviews"),
                                     [_("Management review"), "#", _("Decision"), _("Owner"), _("Due date"), _("Status")],
                                     [[Cell(i.get("review", ""), i.get("review_url", "")), i.get("number"), i.get("text"),
                                       i.get("owner"), _date(i.get("due_date")),
                                       Cell(_status(i.get("status")), i.get("action_url", ""))] for i in items]))
    return section


def _changes_title() -> str:
    return _("Changes in external and internal issues")


def _changes(data: dict) -> Section:
    section = Section("changes", "b", _changes_title())
    section.figures = [(_("Changes deployed in the period"), data.get("deployed", 0)),
                       (_("Systems registered in the period"), data.get("new_systems", 0)),
                       (_("Systems retired or archived in the period"), data.get("retired_systems", 0))]
    if data.get("deployed_list"):
        section.tables.append(_table(_("Changes deployed"), [_("Title"), _("Deployed"), _("By"), _("Status"),
                                                             _("Duties separated")],
                                     [[Cell(c["title"], c.get("url", "")), _date(c.get("date")), c.get("by"),
                                       _label(ChangeStatus, c.get("status")),
                                       "–" if c.get("duties_separated") is None else _yes(c.get("duties_separated"))]
                                      for c in data["deployed_list"]], data.get("deployed", 0)))
    for key, caption in (("new_systems", _("Systems registered")), ("retired_systems", _("Systems retired or archived"))):
        if data.get(f"{key}_list"):
            section.tables.append(_table(caption, [_("System")], [[Cell(s["name"], s.get("url", ""))]
                                                                  for s in data[f"{key}_list"]], data.get(key, 0)))
    return section


def _actions(data: dict) -> Section:
    section = Section("actions", "d", _("Nonconformities and corrective actions"), level=3)
    section.figures = [(_("Open actions in the action plan"), data.get("open", 0)),
                       (_("Overdue actions"), data.get("overdue", 0)),
                       (_("Actions added in the period"), data.get("created_in_period", 0)),
                       (_("Actions done in the period"), data.get("done_in_period", 0))]
    if data.get("overdue_list"):
        section.tables.append(_table(_("Overdue actions"), [_("Action"), _("Source"), _("Owner"), _("Due date")],
                                     [[Cell(a["title"], a.get("url", "")), a.get("source"), a.get("owner"),
                                       _date(a.get("due_date"))] for a in data["overdue_list"]], data.get("overdue", 0)))
    return section


def _kpis(data: dict) -> Section:
    verdicts = data.get("verdicts") or {}
    section = Section("kpis", "d", _("Monitoring and measurement results"), level=3)
    section.figures = [(_("KPI reports approved"), verdicts.get(Verdict.APPROVED, 0)),
                       (_("KPI reports approved with remarks"), verdicts.get(Verdict.REMARKS, 0)),
                       (_("KPI reports not approved"), verdicts.get(Verdict.NOT_APPROVED, 0)),
                       (_("KPI periods not delivered"), data.get("missing", 0))]
    if data.get("missing_list"):
        section.tables.append(_table(_("KPI periods not delivered"), [_("KPI"), _("Service"), _("Supplier"), _("Period"),
                                                                      _("Report due")],
                                     [[Cell(m["kpi"], m.get("url", "")), m.get("service"), m.get("supplier"),
                                       m.get("period"), _date(m.get("due"))] for m in data["missing_list"]],
                                     data.get("missing", 0)))
    return section


def _audits(data: dict) -> Section:
    observations = data.get("observations") or {}
    section = Section("audits", "d", _("Audit results"), level=3)
    section.figures = [(_("Audits and assessments in the period"), data.get("audit_count", 0))]
    section.figures += [(_("Observations, %(priority)s") % {"priority": str(label).lower()}, observations.get(key, 0))
                        for key, label in PRIORITIES.items()]
    section.figures.append((_("Open automatic findings"), data.get("findings_total", 0)))
    if data.get("audits"):
        section.tables.append(_table(_("Audits and assessments"), [_("Audit"), _("Kind"), _("Status"), _("Observations")],
                                     [[Cell(a["title"], a.get("url", "")), _label(AuditKind, a.get("kind")),
                                       _label(AuditStatus, a.get("status")), a.get("observations", 0)]
                                      for a in data["audits"]], data.get("audit_count", 0)))
    if data.get("findings"):
        section.tables.append(_table(_("Open automatic findings by theme"), [_("Theme"), _("Priority"), _("Findings")],
                                     [[f.get("title"), str(PRIORITIES.get(f.get("priority"), "–")), f.get("count", 0)]
                                      for f in data["findings"]]))
    return section


def _risks_title() -> str:
    return _("Results of risk assessment and status of the risk treatment plan")


def _risks(data: dict) -> Section:
    levels = data.get("by_level") or {}
    section = Section("risks", "f", _risks_title())
    section.figures = [(_("Open risks"), data.get("open", 0))]
    section.figures += [(_("Residual risk %(level)s") % {"level": str(label).lower()}, levels.get(key, 0))
                        for key, label in Level.choices]
    section.figures += [(_("Risks not assessed"), data.get("unassessed", 0)), (_("Accepted risks"), data.get("accepted", 0)),
                        (_("Risks past their review"), data.get("review_overdue", 0)),
                        (_("Overdue treatments"), data.get("overdue_treatments", 0))]
    if data.get("treatment_list"):
        section.tables.append(_table(_("Overdue treatments"), [_("Measure"), _("Risk"), _("Due date")],
                                     [[t.get("title"), Cell(t.get("risk", ""), t.get("url", "")), _date(t.get("due_date"))]
                                      for t in data["treatment_list"]], data.get("overdue_treatments", 0)))
    return section


def _incidents_title() -> str:
    return _("Incidents in the period")


def _incidents(data: dict) -> Section:
    section = Section("incidents", "", _incidents_title())
    section.figures = [(_("Incident cases"), data.get("total", 0))]
    section.figures += [(_("Severity %(name)s") % {"name": _severity(s if s.get("rank") else None).lower()},
                         s.get("count", 0)) for s in data.get("by_severity") or []]
    section.figures += [(_("Significant incidents"), data.get("significant", 0)),
                        (_("Personal data breaches"), data.get("breaches", 0)),
                        (_("Closed without the required review"), data.get("closed_without_review", 0))]
    if data.get("list"):
        section.tables.append(_table(_("Significant incidents, breaches and cases closed without review"),
                                     [_("Incident"), _("Aware"), _("Severity"), _("Significant"), _("Personal data breach"),
                                      _("Closed without review")],
                                     [[Cell(c["title"], c.get("url", "")), _date(c.get("date")), _severity(c.get("severity")),
                                       _yes(c.get("significant")), _yes(c.get("breach")),
                                       _yes(c.get("closed_without_review"))] for c in data["list"]]))
    return section


def _documents_title() -> str:
    return _("Governing documents past review")


def _documents(data: dict) -> Section:
    section = Section("documents", "", _documents_title(), empty=_("No governing document is past its review."))
    if data.get("count"):
        section.figures = [(_("Governing documents past review"), data.get("count", 0))]
        section.tables.append(_table(_("Governing documents past review"), [_("Document"), _("Kind"), _("Owner"),
                                                                            _("Next review")],
                                     [[Cell(d["title"], d.get("url", "")), _label(DocumentKind, d.get("kind")),
                                       d.get("owner"), _date(d.get("next_review"))] for d in data["list"]],
                                     data.get("count", 0)))
    return section


def heading(section: Section) -> str:
    """"a) Status of actions …" for 9.3.2's items; the parts of d) and the extra sections by title alone."""
    return f"{section.letter}) {section.title}" if section.letter and section.level == 2 else section.title


def gathered_on(review: ManagementReview) -> datetime.date | None:
    value = (review.inputs or {}).get("gathered_on") if isinstance(review.inputs, dict) else None
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
