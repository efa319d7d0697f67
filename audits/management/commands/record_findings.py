"""Record every organisation's automatic findings (run nightly with send_reminders)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from audits import engine
from organisations.models import Organisation
from trail.context import acting_as


class Command(BaseCommand):
    help = "Evaluate the findings rules for every organisation and keep their history."

    def handle(self, *args, **options):
        today = timezone.localdate()
        with acting_as(None, source="cli"):
            for org in Organisation.objects.order_by("pk"):
                groups = engine.evaluate(org, today=today)
                changes = engine.record(org, groups, today=today, touch=True)
                self.stdout.write(f"{org.name}: {sum(len(g.evidence) for g in groups)} findings, "
                                  f"{changes.appeared} new, {changes.resolved} resolved.")
