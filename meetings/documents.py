"""The minutes of a meeting as a document (core.documents: DOCX and PDF), in Swedish."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import documents
from meetings.models import Meeting


def filename(meeting: Meeting) -> str:
    """The file name without extension: "Protokoll Driftmöte 2026-10-14"."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        day = timezone.localtime(meeting.starts_at).date().isoformat()
        return _("Minutes %(kind)s %(day)s") % {"kind": meeting.kind_short, "day": day}


def minutes(meeting: Meeting) -> documents.Document:
    """The minutes' content; `meeting` comes from selectors.meeting_detail (rows prefetched)."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        doc = documents.Document(organisation=meeting.organisation.name, kind=_("Minutes"),
                                 title=_("Minutes – %(title)s") % {"title": meeting.title}, date=start.date(),
                                 draft=not meeting.minutes_approved_at)
        doc.facts([
            (_("Meeting type"), meeting.kind_short),
            (_("Time"), f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"),
            (_("Location"), meeting.location),
            (_("Chair"), str(meeting.chair) if meeting.chair else ""),
            (_("Secretary"), str(meeting.secretary) if meeting.secretary else ""),
            (_("Participating organisations"), ", ".join(o.name for o in meeting.shared_with.all())),
        ])
        attendees = list(meeting.attendees.all())
        if attendees:
            doc.heading(_("Present"))
            doc.bullets(_attendee(meeting, a) for a in attendees)
        agenda = list(meeting.agenda.all())
        if agenda:
            doc.heading(_("Agenda"))
            doc.bullets(f"{item.position}. {item.title}" + (f" ({item.presenter})" if item.presenter else "")
                        for item in agenda)
        doc.heading(_("Minutes"))
        for block in (meeting.minutes or "–").split("\n\n"):
            doc.paragraph(block.strip())
        decisions = list(meeting.decisions.all())
        if decisions:
            doc.heading(_("Decisions"))
            for decision in decisions:
                doc.paragraph(f"§ {decision.number} {decision.text}")
        items = list(meeting.action_items.all())
        if items:
            doc.heading(_("Action items"))
            doc.table(header=[_("Action"), _("Responsible"), _("Due date")],
                      rows=[[i.title, i.responsible.name if i.responsible_id else meeting.organisation.name,
                             i.due_date] for i in items])
        if meeting.minutes_approved_at:
            approver = meeting.minutes_approved_by
            doc.paragraph(_("The minutes were approved on %(day)s by %(name)s.") % {
                "day": f"{timezone.localtime(meeting.minutes_approved_at):%Y-%m-%d}",
                "name": str(approver) if approver else "–"})
        return doc


def _attendee(meeting: Meeting, attendee) -> str:
    where = attendee.represents.name if attendee.represents_id else meeting.organisation.name
    text = f"{attendee.name}, {attendee.role_title or '–'}, {where}"
    return text if attendee.present else _("%(attendee)s (absent)") % {"attendee": text}
