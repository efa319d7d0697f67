"""The CAB's record of decisions: every change on a CAB meeting's agenda with each affected
municipality's decision (core.documents: DOCX and PDF), in Swedish."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import documents


def filename(meeting) -> str:
    """The file name without extension: "CAB-beslut 2026-12-09"."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        return _("CAB decisions %(day)s") % {"day": timezone.localtime(meeting.starts_at).date().isoformat()}


def cab_decisions(meeting, agenda: list, *, own: bool) -> documents.Document:
    """`agenda` from changes.selectors.cab_agenda (decisions the reader may see, prefetched); a
    municipality's copy shows its own decisions only, the organiser's every one."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        start = timezone.localtime(meeting.starts_at)
        doc = documents.Document(organisation=meeting.organisation.name, kind=_("CAB decisions"),
                                 title=_("Decisions at %(meeting)s") % {"meeting": meeting.title}, date=start.date(),
                                 draft=meeting.status == "planned")
        doc.facts([
            (_("Time"), f"{start:%Y-%m-%d %H:%M}"),
            (_("Changes on the agenda"), str(len(agenda))),
        ])
        for change in agenda:
            doc.heading(str(change))
            doc.facts([
                (_("Kind of change"), change.get_kind_display()),
                (_("Risk level"), change.get_risk_level_display()),
                (_("Planned window"), f"{timezone.localtime(change.window_start):%Y-%m-%d %H:%M}"
                 if change.window_start else "–"),
                (_("Affected municipalities"), ", ".join(o.name for o in change.shared_with.all()) if own else ""),
            ])
            decisions = list(change.decisions.all())
            if decisions:
                doc.table(header=[_("Municipality"), _("Decision"), _("Conditions and comment"), _("Decided")],
                          rows=[[d.organisation.name, d.get_decision_display(),
                                 " ".join(filter(None, [d.conditions, d.comment])) or "–",
                                 timezone.localtime(d.decided_at).date() if d.decided_at else "–"]
                                for d in decisions])
            else:
                doc.paragraph(_("No decisions yet."))
        return doc
