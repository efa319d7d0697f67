"""Change management's part of the start page's work queue: for a municipality, the changes
awaiting its decision, its acceptance tests and the closing reports to answer; for the IT
company, the CAB papers to send and the emergency changes to review. Each group reads a
constant number of queries."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from changes import selectors, services
from changes.models import OPEN_STATUSES, AcceptanceTest, Change, ChangeDecision, ClosingConfirmation, Status
from core.workqueue import WORK_ITEMS_SHOWN, WorkGroup, WorkItem
from meetings.models import MeetingStatus
from organisations.models import OrganisationKind
from organisations.roles import Perm


def _group(title, qs, more_url, item):
    shown = list(qs[:WORK_ITEMS_SHOWN])
    if not shown:
        return []
    return [WorkGroup(title, [item(c) for c in shown], qs.count(), more_url)]


def _municipality(tenant, today):
    groups = []
    awaiting = selectors.awaiting(tenant=tenant)
    groups += _group(_("Changes awaiting our decision"), awaiting, reverse("changes:awaiting"), lambda c: WorkItem(
        str(c), c.get_absolute_url(),
        timezone.localtime(c.cab_meeting.starts_at).date() if c.cab_meeting_id else None,
        False, c.organisation.name))
    wanted = tenant.my_responses(ChangeDecision).filter(change=OuterRef("pk"), wants_acceptance_test=True)
    passed = tenant.my_responses(AcceptanceTest).filter(change=OuterRef("pk"), passed=True)
    to_test = (tenant.addressed_to_me(Change).filter(status__in=OPEN_STATUSES).filter(Exists(wanted))
               .exclude(Exists(passed)).select_related("organisation").order_by("window_start", "pk"))
    groups += _group(_("Changes to test before deployment"), to_test, reverse("changes:change_list"),
                     lambda c: WorkItem(str(c), c.get_absolute_url(),
                                        timezone.localtime(c.window_start).date() if c.window_start else None,
                                        False, c.organisation.name))
    answered = tenant.my_responses(ClosingConfirmation).filter(change=OuterRef("pk"))
    to_answer = (tenant.addressed_to_me(Change).filter(status=Status.CLOSED).exclude(Exists(answered))
                 .select_related("organisation").order_by("-closed_at", "-pk"))
    groups += _group(_("Closing reports to confirm"), to_answer, reverse("changes:change_list") + "?status=closed",
                     lambda c: WorkItem(str(c), c.get_absolute_url(), note=c.organisation.name))
    return groups


def _it_company(tenant, today):
    groups = []
    lead = services.settings_of(tenant.organisation.pk).papers_lead_days
    horizon = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=lead + 7),
                                                            datetime.time.max))
    unsent = (tenant.editable(Change).filter(papers_sent_at__isnull=True, status__in=OPEN_STATUSES,
                                             cab_meeting__status=MeetingStatus.PLANNED,
                                             cab_meeting__starts_at__gt=timezone.now(),
                                             cab_meeting__starts_at__lte=horizon)
              .select_related("cab_meeting").order_by("cab_meeting__starts_at", "pk"))

    def unsent_item(c):
        due = timezone.localtime(c.cab_meeting.starts_at).date() - datetime.timedelta(days=lead)
        return WorkItem(str(c), reverse("changes:cab_detail", args=[c.cab_meeting_id]), due, due < today,
                        str(c.cab_meeting))

    groups += _group(_("CAB papers to send"), unsent, reverse("changes:cab_list"), unsent_item)
    groups += _group(_("Emergency changes to review at the next CAB"), selectors.emergency_to_review(tenant=tenant),
                     reverse("changes:change_list") + "?kind=emergency",
                     lambda c: WorkItem(str(c), c.get_absolute_url(),
                                        timezone.localtime(c.deployed_at).date() if c.deployed_at else None))
    return groups


def items(*, tenant, today):
    # The organisation's kind is already loaded: no query to tell the IT company from a municipality.
    if tenant.organisation.kind == OrganisationKind.SUPPLIER:
        if tenant.can(Perm.CHANGE_REQUEST) and tenant.can_edit(Change):
            return _it_company(tenant, today)
        return []
    if tenant.can(Perm.CHANGE_DECIDE):
        return _municipality(tenant, today)
    return []
