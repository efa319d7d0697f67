"""Generated incidents for benchmarks (`manage.py generate_data`): 100 000 at scale 1, spread over
the generated municipalities, each with its own case.

Nine in ten are closed; of the rest a share has a deadline running. One in twenty is significant
with its early warning and notification submitted, one in fifteen a personal data breach, and
a third of the high ones are closed without the review they required. The IT company's share is
addressed to its customers, each of which has its own case. Rows are bulk-inserted through
demo.generated.insert, so the trail chains them.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from demo.generated import insert
from incidents import rules
from incidents.models import (
    Category,
    Incident,
    IncidentCase,
    Severity,
    StageSubmission,
    Status,
    ensure_default_severities,
)
from organisations.models import OrganisationKind

INCIDENTS_AT_SCALE_1 = 100_000
TITLES = ["Nätfiskemejl", "Driftstörning", "Borttappad dator", "Obehörig åtkomst", "Skadekod på klient",
          "Felskickat e-postmeddelande", "Överbelastningsattack", "Felaktig behörighet", "Avbrott i nätverket",
          "Misstänkt intrång"]
CATEGORIES = list(Category.values)


def incident_count(scale: float) -> int:
    return max(1, round(INCIDENTS_AT_SCALE_1 * scale))


def _case(org_id, incident, aware, rng, severities, now):
    open_ = rng.random() < 0.1
    significant = rng.random() < 0.05
    breach = rng.random() < 0.067
    severity = severities[3] if significant else rng.choice(severities[:3])
    case = IncidentCase(organisation_id=org_id, incident=incident, aware_at=aware, severity=severity,
                        significant=significant, significance_reason="Genererad bedömning.",
                        breach=breach, breach_notifiable=breach and rng.random() < 0.5,
                        breach_reason="Genererad bedömning." if breach else "")
    if open_ and rng.random() < 0.5:
        case.significant = case.breach = None
        case.status = Status.REPORTED
    elif open_:
        case.status = Status.HANDLING
    else:
        case.status = Status.CLOSED
        case.handling_ended_at = case.closed_at = aware + datetime.timedelta(days=rng.randint(1, 20))
        case.closed_without_review = severity.review_required and rng.random() < 0.33
    return case


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    counts: dict[str, int] = {}
    municipalities = [o for o in organisations if o.kind == OrganisationKind.MUNICIPALITY]
    suppliers = [o for o in organisations if o.kind == OrganisationKind.SUPPLIER]
    if not municipalities:
        return counts
    now = timezone.now()
    ensure_default_severities()
    severities = list(Severity.objects.filter(organisation=None).order_by("rank"))
    total = incident_count(scale)
    served = {s.pk: list(s.customers.filter(pk__in=[m.pk for m in municipalities]).values_list("pk", flat=True))
              for s in suppliers}
    owners = [(m.pk, None) for m in municipalities] + [(s.pk, served[s.pk]) for s in suppliers if served[s.pk]]
    with transaction.atomic():
        incidents, addressing, numbers = [], [], {}
        for i in range(total):
            org_id, customers = owners[i % len(owners)] if i % 10 == 0 else owners[i % len(municipalities)]
            aware = now - datetime.timedelta(minutes=rng.randint(30, 365 * 24 * 60))
            key = (org_id, aware.year)
            numbers[key] = numbers.get(key, 0) + 1
            incident = Incident(organisation_id=org_id, reference=f"INC-{aware.year}-{numbers[key]:05d}",
                                title=f"{rng.choice(TITLES)} {i + 1:06d}", description="Genererad händelse.",
                                category=rng.choice(CATEGORIES), detected_at=aware,
                                addressed_at=aware if customers else None)
            incidents.append(incident)
            addressing.append(rng.sample(customers, min(len(customers), rng.randint(1, 3))) if customers else [])
        insert(Incident, incidents, counts)
        through = Incident.shared_with.through
        through.objects.bulk_create([through(incident_id=inc.pk, organisation_id=org)
                                     for inc, orgs in zip(incidents, addressing) for org in orgs], batch_size=2000)
        cases = []
        for incident, orgs in zip(incidents, addressing):
            for org_id in [incident.organisation_id, *orgs]:
                cases.append(_case(org_id, incident, incident.detected_at, rng, severities, now))
        for case in cases:
            case.refresh_deadline({rules.EARLY_WARNING: case.aware_at + datetime.timedelta(hours=20),
                                   rules.NOTIFICATION: case.aware_at + datetime.timedelta(hours=60)}
                                  if case.significant else {})
        insert(IncidentCase, cases, counts)
        submissions = []
        for case in cases:
            if case.significant:
                for stage, hours in ((rules.EARLY_WARNING, 20), (rules.NOTIFICATION, 60)):
                    submissions.append(StageSubmission(
                        organisation_id=case.organisation_id, case=case, stage=stage,
                        submitted_at=case.aware_at + datetime.timedelta(hours=hours),
                        recipient=rules.recipient(stage, case.aware_at.date()).name))
        insert(StageSubmission, submissions, counts)
    return counts
