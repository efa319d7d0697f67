"""Load or update the contract security checklist: `manage.py load_contract_checklist [--file path]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suppliers.checklist import CHECKLIST_PATH, load_checklist, read_checklist
from trail.context import acting_as


class Command(BaseCommand):
    help = "Load the contract security checklist (idempotent; areas no longer in the file are withdrawn)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CHECKLIST_PATH, help="Checklist JSON (default: the bundled one).")

    def handle(self, *args, file: Path, **options):
        try:
            data = read_checklist(file)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        with acting_as(None, source="cli"):
            try:
                counts = load_checklist(data)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Contract checklist {data['version']}: {counts['created']} new, {counts['updated']} changed, "
            f"{counts['unchanged']} unchanged, {counts['withdrawn']} withdrawn."))
