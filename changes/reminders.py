"""Reminders of the CAB papers: to the IT company's members who register changes, when the papers
of a coming CAB are due (its lead days before the meeting) and not sent; to each affected
municipality's deciders, when a change whose papers they received still lacks their decision
as the meeting comes closer."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.reminders import Reminder
from changes.models import OPEN_STATUSES, Change, ChangeDecision, ChangeSettings
from changes.services import decider_roles
from meetings.models import MeetingStatus
from organisations.models import Membership
from organisations.roles import ROLE_PERMISSIONS, Perm

DEFAULT_LEAD_DAYS = ChangeSettings._meta.get_field("papers_lead_days").default
# The longest lead time looked ahead for (a CAB further away than this is not due).
MAX_LEAD_DAYS = 60


def _registrar_roles() -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if Perm.CHANGE_REQUEST in perms and
            Perm.CHANGE_IMPLEMENT in perms]


def papers_due(*, today, horizon, organisation=None, user=None):
    now = timezone.now()
    until = now + datetime.timedelta(days=MAX_LEAD_DAYS + (horizon - today).days)
    base = Change.objects.filter(status__in=OPEN_STATUSES, cab_meeting__status=MeetingStatus.PLANNED,
                                 cab_meeting__starts_at__gt=now, cab_meeting__starts_at__lte=until)
    # The IT company: papers not sent.
    unsent = base.filter(papers_sent_at__isnull=True)
    if organisation is not None:
        unsent = unsent.filter(organisation=organisation)
    lead_days = dict(ChangeSettings.objects.values_list("organisation_id", "papers_lead_days"))
    found = []
    for change in unsent.select_related("cab_meeting").only("pk", "title", "organisation_id", "cab_meeting__id",
                                                               "cab_meeting__starts_at", "cab_meeting__title"):
        due = (timezone.localtime(change.cab_meeting.starts_at).date()
               - datetime.timedelta(days=lead_days.get(change.organisation_id, DEFAULT_LEAD_DAYS)))
        if due <= horizon:
            found.append((change, due))
    if found:
        members = Membership.objects.filter(organisation_id__in={c.organisation_id for c, _d in found},
                                            role__in=_registrar_roles())
        if user is not None:
            members = members.filter(user=user)
        by_org: dict[int, list[int]] = {}
        for org_id, user_id in members.values_list("organisation_id", "user_id"):
            by_org.setdefault(org_id, []).append(user_id)
        for change, due in found:
            for user_id in by_org.get(change.organisation_id, []):
                yield Reminder(f"change-papers:{change.pk}", user_id, change.organisation_id,
                               _("CAB papers to send: %(change)s") % {"change": change}, due,
                               reverse("changes:cab_detail", args=[change.cab_meeting_id]))
    # Each affected municipality: papers received, no decision yet, the CAB within the horizon.
    last = timezone.make_aware(datetime.datetime.combine(horizon, datetime.time.max))
    through = Change.shared_with.through
    decided = ChangeDecision.objects.filter(change_id=OuterRef("change_id"), organisation_id=OuterRef("organisation_id"))
    rows = (through.objects.filter(change__in=base.filter(papers_sent_at__isnull=False,
                                                          cab_meeting__starts_at__lte=last))
            .exclude(Exists(decided)))
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    pending = list(rows.values_list("change_id", "organisation_id", "change__title", "change__cab_meeting__starts_at"))
    if not pending:
        return
    deciders = Membership.objects.filter(organisation_id__in={o for _c, o, _t, _s in pending}, role__in=decider_roles())
    if user is not None:
        deciders = deciders.filter(user=user)
    by_org = {}
    for org_id, user_id in deciders.values_list("organisation_id", "user_id"):
        by_org.setdefault(org_id, []).append(user_id)
    for change_id, org_id, title, starts in pending:
        for user_id in by_org.get(org_id, []):
            yield Reminder(f"change-decision:{change_id}:{org_id}", user_id, org_id,
                           _("Decide on the change at the CAB: %(title)s") % {"title": title},
                           timezone.localtime(starts).date(), reverse("changes:change_detail", args=[change_id]))
