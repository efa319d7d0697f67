"""Tillit's threat catalogue for municipalities (risk/data/threats.json), loaded into the shared catalogue."""

import json
from pathlib import Path

from django.db import transaction

from risk.models import Threat, ThreatCategory

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "threats.json"
FIELDS = ("name", "name_en", "description", "description_en", "category")


def read_catalogue(path: Path = CATALOGUE_FILE) -> list[dict]:
    entries = json.loads(path.read_text(encoding="utf-8"))
    for entry in entries:
        if entry["category"] not in ThreatCategory.values:
            raise ValueError(f"{entry['code']}: unknown category {entry['category']!r}")
    return entries


def load_threats(path: Path = CATALOGUE_FILE) -> tuple[int, int]:
    """Create or update the catalogue's threats (no organisation); returns (created, updated).

    Idempotent: a second run changes nothing and writes no audit entry. Threats are matched
    by code, so organisations' risks keep pointing at the same rows when texts are revised.
    """
    created = updated = 0
    with transaction.atomic():
        existing = {t.code: t for t in Threat.objects.filter(organisation__isnull=True)}
        for entry in read_catalogue(path):
            threat = existing.get(entry["code"])
            if threat is None:
                Threat.objects.create(organisation=None, code=entry["code"], **{k: entry.get(k, "") for k in FIELDS})
                created += 1
                continue
            changed = [k for k in FIELDS if getattr(threat, k) != entry.get(k, "")]
            if changed:
                for name in changed:
                    setattr(threat, name, entry.get(name, ""))
                threat.save()
                updated += 1
    return created, updated
