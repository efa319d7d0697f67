from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trail.chain import verify_against_checkpoints


class Command(BaseCommand):
    help = ("Verify the audit trail's hash chain and every known checkpoint (the database's, the file "
            "storage's and any given with --checkpoint); exits non-zero naming the first problem.")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                            help="A checkpoint document kept outside the database (repeatable).")
        parser.add_argument("--only-given", action="store_true",
                            help="Compare only with the checkpoints given with --checkpoint.")
        parser.add_argument("--database", default="default", help="The database to verify.")

    def handle(self, *args, **options):
        extra = []
        for name in options["checkpoint"]:
            try:
                extra.append((name, Path(name).read_bytes()))
            except OSError as exc:
                raise CommandError(f"Cannot read {name}: {exc.strerror}.") from exc
        result = verify_against_checkpoints(extra=extra, include_stored=not options["only_given"],
                                            using=options["database"])
        if not result.ok:
            raise CommandError(f"Audit trail broken: {result.message}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.message}."))
