from django.core.management.base import BaseCommand, CommandError

from actions.reminders import send_due
from actions.selectors import today


class Command(BaseCommand):
    help = "E-mail owners of actions and reviews due within 7 days or overdue (once per item and day; run from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true",
                            help="Hand the sending to the task worker (jobs.tasks.send_reminders) and return at once.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from jobs.tasks import send_reminders

            result = send_reminders.enqueue()
            self.stdout.write(f"Queued the reminders as task {result.id}.")
            return
        sent = send_due(today=today())
        self.stdout.write(f"Sent {sent.emails} e-mails about {sent.items} items.")
        if sent.failed:
            # Non-zero for cron's mail and monitoring; the next run sends what failed.
            raise CommandError(f"Could not send to {len(sent.failed)} recipients: {', '.join(sent.failed)}")
