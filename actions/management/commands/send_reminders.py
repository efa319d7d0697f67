from django.core.management.base import BaseCommand, CommandError

from actions.reminders import send_due
from actions.selectors import today


class Command(BaseCommand):
    help = "E-mail owners of actions and reviews due within 7 days or overdue (once per item and day; run from cron)."

    def handle(self, *args, **options):
        sent = send_due(today=today())
        self.stdout.write(f"Sent {sent.emails} e-mails about {sent.items} items.")
        if sent.failed:
            # Non-zero for cron's mail and monitoring; the next run sends what failed.
            raise CommandError(f"Could not send to {len(sent.failed)} recipients: {', '.join(sent.failed)}")
