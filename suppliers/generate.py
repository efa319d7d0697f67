"""Generated contracts for benchmarks (`manage.py generate_data`): 3–6 per municipality.

Each generated municipality gets a main agreement with its IT company's register entry (shared
with that organisation) and a few contracts with other suppliers, each with a checklist
assessment of every area. Rows are bulk-inserted through demo.generated.insert, so the trail
chains them.
"""

import datetime
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from demo.generated import insert
from organisations.models import OrganisationKind
from suppliers.checklist import checklist_areas
from suppliers.models import Contract, ContractAssessment, ContractKind, CoverageStatus, Supplier

STATUS_WEIGHTS = {CoverageStatus.COVERED: 55, CoverageStatus.PARTLY: 20, CoverageStatus.NOT_COVERED: 15,
                  CoverageStatus.NOT_ASSESSED: 10}
KIND_TITLES = {ContractKind.SERVICE: "Tjänsteavtal", ContractKind.DPA: "Personuppgiftsbiträdesavtal",
               ContractKind.OTHER: "Licensavtal", ContractKind.LEASE: "Hyresavtal"}


def _contract(org, supplier, rng: random.Random, kind, title, today) -> Contract:
    start = today - datetime.timedelta(days=rng.randint(100, 2500))
    until = None if rng.random() < 0.3 else start + datetime.timedelta(days=rng.randint(700, 2600))
    return Contract(organisation=org, supplier=supplier, kind=kind, title=title,
                    reference=f"KS {start.year}/{rng.randint(100, 999)}", signed_on=start, valid_from=start,
                    valid_until=until, notice_months=rng.choice([None, 3, 6, 9, 12]), auto_renewal=rng.random() < 0.5)


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    """Bulk-create 3–6 contracts per generated municipality with their checklist assessments."""
    counts: dict[str, int] = {}
    municipalities = [o for o in organisations if o.kind == OrganisationKind.MUNICIPALITY]
    if not municipalities:
        return counts
    today = timezone.localdate()
    with transaction.atomic():
        areas = checklist_areas()
        registers = defaultdict(list)
        for supplier in Supplier.objects.filter(organisation__in=municipalities).order_by("pk"):
            registers[supplier.organisation_id].append(supplier)
        contracts, shares = [], []
        for org in municipalities:
            suppliers = registers.get(org.pk) or []
            if not suppliers:
                continue
            linked = [s for s in suppliers if s.tillit_organisation_id] or suppliers[:1]
            others = [s for s in suppliers if s not in linked]
            main = _contract(org, linked[0], rng, ContractKind.MAIN, f"Huvudavtal med {linked[0].name}", today)
            contracts.append(main)
            if linked[0].tillit_organisation_id:
                shares.append((main, linked[0].tillit_organisation_id))
            for supplier in rng.sample(others, min(len(others), rng.randint(2, 5))):
                kind = rng.choice(list(KIND_TITLES))
                contracts.append(_contract(org, supplier, rng, kind, f"{KIND_TITLES[kind]} {supplier.name}", today))
        insert(Contract, contracts, counts)
        through = Contract.shared_with.through
        through.objects.bulk_create([through(contract_id=c.pk, organisation_id=o) for c, o in shares])
        now = timezone.now()
        statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        assessments = []
        for contract in contracts:
            for area in areas:
                status = rng.choices(statuses, weights=weights)[0]
                assessed = status != CoverageStatus.NOT_ASSESSED
                assessments.append(ContractAssessment(
                    organisation_id=contract.organisation_id, contract=contract, area=area, status=status,
                    clause=f"Punkt {rng.randint(1, 12)}.{rng.randint(1, 9)}" if status == CoverageStatus.COVERED else "",
                    assessed_at=now if assessed else None))
        insert(ContractAssessment, assessments, counts)
    return counts
