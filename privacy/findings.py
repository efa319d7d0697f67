"""Automatic findings of the data-protection module (theme "privacy", core.findings).

Each check reads through the organisation's own reading (tenant.scope) in a fixed number
of queries.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.findings import SHORT, Evidence, Rule
from privacy import selectors
from privacy.models import SPECIAL_CATEGORIES, ProcessingActivity


def _processor_without_dpa(tenant, *, today):
    found = []
    for m in selectors.missing_agreements(tenant=tenant):
        found.append(Evidence(key=f"privacy.missing_dpa:{m.supplier_id}:{m.unit_id}",
                              label=_("Processor without agreement: %(supplier)s for %(unit)s") % {
                                  "supplier": m.supplier, "unit": m.unit}, url=m.url))
    return found


def _transfer_without_basis(tenant, *, today):
    return [Evidence(key=f"privacy.transfer:{t.source}:{t.pk}:{t.country}",
                     label=_("Transfer without lawful basis: %(label)s → %(country)s") % {
                         "label": t.label, "country": t.basis.country_label}, url=t.url)
            for t in selectors.transfers_without_basis(tenant=tenant, today=today)]


def _special_without_ground(tenant, *, today):
    qs = tenant.scope(ProcessingActivity).filter(art9_ground="").only("pk", "name", "data_categories")
    return [Evidence(key=f"privacy.processingactivity:{a.pk}",
                     label=_("Special categories without an art. 9(2) exception: %(name)s") % {"name": a.name},
                     url=a.get_absolute_url())
            for a in qs.order_by("name", "pk") if SPECIAL_CATEGORIES & set(a.data_categories or [])]


RULES = [
    Rule("privacy.processor_without_dpa", "privacy",
         gettext_lazy("A processor is used without a data processing agreement covering the controller"),
         gettext_lazy("GDPR art. 28(3)"), SHORT,
         gettext_lazy("Sign a data processing agreement with every processor, covering each controller "
                      "(nämnd) whose personal data it processes."), _processor_without_dpa),
    Rule("privacy.transfer_without_basis", "privacy",
         gettext_lazy("Personal data is transferred to a third country without a lawful basis"),
         gettext_lazy("GDPR art. 44–46"), SHORT,
         gettext_lazy("Stop the transfer or give it a basis under chapter V: an adequacy decision, or standard "
                      "contractual clauses with a transfer impact assessment."), _transfer_without_basis),
    Rule("privacy.special_without_ground", "privacy",
         gettext_lazy("Special categories of personal data are processed without an exception under art. 9(2)"),
         gettext_lazy("GDPR art. 9"), SHORT,
         gettext_lazy("Name the exception of art. 9(2) that allows the processing, or stop processing the "
                      "special categories."), _special_without_ground),
]
