"""Generated risks for benchmarks (`manage.py generate_data`): 50 000 at scale 1.

Risks are spread over the generated municipalities in proportion to their systems, each
linked to one of them, with a treatment (and its action) for about a third. Rows are
bulk-inserted in batches; trail.capture.bulk_entries gives each its create entry, so
`verify_audit` holds afterwards.
"""

import datetime
import random
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from actions.models import Action, ActionStatus
from demo.generated import insert
from inventory.models import System
from organisations.models import Membership, OrganisationKind
from organisations.roles import Role
from risk.catalogue import load_threats
from risk.models import Risk, RiskMatrix, RiskStatus, RiskSystem, Strategy, Threat, Treatment, TreatmentStatus

RISKS_AT_SCALE_1 = 50_000
TREATMENT_SHARE = 0.35
OWNER_ROLES = (Role.SYSTEM_OWNER, Role.COORDINATOR, Role.SYSTEM_ADMINISTRATOR)
MEASURES = [
    "Inför tvåfaktorsinloggning", "Öva återläsning av säkerhetskopior", "Ställ säkerhetskrav i avtalet",
    "Följ upp leverantörens nyckeltal kvartalsvis", "Se över behörigheterna", "Inför loggkontroll",
    "Ta fram kontinuitetsplan", "Segmentera nätet", "Installera säkerhetsuppdateringar inom 72 timmar",
    "Utbilda medarbetarna", "Dokumentera olämplighetsprövning enligt OSL", "Inför åtskild test och driftsättning",
]


def _weighted(rng: random.Random, options: dict):
    return rng.choices(list(options), weights=list(options.values()))[0]


def _shares(total: int, weights: list[int]) -> list[int]:
    shares = [total * w // sum(weights) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    """Bulk-create risks, their system links, treatments and actions for the generated municipalities."""
    counts: dict[str, int] = {}
    municipalities = [o for o in organisations if o.kind == OrganisationKind.MUNICIPALITY]
    system_counts = dict(System.objects.filter(organisation__in=municipalities).values_list("organisation")
                         .annotate(n=Count("pk")))
    municipalities = [o for o in municipalities if system_counts.get(o.pk)]
    if not municipalities:
        return counts
    with transaction.atomic():
        load_threats()
        threats = list(Threat.objects.filter(organisation__isnull=True).only("pk", "name"))
        members: dict[int, list[int]] = defaultdict(list)
        for org_id, user_id in Membership.objects.filter(organisation__in=municipalities, role__in=OWNER_ROLES) \
                .values_list("organisation_id", "user_id"):
            members[org_id].append(user_id)
        existing = set(RiskMatrix.objects.filter(organisation__in=municipalities).values_list("organisation_id", flat=True))
        insert(RiskMatrix, [RiskMatrix(organisation=o) for o in municipalities if o.pk not in existing], counts)
        total = max(len(municipalities), round(RISKS_AT_SCALE_1 * scale))
        treatment_type = ContentType.objects.get_for_model(Treatment)
        for org, n in zip(municipalities, _shares(total, [system_counts[o.pk] for o in municipalities])):
            _organisation(org, n, rng, threats, members[org.pk], treatment_type, counts)
    return counts


def _organisation(org, n: int, rng: random.Random, threats: list[Threat], owners: list[int], treatment_type,
                  counts: dict[str, int]) -> None:
    today = timezone.localdate()
    systems = list(System.objects.filter(organisation=org).values_list("pk", "name"))
    risks, picked = [], []
    for _ in range(n):
        system = rng.choice(systems)
        threat = rng.choice(threats)
        risks.append(_risk(org, rng, threat, system[1], owners, today))
        picked.append(system)
    insert(Risk, risks, counts)
    insert(RiskSystem, [RiskSystem(organisation=org, risk=risk, system_id=pk, system_name=name)
                         for risk, (pk, name) in zip(risks, picked)], counts)
    treatments = [
        Treatment(organisation=org, risk=risk, description=rng.choice(MEASURES), owner_id=risk.owner_id,
                  due_date=today + datetime.timedelta(days=rng.randint(-90, 300)),
                  status=_weighted(rng, {TreatmentStatus.OPEN: 50, TreatmentStatus.IN_PROGRESS: 30,
                                         TreatmentStatus.DONE: 20}))
        for risk in risks if rng.random() < TREATMENT_SHARE
    ]
    insert(Treatment, treatments, counts)
    now = timezone.now()
    insert(Action, [
        Action(organisation=org, title=t.description, owner_id=t.owner_id, due_date=t.due_date,
               status=ActionStatus(t.status), completed_at=now if t.status == TreatmentStatus.DONE else None,
               source_type=treatment_type, source_id=str(t.pk), source_label=t.description,
               description=f"Behandling av risken “{t.risk.title}”.")
        for t in treatments
    ], counts)


def _risk(org, rng: random.Random, threat: Threat, system_name: str, owners: list[int], today) -> Risk:
    inherent_l, inherent_c = rng.randint(1, 4), rng.randint(1, 4)
    assessed = rng.random() < 0.85
    residual_l = rng.randint(1, inherent_l) if assessed else None
    residual_c = max(1, inherent_c - rng.randint(0, 1)) if assessed else None
    status = _weighted(rng, {RiskStatus.ASSESSED: 40, RiskStatus.TREATED: 35, RiskStatus.CLOSED: 10}) if assessed \
        else RiskStatus.IDENTIFIED
    risk = Risk(
        organisation=org, title=f"{threat.name}: {system_name}"[:300], threat=threat,
        description=f"{threat.name} som drabbar {system_name}.",
        inherent_likelihood=inherent_l, inherent_consequence=inherent_c,
        residual_likelihood=residual_l, residual_consequence=residual_c,
        owner_id=rng.choice(owners) if owners and rng.random() < 0.9 else None,
        strategy=_weighted(rng, {Strategy.REDUCE: 70, Strategy.ACCEPT: 15, Strategy.AVOID: 5, Strategy.TRANSFER: 10})
        if assessed else "",
        status=status, review_date=today + datetime.timedelta(days=rng.randint(-60, 365)),
    )
    risk.refresh_scores()  # bulk_create skips save(), which keeps the scores otherwise
    return risk
