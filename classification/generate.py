"""Classifications for the generated benchmark data set (demo.generated, `manage.py generate_data`).

Every generated information type gets a classification: answers from the demo profiles (or
the extra ones below for the names only the generator uses), levels from the rules. About 70 %
are approved with review dates from three months ago to a year ahead (so some are stale), 10 %
wait for approval and 20 % are drafts. Rows are bulk-inserted with one audit entry each.
"""

import datetime

from django.utils import timezone

from classification import rules, services
from classification.demo import PROFILES, UNKNOWN_IN_DRAFT
from classification.demo import answers_of
from classification.models import Classification, ClassificationStatus
from classification.schemes import Scheme
from demo.generated import insert
from inventory.models import InformationType
from organisations.models import Membership
from organisations.roles import Role

BATCH = 1000
N, M, SIG, SER = "none", "moderate", "significant", "serious"

# Answers for the information types only the generator has (demo.generated.INFOTYPE_NAMES).
EXTRA_PROFILES: dict[str, dict] = {
    "Personalakter": answers_of(True, True, False, True, ["other"], N, M, M, SIG, "week", SIG, SIG),
    "Fakturor": answers_of(False, False, False, False, ["31"], N, M, SER, M, "week", SER, SIG),
    "Avtal": answers_of(False, False, False, False, ["19"], N, M, SIG, M, "week", SIG, M),
    "Bokningar": answers_of(True, False, False, False, ["none"], N, M, N, N, "day", M, M),
    "Larmuppgifter": answers_of(True, True, False, True, ["25", "26"], SER, SER, N, SIG, "less_than_hour", SER, SIG),
    "Kartdata": answers_of(False, False, False, False, ["none"], M, M, N, N, "day", SIG, M),
    "Skolskjutsuppgifter": answers_of(True, False, False, True, ["21"], M, SIG, N, SIG, "hours", SIG, M),
    "Kostuppgifter": answers_of(True, True, False, False, ["23"], SIG, M, N, M, "day", SIG, M),
    "Biblioteksregister": answers_of(True, False, False, True, ["other"], N, M, N, SIG, "week", M, M),
    "Fastighetsuppgifter": answers_of(False, False, False, False, ["18"], N, M, M, M, "week", M, M),
    "Passeruppgifter": answers_of(True, False, False, False, ["18"], M, SIG, N, M, "hours", SIG, SER),
    "Telefonilistor": answers_of(True, False, False, False, ["21"], N, M, N, M, "day", M, N),
    "Mätdata": answers_of(False, False, False, False, ["none"], M, M, M, N, "day", SIG, M),
    "Statistik": answers_of(False, False, False, False, ["none"], N, N, N, N, "more_than_week", M, N),
    "Protokoll": answers_of(False, False, False, False, ["none"], N, M, N, M, "week", SIG, M),
    "Medborgardialog": answers_of(True, False, False, False, ["none"], N, M, N, M, "week", M, M),
}


def _answers_for(name: str) -> dict:
    if name in PROFILES:
        return dict(PROFILES[name][0])
    return dict(EXTRA_PROFILES.get(name, EXTRA_PROFILES["Statistik"]))


def generate(*, organisations, rng, scale) -> dict[str, int]:
    """Bulk-create a classification for every information type of the generated organisations."""
    org_ids = [o.pk for o in organisations]
    owners = dict(Membership.objects.filter(organisation_id__in=org_ids, role=Role.SYSTEM_OWNER)
                  .values_list("organisation_id", "user_id"))
    today = timezone.localdate()
    now = timezone.now()
    batch: list[Classification] = []
    made = 0
    infotypes = InformationType.objects.filter(organisation_id__in=org_ids, classification__isnull=True)
    for info in infotypes.order_by("organisation_id", "name").only("pk", "organisation_id", "name").iterator():
        batch.append(_classification(info, rng, today, now, owners.get(info.organisation_id)))
        if len(batch) >= BATCH:
            made += len(insert(Classification, batch))
            batch = []
    made += len(insert(Classification, batch))
    return {Classification._meta.label: made, **_questions(organisations, rng, scale, today, now)}


QUESTION_TEXTS = [
    "Hur länge sparas säkerhetsloggarna för systemet, och vem hos er kan läsa dem?",
    "När testades återläsning av säkerhetskopiorna senast?",
    "Vilka i er driftpersonal har administratörsbehörighet?",
    "Hur snabbt installeras kritiska säkerhetsuppdateringar?",
    "I vilka länder lagras och behandlas uppgifterna?",
    "Hur krypteras uppgifterna vid lagring och överföring?",
]
QUESTIONS_AT_SCALE_1 = 5000


def _questions(organisations, rng, scale, today, now) -> dict[str, int]:
    """About 5 000 questions at scale 1 to the organisations' suppliers, most to their IT company
    (a supplier in Tillit); two in three answered by one of its service managers or security leads."""
    from inventory.models import System
    from suppliers.models import Supplier

    from classification.models import SupplierQuestion

    org_ids = [o.pk for o in organisations]
    if not org_ids:
        return {}
    suppliers: dict[int, list] = {}
    for sup in Supplier.objects.filter(organisation_id__in=org_ids).only("pk", "organisation_id", "tillit_organisation_id"):
        suppliers.setdefault(sup.organisation_id, []).append(sup)
    answerers = dict(Membership.objects.filter(role__in=[Role.SERVICE_MANAGER, Role.SECURITY_LEAD])
                     .values_list("organisation_id", "user_id"))
    askers = dict(Membership.objects.filter(organisation_id__in=org_ids, role=Role.COORDINATOR)
                  .values_list("organisation_id", "user_id"))
    drafts: dict[int, list[int]] = {}
    for org_id, pk in Classification.objects.filter(organisation_id__in=org_ids, status=ClassificationStatus.DRAFT
                                                    ).values_list("organisation_id", "pk"):
        drafts.setdefault(org_id, []).append(pk)
    systems: dict[int, list[int]] = {}
    for org_id, pk in System.objects.filter(organisation_id__in=org_ids).values_list("organisation_id", "pk"):
        systems.setdefault(org_id, []).append(pk)
    per_org = max(1, round(QUESTIONS_AT_SCALE_1 * scale / len(org_ids)))
    batch: list = []
    for org_id in org_ids:
        register = suppliers.get(org_id)
        if not register:
            continue
        in_tillit = [s for s in register if s.tillit_organisation_id] or register
        for _i in range(per_org):
            supplier = rng.choice(in_tillit) if rng.random() < 0.8 else rng.choice(register)
            asked = today - datetime.timedelta(days=rng.randint(0, 400))
            q = SupplierQuestion(organisation_id=org_id, supplier_id=supplier.pk, question=rng.choice(QUESTION_TEXTS),
                                 asked_by_id=askers.get(org_id), asked_on=asked,
                                 due_date=asked + datetime.timedelta(days=rng.choice([14, 28, 28, 42])))
            if drafts.get(org_id) and rng.random() < 0.3:
                q.classification_id = rng.choice(drafts[org_id])
            elif systems.get(org_id):
                q.system_id = rng.choice(systems[org_id])
            if q.classification_id is None and q.system_id is None:
                continue
            if q.classification_id is None and rng.random() < 0.67 and asked < today:
                answered = asked + datetime.timedelta(days=rng.randint(1, max(1, min(60, (today - asked).days))))
                q.answer = "Besvarat av leverantören; se bifogad rutin."
                q.answered_on = answered
                q.answered_at = now - datetime.timedelta(days=(today - answered).days)
                if supplier.tillit_organisation_id and supplier.tillit_organisation_id in answerers:
                    q.answered_by_id = answerers[supplier.tillit_organisation_id]
                else:
                    q.recorded_by_id = askers.get(org_id)
            batch.append(q)
    insert(SupplierQuestion, batch)
    return {SupplierQuestion._meta.label: len(batch)}


def _classification(info, rng, today, now, owner_id) -> Classification:
    answers = _answers_for(info.name)
    status = rng.choices(["approved", "review", "draft"], weights=[70, 10, 20])[0]
    if status == "draft":
        answers = {q: v for q, v in answers.items() if q not in UNKNOWN_IN_DRAFT}
    c = Classification(organisation_id=info.organisation_id, information_type_id=info.pk, scheme=Scheme.KLASSA,
                       status=status, answers=answers, computed=rules.evaluate(answers, Scheme.KLASSA),
                       responsible_id=owner_id)
    services.apply_levels(c)
    if status == ClassificationStatus.APPROVED:
        c.review_date = today + datetime.timedelta(days=rng.randint(-90, 365))
        c.approved_by_id = owner_id
        c.approved_at = now - datetime.timedelta(days=(today + datetime.timedelta(days=365) - c.review_date).days)
    return c
