"""E-mails to the incident manager ahead of each deadline and when it is missed, once each
(collected by actions.reminders; `send_reminders` should run hourly for these, docs/deploy.md)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import ReminderLog
from actions.reminders import Reminder
from incidents import rules
from incidents.models import OPEN_STATUSES, IncidentCase


def deadlines(*, today, horizon, organisation=None, user=None):
    now = timezone.now()
    qs = IncidentCase.objects.filter(status__in=OPEN_STATUSES, manager__isnull=False,
                                     next_deadline__lte=now + rules.SOON)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if user is not None:
        qs = qs.filter(manager=user)
    cases = list(qs.select_related("incident").only(
        "pk", "manager_id", "organisation_id", "next_deadline", "next_stage", "incident__reference",
        "incident__title").order_by("next_deadline", "pk"))
    keys = {c.pk: f"incident:{c.pk}:{c.next_stage}:{'missed' if c.next_deadline < now else 'ahead'}" for c in cases}
    sent = set(ReminderLog.objects.filter(key__in=keys.values()).values_list("key", "recipient_id"))
    for case in cases:
        key = keys[case.pk]
        if (key, case.manager_id) in sent:
            continue  # once each: the warning ahead, then the one when it is missed
        due = timezone.localtime(case.next_deadline, rules.STOCKHOLM)
        stage = rules.STAGES[case.next_stage].title
        template = (_("Deadline missed: %(stage)s for %(incident)s was due %(due)s") if case.next_deadline < now
                    else _("Deadline: %(stage)s for %(incident)s is due %(due)s"))
        yield Reminder(key, case.manager_id, case.organisation_id,
                       template % {"stage": stage, "incident": case.incident, "due": f"{due:%Y-%m-%d %H:%M}"},
                       due.date(), case.get_absolute_url())
