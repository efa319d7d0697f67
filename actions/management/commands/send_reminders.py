from django.core.management.base import BaseCommand

from actions.reminders import send_due
from actions.selectors import today


class Command(BaseCommand):
    help = "E-mail owners of actions and reviews due within 7 days or overdue (once per item and day; run from cron)."

    def handle(self, *args, **options):
        emails, items = send_due(today=today())
        self.stdout.write(f"Sent {emails} e-mails about {items} items.")
