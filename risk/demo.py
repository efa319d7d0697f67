"""Demo risks for one municipality: 37 risks tied to its systems, treatments that become
actions (some overdue), a few accepted residual risks, and in two municipalities a
risk-analysis session. Called by demo's load_demo right after the inventory is created.

Each municipality gets the same risk templates, varied a little per municipality (seeded by
its slug, so a reload is identical) so that the four heat maps differ.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from core.tenancy import Tenant
from demo.data import SUPPLIERS
from inventory.models import InformationType, System
from organisations.models import Membership
from risk import services
from risk.catalogue import load_threats
from risk.models import Risk, RiskStatus, Strategy, Threat
from suppliers.models import Supplier


@dataclass(frozen=True)
class Spec:
    title: str
    systems: list[str]
    threat: str
    vulnerability: str
    controls: str
    inherent: tuple[int, int]
    residual: tuple[int, int] | None
    strategy: str = Strategy.REDUCE
    # (measure, owner role, due in days from today, status)
    treatments: list[tuple[str, str, int, str]] = field(default_factory=list)
    accept: str = ""  # justification: the system owner accepts the residual risk
    infotypes: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)  # keys of demo.data.SUPPLIERS
    process: str = ""
    closed: bool = False


SO, SA, CO = "system_owner", "system_administrator", "coordinator"
EMAIL, TEAMS = "E-post (Exchange Online)", "Microsoft 365 Teams"

RISKS = [
    Spec("Ransomware slår ut verksamhetssystemet för socialtjänsten", ["Verksamhetssystem för socialtjänst"], "ransomware",
         "Servrarna delar nätsegment med klientnätet; säkerhetskopiorna nås från samma domän.",
         "Antivirus på servrarna, brandvägg mot internet.", (3, 4), (2, 4),
         treatments=[("Segmentera nätet så att verksamhetssystemets servrar ligger i en egen zon", SA, 45, "in_progress"),
                     ("Inför skrivskyddade säkerhetskopior och öva återläsning två gånger per år", CO, -20, "open")],
         infotypes=["Socialtjänstakter"], suppliers=["omsorg", "it"], process="Handläggning inom individ- och familjeomsorgen"),
    Spec("Leverantörsavbrott i e-posttjänsten i molnet", [EMAIL], "supplier-outage",
         "Ingen alternativ kanal för akut kommunikation; beroende av en enda leverantör.",
         "Leverantören utlovar 99,9 % tillgänglighet.", (2, 3), (2, 2),
         treatments=[("Ta fram reservrutin för kommunikation vid e-postavbrott (telefon, sms, Rakel)", CO, 30, "open")],
         infotypes=["E-post och kalender"], suppliers=["ms"]),
    Spec("Amerikansk myndighet begär ut kommunens e-post med stöd av CLOUD Act", [EMAIL, TEAMS], "cloud-act",
         "Leverantören lyder under amerikansk lag; e-posten kan innehålla uppgifter under sekretess.",
         "Data lagras inom EU; sekretessuppgifter skickas med säker e-post.", (2, 4), (2, 3), Strategy.ACCEPT,
         accept="Kommunstyrelsen har beslutat att behålla e-posten i molntjänsten efter en samlad bedömning av "
                "informationssäkerhet, juridik, teknik och ekonomi. Sekretessklassad information skickas med säker e-post.",
         infotypes=["E-post och kalender"], suppliers=["ms"]),
    Spec("Nätfiske leder till kapat konto med åtkomst till e-post", [EMAIL, "Federerad inloggning"], "phishing",
         "Tvåfaktorsinloggning saknas för vissa grupper; medarbetarna har inte utbildats.", "Skräppostfilter.",
         (4, 3), (2, 3),
         treatments=[("Inför tvåfaktorsinloggning för samtliga konton", SA, -10, "in_progress"),
                     ("Genomför utbildning i nätfiske för alla medarbetare", CO, 60, "open")],
         infotypes=["E-post och kalender", "Behörighetsuppgifter"]),
    Spec("Säkerhetskopiorna av lönesystemet har aldrig återlästs", ["Lönesystem", "Säkerhetskopiering"], "missing-backup",
         "Återläsningstest saknas; ansvaret mellan kommunen och IT-bolaget är otydligt.",
         "Nattlig säkerhetskopiering hos Mellanskogs IT AB.", (3, 4), (2, 3),
         treatments=[("Begär återläsningstest av lönesystemet från IT-bolaget och dokumentera resultatet", SO, -35, "open")],
         infotypes=["Löneuppgifter"], suppliers=["it"]),
    Spec("Säkerhetskrav saknas i avtalet med IT-bolaget", ["Katalogtjänst (AD)", "Säkerhetskopiering"],
         "no-contract-security-requirements",
         "Avtalet reglerar inte incidenthantering, behörigheter, kontinuitet, revisionsrätt eller återrapportering.",
         "Muntliga överenskommelser vid kundråden.", (4, 3), (2, 3),
         treatments=[("Ta fram en bilaga med säkerhetskrav och förhandla in den i avtalet med Mellanskogs IT AB", CO, 90,
                      "in_progress")],
         suppliers=["it"], process="Leverantörsstyrning"),
    Spec("Ingen uppföljning av IT-bolagets leverans", [], "no-supplier-follow-up",
         "Nyckeltal och återrapportering saknas; avvikelser upptäcks först vid incidenter.", "Kvartalsvisa kundråd.",
         (4, 2), (2, 2),
         treatments=[("Inför nyckeltal för tillgänglighet och incidenter med kvartalsvis återrapportering", CO, 75, "open")],
         suppliers=["it"], process="Leverantörsstyrning"),
    Spec("Ändringar driftsätts utan åtskild utveckling, test och driftsättning", ["Ärende- och dokumenthanteringssystem"],
         "no-separation-of-duties",
         "Samma tekniker utvecklar, testar och driftsätter; kommunen deltar inte efter CAB-beslutet.",
         "CAB-möte varannan vecka.", (3, 3), (2, 3),
         treatments=[("Kräv i avtalet att utveckling, test och driftsättning görs av olika personer", CO, 60, "open"),
                     ("Kommunen deltar i acceptanstest före driftsättning", SO, -5, "open")],
         suppliers=["it", "arende"], process="Förändringshantering"),
    Spec("Obehörig åtkomst till elevhälsans journaler", ["Elevhälsans journalsystem"], "insider-misuse",
         "Loggarna följs inte upp; breda behörigheter för skolpersonal.", "Behörighetsgrupper per skola.", (2, 4), (1, 4),
         treatments=[("Inför systematisk loggkontroll varje månad", SA, 20, "in_progress"),
                     ("Se över behörigheterna så att endast elevhälsan når journalerna", SO, -60, "done")],
         infotypes=["Elevdokumentation", "Hälso- och sjukvårdsjournaler"], suppliers=["skol"]),
    Spec("Strömavbrott i serverhallen", ["Nätverk och brandväggar", "Katalogtjänst (AD)"], "power-failure",
         "Reservkraften provkörs inte regelbundet.", "UPS för 30 minuter.", (2, 4), (2, 3),
         treatments=[("Begär provkörning av reservkraften två gånger per år från IT-bolaget", CO, 100, "open")],
         suppliers=["it"]),
    Spec("Föråldrad plattform för vattenverkets styrsystem", ["Styrsystem för vattenverk"], "end-of-life",
         "Operativsystemet har inte fått säkerhetsuppdateringar sedan 2020.", "Systemet är avskilt från kontorsnätet.",
         (3, 4), (3, 4),
         treatments=[("Upphandla ersättning för styrsystemets plattform", SO, 240, "open")]),
    Spec("Angrepp mot vattenverkets styrsystem via leverantörens fjärråtkomst", ["Styrsystem för vattenverk"], "ot-attack",
         "Leverantörens fjärråtkomst är ständigt öppen.", "Lösenordet byts årligen.", (2, 4), (1, 4),
         treatments=[("Fjärråtkomst öppnas endast på begäran och loggas", SA, -15, "in_progress")]),
    Spec("Felkonfigurerad delning i Microsoft 365 exponerar dokument", [TEAMS], "misconfiguration",
         "Externa delningslänkar är tillåtna för alla.", "Känslighetsetiketter finns men används sällan.", (3, 3), (2, 2),
         treatments=[("Begränsa extern delning till namngivna gäster", SA, -3, "done")],
         infotypes=["E-post och kalender"], suppliers=["ms"]),
    Spec("Förlorad dator med elevuppgifter", ["Klientplattform", "Skolplattform"], "lost-device",
         "Alla datorer är inte krypterade.", "Fjärrlåsning via mobilhanteringen.", (3, 2), (1, 2), Strategy.ACCEPT,
         accept="Restrisken är låg sedan diskkryptering införts på alla datorer och ligger inom riskkriterierna.",
         infotypes=["Elevdokumentation"]),
    Spec("Ej åtgärdade sårbarheter i e-tjänsteplattformen", ["E-tjänsteplattform"], "unpatched-vulnerability",
         "Uppdateringar installeras först med leverantörens kvartalsversion.", "Brandvägg för webbapplikationer.",
         (3, 3), (2, 3),
         treatments=[("Avtala om installation av kritiska säkerhetsuppdateringar inom 72 timmar", CO, 45, "open")],
         suppliers=["arende"]),
    Spec("Överbelastningsattack mot kommunens webbplats", ["Extern webbplats"], "ddos",
         "Leverantören har inget skydd mot överbelastningsattacker.", "Innehållsnätverk för statiska sidor.",
         (3, 2), (2, 2), Strategy.ACCEPT,
         accept="Webbplatsen är inte samhällsviktig; vid avbrott informerar kommunen via växeln och sociala medier.",
         suppliers=["tele"]),
    Spec("Bedrägeri med ändrat kontonummer i leverantörsfakturor", ["Leverantörsfakturahantering", "Ekonomisystem"],
         "ceo-fraud", "Ändrade betalningsuppgifter kontrolleras inte via en annan kanal.",
         "Attest av två personer över 50 000 kr.", (3, 3), (1, 3),
         treatments=[("Inför rutin för motringning vid ändrade betalningsuppgifter", SO, -30, "done")],
         infotypes=["Ekonomisk redovisning"], process="Betalning av leverantörsfakturor"),
    Spec("Överföring av elevuppgifter till tredje land via Google Workspace", ["Elevdatorer (Google Workspace)"],
         "third-country-transfer", "Support och viss behandling sker i USA.",
         "Standardavtalsklausuler; leverantören är certifierad enligt EU–US Data Privacy Framework.", (3, 3), (2, 3),
         treatments=[("Genomför konsekvensbedömning (DPIA) och överföringsanalys", CO, 30, "in_progress")],
         infotypes=["Elevdokumentation", "E-post och kalender"]),
    Spec("Röjande av sekretessuppgifter vid utkontraktering av socialtjänstens system",
         ["Verksamhetssystem för socialtjänst"], "osl-disclosure",
         "Olämplighetsprövningen enligt OSL 10 kap. 2 a § är inte dokumenterad.", "Personuppgiftsbiträdesavtal finns.",
         (2, 4), (1, 4),
         treatments=[("Dokumentera olämplighetsprövningen för teknisk lagring hos leverantören", CO, 15, "open")],
         infotypes=["Socialtjänstakter"], suppliers=["omsorg"]),
    Spec("Hårdvaruhaveri i e-arkivets lagring", ["E-arkiv"], "hardware-failure",
         "Lagringen speglas inte till en annan sal.", "Serviceavtal med fyra timmars inställelsetid.", (2, 3), (2, 2),
         Strategy.ACCEPT,
         accept="Informationen finns även i säkerhetskopior; ett avbrott på några dagar är acceptabelt för e-arkivet.",
         infotypes=["Diarium och ärendehandlingar"]),
    Spec("Misslyckad uppdatering av ekonomisystemet under bokslutet", ["Ekonomisystem"], "software-fault",
         "Uppdateringar testas inte i en testmiljö före driftsättning.", "Leverantören testar hos sig.", (2, 3), (1, 3),
         treatments=[("Kräv testmiljö och acceptanstest före uppdateringar", SO, 120, "open")], suppliers=["ekon"]),
    Spec("Avbrott i trygghetslarmen", ["Trygghetslarm"], "supplier-outage",
         "Larmen går via en enda mobiloperatör.", "Larmcentral med reservrutin.", (2, 4), (1, 4),
         treatments=[("Inför larm med två mobiloperatörer", SO, 150, "open"),
                     ("Öva reservrutinen vid larmavbrott med hemtjänsten", SA, -45, "open")],
         suppliers=["omsorg"], process="Trygghetslarm i hemtjänsten"),
    Spec("Bristande loggning och uppföljning i loggservern", ["Loggserver (SIEM)"], "insufficient-logging",
         "Alla system skickar inte loggar; inget larmar på avvikelser.", "Loggarna sparas i 90 dagar.", (3, 3), None,
         strategy=""),
    Spec("För breda behörigheter i ärendehanteringssystemet", ["Ärende- och dokumenthanteringssystem"], "excessive-access",
         "Behörigheter för personer som bytt tjänst tas inte bort.", "Årlig genomgång planeras.", (3, 3), (2, 2),
         treatments=[("Koppla behörigheterna till HR-systemets anställningsuppgifter", SA, 200, "open")],
         infotypes=["Diarium och ärendehandlingar", "Behörighetsuppgifter"]),
    Spec("Förvaltningar delar filer via egna molntjänster", [], "shadow-it", "Det finns ingen godkänd tjänst för stora filer.",
         "Riktlinje för molntjänster från 2019.", (3, 2), None, strategy="", process="Informationsutbyte med externa parter"),
    Spec("Endast en tekniker kan förvalta GIS-plattformen", ["Geografiskt informationssystem"], "key-person-dependency",
         "Endast en person kan administrera systemet.", "Viss dokumentation finns.", (3, 2), (2, 2),
         treatments=[("Dokumentera driftrutinerna och utbilda en ersättare", SA, 60, "in_progress")]),
    Spec("Kontinuitetsplan saknas för hemtjänstens planering", ["Planering av hemtjänst"], "missing-continuity-plan",
         "Det finns ingen manuell rutin vid systemavbrott.", "", (3, 3), (2, 3),
         treatments=[("Ta fram och öva en kontinuitetsplan för planeringen av hemtjänsten", SO, -25, "in_progress")],
         infotypes=["Socialtjänstakter"], process="Hemtjänst"),
    Spec("Styrdokumenten för informationssäkerhet är inaktuella", ["Styrdokumentsportal"], "outdated-governing-documents",
         "Informationssäkerhetspolicyn är från 2006 och riktlinjerna från 2003.", "", (4, 2), (2, 2),
         treatments=[("Revidera informationssäkerhetspolicyn och lägg fram den för beslut i kommunfullmäktige", CO, 180,
                      "in_progress")],
         infotypes=["Styrdokument"], process="Ledningssystem för informationssäkerhet"),
    Spec("Okontrollerade ändringar i nätverk och brandväggar", ["Nätverk och brandväggar"], "uncontrolled-change",
         "Brandväggsregler ändras utan ärende och granskning.", "Ändringslogg i brandväggen.", (3, 3), (2, 3),
         treatments=[("Inför ändringsärenden med granskning för brandväggsregler", SA, 40, "open")], suppliers=["it"]),
    Spec("Intrång via IT-bolagets fjärråtkomst", ["Katalogtjänst (AD)"], "supply-chain-compromise",
         "Leverantörens konton har administratörsbehörighet utan tvåfaktorsinloggning.", "VPN med lösenord.", (2, 4), (1, 4),
         treatments=[("Kräv tvåfaktorsinloggning och tidsbegränsad åtkomst för leverantörens administratörer", CO, -8,
                      "open")],
         infotypes=["Behörighetsuppgifter"], suppliers=["it"]),
    Spec("Felskickad e-post med känsliga personuppgifter", [EMAIL, "Säker e-post"], "human-error",
         "Adresser fylls i automatiskt; säker e-post används inte alltid.", "Utbildning vid anställning.", (4, 2), (3, 2),
         Strategy.ACCEPT,
         accept="Risken kan inte elimineras helt. Säker e-post är obligatorisk för socialtjänsten och restrisken bedöms "
                "som acceptabel.",
         infotypes=["E-post och kalender", "Socialtjänstakter"]),
    Spec("Angrepp mot e-tjänsten för ekonomiskt bistånd", ["Ekonomiskt bistånd (e-tjänst)"], "web-application-attack",
         "Ingen penetrationstest sedan införandet.", "Inloggning med e-legitimation.", (2, 4), (2, 3),
         treatments=[("Beställ penetrationstest av e-tjänsten", SO, 70, "open")], infotypes=["Socialtjänstakter"],
         suppliers=["arende"]),
    Spec("Leverantören av skolplattformen går i konkurs", ["Skolplattform", "Elevregister"], "supplier-failure",
         "Ingen export är avtalad; uppgifterna finns i leverantörens format.", "", (1, 4), (1, 3),
         treatments=[("Avtala om dataexport i öppet format när avtalet upphör", CO, 300, "open")], suppliers=["skol"]),
    Spec("Brand i serverrummet för fastighetsautomation", ["Fastighetsautomation"], "fire-water-damage",
         "Serverrummet saknar släcksystem.", "Brandlarm.", (1, 3), (1, 3), Strategy.ACCEPT,
         accept="Anläggningarna kan köras manuellt; kostnaden för ett släcksystem står inte i proportion till risken."),
    Spec("Obehörigt tillträde till serverrummet i kommunhuset", ["Nätverk och brandväggar"], "physical-intrusion",
         "Passerkorten ger tillträde till fler än som behöver.", "Låst dörr och passersystem.", (2, 3), (1, 3),
         treatments=[("Begränsa passerbehörigheten till serverrummet", SA, -90, "done")], closed=True),
    Spec("Nätavbrott till molntjänster stoppar undervisningen", ["Skolplattform"], "network-outage",
         "Skolorna har en enda internetförbindelse.", "", (2, 3), (2, 3), Strategy.TRANSFER,
         treatments=[("Teckna avtal om redundant förbindelse med vite vid avbrott", CO, 90, "open")], suppliers=["tele"]),
    Spec("Sekretessuppgifter i inspelade Teams-möten", [TEAMS], "cloud-act",
         "Inspelningar lagras i molntjänsten; det saknas riktlinje för inspelning.", "", (2, 3), (1, 3), Strategy.AVOID,
         treatments=[("Förbjud inspelning av möten där sekretessuppgifter behandlas", CO, 10, "open")], suppliers=["ms"]),
]

# Two municipalities held a risk-analysis session; the risks with these titles were found in it.
SESSIONS = {
    "bjorkvik": ("Riskanalys: e-post och samarbetstjänster i molnet",
                 "E-post (Exchange Online) och Microsoft 365 Teams: tillgänglighet, sekretess och tredjelandsåtkomst.",
                 "Driftansvarig, Mellanskogs IT AB\nKommunjurist, kommunledningskontoret",
                 "Underlag: tjänsteskrivelsen om e-postens placering. Genomgång av hot enligt katalogen; "
                 "sannolikhet och konsekvens bedömdes i grupp.",
                 [EMAIL, TEAMS]),
    "ekholma": ("Riskanalys: socialtjänstens och omsorgens system",
                "Verksamhetssystem för socialtjänst, trygghetslarm och planering av hemtjänst.",
                "Systemförvaltare, Omsorgsdata Sverige AB",
                "Fokus på tillgänglighet vid avbrott och på sekretess vid utkontraktering.",
                ["Verksamhetssystem för socialtjänst", "Trygghetslarm", "Planering av hemtjänst"]),
}


def _tenant(user, organisation) -> Tenant:
    return Tenant(Membership.objects.select_related("user", "organisation").get(user=user, organisation=organisation))


def _vary(rng: random.Random, spec: Spec) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """Shift the likelihood by one step now and then, so the municipalities' maps differ."""
    if spec.accept or rng.random() > 0.35:
        return spec.inherent, spec.residual
    step = rng.choice((-1, 1))
    inherent = (min(4, max(1, spec.inherent[0] + step)), spec.inherent[1])
    residual = None if spec.residual is None else (min(inherent[0], max(1, spec.residual[0] + step)), spec.residual[1])
    return inherent, residual


def load(*, organisation, users: dict) -> None:
    """Add the demo risks, treatments, acceptances and sessions to one municipality."""
    if Risk.objects.filter(organisation=organisation).exists():
        return
    load_threats()
    rng = random.Random(f"risk-{organisation.slug}")
    today = timezone.localdate()
    analyst, owner = _tenant(users["coordinator"], organisation), _tenant(users["system_owner"], organisation)
    systems = {s.name: s for s in System.objects.filter(organisation=organisation)}
    infotypes = {i.name: i for i in InformationType.objects.filter(organisation=organisation)}
    suppliers = {s.name: s for s in Supplier.objects.filter(organisation=organisation)}
    threats = {t.code: t for t in Threat.objects.filter(organisation__isnull=True)}
    session, session_systems = _session(analyst, organisation, users, today)
    for number, spec in enumerate(RISKS):
        inherent, residual = _vary(rng, spec)
        linked = [systems[name] for name in spec.systems if name in systems]
        data = {
            "title": spec.title, "threat": threats.get(spec.threat), "vulnerability": spec.vulnerability,
            "existing_controls": spec.controls, "process": spec.process, "systems": linked,
            "information_types": [infotypes[n] for n in spec.infotypes if n in infotypes],
            "suppliers": [suppliers[SUPPLIERS[k][0]] for k in spec.suppliers if SUPPLIERS[k][0] in suppliers],
            "inherent_likelihood": inherent[0], "inherent_consequence": inherent[1],
            "residual_likelihood": residual[0] if residual else None,
            "residual_consequence": residual[1] if residual else None,
            # The system owner accepts: the risks they accept are theirs (risk.deciders).
            "owner": users[SO] if linked or spec.accept else users[CO], "strategy": spec.strategy,
            "status": RiskStatus.TREATED if spec.treatments and residual else RiskStatus.IDENTIFIED,
            # Reviews spread over the coming year; every seventh is already overdue.
            "review_date": today + datetime.timedelta(days=-rng.randint(5, 40) if number % 7 == 3 else rng.randint(20, 360)),
            "session": session if session and set(spec.systems) & session_systems else None,
        }
        risk = services.risk_create(tenant=analyst, data=data)
        for measure, role, due_in, status in spec.treatments:
            if organisation.slug == "lindo":
                # Reference case 2: its automatic findings are the seed's five observations only,
                # so none of Lindö's treatments is past its due date.
                due_in = abs(due_in) + 14
            services.treatment_add(tenant=analyst, risk=risk, data={
                "description": measure, "owner": users[role], "due_date": today + datetime.timedelta(days=due_in),
                "status": status})
        if spec.accept:
            services.risk_accept(tenant=owner, risk=risk, justification=spec.accept, version=risk.version,
                                 confirm=True)
        if spec.closed:
            risk.refresh_from_db()
            services.risk_update(tenant=analyst, risk=risk, data={"status": RiskStatus.CLOSED}, version=risk.version)


def _session(tenant: Tenant, organisation, users: dict, today: datetime.date):
    spec = SESSIONS.get(organisation.slug)
    if spec is None:
        return None, set()
    title, scope, external, notes, scope_systems = spec
    session = services.session_create(tenant=tenant, data={
        "title": title, "scope": scope, "date": today - datetime.timedelta(days=45),
        "external_participants": external, "notes": notes,
        "participants": [users[CO], users[SO], users[SA]],
    })
    return session, set(scope_systems)
