"""Reminders of KPI reports due or not delivered, to the supplier's service managers."""

from django.urls import reverse
from django.utils.translation import gettext as _

from actions.reminders import Reminder
from kpis import selectors
from kpis.models import KpiDefinition
from organisations.models import Membership
from organisations.roles import Role


def reports_due(*, today, horizon, organisation=None, user=None):
    definitions = KpiDefinition.objects.filter(active=True).prefetch_related("shared_with")
    if organisation is not None:
        definitions = definitions.filter(organisation=organisation)
    found = [m for m in selectors.missing(definitions=list(definitions), today=today) if m.due <= horizon]
    if not found:
        return
    managers = Membership.objects.filter(role=Role.SERVICE_MANAGER,
                                         organisation_id__in={m.definition.organisation_id for m in found})
    if user is not None:
        managers = managers.filter(user=user)
    by_org: dict[int, list[int]] = {}
    for org_id, user_id in managers.values_list("organisation_id", "user_id"):
        by_org.setdefault(org_id, []).append(user_id)
    path = reverse("kpis:report_list")
    for m in found:
        for user_id in by_org.get(m.definition.organisation_id, []):
            yield Reminder(f"kpi:{m.definition.pk}:{m.customer.pk}:{m.period_start.isoformat()}", user_id,
                           m.definition.organisation_id,
                           _("KPI report %(period)s: %(kpi)s to %(customer)s")
                           % {"period": m.label, "kpi": m.definition, "customer": m.customer.name}, m.due, path)
