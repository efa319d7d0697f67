"""Generate the large data set for benchmarks: `manage.py generate_data --scale 1 [--seed 1] [--replace]`.

Generated organisations have slugs gen-org-01, gen-org-02, …; users are
<role>@gen-org-NN.example (e.g. coordinator@gen-org-03.example) with the demo password.
A second run refuses while generated organisations exist; --replace deletes them (and
their records and users, each deletion audited) and generates anew.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from demo import generated
from demo.data import DEMO_PASSWORD
from trail.context import acting_as


class Command(BaseCommand):
    help = "Generate a large data set (scale 1: 20 organisations, 10 000 systems) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiple of the scale-1 data set (e.g. 0.01, 1, 2).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--replace", action="store_true", help="Delete previously generated organisations first.")

    def handle(self, *args, scale: float, seed: int, replace: bool, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        started = time.monotonic()
        with acting_as(None, source="cli"):
            if generated.generated_organisations().exists():
                if not replace:
                    raise CommandError(
                        f"Generated organisations ({generated.SLUG_PREFIX}*) already exist. "
                        "Run with --replace to delete them and generate anew."
                    )
                removed = generated.remove_generated()
                self.stdout.write(f"Removed {removed} generated organisations.")
            counts = generated.Generator(generated.Plan(scale), seed).run()
        for label, n in sorted(counts.items()):
            self.stdout.write(f"  {label:40} {n:>8}")
        self.stdout.write(self.style.SUCCESS(f"Generated scale {scale:g} in {time.monotonic() - started:.1f} s."))
        self.stdout.write(f"Sign in as e.g. {generated.email('coordinator', generated.slug(1))} "
                          f"(password {DEMO_PASSWORD}).")
