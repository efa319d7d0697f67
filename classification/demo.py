"""Demo classifications: every information type of a demo municipality, with Swedish reasoning
(but those demo.data.UNCLASSIFIED_INFORMATION_TYPES leaves for the user to classify).

Most are approved with review dates spread over the coming year; per municipality one is a
draft, one is waiting for approval and two are past their review date. In Granås the map data
includes security-classified compilations of the water network (level 4: a separate protection
analysis), and in Ekholma the log classification waits for two answers from Mellanskogs IT AB,
one of them overdue (the provider did not answer the municipality's questions).
"""

import datetime

from django.utils import timezone

from classification import rules, services
from classification.models import Classification, ClassificationSettings, ClassificationStatus, SupplierQuestion
from classification.schemes import Scheme
from core.tenancy import Tenant
from inventory.models import InformationType, System
from organisations.models import Membership
from suppliers.models import Supplier


def answers_of(personal, sensitive, criminal, pnr, osl, life, services_, finances, trust, outage, integrity, trace):
    """A full set of answers, in the order of the questionnaire (protective security: no)."""
    return {
        "personal_data": personal, "sensitive_personal_data": sensitive, "criminal_offence_data": criminal,
        "national_id": pnr, "osl_chapters": osl, "security_classified": False,
        "security_sensitive_operations": False, "impact_life_health": life, "impact_services": services_,
        "impact_finances": finances, "impact_trust": trust, "outage_tolerance": outage,
        "integrity_consequence": integrity, "traceability_consequence": trace,
    }


N, M, SIG, SER = "none", "moderate", "significant", "serious"

# Information type name → (answers, reasoning per question).
PROFILES: dict[str, tuple[dict, dict]] = {
    "E-post och kalender": (
        answers_of(True, True, False, True, ["other"], M, SIG, M, SIG, "day", M, M),
        {"sensitive_personal_data": "Invånare skriver ibland om sin hälsa eller sociala situation i e-post till "
                                    "kommunen, trots att vi hänvisar till säkra kanaler.",
         "osl_chapters": "Blandat innehåll: enstaka sekretessuppgifter förekommer, men e-post är inte "
                         "huvudkanal för sekretessärenden.",
         "outage_tolerance": "Ett dygn utan e-post går att hantera med telefon; längre avbrott stoppar "
                             "handläggningen.",
         "impact_trust": "En läcka av en chefs brevlåda skulle uppmärksammas i media."}),
    "Elevdokumentation": (
        answers_of(True, True, False, True, ["23"], M, SIG, N, SER, "day", SIG, SIG),
        {"osl_chapters": "Elevhälsans uppgifter omfattas av sekretess enligt OSL 23 kap. 2 §.",
         "sensitive_personal_data": "Elevhälsans journaler innehåller hälsouppgifter.",
         "impact_trust": "Vårdnadshavare måste kunna lita på att uppgifter om barn inte sprids.",
         "integrity_consequence": "Felaktiga betyg påverkar elevens fortsatta studier."}),
    "Socialtjänstakter": (
        answers_of(True, True, True, True, ["21", "26"], SER, SIG, M, SER, "hours", SER, SER),
        {"osl_chapters": "Socialtjänstsekretess enligt OSL 26 kap. 1 § med omvänt skaderekvisit; "
                         "skyddade personuppgifter förekommer (21 kap. 3 §).",
         "criminal_offence_data": "Utredningar innehåller uppgifter om misstänkta brott, t.ex. vid "
                                  "orosanmälningar.",
         "impact_life_health": "Saknas uppgifter vid en akut placering kan ett barn skadas.",
         "outage_tolerance": "Socialjouren behöver akterna inom några timmar.",
         "traceability_consequence": "Obehörig läsning i akter måste kunna upptäckas och utredas."}),
    "Hälso- och sjukvårdsjournaler": (
        answers_of(True, True, False, True, ["25"], SER, SER, N, SER, "hours", SER, SER),
        {"osl_chapters": "Hälso- och sjukvårdssekretess enligt OSL 25 kap. 1 §.",
         "impact_life_health": "Fel läkemedelslista eller saknad journal kan leda till allvarlig skada.",
         "traceability_consequence": "Patientdatalagen kräver loggning och systematisk kontroll av "
                                     "åtkomst (4 kap. 3 §)."}),
    "Löneuppgifter": (
        answers_of(True, True, False, True, ["other"], N, SIG, SER, SIG, "week", SER, SIG),
        {"sensitive_personal_data": "Sjukfrånvaro och fackavgifter är känsliga personuppgifter.",
         "osl_chapters": "Uppgifter om sjukfrånvaro i personaladministrationen omfattas av OSL 39 kap.",
         "impact_finances": "Felaktiga utbetalningar kan bli stora och svåra att återkräva.",
         "outage_tolerance": "Lönekörningen kan skjutas några dagar, men inte förbi utbetalningsdagen."}),
    "Ekonomisk redovisning": (
        answers_of(False, False, False, False, ["19", "31"], N, M, SER, M, "week", SER, SIG),
        {"osl_chapters": "Affärsuppgifter om leverantörer (31 kap.) och kommunens affärsförhållanden "
                         "(19 kap.).",
         "integrity_consequence": "Manipulerade leverantörsuppgifter är en känd bedrägerimetod.",
         "traceability_consequence": "Bokföringslagen kräver verifikationer och behandlingshistorik."}),
    "Diarium och ärendehandlingar": (
        answers_of(True, True, False, True, ["other"], N, SIG, M, SIG, "day", SIG, SIG),
        {"osl_chapters": "Diariet är offentligt, men enskilda handlingar kan vara sekretessbelagda.",
         "integrity_consequence": "Allmänna handlingar ska bevaras korrekta enligt arkivlagen."}),
    "Bygglovsärenden": (
        answers_of(True, False, False, True, ["none"], N, M, M, M, "week", SIG, M),
        {"osl_chapters": "Bygglovsärenden är i regel offentliga.",
         "integrity_consequence": "Ett felaktigt beslut om bygglov kan överklagas och kosta kommunen skadestånd."}),
    "Geografisk information": (
        answers_of(False, False, False, False, ["18"], M, SIG, M, M, "day", SIG, M),
        {"osl_chapters": "Detaljerade uppgifter om ledningsnät kan omfattas av OSL 18 kap. 8 §.",
         "impact_life_health": "Räddningstjänsten använder kartorna vid larm."}),
    "Behörighetsuppgifter": (
        answers_of(True, False, False, True, ["18"], N, SER, M, SIG, "hours", SER, SER),
        {"osl_chapters": "Uppgifter om säkerhetsanordningar, t.ex. behörighetsstrukturen, enligt 18 kap. 8 §.",
         "impact_services": "Utan katalogtjänsten kan ingen logga in i något system.",
         "integrity_consequence": "En felaktig behörighet ger åtkomst till sekretessuppgifter."}),
    "Loggar": (
        answers_of(True, False, False, False, ["18"], N, M, N, SIG, "week", SER, SER),
        {"osl_chapters": "Loggarna visar säkerhetsarrangemang (18 kap. 8 §).",
         "integrity_consequence": "Loggar är bevis vid incidenter och får inte kunna ändras.",
         "traceability_consequence": "Utan loggar går det inte att utreda obehörig åtkomst."}),
    "Webbpublicering": (
        answers_of(True, False, False, False, ["none"], M, SIG, N, M, "day", SIG, M),
        {"personal_data": "Namn och kontaktuppgifter till tjänstepersoner publiceras.",
         "osl_chapters": "Allt som publiceras är offentligt.",
         "impact_life_health": "Vid en kris är webbplatsen kommunens viktigaste informationskanal.",
         "integrity_consequence": "En klottrad webbplats eller falsk krisinformation skadar allvarligt."}),
    "Upphandlingsunderlag": (
        answers_of(False, False, False, False, ["19", "31"], N, M, SIG, SIG, "week", SIG, SIG),
        {"osl_chapters": "Anbud är sekretessbelagda till tilldelningsbeslutet (19 kap. 3 §); "
                         "affärshemligheter (31 kap.).",
         "impact_trust": "En läcka före tilldelning kan leda till överprövning."}),
    "Besöksstatistik": (
        answers_of(False, False, False, False, ["none"], N, N, N, N, "week", N, N),
        {"osl_chapters": "Statistiken är offentlig och innehåller inga uppgifter om enskilda.",
         "outage_tolerance": "Räknaren kan stå still i veckor; besöken räknas då manuellt."}),
    "Styrdokument": (
        answers_of(False, False, False, False, ["none"], N, M, N, N, "week", M, M),
        {"osl_chapters": "Styrdokumenten är offentliga och publiceras.",
         "integrity_consequence": "En felaktig rutin kan följas av misstag, men upptäcks vid revision."}),
}
# Where the answers are pending, a draft lacks these.
UNKNOWN_IN_DRAFT = ("outage_tolerance", "traceability_consequence")

SECURITY_CLASSIFIED = {"granas": "Geografisk information"}
BLOCKED = {"ekholma": "Loggar"}
# Lindö (reference case 2): classifications of systems the IT company runs stay drafts, waiting
# for answers about the operations environment that never came (see load_supplier).
LINDO_BLOCKED = ("Loggar", "Behörighetsuppgifter", "Diarium och ärendehandlingar")
QUESTIONS = [
    ("Hur länge sparas säkerhetsloggarna från de system ni driftar åt oss, och vilka av era medarbetare kan "
     "läsa dem?", 75, -45),
    ("Kan ni på begäran lämna ut loggar över vem som har läst eller ändrat uppgifter i ett visst system, "
     "och inom hur lång tid?", 20, 10),
]


def _plan(names: list[str], k: int, slug: str) -> dict[str, str]:
    """Status per information type: rotated per municipality so each shows a different mix."""
    n = len(names)
    plan = {name: "approved" for name in names}
    plan[names[(3 * k + 2) % n]] = "draft"
    plan[names[(3 * k + 5) % n]] = "review"
    plan[names[(3 * k + 8) % n]] = "stale"
    plan[names[(3 * k + 11) % n]] = "stale"
    if slug in BLOCKED:
        plan[BLOCKED[slug]] = "draft"
    if slug == "lindo":
        for name in LINDO_BLOCKED:
            if name in plan:
                plan[name] = "draft"
    return plan


def load(*, organisation, users) -> None:
    from demo.data import MUNICIPALITIES, UNCLASSIFIED_INFORMATION_TYPES

    slug = organisation.slug
    k = next((i for i, spec in enumerate(MUNICIPALITIES) if spec["slug"] == slug), 0)
    today = timezone.localdate()
    ClassificationSettings.objects.create(organisation=organisation, scheme=Scheme.KLASSA, review_months=12)
    owner = users["system_owner"]
    unclassified = [row[0] for row in UNCLASSIFIED_INFORMATION_TYPES.get(slug, [])]
    infotypes = list(InformationType.objects.filter(organisation=organisation).exclude(name__in=unclassified)
                     .order_by("name"))
    plan = _plan([i.name for i in infotypes], k, slug)
    approved_seen = stale_seen = 0
    for info in infotypes:
        answers, reasoning = PROFILES.get(info.name, PROFILES["Styrdokument"])
        answers = dict(answers)
        if SECURITY_CLASSIFIED.get(slug) == info.name:
            answers["security_classified"] = True
            reasoning = {**reasoning, "security_classified": (
                "Sammanställningar av ledningsnätet för vatten och avlopp är säkerhetsskyddsklassificerade "
                "enligt kommunens säkerhetsskyddsanalys.")}
        status = plan[info.name]
        if status == "draft":
            answers = {q: v for q, v in answers.items() if q not in UNKNOWN_IN_DRAFT}
        c = Classification(organisation=organisation, information_type=info, scheme=Scheme.KLASSA,
                           answers=answers, reasoning={q: t for q, t in reasoning.items() if q in answers},
                           computed=rules.evaluate(answers, Scheme.KLASSA), responsible=owner,
                           status=ClassificationStatus.DRAFT if status == "draft" else status)
        services.apply_levels(c)
        if status in ("approved", "stale"):
            if status == "approved":
                # Spread over the coming year, the soonest in three weeks.
                c.review_date = today + datetime.timedelta(days=20 + 34 * approved_seen)
                approved_seen += 1
            else:
                c.review_date = today - datetime.timedelta(days=25 + 55 * stale_seen)
                stale_seen += 1
            c.status = ClassificationStatus.APPROVED
            # The approver owns a system holding the information, or is the administrator (deciders).
            c.approved_by = owner if info.systems.filter(owner=owner).exists() else users.get("admin", owner)
            approved_on = services.add_months(c.review_date, -12)
            c.approved_at = timezone.make_aware(datetime.datetime.combine(approved_on, datetime.time(10, 0)))
        c.full_clean()
        c.save()
        if c.computed["protection_analysis"]:
            coordinator = Membership.objects.get(user=users["coordinator"], organisation=organisation)
            services.open_protection_analysis(Tenant(coordinator), c)
        if BLOCKED.get(slug) == info.name:
            _questions(organisation, c, today)


def _questions(organisation, classification: Classification, today: datetime.date) -> None:
    supplier = Supplier.objects.get(organisation=organisation, name="Mellanskogs IT AB")
    for text, asked_days_ago, due_in in QUESTIONS:
        SupplierQuestion.objects.create(
            organisation=organisation, classification=classification, supplier=supplier, question=text,
            asked_on=today - datetime.timedelta(days=asked_days_ago), due_date=today + datetime.timedelta(days=due_in))


# Lindö's questions about security in the operations environment, asked in 2025 and never
# answered: (information type it blocks, system it is about, question, asked on, due).
LINDO_QUESTIONS = [
    ("Loggar", "Loggserver (SIEM)",
     "Hur länge sparas loggarna i loggservern för de system ni driftar åt oss, och hur skyddas de mot ändring?",
     datetime.date(2025, 2, 17), datetime.date(2025, 3, 17)),
    ("Diarium och ärendehandlingar", "Säkerhetskopiering",
     "När gjorde ni senast ett återläsningstest av säkerhetskopiorna för våra system, och vad blev resultatet?",
     datetime.date(2025, 2, 17), datetime.date(2025, 3, 17)),
    ("Behörighetsuppgifter", "Katalogtjänst (AD)",
     "Vilka av er driftpersonal har administratörsbehörighet i vår katalogtjänst, och hur följs behörigheterna upp?",
     datetime.date(2025, 4, 2), datetime.date(2025, 4, 30)),
    ("Behörighetsuppgifter", "Klientplattform",
     "Hur snabbt installeras kritiska säkerhetsuppdateringar på servrar och klienter som ni driftar, och hur "
     "redovisas det för oss?", datetime.date(2025, 9, 8), datetime.date(2025, 10, 6)),
]

# The other municipalities: (system, question, days ago asked, days until due, answer or "").
GOOD_QUESTIONS = [
    ("Loggserver (SIEM)", "Hur länge sparas säkerhetsloggarna, och vem hos er kan läsa dem?", 120, -92,
     "Säkerhetsloggarna sparas i 18 månader i loggservern. Endast två namngivna tekniker i säkerhetsteamet "
     "har läsbehörighet; all läsning loggas i sin tur."),
    ("Säkerhetskopiering", "Hur ofta testar ni återläsning av säkerhetskopiorna för våra system?", 90, -62,
     "Återläsning testas kvartalsvis för ett urval system och årligen för samtliga. Senaste testrapporten "
     "finns i samverkansytan."),
    ("Katalogtjänst (AD)", "Hur granskas administratörsbehörigheterna i katalogtjänsten?", 40, -12, ""),
    ("Klientplattform", "Vilken tid har ni som mål för att installera kritiska säkerhetsuppdateringar?", 10, 18, ""),
]


def _member(org, local: str):
    return Membership.objects.filter(organisation=org, user__email=f"{local}@{org.slug}.example").select_related(
        "user").first()


def load_supplier(*, supplier, customers, users) -> None:
    """Questions from each municipality to the IT company `supplier` (idempotent).

    Lindö's questions about the operations environment are long overdue and block its
    classifications; the others' are mostly answered by the service manager in Tillit.
    """
    from trail.context import acting_as

    if SupplierQuestion.objects.filter(organisation__in=customers, question=LINDO_QUESTIONS[0][2]).exists():
        return
    today = timezone.localdate()
    manager = users.get("service_manager")
    for org in customers:
        register = Supplier.objects.filter(organisation=org, tillit_organisation=supplier).first()
        coordinator = _member(org, "samordnare")
        if register is None or coordinator is None:
            continue
        systems = {s.name: s for s in System.objects.filter(organisation=org)}
        with acting_as(coordinator.user, source="cli"):
            if org.slug == "lindo":
                drafts = {c.information_type.name: c for c in Classification.objects.filter(
                    organisation=org, status=ClassificationStatus.DRAFT).select_related("information_type")}
                for info_name, system_name, text, asked, due in LINDO_QUESTIONS:
                    SupplierQuestion.objects.create(
                        organisation=org, supplier=register, classification=drafts.get(info_name),
                        system=systems.get(system_name), question=text, asked_by=coordinator.user,
                        asked_on=asked, due_date=due)
                continue
            for system_name, text, ago, due_in, answer in GOOD_QUESTIONS:
                question = SupplierQuestion.objects.create(
                    organisation=org, supplier=register, system=systems.get(system_name), question=text,
                    asked_by=coordinator.user, asked_on=today - datetime.timedelta(days=ago),
                    due_date=today + datetime.timedelta(days=due_in))
                if answer and manager is not None:
                    with acting_as(manager, source="cli"):
                        answered = timezone.now() - datetime.timedelta(days=ago - 20)
                        question.answer, question.answered_by = answer, manager
                        question.answered_at, question.answered_on = answered, timezone.localdate(answered)
                        question.save()
