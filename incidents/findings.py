"""Automatic findings of the incident module (theme "incident_evaluation", core.findings): the
second seed's observation 4.4, incidents closed with a report and never evaluated afterwards."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.findings import LONG, SHORT, Evidence, Rule
from incidents.models import OPEN_STATUSES, IncidentCase, Status

EVIDENCE_SHOWN = 200


def _label(case) -> str:
    return f"{case.incident} ({timezone.localtime(case.aware_at):%Y-%m-%d})"


def _own_cases(tenant):
    return tenant.my_responses(IncidentCase).select_related("incident").order_by("-aware_at", "pk")


def _closed_without_review(tenant, *, today):
    qs = _own_cases(tenant).filter(closed_without_review=True)[:EVIDENCE_SHOWN]
    return [Evidence(key=f"incidents.incidentcase:{c.pk}", label=_label(c), url=c.get_absolute_url()) for c in qs]


def _supplier_incidents_not_evaluated_jointly(tenant, *, today):
    qs = (_own_cases(tenant).filter(status=Status.CLOSED).exclude(incident__organisation_id=tenant.organisation.pk)
          .exclude(review__supplier_took_part=True, review__completed_at__isnull=False))[:EVIDENCE_SHOWN]
    return [Evidence(key=f"incidents.joint:{c.pk}", label=_label(c), url=c.get_absolute_url()) for c in qs]


def _deadlines_missed(tenant, *, today):
    now = timezone.now()
    open_overdue = _own_cases(tenant).filter(status__in=OPEN_STATUSES, next_deadline__lt=now)[:EVIDENCE_SHOWN]
    late = (_own_cases(tenant).filter(submissions__late_reason__gt="").distinct())[:EVIDENCE_SHOWN]
    seen, found = set(), []
    for case in list(open_overdue) + list(late):
        if case.pk not in seen:
            seen.add(case.pk)
            found.append(Evidence(key=f"incidents.deadline:{case.pk}", label=_label(case), url=case.get_absolute_url()))
    return found


RULES = [
    Rule("incidents.closed_without_review", "incident_evaluation",
         gettext_lazy("Incidents that required a post-incident review were closed without one"),
         gettext_lazy("ISO/IEC 27001:2022 A.5.27; NIS2 art. 21(2)(b)"), LONG,
         gettext_lazy("Hold a review of every significant incident and of the severities you chose, and turn "
                      "its lessons into actions before the incident is closed."), _closed_without_review),
    Rule("incidents.not_evaluated_with_supplier", "incident_evaluation",
         gettext_lazy("Incidents at the supplier were closed without a joint evaluation with the supplier"),
         gettext_lazy("ISO/IEC 27001:2022 A.5.24, A.5.27; MSB's method support for systematic information "
                      "security work"), LONG,
         gettext_lazy("Agree with the supplier on a process for evaluating incidents together: causes, what was "
                      "done, what went well and badly, and lessons that become actions."),
         _supplier_incidents_not_evaluated_jointly),
    Rule("incidents.deadline_missed", "incident_reporting",
         gettext_lazy("Reports to authorities were late or are overdue"),
         gettext_lazy("Cybersecurity Act (2025:1506) ch. 2; NIS2 art. 23(4); GDPR art. 33(1)"), SHORT,
         gettext_lazy("Give the incident manager the legal deadlines at a glance and a deputy, and report within "
                      "24 and 72 hours of becoming aware."), _deadlines_missed),
]
