from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database (SQLite: online copy; PostgreSQL: pg_dump) and the stored files into "
            "DIRECTORY, with a manifest of checksums and the audit trail's head and newest checkpoint.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A new or empty directory.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["directory"]), using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = manifest["trail_head"] or {"seq": 0}
        self.stdout.write(self.style.SUCCESS(
            f"Backed up the {manifest['database']} database and {len(manifest['files']) - 1} stored files "
            f"to {options['directory']} (audit trail at entry #{head['seq']})."
        ))
