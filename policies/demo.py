"""Demo governing documents: each municipality's own, and the IT company's, shared with its customers.

Lindö kommun is the auditor's reference case (seed 004, section 3.2): IT and information
security policies dated 2006 and security instructions last revised 2003, never reviewed
since. The three other municipalities have current documents, one of them slightly past
review. Mellanskogs IT AB, which had no policy of its own in the reference case, here has
its own set, shared with the four municipalities it serves.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from policies import rules
from policies.models import DocumentReview, DocumentStatus, GoverningDocument, Kind, Outcome

P, G, I, R = Kind.POLICY, Kind.GUIDELINE, Kind.INSTRUCTION, Kind.ROUTINE

LINDO = [
    (P, "IT-säkerhetspolicy", "Övergripande mål och ansvar för IT-säkerheten i kommunens verksamheter.",
     "Kommunfullmäktige", datetime.date(2006, 4, 24), "1.0", 24),
    (P, "Informationssäkerhetspolicy", "Kommunens övergripande inriktning för informationssäkerhet.",
     "Kommunfullmäktige", datetime.date(2006, 4, 24), "1.0", 24),
    (I, "Säkerhetsinstruktioner", "Instruktioner till medarbetare om lösenord, e-post och utrustning.",
     "Kommunstyrelsen", datetime.date(2003, 9, 1), "3", 12),
]

# (kind, title, scope, adopted by, months before today, version, interval)
CURRENT = [
    (P, "Informationssäkerhetspolicy", "Kommunens mål, ansvar och inriktning för informationssäkerhet.",
     "Kommunfullmäktige", 14, "2.0", 24),
    (G, "Riktlinje för informationsklassning", "Hur verksamheterna klassar sin information (KLASSA).",
     "Kommunstyrelsen", 10, "1.1", 12),
    (G, "Riktlinje för behörighetshantering", "Tilldelning, översyn och borttagning av behörigheter.",
     "Säkerhetschef", 6, "1.0", 12),
    (R, "Rutin för incidentrapportering", "Hur medarbetare rapporterar säkerhetsincidenter och till vem.",
     "Säkerhetschef", 3, "1.2", 12),
]
# The slightly overdue one: reviewed yearly, last adopted 13 months ago.
SLIGHTLY_OVERDUE = (R, "Rutin för logggranskning", "Regelbunden granskning av säkerhetsloggar i verksamhetssystemen.",
                    "Säkerhetschef", 13, "1.0", 12)

SUPPLIER_DOCS = [
    (P, "Informationssäkerhetspolicy för Mellanskogs IT AB", "Bolagets mål och ansvar för informationssäkerhet "
     "i drift och förvaltning åt kommunerna.", "Styrelsen", datetime.date(2025, 3, 12), "1.0", 24),
    (R, "Rutin för incidenthantering", "Upptäckt, bedömning, hantering och rapportering av incidenter till kunderna.",
     "Säkerhetsansvarig", datetime.date(2026, 2, 10), "1.1", 12),
    (R, "Rutin för säkerhetskopiering och återläsning", "Säkerhetskopiering av servrar och databaser och "
     "regelbundna återläsningstester.", "Säkerhetsansvarig", datetime.date(2026, 4, 1), "1.0", 12),
    (R, "Processbeskrivning för förändringshantering", "Ändringsbegäran, riskbedömning, CAB och driftsättning.",
     "Driftchef", datetime.date(2026, 1, 15), "1.0", 12),
]


def _doc(org, owner, kind, title, scope, adopted_by, adopted_on, version, interval, **extra) -> GoverningDocument:
    doc = GoverningDocument(
        organisation=org, owner=owner, kind=kind, title=title, scope=scope, adopted_by=adopted_by,
        adopted_on=adopted_on, version=version, review_interval_months=interval, status=DocumentStatus.IN_FORCE,
        next_review=rules.add_months(adopted_on, interval), **extra)
    doc.full_clean()
    doc.save()
    return doc


def _municipality(org, today) -> None:
    owner = User.objects.filter(email=f"samordnare@{org.slug}.example").first()
    if org.slug == "lindo":
        for kind, title, scope, body, adopted, version, interval in LINDO:
            _doc(org, owner, kind, title, scope, body, adopted, version, interval)
        return
    for kind, title, scope, body, months, version, interval in CURRENT + [SLIGHTLY_OVERDUE]:
        adopted = max(rules.add_months(today, -months), datetime.date(2024, 1, 1))
        _doc(org, owner, kind, title, scope, body, adopted, version, interval)
    # The current policy replaced an older one, and was reviewed once on time.
    policy = GoverningDocument.objects.get(organisation=org, title=CURRENT[0][1])
    old = _doc(org, owner, P, "Informationssäkerhetspolicy", CURRENT[0][2], "Kommunfullmäktige",
               datetime.date(2015, 6, 15), "1.0", 24)
    old.status = DocumentStatus.REPEALED
    old.save()
    policy.replaces = old
    reviewed = rules.add_months(policy.adopted_on, 12)
    if reviewed <= today:
        DocumentReview.objects.create(organisation=org, document=policy, reviewed_by=owner, reviewed_on=reviewed,
                                      outcome=Outcome.STILL_VALID, comment="Policyn är fortsatt aktuell.",
                                      next_review=rules.add_months(reviewed, 24))
        policy.last_reviewed_on = reviewed
        policy.next_review = rules.add_months(reviewed, 24)
    policy.save()


def load_supplier(*, supplier, customers, users) -> None:
    """Idempotent: nothing is added when the IT company already has governing documents."""
    if GoverningDocument.objects.filter(organisation=supplier).exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        owner = users.get("security_lead")
        for kind, title, scope, body, adopted, version, interval in SUPPLIER_DOCS:
            doc = _doc(supplier, owner, kind, title, scope, body, adopted, version, interval)
            doc.shared_with.set(customers)
        for org in customers:
            if not GoverningDocument.objects.filter(organisation=org).exists():
                _municipality(org, today)
