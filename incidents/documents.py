"""Reports to the authorities in their structure: structured content (JSON), DOCX and PDF.

Each stage asks for its own content (rules.Stage.content): the early warning whether an unlawful
or malicious act is suspected and whether there may be cross-border impact; the notification an
initial assessment of severity and impact and indicators of compromise; the final report a
detailed description, the root cause, the measures and the cross-border impact (NIS2 art. 23(4));
IMY's breach notification the nature of the breach, the categories and approximate numbers of
data subjects and records, a contact, the likely consequences and the measures (GDPR art. 33(3)).
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _, gettext_lazy

from core import documents
from incidents import rules
from incidents.models import IncidentCase, StageSubmission

TEXT, YES_NO, NUMBER = "text", "yes_no", "number"

FIELDS: dict[str, tuple] = {
    "summary": (gettext_lazy("Summary of the incident"), TEXT),
    "malicious": (gettext_lazy("Suspected unlawful or malicious act"), YES_NO),
    "cross_border": (gettext_lazy("Possible cross-border impact"), YES_NO),
    "severity_impact": (gettext_lazy("Initial assessment of severity and impact"), TEXT),
    "indicators": (gettext_lazy("Indicators of compromise"), TEXT),
    "status_update": (gettext_lazy("Status of the handling"), TEXT),
    "detailed_description": (gettext_lazy("Detailed description, including severity and impact"), TEXT),
    "root_cause": (gettext_lazy("Type of threat or root cause"), TEXT),
    "measures": (gettext_lazy("Mitigating measures applied and ongoing"), TEXT),
    "nature": (gettext_lazy("Nature of the breach"), TEXT),
    "data_subject_categories": (gettext_lazy("Categories of data subjects"), TEXT),
    "data_subjects_approx": (gettext_lazy("Approximate number of data subjects"), NUMBER),
    "record_categories": (gettext_lazy("Categories of personal data records"), TEXT),
    "records_approx": (gettext_lazy("Approximate number of records"), NUMBER),
    "contact": (gettext_lazy("Contact point (the DPO or another contact)"), TEXT),
    "consequences": (gettext_lazy("Likely consequences"), TEXT),
}


def stage_fields(stage: str) -> list[tuple[str, str, str]]:
    """(key, label, kind) of what the recipient asks for in `stage`."""
    return [(key, str(FIELDS[key][0]), FIELDS[key][1]) for key in rules.STAGES[stage].content]


def _local(instant) -> str:
    return f"{timezone.localtime(instant, rules.STOCKHOLM):%Y-%m-%d %H:%M}" if instant else ""


def stage_content(case: IncidentCase, stage: str) -> dict:
    """What the case already says for `stage`'s fields, to prefill the report."""
    incident = case.incident
    known = {
        "summary": incident.description,
        "malicious": case.malicious,
        "cross_border": case.cross_border,
        "severity_impact": (f"{case.severity}. " if case.severity_id else "") + case.significance_reason,
        "detailed_description": incident.description,
    }
    return {key: known.get(key, "") if kind != YES_NO else known.get(key)
            for key, _label, kind in stage_fields(stage)}


def payload(case: IncidentCase, stage: str, submission: StageSubmission | None) -> dict:
    """The structured report (the JSON export): who reports what, about which incident."""
    incident = case.incident
    content = submission.content if submission else stage_content(case, stage)
    when = submission.submitted_at if submission else None
    authority = rules.recipient(stage, timezone.localtime(when or timezone.now(), rules.STOCKHOLM).date())
    return {
        "stage": stage,
        "stage_title": str(rules.STAGES[stage].title),
        "legal_basis": str(rules.STAGES[stage].citation),
        "recipient": submission.recipient if submission else (authority.name if authority else ""),
        "submitted": bool(submission),
        "submitted_at": when.isoformat() if when else None,
        "recipient_reference": submission.reference if submission else "",
        "late_reason": submission.late_reason if submission else "",
        "organisation": case.organisation.name,
        "organisation_number": case.organisation.org_number,
        "incident": {
            "reference": incident.reference,
            "title": incident.title,
            "category": incident.get_category_display(),
            "occurred_at": incident.occurred_at.isoformat() if incident.occurred_at else None,
            "aware_at": case.aware_at.isoformat(),
            "reported_by_organisation": incident.organisation.name,
        },
        "content": {key: content.get(key) for key, _label, _kind in stage_fields(stage)},
    }


def _value(value, kind: str) -> str:
    if kind == YES_NO:
        return _("Yes") if value is True else _("No") if value is False else _("Not known")
    return "" if value in (None, "") else str(value)


def filename(case: IncidentCase, stage: str) -> str:
    """"Tidig varning INC-2026-0003"."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        return f"{rules.STAGES[stage].title} {case.incident.reference}"


def report(case: IncidentCase, stage: str, submission: StageSubmission | None) -> documents.Document:
    data = payload(case, stage, submission)
    with translation.override(documents.DOCUMENT_LANGUAGE):
        incident = case.incident
        doc = documents.Document(
            organisation=case.organisation.name, kind=_("Incident report"),
            title=f"{rules.STAGES[stage].title} – {incident.title}",
            date=timezone.localtime(submission.submitted_at if submission else timezone.now(), rules.STOCKHOLM).date(),
            reference=incident.reference, draft=submission is None)
        doc.facts([
            (_("Recipient"), data["recipient"]),
            (_("Legal basis"), str(rules.STAGES[stage].citation)),
            (_("Reporting organisation"), case.organisation.name),
            (_("Incident"), f"{incident.reference} {incident.title}"),
            (_("Category"), incident.get_category_display()),
            (_("Occurred"), _local(incident.occurred_at) or _("Not known")),
            (_("Became aware"), _local(case.aware_at)),
            (_("Submitted"), _local(submission.submitted_at) if submission else _("Not submitted (draft)")),
            (_("The recipient's reference"), submission.reference if submission else ""),
        ])
        doc.heading(_("Content"))
        content = data["content"]
        doc.table(header=[_("Asked for"), _("Answer")],
                  rows=[[label, _value(content.get(key), kind) or "–"] for key, label, kind in stage_fields(stage)],
                  widths=[35, 65])
        if submission and submission.late_reason:
            doc.heading(_("Reasons for the delay"))
            doc.paragraph(submission.late_reason)
        return doc


def response(case: IncidentCase, stage: str, submission: StageSubmission | None, fmt: str):
    return documents.response(report(case, stage, submission), fmt, filename=filename(case, stage))
