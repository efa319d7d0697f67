"""Exports: the record of processing per controller (XLSX, DOCX, PDF) and a DPIA (DOCX, PDF).

The record follows GDPR art. 30(1)(a)–(g) in order, the shape IMY asks for on request. The
security measures are read from the systems (their classification and requirement status),
never copied into the record.
"""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classification.selectors import attach_protection_need, need_label, need_of
from core import documents
from core.countries import country_name
from core.tabular import XLSX_TYPE, Column, xlsx_bytes  # noqa: F401  (XLSX_TYPE for the views)
from core.tenancy import Tenant
from privacy import rules
from privacy.models import Dpia, ProcessingActivity
from requirements import selectors as requirement_selectors
from requirements.models import Status


def system_measures(*, tenant: Tenant, activity: ProcessingActivity | None = None, systems=None) -> list:
    """The systems with their protection need and requirement status counts, as each system's own
    requirement list gives them (requirements.selectors.status_counts: a fixed number of queries)."""
    if systems is None:
        systems = list(activity.systems.order_by("name"))
    attach_protection_need(systems)
    counts = requirement_selectors.status_counts(tenant=tenant, systems=systems)
    for s in systems:
        c = counts.get(s.pk, Counter())
        s.need_text = need_label(need_of(s))
        s.met, s.partly, s.not_met = c.get(Status.MET, 0), c.get(Status.PARTLY_MET, 0), c.get(Status.NOT_MET, 0)
        s.measures_text = _("Protection need %(need)s; requirements met %(met)d, partly %(partly)d, not met "
                            "%(not_met)d") % {"need": s.need_text, "met": s.met, "partly": s.partly,
                                              "not_met": s.not_met}
    return systems


def record_activities(*, tenant: Tenant, unit) -> list[ProcessingActivity]:
    """The controller's processing activities with everything the record shows, in a few queries."""
    activities = list(tenant.scope(ProcessingActivity).filter(controllers=unit).select_related("owner")
                      .prefetch_related("controllers", "systems", "processors", "transfers").order_by("name", "pk"))
    all_systems = {s.pk: s for a in activities for s in a.systems.all()}
    system_measures(tenant=tenant, systems=list(all_systems.values()))
    return activities


def _transfers_text(activity) -> str:
    today = timezone.localdate()
    parts = []
    for t in activity.transfers.all():
        basis = rules.judge(t.country, today, dpf_certified=t.dpf_certified, scc_signed=t.scc_signed,
                            tia_done=t.tia_done)
        parts.append(f"{country_name(t.country)} ({t.recipient}): {basis.label}"
                     + (f"; {t.safeguards}" if t.safeguards else ""))
    return "; ".join(parts) or _("None")


def _row(activity) -> list[str]:
    joint = ", ".join(u.name for u in activity.controllers.all())
    subjects = ", ".join(activity.data_subject_labels() + ([activity.data_subjects_other] if activity.data_subjects_other else []))
    data = ", ".join(activity.data_category_labels() + ([activity.data_categories_other] if activity.data_categories_other else []))
    basis = activity.get_legal_basis_label() + (f" – {activity.legal_basis_reference}" if activity.legal_basis_reference else "")
    if activity.art9_ground:
        basis += "; " + activity.get_art9_ground_display()
    retention = activity.retention + (f" ({activity.retention_months} mån)" if activity.retention_months else "")
    measures = "; ".join(f"{s.name}: {s.measures_text}" for s in activity.systems.all()) or "–"
    processors = ", ".join(p.name for p in activity.processors.all())
    return [activity.name, joint, activity.purpose, basis or _("No legal basis"), subjects, data,
            activity.recipients + (f"; {_('Processors')}: {processors}" if processors else ""),
            _transfers_text(activity), retention, measures,
            activity.review_date.isoformat() if activity.review_date else "", activity.get_status_display()]


COLUMNS = (
    Column("name", gettext_lazy("Processing activity"), "text", 30),
    Column("controllers", gettext_lazy("(a) Controllers"), "text", 30),
    Column("purpose", gettext_lazy("(b) Purpose"), "text", 40),
    Column("legal_basis", gettext_lazy("Legal basis"), "text", 30),
    Column("data_subjects", gettext_lazy("(c) Categories of data subjects"), "text", 30),
    Column("data_categories", gettext_lazy("(c) Categories of personal data"), "text", 30),
    Column("recipients", gettext_lazy("(d) Recipients"), "text", 30),
    Column("transfers", gettext_lazy("(e) Third-country transfers"), "text", 30),
    Column("retention", gettext_lazy("(f) Retention (gallring)"), "text", 30),
    Column("measures", gettext_lazy("(g) Security measures"), "text", 40),
    Column("review_date", gettext_lazy("Next review"), "text", 12),
    Column("status", gettext_lazy("Status"), "text", 12),
)


def record_filename(unit) -> str:
    return documents.filename(_("Record of processing %(controller)s") % {"controller": unit.name}, "x")[:-2]


def record_xlsx(*, tenant: Tenant, unit) -> bytes:
    activities = record_activities(tenant=tenant, unit=unit)
    rows = iter([[str(c.header) for c in COLUMNS]] + [_row(a) for a in activities])
    return xlsx_bytes(str(_("Record of processing")), COLUMNS, rows)


def record_document(*, tenant: Tenant, unit) -> documents.Document:
    """The record of processing of one controller, art. 30(1)(a)–(g) for each activity in order."""
    activities = record_activities(tenant=tenant, unit=unit)
    doc = documents.Document(organisation=tenant.organisation.name, kind=_("Record of processing"),
                             title=_("Record of processing activities: %(controller)s") % {"controller": unit.name},
                             date=timezone.localdate())
    doc.paragraph(_("The record of processing activities kept under GDPR article 30(1) by %(controller)s, "
                    "%(org)s. %(n)d processing activities.") % {"controller": unit.name,
                                                               "org": tenant.organisation.name, "n": len(activities)})
    if not activities:
        doc.paragraph(_("The controller has no processing activities in the record."))
    for a in activities:
        row = _row(a)
        doc.heading(a.name, level=2)
        doc.facts([(c.header, value) for c, value in zip(COLUMNS[1:], row[1:])])
    return doc


def record_document_response(*, tenant: Tenant, unit, fmt: str):
    doc = record_document(tenant=tenant, unit=unit)
    return documents.response(doc, fmt, filename=f"{doc.kind} {unit.name} {doc.date_text}")


def dpia_document(*, tenant: Tenant, dpia: Dpia) -> documents.Document:
    """A DPIA as a document: screening, description, necessity, risks, measures, advice, decision."""
    screening = rules.screen(dpia.criteria, dpia.art35_3)
    _threshold, nine, cases = rules.dpia_screening()
    doc = documents.Document(organisation=dpia.organisation.name, kind=_("Impact assessment (DPIA)"),
                             title=dpia.title, date=timezone.localdate(), draft=dpia.status != "decided")
    doc.facts([(_("Processing activity"), dpia.activity.name if dpia.activity else "–"),
               (_("Status"), dpia.get_status_display())])
    doc.heading(_("Screening"), level=2)
    doc.paragraph(screening.explanation)
    doc.table(header=[_("Criterion"), _("Source"), _("Met")],
              rows=[[p.title, p.citation, p.key in screening.criteria] for p in nine]
              + [[p.title, p.citation, p.key in screening.art35_3] for p in cases],
              caption=_("The nine WP248 criteria and the cases of art. 35(3)"))
    doc.heading(_("Description of the processing"), level=2)
    doc.paragraph(dpia.description or "–")
    doc.heading(_("Necessity and proportionality"), level=2)
    doc.paragraph(dpia.necessity or "–")
    doc.heading(_("Risks to the data subjects"), level=2)
    risks = list(dpia.risks.order_by("title"))
    if risks:
        doc.table(header=[_("Risk"), _("Status")], rows=[[r.title, r.get_status_display()] for r in risks])
    else:
        doc.paragraph(_("No risks are linked."))
    doc.heading(_("Measures"), level=2)
    doc.paragraph(dpia.measures or "–")
    doc.facts([(_("The residual risk stays high"), dpia.residual_high)])
    if dpia.prior_consultation_needed:
        doc.paragraph(_("The residual risk stays high: IMY must be consulted before the processing starts "
                        "(GDPR art. 36)."))
    doc.heading(_("The DPO's advice"), level=2)
    doc.paragraph(dpia.dpo_advice or _("Not given yet."))
    if dpia.dpo_advice_by:
        doc.facts([(_("Advice given by"), dpia.dpo_advice_by.full_name or dpia.dpo_advice_by.email),
                   (_("Advice given"), timezone.localtime(dpia.dpo_advice_at).date())])
    doc.heading(_("The controller's decision"), level=2)
    if dpia.decided_at:
        doc.facts([(_("Decision"), dpia.get_decision_display()),
                   (_("Decided by"), dpia.decided_by.full_name or dpia.decided_by.email if dpia.decided_by else "–"),
                   (_("Decided"), timezone.localtime(dpia.decided_at).date()),
                   (_("Reason"), dpia.decision_reason)])
    else:
        doc.paragraph(_("Not decided yet."))
    return doc


def dpia_document_response(*, tenant: Tenant, dpia: Dpia, fmt: str):
    doc = dpia_document(tenant=tenant, dpia=dpia)
    return documents.response(doc, fmt, filename=f"{doc.kind} {dpia.title} {doc.date_text}")
