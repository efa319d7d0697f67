"""Generated requirement assessments for benchmarks (wired into `manage.py generate_data`).

At scale 1: 100 000 requirement statuses spread evenly over the generated systems, and a
statement of applicability (one row per Annex A control) for every generated municipality.
Rows are bulk-inserted with one trail entry each (trail.capture.bulk_entries).
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from demo.generated import insert
from inventory.models import System
from organisations.models import Membership, OrganisationKind
from organisations.roles import Role
from requirements import derived
from requirements.catalogue import catalogue_is_loaded, load_catalogue
from requirements.models import ApplicabilityStatement, Control, Implementation, Requirement, RequirementStatus, Status

STATUSES_AT_SCALE_1 = 100_000
# Trail entries are chained per chunk: one lock of the chain head per 10 000 rows.
CHUNK = 10_000
STATUS_WEIGHTS = {Status.MET: 40, Status.PARTLY_MET: 25, Status.NOT_MET: 20, Status.NOT_APPLICABLE: 15}
ASSESSOR_ROLES = (Role.SYSTEM_ADMINISTRATOR, Role.SYSTEM_OWNER, Role.COORDINATOR)


def planned_statuses(*, systems: int, requirements: int, scale: float) -> int:
    """How many statuses a scale gives: 100 000 × scale, at most one per system and requirement."""
    return min(round(STATUSES_AT_SCALE_1 * scale), systems * requirements)


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    """Bulk-create requirement statuses and statements of applicability for the generated organisations."""
    if not catalogue_is_loaded():
        load_catalogue()
    organisations = list(organisations)
    # Requirements Tillit answers from its data are not assessed by hand (requirements.derived).
    requirements = [r for r in Requirement.objects.filter(organisation__isnull=True, withdrawn=False).order_by("code")
                    if not derived.is_derived(r)]
    systems = list(System.objects.filter(organisation__in=organisations).order_by("pk").values_list("pk", "organisation_id"))
    assessors: dict[int, list[int]] = {}
    for user_id, org_id in Membership.objects.filter(organisation__in=organisations, role__in=ASSESSOR_ROLES).values_list(
            "user_id", "organisation_id"):
        assessors.setdefault(org_id, []).append(user_id)
    with transaction.atomic():
        statuses = _statuses(systems, requirements, assessors, rng, scale)
        statements = _statements([o for o in organisations if o.kind == OrganisationKind.MUNICIPALITY], rng)
    return {RequirementStatus._meta.label: statuses, ApplicabilityStatement._meta.label: statements}


def _per_system(total: int, systems: int) -> list[int]:
    base, extra = divmod(total, systems) if systems else (0, 0)
    return [base + (1 if i < extra else 0) for i in range(systems)]


def _statuses(systems, requirements, assessors, rng: random.Random, scale: float) -> int:
    total = planned_statuses(systems=len(systems), requirements=len(requirements), scale=scale)
    now = timezone.now()
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    chunk: list[RequirementStatus] = []
    made = 0
    for (system_id, org_id), count in zip(systems, _per_system(total, len(systems))):
        for requirement in rng.sample(requirements, count):
            status = rng.choices(statuses, weights=weights)[0]
            chunk.append(RequirementStatus(
                organisation_id=org_id, system_id=system_id, requirement=requirement, status=status,
                reason="Bedömd som ej tillämplig vid självskattningen." if status == Status.NOT_APPLICABLE else "",
                evidence="Underlag finns i förvaltningsdokumentationen." if status == Status.MET else "",
                assessed_by_id=rng.choice(assessors[org_id]) if assessors.get(org_id) else None,
                assessed_at=now - timedelta(days=rng.randint(1, 700)),
            ))
            if len(chunk) >= CHUNK:
                made += len(insert(RequirementStatus, chunk))
                chunk = []
    return made + len(insert(RequirementStatus, chunk))


def _statements(municipalities, rng: random.Random) -> int:
    controls = list(Control.objects.order_by("sort_key"))
    rows = []
    for org in municipalities:
        for control in controls:
            applicable = rng.random() < 0.85
            rows.append(ApplicabilityStatement(
                organisation=org, control=control, applicable=applicable,
                reason="" if applicable else ("Verksamheten saknas i kommunen." if rng.random() < 0.7 else ""),
                implementation=rng.choices(list(Implementation.values), weights=[40, 30, 20, 10])[0],
            ))
    return len(insert(ApplicabilityStatement, rows))


@transaction.atomic
def remove(*, organisations) -> int:
    """Delete the generated organisations' assessments and statements (through the ORM, so the
    trail records each deletion) before the organisations themselves are removed: the
    statement rows protect their organisation from deletion."""
    organisations = list(organisations)
    removed = 0
    for model in (RequirementStatus, ApplicabilityStatement):
        removed += model.objects.filter(organisation__in=organisations).delete()[0]
    return removed
