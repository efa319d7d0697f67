"""Automatic findings from classification: the information in systems a supplier runs is not
classified, its classification is unfinished or stale, or it waits for the supplier's answers."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classification.models import Classification, ClassificationStatus, SupplierQuestion
from core.findings import SHORT, Evidence, Rule
from inventory.models import Hosting, InformationType, System


def supplier_run_systems(tenant):
    """The organisation's systems in use that a supplier runs (hosted by it, or in the cloud)."""
    return (tenant.scope(System).filter(archived_at__isnull=True)
            .exclude(hosting=Hosting.OWN_DATA_CENTRE, supplier__isnull=True))


def unclassified_information(tenant, *, today):
    """Information types held in supplier-run systems: not classified, unfinished or past review (2 queries)."""
    infotypes = list(tenant.scope(InformationType).filter(systems__in=supplier_run_systems(tenant).values("pk"))
                     .distinct().order_by("name", "pk"))
    by_info = {c.information_type_id: c for c in tenant.scope(Classification).filter(
        information_type__in=[i.pk for i in infotypes]).only("pk", "information_type_id", "status", "review_date")}
    found = []
    for info in infotypes:
        c = by_info.get(info.pk)
        if c is None:
            found.append(Evidence(key=f"inventory.informationtype:{info.pk}",
                                  label=_("Information type not classified: %(name)s") % {"name": info.name},
                                  url=reverse("classification:list")))
        elif c.status != ClassificationStatus.APPROVED:
            found.append(Evidence(key=f"classification.classification:{c.pk}",
                                  label=_("Classification not finished: %(name)s (%(status)s)") % {
                                      "name": info.name, "status": c.get_status_display()},
                                  url=c.get_absolute_url()))
        elif c.review_date and c.review_date < today:
            found.append(Evidence(key=f"classification.classification:{c.pk}",
                                  label=_("Classification past its review date: %(name)s (%(date)s)") % {
                                      "name": info.name, "date": c.review_date.isoformat()},
                                  url=c.get_absolute_url()))
    return found


def unanswered_supplier_questions(tenant, *, today):
    """Questions to a supplier past their answer date and still unanswered (1 query)."""
    rows = (tenant.scope(SupplierQuestion).filter(organisation_id=tenant.membership.organisation_id,
                                                  answered_on__isnull=True, due_date__lt=today)
            .select_related("supplier").order_by("due_date", "pk"))
    return [Evidence(key=f"classification.supplierquestion:{q.pk}",
                     label=_("Unanswered question to %(supplier)s since %(date)s: %(question)s") % {
                         "supplier": q.supplier.name, "date": q.asked_on.isoformat(), "question": str(q)},
                     url=q.get_absolute_url()) for q in rows]


RECOMMENDATION = gettext_lazy(
    "Complete the classification and risk analysis of the systems the supplier runs, and use the results as "
    "the basis of the requirements on the supplier and of service levels that fit each business's needs.")

RULES = [
    Rule(key="classification.supplier_systems_unclassified", theme="needs_based_requirements",
         title=gettext_lazy("Information in systems a supplier runs is not classified, or its classification is "
                            "unfinished or past review"),
         citation=gettext_lazy("MSB/MCF method for information security, step 3 (classify information); "
                               "ISO/IEC 27001:2022 A.5.12"),
         priority=SHORT, recommendation=RECOMMENDATION, check=unclassified_information),
    Rule(key="classification.supplier_questions_unanswered", theme="needs_based_requirements",
         title=gettext_lazy("Classification is stalled on questions the supplier has not answered"),
         citation=gettext_lazy("MSB/MCF method for information security, step 3; ISO/IEC 27001:2022 A.5.12, A.5.20"),
         priority=SHORT,
         recommendation=gettext_lazy("Raise the unanswered questions with the supplier in the joint forum and agree "
                                     "a date by which they are answered."),
         check=unanswered_supplier_questions),
]
