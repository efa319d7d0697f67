"""Load or update Tillit's requirement catalogue: `manage.py load_requirements [--file path]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requirements.catalogue import CATALOGUE_PATH, load_catalogue, read_catalogue
from trail.context import acting_as


class Command(BaseCommand):
    help = "Load the Annex A controls and the requirement catalogue (idempotent; organisations' own requirements are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CATALOGUE_PATH, help="Catalogue JSON (default: the bundled one).")

    def handle(self, *args, file: Path, **options):
        try:
            data = read_catalogue(file)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        with acting_as(None, source="cli"):
            try:
                result = load_catalogue(data)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Requirement catalogue {result.version}: controls {result.controls_created} new, "
            f"{result.controls_updated} changed; requirements {result.created} new, {result.updated} changed, "
            f"{result.unchanged} unchanged, {result.withdrawn} withdrawn."
        ))
