"""The management review as DOCX and PDF through core.documents, in Swedish:
"Ledningens genomgång <organisation> <date>", the inputs a–g, incidents and governing documents,
the decisions with owner and due date. A review not yet adopted is marked as a draft."""

from django.utils import translation
from django.utils.translation import gettext as _

from core import documents
from reviews import presentation
from reviews.models import ManagementReview


def filename(review: ManagementReview) -> str:
    """"Ledningens genomgång Björkviks kommun 2026-11-20"."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        return _("Management review %(organisation)s %(date)s") % {
            "organisation": review.organisation.name, "date": review.held_on.isoformat()}


def _paragraphs(doc: documents.Document, text: str) -> None:
    for part in str(text or "").split("\n\n"):
        if part.strip():
            doc.paragraph(part.strip())


def _people(review: ManagementReview) -> str:
    names = [u.full_name or u.email for u in review.participants.all()] + review.other_participant_list
    return ", ".join(names)


def document(review: ManagementReview) -> documents.Document:
    """The document's content; `review` comes from selectors.review_detail (its rows prefetched)."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        doc = documents.Document(organisation=review.organisation.name, kind=_("Management review"),
                                 title=filename(review), date=review.held_on, draft=not review.is_closed,
                                 subtitle=review.title)
        doc.facts([
            (_("Date"), review.held_on),
            (_("Period"), f"{review.period_start.isoformat()} – {review.period_end.isoformat()}"),
            (_("Chair"), (review.chair.full_name or review.chair.email) if review.chair else ""),
            (_("Participants"), _people(review)),
            (_("Status"), review.get_status_display()),
            (_("Inputs gathered"), presentation.gathered_on(review)),
            (_("Adopted"), review.closed_at),
            (_("Adopted by"), (review.closed_by.full_name or review.closed_by.email) if review.closed_by else ""),
        ])
        doc.paragraph(_("The management review follows ISO/IEC 27001:2022 clause 9.3 and step 4 of the MSB/MCF "
                        "method for information security management. Tillit gathered the inputs for the period "
                        "from the organisation's records."))
        for section in presentation.sections(review):
            doc.heading(presentation.heading(section), level=section.level)
            if section.text:
                _paragraphs(doc, section.text)
            if section.figures:
                doc.table(header=[_("Figure"), _("Value")], rows=[[label, value] for label, value in section.figures],
                          widths=[4, 1])
            for table in section.tables:
                caption = table.caption
                if table.more:
                    caption += " " + _("(the first %(shown)d of %(total)d)") % {"shown": len(table.rows),
                                                                              "total": table.total}
                doc.table(header=table.header, rows=[[str(c) for c in row] for row in table.rows], caption=caption)
            if not (section.text or section.figures or section.tables) and section.empty:
                doc.paragraph(section.empty)
        if review.conclusions:
            doc.heading(_("Conclusions"))
            _paragraphs(doc, review.conclusions)
        doc.heading(_("Decisions"))
        decisions = list(review.decisions.all())
        if decisions:
            doc.table(header=["#", _("Decision"), _("Owner"), _("Due date"), _("Status")],
                      rows=[[d.number, d.text, (d.owner.full_name or d.owner.email) if d.owner else "", d.due_date,
                             d.action.get_status_display() if d.action_id else _("Removed from the action plan")]
                            for d in decisions], widths=[0.5, 5, 2, 1.5, 1.5])
        else:
            doc.paragraph(_("The review has made no decisions."))
        return doc
