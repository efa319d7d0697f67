"""Generated audits for benchmarks (`manage.py generate_data`): per municipality three audits over
three years (maturity assessed on the MSB method and part of ISO/IEC 27001, observations with
recommendations), and the automatic findings' history recorded by the engine itself."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from audits import engine
from audits.frameworks import ensure_loaded
from audits.models import (
    Assessment,
    Audit,
    AuditKind,
    AuditStatus,
    Framework,
    FrameworkRequirement,
    Observation,
    Recommendation,
)
from core.findings import PRIORITIES
from demo.generated import insert
from organisations.models import Membership, OrganisationKind
from organisations.roles import Role

TITLES = ["Granskning av informationssäkerhetsarbetet", "Självskattning enligt MSB:s metodstöd",
          "Granskning av leverantörsstyrning", "Granskning av kontinuitetsplanering"]
OBSERVATIONS = [
    ("Säkerhetskrav saknas i avtal", "Avtalen med leverantörerna reglerar inte informationssäkerheten."),
    ("Klassningar är inte slutförda", "Flera informationsmängder saknar fastställd klassning."),
    ("Ingen uppföljning av leveransen", "Leverantörens leverans följs inte upp strukturerat."),
    ("Incidenter utvärderas inte", "Incidenter stängs utan genomgång av orsaker och lärdomar."),
    ("Styrdokument är inaktuella", "Policy och riktlinjer har inte setts över på flera år."),
    ("Åtgärder följs inte upp", "Åtgärder i handlingsplanen passerar sitt slutdatum utan uppföljning."),
]
RECOMMENDATIONS = ["Inför en rutin för uppföljning.", "Utse en ansvarig och en tidplan.",
                   "Rapportera status till kommunstyrelsen halvårsvis."]
ISO = "iso27001-2022"
ISO_SAMPLE = 20


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    """Audits with their rows for the generated municipalities; then the findings history, through the engine."""
    counts: dict[str, int] = {}
    orgs = [o for o in organisations if o.kind == OrganisationKind.MUNICIPALITY]
    if not orgs:
        return counts
    ensure_loaded()
    frameworks = {f.key: f for f in Framework.objects.filter(organisation__isnull=True, withdrawn=False)}
    requirements: dict[str, list[FrameworkRequirement]] = {}
    for r in (FrameworkRequirement.objects.filter(framework__in=frameworks.values()).select_related("framework")
              .order_by("order", "pk")):
        requirements.setdefault(r.framework.key, []).append(r)
    auditors = dict(Membership.objects.filter(organisation__in=orgs, role=Role.AUDITOR)
                    .values_list("organisation_id", "user_id"))
    today = timezone.localdate()
    audits, rows = [], []
    for org in orgs:
        for years_ago in (2, 1, 0):
            audit = _audit(org, years_ago, rng, today)
            audits.append(audit)
            rows.append((audit, years_ago))
    with transaction.atomic():
        insert(Audit, audits, counts)
        chosen = [f for key, f in frameworks.items() if key in ("msb-lis", ISO)] or list(frameworks.values())
        through = Audit.frameworks.through
        through.objects.bulk_create([through(audit_id=a.pk, framework_id=f.pk) for a in audits for f in chosen],
                                    batch_size=1000)
        people = Audit.auditors.through
        people.objects.bulk_create([people(audit_id=a.pk, user_id=auditors[a.organisation_id])
                                    for a in audits if a.organisation_id in auditors], batch_size=1000)
        assessments, observations = [], []
        for audit, years_ago in rows:
            assessments += _assessments(audit, years_ago, rng, requirements, chosen, auditors)
            observations += _observations(audit, rng)
        insert(Assessment, assessments, counts)
        insert(Observation, observations, counts)
        recommendations = [
            Recommendation(organisation_id=o.organisation_id, observation=o, number=n + 1, text=text)
            for o in observations for n, text in enumerate(rng.sample(RECOMMENDATIONS, rng.randint(1, 3)))]
        insert(Recommendation, recommendations, counts)
    # The findings' history as the nightly job writes it: the engine over each organisation's data.
    for org in orgs:
        engine.evaluate_and_record(org, today=today)
    return counts


def _audit(org, years_ago: int, rng: random.Random, today: datetime.date) -> Audit:
    year = today.year - years_ago
    self_assessment = years_ago == 1
    return Audit(
        organisation=org, kind=AuditKind.SELF_ASSESSMENT if self_assessment else AuditKind.AUDIT,
        title=f"{rng.choice(TITLES)} {year}", reference=f"KS {year}/{rng.randint(10, 999)}",
        commissioned_by="De förtroendevalda revisorerna", purpose="Att bedöma om informationssäkerheten styrs "
        "och följs upp ändamålsenligt.", questions="Styrs informationssäkerheten enligt god praxis?",
        period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
        report_date=datetime.date(year, 11, 15) if years_ago else None,
        status=AuditStatus.REPORTED if years_ago else AuditStatus.IN_PROGRESS)


def _assessments(audit, years_ago, rng, requirements, chosen, auditors) -> list[Assessment]:
    rows = []
    for framework in chosen:
        pool = requirements.get(framework.key, [])
        picked = pool if framework.key != ISO else rng.sample(pool, min(ISO_SAMPLE, len(pool)))
        for requirement in picked:
            # Maturity grows a little each year.
            level = max(0, min(5, rng.randint(0, 3) + (2 - years_ago)))
            rows.append(Assessment(organisation_id=audit.organisation_id, audit=audit, requirement=requirement,
                                   level=level, assessed_by_id=auditors.get(audit.organisation_id),
                                   assessed_at=timezone.now()))
    return rows


def _observations(audit, rng) -> list[Observation]:
    picked = rng.sample(OBSERVATIONS, rng.randint(4, len(OBSERVATIONS)))
    return [Observation(organisation_id=audit.organisation_id, audit=audit, number=n + 1, title=title,
                        description=text, priority=rng.choice(list(PRIORITIES)))
            for n, (title, text) in enumerate(picked)]
