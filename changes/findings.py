"""Automatic findings of change management (theme "change_involvement", the second seed's
observation 4.5): changes deployed without separation of duties, without the acceptance test the
municipality asked for, closing reports never answered, emergency changes never reviewed.

Each check reads through the organisation's own reading (tenant.scope): a municipality's findings
are about the changes addressed to it, the IT company's about its own; a fixed number of queries.
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from changes.models import Change, ChangeDecision, ClosingConfirmation, Kind, Level, Status
from core.findings import LONG, Evidence, Rule

# A closing report unanswered this long after it was sent is never going to be confirmed.
CONFIRM_DAYS = 30
REVIEW_DAYS = 30
SHOWN = 500


def _evidence(key: str, label: str, qs) -> list[Evidence]:
    return [Evidence(key=f"{key}:{c.pk}", label=label % {"change": c, "date": c.deployed_at.date()
                                                          if c.deployed_at else ""}, url=c.get_absolute_url())
            for c in qs.only("pk", "title", "deployed_at").order_by("-deployed_at", "-pk")[:SHOWN]]


def _without_separation(tenant, *, today):
    """Medium and high risk changes deployed by their developer or never tested by someone else,
    whatever the rule said at the time, and any deployed against the rule (without an exception)."""
    qs = tenant.scope(Change).filter(deployed_at__isnull=False).filter(
        Q(duties_separated=False, risk_level__in=(Level.MEDIUM, Level.HIGH)) | Q(separation_met=False,
                                                                                 separation_excepted=False))
    return _evidence("changes.without_separation", _("Deployed without separation of duties: %(change)s (%(date)s)"),
                     qs)


def _without_acceptance(tenant, *, today):
    qs = tenant.scope(Change).filter(deployed_at__isnull=False, acceptance_met=False)
    return _evidence("changes.without_acceptance",
                     _("Deployed without the acceptance test asked for: %(change)s (%(date)s)"), qs)


def _unanswered(tenant, model, subject_filter):
    """Changes of the filter the reading organisation has not answered (a municipality), or that
    some addressee has not answered (the IT company)."""
    me = tenant.membership.organisation_id
    through = Change.shared_with.through
    answered = model.objects.filter(change_id=OuterRef("change_id"), organisation_id=OuterRef("organisation_id"))
    some_missing = through.objects.filter(change_id=OuterRef("pk")).exclude(Exists(answered))
    mine = model.objects.filter(change_id=OuterRef("pk"), organisation_id=me)
    return tenant.scope(Change).filter(subject_filter).filter(
        Q(organisation_id=me, pk__in=Change.objects.filter(Exists(some_missing)).values("pk"))
        | (~Q(organisation_id=me) & ~Q(pk__in=Change.objects.filter(Exists(mine)).values("pk"))))


def _closing_not_confirmed(tenant, *, today):
    cutoff = datetime.datetime.combine(today - datetime.timedelta(days=CONFIRM_DAYS), datetime.time.min)
    from django.utils import timezone

    qs = _unanswered(tenant, ClosingConfirmation, Q(status=Status.CLOSED, closed_at__lt=timezone.make_aware(cutoff)))
    return _evidence("changes.closing_not_confirmed", _("Closing report never confirmed: %(change)s"), qs)


def _emergency_not_reviewed(tenant, *, today):
    from django.utils import timezone

    cutoff = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=REVIEW_DAYS),
                                                           datetime.time.min))
    qs = _unanswered(tenant, ChangeDecision, Q(kind=Kind.EMERGENCY, deployed_at__lt=cutoff))
    return _evidence("changes.emergency_not_reviewed",
                     _("Emergency change never reviewed at a CAB: %(change)s (%(date)s)"), qs)


RULES = [
    Rule("changes.without_separation", "change_involvement",
         gettext_lazy("Changes are deployed without separation of development, test and deployment"),
         gettext_lazy("ISO/IEC 27001:2022 A.5.3, A.8.32"), LONG,
         gettext_lazy("Require that someone other than the developer tests a change and that a third person "
                      "deploys it, as the change's risk demands, and record every exception with its reason."),
         _without_separation),
    Rule("changes.without_acceptance", "change_involvement",
         gettext_lazy("Changes are deployed without the acceptance test the municipality asked for"),
         gettext_lazy("ISO/IEC 27001:2022 A.8.29, A.8.32"), LONG,
         gettext_lazy("Deploy a change only once every municipality that asked for an acceptance test has "
                      "passed it."), _without_acceptance),
    Rule("changes.closing_not_confirmed", "change_involvement",
         gettext_lazy("Closing reports of changes are never confirmed by the municipality"),
         gettext_lazy("ISO/IEC 27001:2022 A.8.32"), LONG,
         gettext_lazy("Confirm each closing report or raise a remark within a month, so that the municipality "
                      "follows up what was changed in its systems."), _closing_not_confirmed),
    Rule("changes.emergency_not_reviewed", "change_involvement",
         gettext_lazy("Emergency changes are not reviewed at the next CAB"),
         gettext_lazy("ISO/IEC 27001:2022 A.8.32"), LONG,
         gettext_lazy("Bring every emergency change to the next CAB, where each affected municipality records "
                      "its decision on it."), _emergency_not_reviewed),
]
