"""Demo classifications: every information type of a demo municipality, with Swedish reasoning.

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
from inventory.models import InformationType
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
    return plan


def load(*, organisation, users) -> None:
    from demo.data import MUNICIPALITIES

    slug = organisation.slug
    k = next((i for i, spec in enumerate(MUNICIPALITIES) if spec["slug"] == slug), 0)
    today = timezone.localdate()
    ClassificationSettings.objects.create(organisation=organisation, scheme=Scheme.KLASSA, review_months=12)
    owner = users["system_owner"]
    infotypes = list(InformationType.objects.filter(organisation=organisation).order_by("name"))
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
            c.approved_by = owner
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
