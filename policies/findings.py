"""Automatic findings from governing documents: documents in force past their review."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.findings import SHORT, Evidence, Rule
from policies import rules
from policies.models import DocumentStatus, GoverningDocument


def documents_past_review(tenant, *, today):
    """The organisation's own documents in force whose next review has passed (1 query)."""
    rows = (tenant.scope(GoverningDocument).filter(organisation_id=tenant.membership.organisation_id,
                                                   status=DocumentStatus.IN_FORCE, next_review__lt=today)
            .only("pk", "title", "kind", "adopted_on", "next_review").order_by("next_review", "pk"))
    return [Evidence(key=f"policies.governingdocument:{d.pk}",
                     label=_("%(kind)s past review: %(title)s (adopted %(adopted)s, review overdue by %(late)s)") % {
                         "kind": d.get_kind_display(), "title": d.title,
                         "adopted": d.adopted_on.isoformat() if d.adopted_on else "–",
                         "late": rules.overdue_text(d.next_review, today)},
                     url=d.get_absolute_url()) for d in rows]


RULES = [
    Rule(key="policies.documents_past_review", theme="needs_based_requirements",
         title=gettext_lazy("Governing documents are past their review: the internal security work is not "
                            "carried out systematically"),
         citation=gettext_lazy("ISO/IEC 27001:2022 5.2, 7.5.3 and A.5.1; MSB/MCF method for information "
                               "security, step 2 (governing documents)"),
         priority=SHORT,
         recommendation=gettext_lazy("Review the governing documents past their review date, so that the internal "
                                     "security work is carried out systematically and can ground the requirements "
                                     "on the supplier."),
         check=documents_past_review),
]
