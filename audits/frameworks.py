"""The bundled frameworks and the maturity scale, loaded from audits/data/frameworks.json.

ISO/IEC 27001:2022 Annex A is not repeated here: its requirements point at the requirements
app's controls (requirements.models.Control), loaded by load_requirements when missing.
"""

import json
from pathlib import Path

from django.db import transaction

from audits.models import Framework, FrameworkRequirement, MaturityLevel

FRAMEWORKS_PATH = Path(__file__).resolve().parent / "data" / "frameworks.json"


def read_frameworks(path: Path = FRAMEWORKS_PATH) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def check_frameworks(data: dict) -> list[str]:
    problems = []
    if not str(data.get("version") or "").strip():
        problems.append("version missing")
    levels = [row.get("level") for row in data.get("maturity_scale", [])]
    if not levels or sorted(levels) != list(range(min(levels), max(levels) + 1)):
        problems.append("maturity_scale must be consecutive levels")
    for fw in data.get("frameworks", []):
        codes = [r.get("code") for r in fw.get("requirements", [])]
        if not fw.get("key") or not fw.get("name"):
            problems.append("a framework needs key and name")
        if len(codes) != len(set(codes)):
            problems.append(f"{fw.get('key')}: duplicate codes")
    return problems


def load_frameworks(data: dict | None = None) -> dict[str, int]:
    from requirements.catalogue import catalogue_is_loaded, load_catalogue
    from requirements.models import Control

    data = data or read_frameworks()
    problems = check_frameworks(data)
    if problems:
        raise ValueError("; ".join(problems))
    if not catalogue_is_loaded():
        load_catalogue()
    counts = {"frameworks": 0, "requirements": 0}
    with transaction.atomic():
        for row in data["maturity_scale"]:
            MaturityLevel.objects.update_or_create(level=row["level"], defaults={
                k: row[k] for k in ("name_sv", "name_en", "definition_sv", "definition_en")})
        for fw in data["frameworks"]:
            framework = Framework.objects.filter(organisation__isnull=True, key=fw["key"]).first() or Framework(
                key=fw["key"])
            changed = framework.pk is None
            for name in ("name", "version", "description", "source"):
                if getattr(framework, name) != fw.get(name, ""):
                    setattr(framework, name, fw.get(name, ""))
                    changed = True
            if changed:
                framework.save()
                counts["frameworks"] += 1
            rows = list(fw.get("requirements", []))
            if fw.get("annex_a"):
                rows += [{"code": f"A.{c.number}", "group": f"Bilaga A: {c.get_theme_display()}", "control": c}
                         for c in Control.objects.order_by("sort_key")]
            existing = {r.code: r for r in FrameworkRequirement.objects.filter(framework=framework)}
            for order, row in enumerate(rows):
                values = {"group": row.get("group", ""), "title": row.get("title", ""), "text": row.get("text", ""),
                          "control": row.get("control"), "order": order}
                req = existing.get(row["code"])
                if req is None:
                    FrameworkRequirement.objects.create(framework=framework, code=row["code"], **values)
                    counts["requirements"] += 1
                elif any(getattr(req, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(req, k, v)
                    req.save()
                    counts["requirements"] += 1
    return counts


def ensure_loaded() -> None:
    if not MaturityLevel.objects.exists():
        load_frameworks()
