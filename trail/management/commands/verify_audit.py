from django.core.management.base import BaseCommand, CommandError

from trail.chain import verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero naming the first broken entry."

    def handle(self, *args, **options):
        result = verify()
        if not result.ok:
            raise CommandError(f"Audit trail broken: {result.message}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.message}."))
