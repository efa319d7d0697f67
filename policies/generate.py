"""Generated governing documents for benchmarks (`manage.py generate_data`): 5–15 per organisation, some overdue."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from demo.generated import insert
from organisations.models import Membership, Organisation
from organisations.roles import Role
from policies import rules
from policies.models import DEFAULT_INTERVAL, DocumentStatus, GoverningDocument, Kind

TITLES = {
    Kind.POLICY: ["Informationssäkerhetspolicy", "IT-policy", "Dataskyddspolicy", "Säkerhetspolicy"],
    Kind.GUIDELINE: ["Riktlinje för informationsklassning", "Riktlinje för behörigheter", "Riktlinje för molntjänster",
                     "Riktlinje för loggning"],
    Kind.INSTRUCTION: ["Säkerhetsinstruktion för medarbetare", "Instruktion för distansarbete",
                       "Instruktion för lösenord"],
    Kind.ROUTINE: ["Rutin för incidentrapportering", "Rutin för säkerhetskopiering", "Rutin för ändringshantering",
                   "Rutin för kontinuitetsövning", "Rutin för logggranskning"],
}
BODIES = {Kind.POLICY: "Kommunfullmäktige", Kind.GUIDELINE: "Kommunstyrelsen", Kind.INSTRUCTION: "Säkerhetschef",
          Kind.ROUTINE: "Säkerhetschef"}
OWNER_ROLES = (Role.COORDINATOR, Role.ADMIN, Role.SECURITY_LEAD)


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    """Bulk-create governing documents for the generated organisations (scale does not change the count)."""
    counts: dict[str, int] = {}
    orgs = list(organisations)
    if not orgs:
        return counts
    # The municipalities' IT companies get documents of their own, shared with their customers.
    suppliers = list(Organisation.objects.filter(customers__in=orgs).distinct())
    customers: dict[int, list[int]] = {}
    for supplier_id, customer_id in Organisation.customers.through.objects.filter(
            from_organisation__in=suppliers, to_organisation__in=orgs).values_list(
            "from_organisation_id", "to_organisation_id"):
        customers.setdefault(supplier_id, []).append(customer_id)
    orgs += [s for s in suppliers if s not in orgs]
    today = timezone.localdate()
    owners: dict[int, list[int]] = {}
    for org_id, user_id in Membership.objects.filter(organisation__in=orgs, role__in=OWNER_ROLES) \
            .values_list("organisation_id", "user_id"):
        owners.setdefault(org_id, []).append(user_id)
    docs = []
    for org in orgs:
        for n in range(rng.randint(5, 15)):
            docs.append(_document(org, n, rng, owners.get(org.pk, []), today))
    with transaction.atomic():
        insert(GoverningDocument, docs, counts)
        # The sharing links are plain m2m rows (no trail entry of their own in generated data).
        through = GoverningDocument.shared_with.through
        links = [through(governingdocument_id=d.pk, organisation_id=c)
                 for d in docs for c in customers.get(d.organisation_id, [])]
        through.objects.bulk_create(links, batch_size=1000)
    return counts


def _document(org, n: int, rng: random.Random, owners: list[int], today: datetime.date) -> GoverningDocument:
    kind = rng.choice(list(Kind))
    interval = DEFAULT_INTERVAL[kind]
    # About one in four is past review: adopted longer ago than its interval.
    adopted = today - datetime.timedelta(days=rng.randint(30, 30 * interval + (900 if rng.random() < 0.25 else 0)))
    status = rng.choices([DocumentStatus.IN_FORCE, DocumentStatus.DRAFT, DocumentStatus.REPEALED], [85, 10, 5])[0]
    return GoverningDocument(
        organisation=org, kind=kind, title=f"{rng.choice(TITLES[kind])} ({n + 1})", scope="Hela organisationen.",
        owner_id=rng.choice(owners) if owners else None, adopted_by=BODIES[kind], adopted_on=adopted,
        version=f"1.{rng.randint(0, 5)}", review_interval_months=interval, status=status,
        next_review=rules.add_months(adopted, interval))
