"""Exports: a system's requirement list as XLSX and DOCX (an annex for a procurement or a
contract, PRODUCT.md C3) and the statement of applicability as XLSX.

Each builder renders in the language it is given; the annex defaults to Swedish, the language
of the procurement documents it is attached to.
"""

import datetime
import io

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.tabular import safe_text, xlsx_row
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


def filename(report: SystemRequirements, extension: str, today: datetime.date) -> str:
    return f"{slugify(_('requirements'))}-{slugify(report.system.name)}-{today.isoformat()}.{extension}"


def system_xlsx(report: SystemRequirements, *, form: str = "shall", language: str = "sv",
                today: datetime.date | None = None) -> bytes:
    """The system's requirement list as a workbook; the self-assessment form adds the statuses."""
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
        sheet.append([])
        header = [_("Area"), _("Code"), _("Title"), _("Requirement"), _("Annex A"), _("NIS2 article 21(2)")]
        with_status = form == "is"
        if with_status:
            header += [_("Status"), _("How it is met (evidence)"), _("Reason it does not apply"), _("Assessed")]
        sheet.append(xlsx_row(sheet, header))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in report.shown:
            r = row.requirement
            values = [str(r.get_area_display()), r.code, r.display_title, r.text(form), _controls(r), ", ".join(r.nis2)]
            if with_status:
                status = row.status
                values += [str(Status(status.status).label) if status else _("Not assessed"),
                           status.evidence if status else "", status.reason if status else "",
                           status.assessed_at.date().isoformat() if status and status.assessed_at else ""]
            sheet.append(xlsx_row(sheet, values))
        for letter, width in zip("ABCDEFGHIJ", (22, 9, 40, 80, 16, 12, 14, 40, 30, 12)):
            sheet.column_dimensions[letter].width = width
        for cells in sheet.iter_rows(min_row=1):
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def system_docx(report: SystemRequirements, *, form: str = "shall", language: str = "sv",
                today: datetime.date | None = None) -> bytes:
    """The system's requirement list as a Word document: facts first, then a table per area."""
    today = today or datetime.date.today()
    with translation.override(language):
        document = Document()
        document.styles["Normal"].font.size = Pt(10)
        document.add_heading(safe_text(_("Security requirements for %(system)s") % {"system": report.system.name}),
                             level=0)
        document.add_paragraph(_("Annex to a procurement or a contract") if form == "shall"
                               else _("Self-assessment of the security requirements"))
        facts = document.add_table(rows=0, cols=2)
        facts.style = "Table Grid"
        for label, value in _facts(report, form, today):
            cells = facts.add_row().cells
            cells[0].text, cells[1].text = safe_text(label), safe_text(value)
        for notice in _notices(report):
            document.add_paragraph(safe_text(notice), style="Intense Quote")
        with_status = form == "is"
        for label, rows in report.groups():
            document.add_heading(safe_text(label), level=1)
            header = [_("Code"), _("Requirement"), _("Annex A")] + ([_("Status")] if with_status else [])
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in rows:
                r = row.requirement
                values = [r.code, r.text(form), _controls(r)]
                if with_status:
                    values.append(str(Status(row.status.status).label) if row.status else _("Not assessed"))
                for cell, text in zip(table.add_row().cells, values):
                    cell.text = safe_text(text)
        if not report.shown:
            document.add_paragraph(_("No requirements."))
        document.add_paragraph(_("Annex A refers to the control numbers of ISO/IEC 27001:2022. The requirements "
                                 "apply from the levels of the protection need (KLASSA's scale 0–4)."))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


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
                  _("Note"), _("Linked requirements")] + [str(label) for label, _choices in ATTRIBUTE_SETS.values()]
        sheet.append(xlsx_row(sheet, header))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
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
                str(statement.get_implementation_display()) if statement else "",
                statement.note if statement else "",
                ", ".join(r.code for r in row.requirements),
                *[", ".join(labels) for _label, labels in control.attribute_labels()],
            ]))
        for letter, width in zip("ABCDEFGHIJKLM", (9, 40, 16, 12, 40, 18, 30, 30, 22, 30, 22, 36, 28)):
            sheet.column_dimensions[letter].width = width
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

