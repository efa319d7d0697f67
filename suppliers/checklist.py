"""The contract security checklist: loading it from its data file, and a supplier's gaps.

The checklist (suppliers/data/contract_checklist.json) lists what a contract with an external
IT supplier should at least cover, after the auditors' observation 4.1 of reference case 2 and
ISO/IEC 27001:2022 A.5.19–A.5.22. The gap functions read a constant number of queries
whatever the number of suppliers and contracts, so a findings engine can call them too.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.tenancy import Tenant
from suppliers.models import (
    COVERAGE_RANK,
    ChecklistArea,
    Contract,
    ContractAssessment,
    ContractKind,
    CoverageStatus,
    Supplier,
)

CHECKLIST_PATH = Path(__file__).resolve().parent / "data" / "contract_checklist.json"
AREA_FIELDS = ("title_sv", "title_en", "guidance_sv", "guidance_en", "source")


def read_checklist(path: Path = CHECKLIST_PATH) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def check_checklist(data: dict) -> list[str]:
    """Everything wrong with a checklist file (empty when it may be loaded)."""
    problems = []
    if not str(data.get("version") or "").strip():
        problems.append("version: missing")
    areas = data.get("areas") or []
    if not areas:
        problems.append("areas: none")
    keys = [a.get("key") for a in areas]
    if len(set(keys)) != len(keys):
        problems.append("areas: keys are not unique")
    for area in areas:
        for name in ("key",) + AREA_FIELDS:
            if not str(area.get(name) or "").strip():
                problems.append(f"area {area.get('key') or '?'}: {name} is empty")
    return problems


@transaction.atomic
def load_checklist(data: dict | None = None) -> dict[str, int]:
    """Create or update the areas by key; areas the file no longer has are marked withdrawn."""
    data = read_checklist() if data is None else data
    problems = check_checklist(data)
    if problems:
        raise ValueError("The contract checklist is not valid:\n" + "\n".join(problems))
    existing = {a.key: a for a in ChecklistArea.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "withdrawn": 0}
    for order, row in enumerate(data["areas"], start=1):
        values = {name: row[name] for name in AREA_FIELDS}
        values.update(order=order, version=data["version"], withdrawn=False)
        area = existing.pop(row["key"], None)
        if area is None:
            ChecklistArea.objects.create(key=row["key"], **values)
            counts["created"] += 1
        elif any(getattr(area, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(area, name, value)
            area.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    for area in existing.values():
        if not area.withdrawn:
            area.withdrawn = True
            area.save()
            counts["withdrawn"] += 1
    return counts


def checklist_areas() -> list[ChecklistArea]:
    """The areas in use, loading the bundled checklist first when the database has none."""
    areas = list(ChecklistArea.objects.filter(withdrawn=False))
    if not areas and not ChecklistArea.objects.exists():
        load_checklist()
        areas = list(ChecklistArea.objects.filter(withdrawn=False))
    return areas


# Gaps ---------------------------------------------------------------------------------------


@dataclass
class AreaCoverage:
    """A supplier's coverage of one area: the best status over its contracts in force."""

    area: ChecklistArea
    status: str
    assessment: ContractAssessment | None  # the one that gives the best status, if assessed

    @property
    def is_gap(self) -> bool:
        return self.status != CoverageStatus.COVERED

    @property
    def status_label(self) -> str:
        return CoverageStatus(self.status).label


@dataclass
class SupplierCoverage:
    supplier: Supplier
    contracts: list[Contract]
    areas: list[AreaCoverage]

    @property
    def gaps(self) -> list[AreaCoverage]:
        return [a for a in self.areas if a.is_gap]


def _best(assessments: list[ContractAssessment]) -> ContractAssessment | None:
    return min(assessments, key=lambda a: (COVERAGE_RANK[a.status], a.pk), default=None)


def coverage_by_supplier(*, tenant: Tenant, supplier: Supplier | None = None,
                         today: datetime.date | None = None) -> list[SupplierCoverage]:
    """Per supplier with a contract in force: each area's best status over those contracts.

    Four queries whatever the size: the areas, the contracts in force (with their suppliers),
    and their assessments. Only the organisation's own contracts count (a contract shared with
    the organisation is another buyer's).
    """
    today = today or timezone.localdate()
    areas = checklist_areas()
    # The organisation's own register: a contract another buyer shared is not its coverage.
    contracts = (tenant.scope(Contract).filter(supplier__in=tenant.scope(Supplier).values("pk"))
                 .exclude(valid_from__gt=today).exclude(valid_until__lt=today)
                 .select_related("supplier").order_by("supplier__name", "supplier_id", "pk"))
    if supplier is not None:
        contracts = contracts.filter(supplier=supplier)
    contracts = list(contracts)
    by_contract: dict[int, dict[int, ContractAssessment]] = {}
    assessments = (tenant.scope(ContractAssessment).filter(contract__in=[c.pk for c in contracts])
                   .select_related("assessed_by"))
    for a in assessments:
        by_contract.setdefault(a.contract_id, {})[a.area_id] = a
    grouped: dict[int, SupplierCoverage] = {}
    for contract in contracts:
        entry = grouped.setdefault(contract.supplier_id, SupplierCoverage(contract.supplier, [], []))
        entry.contracts.append(contract)
    for entry in grouped.values():
        for area in areas:
            found = [by_contract[c.pk][area.pk] for c in entry.contracts if area.pk in by_contract.get(c.pk, {})]
            best = _best(found)
            entry.areas.append(AreaCoverage(area, best.status if best else CoverageStatus.NOT_ASSESSED, best))
    return list(grouped.values())


def contract_gaps(*, tenant: Tenant, supplier: Supplier, today: datetime.date | None = None) -> list[AreaCoverage]:
    """The supplier's gaps: areas its contracts in force cover only partly or not at all."""
    found = coverage_by_supplier(tenant=tenant, supplier=supplier, today=today)
    return found[0].gaps if found else []


def organisation_gaps(*, tenant: Tenant, today: datetime.date | None = None) -> list[SupplierCoverage]:
    """Every supplier of the organisation that has gaps, with them (constant queries)."""
    return [entry for entry in coverage_by_supplier(tenant=tenant, today=today) if entry.gaps]


def primary_contract(contracts: list[Contract]) -> Contract:
    """The contract a gap nobody assessed is recorded on: the main agreement, else the oldest."""
    mains = [c for c in contracts if c.kind == ContractKind.MAIN]
    return (mains or contracts)[0]
