"""Follow-up of decided placement assessments, for actions.reminders (the follow-up date of the decision)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from actions.reminders import Reminder
from placement.models import Decision


def follow_ups_due(*, today, horizon, organisation=None, user=None):
    """Decisions whose follow-up date falls by `horizon` (or has passed), to the assessment's
    responsible person, else to whoever recorded the decision. A follow-up done is a new
    version of the assessment, which moves the reminder to that version's decision."""
    qs = (Decision.objects.filter(follow_up_date__lte=horizon, assessment__next_versions__isnull=True)
          .select_related("assessment"))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    for decision in qs:
        recipient = decision.assessment.responsible_id or decision.recorded_by_id
        if recipient is None or (user is not None and recipient != user.pk):
            continue
        yield Reminder(f"placement-follow-up:{decision.pk}", recipient, decision.organisation_id,
                       _("Follow up the placement decision: %(title)s") % {"title": decision.assessment.title},
                       decision.follow_up_date, reverse("placement:detail", args=[decision.assessment_id]))
