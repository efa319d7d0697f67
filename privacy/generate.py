"""Generated data protection for benchmarks (`manage.py generate_data`): 20 000 processing
activities at scale 1, spread over the generated municipalities like their systems.

Each activity has one controller, one or two systems and, for four in ten, the municipality's
IT company as processor (covered by a DPA); one in a hundred records a transfer to the USA. Rows
are bulk-inserted through demo.generated.insert, so the trail chains them.
"""

import datetime
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from demo.generated import insert
from inventory.models import System
from organisations.models import OrganisationKind, Unit
from privacy import rules
from privacy.models import (
    ActivityStatus,
    ActivityTransfer,
    DataCategory,
    DataSubject,
    Dpia,
    DpiaStatus,
    ProcessingActivity,
    ProcessorAgreement,
)
from suppliers.models import Supplier

ACTIVITIES_AT_SCALE_1 = 20_000
NAMES = ["Handläggning av ansökningar", "Registerhållning", "Uppföljning av insatser", "Fakturering",
         "Kontakt med invånare", "Personaladministration", "Bokning och avgifter", "Elevadministration",
         "Tillsyn och kontroll", "Utskick och kallelser"]
BASES = ["e", "e", "e", "c", "b", "a", ""]


def activity_count(scale: float) -> int:
    return max(1, round(ACTIVITIES_AT_SCALE_1 * scale))


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    counts: dict[str, int] = {}
    municipalities = [o for o in organisations if o.kind == OrganisationKind.MUNICIPALITY]
    if not municipalities:
        return counts
    today = timezone.localdate()
    total = activity_count(scale)
    with transaction.atomic():
        systems = defaultdict(list)
        for pk, org_id in System.objects.filter(organisation__in=municipalities).values_list("pk", "organisation_id"):
            systems[org_id].append(pk)
        units = defaultdict(list)
        for pk, org_id in Unit.objects.filter(organisation__in=municipalities).values_list("pk", "organisation_id"):
            units[org_id].append(pk)
        it = {}
        for pk, org_id in (Supplier.objects.filter(organisation__in=municipalities, tillit_organisation__isnull=False)
                           .order_by("pk").values_list("pk", "organisation_id")):
            it.setdefault(org_id, pk)
        all_systems = sum(len(v) for v in systems.values()) or 1
        activities, links = [], []
        subjects, categories = list(DataSubject.values), [c for c in DataCategory.values if c != "criminal"]
        for org in municipalities:
            share = max(1, total * len(systems.get(org.pk, [])) // all_systems) if systems.get(org.pk) else 0
            for i in range(share):
                basis = rng.choice(BASES)
                cats = rng.sample(categories, rng.randint(1, 3))
                a = ProcessingActivity(
                    organisation=org, name=f"{rng.choice(NAMES)} {i + 1:05d}", purpose="Genererad behandling.",
                    legal_basis=basis, art9_ground="h" if set(cats) & {"health", "ethnic", "religion", "union",
                                                                        "biometric", "sex_life", "political"} else "",
                    data_subjects=rng.sample(subjects, rng.randint(1, 2)), data_categories=cats,
                    retention="Enligt dokumenthanteringsplanen.", retention_months=rng.choice([12, 36, 60, None]),
                    review_date=today + datetime.timedelta(days=rng.randint(-60, 700)),
                    status=ActivityStatus.COMPLETE if basis else ActivityStatus.DRAFT)
                activities.append(a)
                links.append((a, rng.choice(units[org.pk]) if units.get(org.pk) else None,
                              rng.sample(systems[org.pk], min(len(systems[org.pk]), rng.randint(1, 2))),
                              it.get(org.pk) if rng.random() < 0.4 else None))
        insert(ProcessingActivity, activities, counts)
        through = ProcessingActivity
        through.controllers.through.objects.bulk_create(
            [through.controllers.through(processingactivity_id=a.pk, unit_id=u) for a, u, _s, _p in links if u],
            batch_size=2000)
        through.systems.through.objects.bulk_create(
            [through.systems.through(processingactivity_id=a.pk, system_id=s) for a, _u, ss, _p in links for s in ss],
            batch_size=2000)
        through.processors.through.objects.bulk_create(
            [through.processors.through(processingactivity_id=a.pk, supplier_id=p) for a, _u, _s, p in links if p],
            batch_size=2000)
        version = rules.art28_checklist()[0]
        agreements = [ProcessorAgreement(organisation_id=org_id, supplier_id=supplier_id,
                                         title="Personuppgiftsbiträdesavtal", signed_on=datetime.date(2020, 1, 15),
                                         checklist_version=version,
                                         points={p.key: "1" for p in rules.art28_checklist()[1]})
                      for org_id, supplier_id in it.items()]
        insert(ProcessorAgreement, agreements, counts)
        transfers = [ActivityTransfer(organisation_id=a.organisation_id, activity=a, country="US",
                                      recipient="Molnleverantör Inc.", scc_signed=rng.random() < 0.7,
                                      tia_done=rng.random() < 0.5) for a in activities if rng.random() < 0.01]
        insert(ActivityTransfer, transfers, counts)
        dpias = [Dpia(organisation_id=a.organisation_id, activity=a, title=f"Konsekvensbedömning {a.name}",
                      criteria=["sensitive", "large_scale"], status=rng.choice([DpiaStatus.DRAFT, DpiaStatus.AWAITING_ADVICE]))
                 for a in activities if rng.random() < 0.01]
        insert(Dpia, dpias, counts)
    return counts
