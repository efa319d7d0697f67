from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.backups import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup made by `backup` into the configured database (or --database-url) and the "
            "file storage; replaces what is there. Afterwards run `migrate` and `verify_audit --checkpoint …`.")

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--database-url", help="Restore into this database instead of the configured one.")
        parser.add_argument("--no-files", action="store_true", help="Restore the database only.")
        parser.add_argument("--yes", action="store_true", help="Do not ask before replacing the data.")

    def handle(self, *args, **options):
        if options["database_url"]:
            settings_dict = dj_database_url.parse(options["database_url"])
        else:
            settings_dict = settings.DATABASES["default"]
        if not options["yes"]:
            answer = input(f"This replaces the data in {settings_dict['NAME']}. Type 'yes' to continue: ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        if not options["database_url"]:
            connections.close_all()
        try:
            result = restore(Path(options["directory"]), settings_dict=settings_dict,
                             restore_files=not options["no_files"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = result.manifest["trail_head"] or {"seq": 0}
        self.stdout.write(self.style.SUCCESS(
            f"Restored the database and {result.files} stored files; the audit trail should end at entry "
            f"#{head['seq']}: run `manage.py verify_audit`."
        ))
