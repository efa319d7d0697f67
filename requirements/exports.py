"""Exports: a system's requirement list as XLSX and DOCX (an annex for a procurement or a
contract, PRODUCT.md C3) and the statement of applicability as XLSX.

Each builder renders in the language it is given; the annex defaults to Swedish, the language
of the procurement documents it is attached to.
"""

import datetime
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import documents
from core.tabular import xlsx_row
from requirements.models import ATTRIBUTE_SETS, Status, Theme
from requirements.selectors import SoaRow, SystemRequirements

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _aspect_name(aspect: str) -> str:
    return {"K": _("Confidentiality"), "R": _("Integrity"), "T": _("Availability"), "S": _("Traceability")}[aspect]


def _form_label(form: str) -> str:
    return _("SKA: shall (procurement, contract)") if form == "shall" else _("ÄR: present state (self-assessment)")


def _notices(report: SystemRequirements) -> list[str]:
    """What the reader of an export must know about how the list was derived."""
    notices = []
    if not report.derivation.classified:
        notices.append(_("None of the system's information is classified, so no requirements are derived."))
    for aspect in report.derivation.analysis_aspects:
        notices.append(_("%(aspect)s is at level 4: no requirements are derived for it; a separate protection "
                         "analysis is needed.") % {"aspect": _aspect_name(aspect)})
    return notices


def _catalogue_version(report: SystemRequirements) -> str:
    versions = sorted({row.requirement.catalogue_version for row in report.rows if row.requirement.catalogue_version})
    return ", ".join(versions) or "–"


def _controls(requirement) -> str:
    return ", ".join(c.number for c in requirement.controls.all())


def _facts(report: SystemRequirements, form: str, today: datetime.date) -> list[tuple[str, str]]:
    return [
        (_("Organisation"), report.system.organisation.name),
        (_("System"), report.system.name),
        (_("Protection need (K-R-T-S)"), report.need_label),
        (_("Date"), today.isoformat()),
        (_("Requirement form"), _form_label(form)),
        (_("Catalogue version"), _catalogue_version(report)),
    ]


ANSWER_MARK = "☐"


def answers() -> list[str]:
    """What a tenderer answers to each requirement of the annex."""
    return [_("Fulfilled"), _("Partly fulfilled"), _("Not fulfilled")]


def filename(report: SystemRequirements, form: str, extension: str, today: datetime.date, language: str = "sv") -> str:
    """"Kravbilaga Ekonomisystem 2026-12-02.docx" (SKA) or "Självskattning säkerhetskrav
    Ekonomisystem 2026-12-02.xlsx" (ÄR): the two versions are told apart by their names."""
    with translation.override(language):
        name = (_("Requirement annex %(system)s %(date)s") if form == "shall"
                else _("Self-assessment security requirements %(system)s %(date)s"))
        return documents.filename(name % {"system": report.system.name, "date": today.isoformat()}, extension)


def soa_filename(organisation_name: str, today: datetime.date, language: str = "sv") -> str:
    with translation.override(language):
        name = _("Statement of applicability %(organisation)s %(date)s") % {
            "organisation": organisation_name, "date": today.isoformat()}
        return documents.filename(name, "xlsx")


def _table_sheet(sheet, header_row: int, widths) -> None:
    """The table below the facts: its header frozen while scrolling, filters over it, the
    columns readable and the text wrapped."""
    last = get_column_letter(sheet.max_column)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{last}{max(sheet.max_row, header_row + 1)}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F4")


def system_xlsx(report: SystemRequirements, *, form: str = "shall", language: str = "sv",
                today: datetime.date | None = None) -> bytes:
    """The system's requirement list as a workbook: the SKA version with the tenderer's answer and
    comment columns (the answer picked from a list), the ÄR version with the statuses."""
    today = today or datetime.date.today()
    with translation.override(language):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Requirements")[:31]
        sheet.append(xlsx_row(sheet, [_("Security requirements for %(system)s") % {"system": report.system.name}]))
        sheet["A1"].font = Font(bold=True, size=14)
        for label, value in _facts(report, form, today):
            sheet.append(xlsx_row(sheet, [label, value]))
        for notice in _notices(report):
            sheet.append(xlsx_row(sheet, [_("Note"), notice]))
        shall = form == "shall"
        if shall:
            sheet.append(xlsx_row(sheet, [_("Instruction"), _instruction()]))
        sheet.append([])
        header = [_("Area"), _("Requirement ID"), _("Title"), _("Requirement"), _("Annex A"), _("NIS2 article 21(2)")]
        if shall:
            header += [_("Supplier's answer"), _("Comment")]
        else:
            header += [_("Status"), _("How it is met (evidence)"), _("Reason it does not apply"), _("Assessed")]
        sheet.append(xlsx_row(sheet, header))
        header_row = sheet.max_row
        for row in report.shown:
            r = row.requirement
            values = [str(r.get_area_display()), r.code, r.title_for(form), r.text(form), _controls(r), ", ".join(r.nis2)]
            if shall:
                values += ["", ""]
            else:
                status, effective = row.status, row.effective
                values += [str(Status(effective.status).label) if effective else _("Not assessed"),
                           _evidence(row), status.reason if status else "",
                           status.assessed_at.date().isoformat() if status and status.assessed_at else ""]
            sheet.append(xlsx_row(sheet, values))
        if shall and report.shown:
            choice = DataValidation(type="list", formula1='"' + ",".join(answers()) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=_("Supplier's answer"),
                                    error=_("Choose one of: %(answers)s.") % {"answers": ", ".join(answers())})
            choice.add(f"G{header_row + 1}:G{sheet.max_row}")
            sheet.add_data_validation(choice)
        widths = (20, 10, 36, 70, 14, 10) + ((18, 40) if shall else (14, 40, 30, 12))
        _table_sheet(sheet, header_row, widths)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _instruction() -> str:
    return _("Answer each requirement by choosing whether it is fulfilled, partly fulfilled or not fulfilled, and "
             "describe in the comment how the requirement is met or what is missing. A requirement that is partly "
             "fulfilled or not fulfilled needs a comment.")


def annex_document(report: SystemRequirements, *, form: str, today: datetime.date) -> documents.Document:
    """The requirement list as a document: the facts, the notices and (SKA) the tenderer's
    instruction first, then a table per area. The SKA version has a column for the tenderer's
    answer and one for the comment, the ÄR version the statuses."""
    shall = form == "shall"
    doc = documents.Document(
        organisation=report.system.organisation.name,
        kind=_("Requirement annex") if shall else _("Self-assessment"),
        title=_("Security requirements for %(system)s") % {"system": report.system.name}, date=today,
        subtitle=_("Annex to a procurement or a contract") if shall else _("Self-assessment of the security requirements"))
    doc.facts(_facts(report, form, today))
    for notice in _notices(report):
        doc.paragraph(notice)
    if shall and report.shown:
        doc.heading(_("How to answer"), level=2)
        doc.paragraph(_instruction())
    boxes = "\n".join(f"{ANSWER_MARK} {answer}" for answer in answers())
    for label, rows in report.groups():
        doc.heading(label, level=2)
        if shall:
            doc.table(header=[_("Requirement ID"), _("Requirement"), _("Supplier's answer"), _("Comment")],
                      widths=[2.1, 8.4, 3.3, 3.2], blank="",
                      rows=[[row.requirement.code, documents.Cell(row.requirement.title_for(form), row.requirement.text(form)),
                             boxes, ""] for row in rows])
        else:
            doc.table(header=[_("Requirement ID"), _("Requirement"), _("Annex A"), _("Status")],
                      widths=[2.1, 9.4, 2.5, 3.0],
                      rows=[[row.requirement.code, documents.Cell(row.requirement.title_for(form), row.requirement.text(form)),
                             _controls(row.requirement),
                             str(Status(row.effective.status).label) if row.effective else _("Not assessed")]
                            for row in rows])
    if not report.shown:
        doc.paragraph(_("No requirements."))
    doc.paragraph(_("Annex A refers to the control numbers of ISO/IEC 27001:2022. The requirements "
                    "apply from the levels of the protection need (KLASSA's scale 0–4)."))
    return doc


def system_docx(report: SystemRequirements, *, form: str = "shall", language: str = "sv",
                today: datetime.date | None = None) -> bytes:
    """The system's requirement list as a Word document (the shared document toolkit)."""
    today = today or datetime.date.today()
    with translation.override(language):
        doc = annex_document(report, form=form, today=today)
    return doc.render_docx()


def soa_xlsx(rows: list[SoaRow], *, organisation_name: str, language: str = "sv",
             today: datetime.date | None = None) -> bytes:
    """The statement of applicability: one row per Annex A control."""
    today = today or datetime.date.today()
    with translation.override(language):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Statement of applicability")[:31]
        sheet.append(xlsx_row(sheet, [_("Statement of applicability")]))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(xlsx_row(sheet, [_("Organisation"), organisation_name]))
        sheet.append(xlsx_row(sheet, [_("Date"), today.isoformat()]))
        sheet.append([])
        header = [_("Control"), _("Name"), _("Theme"), _("Applicable"), _("Reason"), _("Implementation status"),
                  _("Basis of the implementation status"), _("Note"), _("Linked requirements")] + [str(label) for label, _choices in ATTRIBUTE_SETS.values()]
        sheet.append(xlsx_row(sheet, header))
        header_row = sheet.max_row
        for row in rows:
            statement, control = row.statement, row.control
            if statement is None:
                applicable = _("Not decided")
            else:
                applicable = _("Yes") if statement.applicable else _("No")
            if statement is None:
                reason = ""
            else:
                reason = _("Reason pending") if statement.reason_pending else statement.reason
            sheet.append(xlsx_row(sheet, [
                control.number, control.name, str(Theme(control.theme).label), applicable, reason,
                row.implementation_label, _implementation_basis(row),
                statement.note if statement else "",
                ", ".join(r.code for r in row.requirements),
                *[", ".join(labels) for _label, labels in control.attribute_labels()],
            ]))
        _table_sheet(sheet, header_row, (9, 40, 16, 12, 40, 18, 40, 30, 30, 22, 30, 22, 36, 28))
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _evidence(row) -> str:
    """The evidence column: for a requirement answered from data, the reason it is derived (or
    the override's reason beside what was derived); else the assessor's evidence."""
    status = row.status
    if row.derived is not None and not row.overridden:
        return _("From Tillit's data: %(reason)s") % {"reason": row.derived.reason}
    if row.overridden:
        return (_("Overridden: %(reason)s (derived from data: %(status)s)") % {
            "reason": status.override_reason, "status": row.derived.label}
                + (f"\n{status.evidence}" if status.evidence else ""))
    return status.evidence if status else ""


def _implementation_basis(row: SoaRow) -> str:
    """Why the SoA row has its implementation status: the systems' statuses, or the override's reason."""
    if row.overridden:
        text = _("Overridden: %(reason)s") % {"reason": row.statement.implementation_override_reason}
        if row.derived:
            text += " " + _("(from the systems: %(status)s)") % {"status": row.derived.label}
        return text
    if row.derived:
        return _("From the systems' requirement statuses: %(reason)s") % {"reason": row.derived.reason}
    return _("Recorded by hand: no linked requirement applies to a system.") if row.statement else ""
