from django.core.management.base import BaseCommand

from risk.catalogue import load_threats
from trail.context import acting_as


class Command(BaseCommand):
    help = "Load Tillit's threat catalogue (risk/data/threats.json) into the shared catalogue (idempotent)."

    def handle(self, *args, **options):
        with acting_as(None, source="cli"):
            created, updated = load_threats()
        self.stdout.write(self.style.SUCCESS(f"Threat catalogue: {created} created, {updated} updated."))
