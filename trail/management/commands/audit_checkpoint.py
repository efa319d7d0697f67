from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from trail.checkpoints import file_name, generate_key, make_checkpoint, recipients


class Command(BaseCommand):
    help = ("Sign the audit chain's head and keep the checkpoint outside the database (file storage, "
            "e-mail to TILLIT_AUDIT_CHECKPOINT_RECIPIENTS). Run regularly from cron.")

    def add_arguments(self, parser):
        parser.add_argument("--generate-key", action="store_true",
                            help="Print a new key pair for TILLIT_AUDIT_KEY and TILLIT_AUDIT_PUBLIC_KEY instead.")

    def handle(self, *args, **options):
        if options["generate_key"]:
            private, public = generate_key()
            self.stdout.write(f"TILLIT_AUDIT_KEY={private}\nTILLIT_AUDIT_PUBLIC_KEY={public}")
            return
        try:
            checkpoint = make_checkpoint()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        sent = ", ".join(recipients()) or "nobody (TILLIT_AUDIT_CHECKPOINT_RECIPIENTS is empty)"
        self.stdout.write(self.style.SUCCESS(
            f"Checkpoint at entry #{checkpoint.seq} ({checkpoint.head_hash}) stored as {file_name(checkpoint)}; "
            f"e-mailed to {sent}."
        ))
