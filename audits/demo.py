"""Demo audits: the municipal auditors' audit of Lindö kommun's IT supplier relationship (reference case 2)."""

import datetime

from django.utils import timezone

from audits import services
from audits.frameworks import ensure_loaded
from audits.models import Audit, AuditKind, AuditStatus, Framework, FrameworkRequirement
from core.tenancy import Tenant
from suppliers.models import Contract
from organisations.models import Membership
from trail.context import acting_as

LINDO_TITLE = "Granskning av IT- och informationssäkerhet i samarbetet med Mellanskogs IT AB"

SUMMARY = (
    "De förtroendevalda revisorerna i Lindö kommun har låtit granska kommunens arbete med IT- och "
    "informationssäkerhet och ansvarsfördelningen mellan kommunen och Mellanskogs IT AB. Det främsta "
    "förbättringsområdet är att kommunen inte har ställt några säkerhetskrav på bolaget och inte följer upp "
    "bolagets leverans på ett strukturerat sätt.\n\n"
    "Huvudavtalet från 2016 är skrivet på övergripande nivå och anger inga krav på IT- och "
    "informationssäkerhet. Kommunen har påbörjat informationsklassning och riskanalyser, men arbetet har stannat "
    "i väntan på svar från bolaget och har ännu inte lagt grunden för en kravställning utifrån verksamheternas "
    "behov. Det finns ingen beslutad process för uppföljning och återrapportering av bolagets tjänster.\n\n"
    "Mognaden i kommunens informationssäkerhetsarbete i samarbetet med bolaget bedöms som låg till medelgod. "
    "Pågående initiativ, som omarbetningen av avtal och tjänstebeskrivningar, ger kommunen goda förutsättningar "
    "att förbättra arbetet.")

# One answer per audit question, in their order.
ANSWERS = (
    "Bolaget bedöms följa avtalet för de områden som avtalats, men avtalet reglerar inte IT-säkerheten; det "
    "saknas därför grund för att styra och följa upp bolagets säkerhetsarbete enligt god praxis.\n"
    "Nej. Kommunen saknar en fastställd process för uppföljning och återrapportering av bolagets tjänster, och "
    "inga nyckeltal för uppföljningen har beslutats.")

REVIEW = (
    "Avtalade tjänster. Bolaget levererar ekonomi- och löneadministration, IT-drift och IT-support enligt "
    "huvudavtalet från 2016 och tre tjänstebeskrivningar som bolaget har upprättat. Avtalet anger inte "
    "ansvarsfördelningen för IT- och informationssäkerhet.\n\n"
    "Organisation. Kommunen har en informationssäkerhetssamordnare, men ingen beslutad organisation som kan vara "
    "motpart och kravställare gentemot bolaget i säkerhetsfrågor.\n\n"
    "Samarbetsforum. Kundråd och driftmöten hålls, men informationssäkerhet har inte följts upp där på ett "
    "strukturerat sätt.\n\n"
    "IT- och informationssäkerhetsrutiner. Kommunens policyer är från 2006 och instruktionerna från 2003, och "
    "ingen av dem har reviderats. Incidenter stängs med en rapport utan gemensam utvärdering, och ändringar som "
    "godkänts i förändringsrådet utvecklas och driftsätts av samma person utan kommunens medverkan.\n\n"
    "Personuppgiftshantering. Personuppgiftsbiträdesavtal finns med bolaget och följs upp av dataskyddsombudet.")

SOURCES = "\n".join([
    "Intervju: Digitaliseringschef, Lindö kommun",
    "Intervju: Informationssäkerhetssamordnare, Lindö kommun",
    "Intervju: Tjänsteansvarig, Mellanskogs IT AB",
    "Intervju: Säkerhetsansvarig, Mellanskogs IT AB",
    "Avtal mellan Mellanskogs IT AB och Lindö kommun (2016)",
    "Tjänstebeskrivningar IT-arbetsplats, Nät och Datacenter",
    "IT-säkerhetspolicy och Informationssäkerhetspolicy, Lindö kommun",
    "Säkerhetsinstruktioner, Lindö kommun",
    "Tillits register över system, klassningar, riskanalyser, incidenter och ändringar",
])

# The MSB/MCF method's steps as the auditor assessed them (0–5): low to medium.
MATURITY = [
    ("1", 1, "Ingen verksamhetsanalys har gjorts av vilka krav verksamheterna har på IT-tjänsterna."),
    ("1.2", 1, "Ingen gapanalys mot god praxis har gjorts."),
    ("2", 1, "Policyerna är från 2006 och instruktionerna från 2003; inget ledningssystem finns."),
    ("2.2", 2, "Handlingsplanen finns men följs inte upp mot bolagets leverans."),
    ("3", 2, "Informationsklassning är påbörjad men står still i väntan på svar från bolaget."),
    ("3.2", 1, "Riskanalyserna är inte färdiga."),
    ("3.3", 0, "Avtalet med bolaget ställer inga krav på informationssäkerhet."),
    ("4", 1, "Bolagets leverans följs inte upp; inga nyckeltal rapporteras."),
    ("4.2", 1, "Ingen ledningens genomgång har hållits."),
]


def load(*, organisation, users) -> None:
    """Nothing per municipality: the audits need every module's data (see load_supplier)."""


def load_supplier(*, supplier, customers, users) -> None:
    """The audit of Lindö, with the findings adopted and their recommendations as actions (idempotent)."""
    lindo = next((c for c in customers if c.slug == "lindo"), None)
    if lindo is None or Audit.objects.filter(organisation=lindo, title=LINDO_TITLE).exists():
        return
    ensure_loaded()
    membership = (Membership.objects.select_related("user", "organisation")
                  .filter(organisation=lindo, role="coordinator").first())
    if membership is None:
        return
    tenant = Tenant(membership)
    auditor = Membership.objects.select_related("user").filter(organisation=lindo, role="auditor").first()
    today = timezone.localdate()
    with acting_as(membership.user, source="cli"):
        audit = services.audit_save(tenant=tenant, audit=None, data={
            "kind": AuditKind.AUDIT, "title": LINDO_TITLE, "reference": "KS 2026/118",
            "commissioned_by": "De förtroendevalda revisorerna i Lindö kommun",
            "background": "Lindö kommun hanterar stora mängder digital information, och driften sköts av det "
                          "kommungemensamma IT-bolaget Mellanskogs IT AB.",
            "purpose": "Att bedöma om det finns brister i kommunens interna kontroll av att arbetet med IT- och "
                       "informationssäkerhet är ändamålsenligt, och vilka processer som finns för att följa upp "
                       "IT-säkerheten hos Mellanskogs IT AB.",
            "criteria": "MSB/MCF:s metodstöd för LIS, som bygger på SS-EN ISO/IEC 27001:2022.",
            "questions": "Efterlever Mellanskogs IT AB avtalet med kommunen avseende IT-säkerhet, och styrs "
                         "IT-säkerheten enligt god praxis?\nGenomför kommunen kontinuerlig och ändamålsenlig "
                         "uppföljning av IT-säkerheten hos Mellanskogs IT AB?",
            "scope": "Det arbete som avtalats med och utförs av Mellanskogs IT AB samt kommunens uppföljning av detta.",
            "method": "Studier av styrdokument och Tillits register samt intervjuer med nyckelfunktioner hos "
                      "kommunen och Mellanskogs IT AB.",
            "summary": SUMMARY, "answers": ANSWERS, "review": REVIEW, "sources": SOURCES,
            "period_start": today - datetime.timedelta(days=60), "period_end": today,
            "status": AuditStatus.IN_PROGRESS,
            # The municipality's auditor carries out the audit with the coordinator, who adopts the findings
            # and puts the recommendations in the action plan.
            "auditors": [m.user for m in (auditor, membership) if m is not None],
            "frameworks": list(Framework.objects.filter(organisation__isnull=True, key__in=["msb-lis", "iso27001-2022"])),
        })
        msb = {r.code: r for r in FrameworkRequirement.objects.filter(framework__organisation__isnull=True,
                                                                       framework__key="msb-lis")}
        contract = Contract.objects.filter(organisation=lindo, title__startswith="Avtal mellan Mellanskogs IT AB").first()
        for code, level, comment in MATURITY:
            if code in msb:
                evidence = ([{"label": f"Avtal: {contract.title}", "url": contract.get_absolute_url()}]
                            if code == "3.3" and contract else [])
                services.assessment_save(tenant=tenant, audit=audit, requirement=msb[code], level=level,
                                         comment=comment, evidence=evidence)
        observations = services.adopt_findings(tenant=tenant, audit=audit, today=today)
        owner = users.get("coordinator") if isinstance(users, dict) and users.get("coordinator") else membership.user
        for i, obs in enumerate(observations):
            for rec in obs.recommendations.all():
                services.recommendation_to_action(tenant=tenant, recommendation=rec, owner=membership.user,
                                                  due_date=today + datetime.timedelta(days=90 + 30 * i))
