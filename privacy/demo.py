"""Demo data protection for the four municipalities and Mellanskogs IT AB.

Each municipality keeps a record of processing for several nämnder (school, social services,
building permits, payroll, e-mail), DPAs with Mellanskogs IT AB and its other processors, and
a completed DPIA for the social services' system. Björkvik has one transfer without a lawful
basis (pupils' accounts with Google, no safeguards recorded). Lindö kommun, the second seed's
reference case, triggers none of the privacy findings: its DPA with Mellanskogs IT AB is dated
November 2019 as in the seed, covers every point of art. 28(3), and has not been audited yet.
"""

import datetime

from django.utils import timezone

from inventory.models import System
from organisations.models import Membership, Unit
from privacy import rules
from privacy.models import (
    ActivityStatus,
    ActivityTransfer,
    Dpia,
    DpiaDecision,
    DpiaStatus,
    ProcessingActivity,
    ProcessorAgreement,
    ProcessorRecord,
    SubProcessor,
)
from suppliers.models import Supplier
from trail.context import acting_as

D = datetime.date
ALL_CLAUSES = {"instructions": "2.1", "confidentiality": "5.1", "security": "6.1–6.4", "sub_processors": "7.1–7.3",
               "data_subject_rights": "8.1", "assistance": "8.2", "deletion": "11.1", "audits": "10.1–10.2"}

# (name, unit key, purpose, legal basis, reference, art. 9 ground, art. 10 basis, data subjects,
#  categories, recipients, retention, months, systems, processor keys)
ACTIVITIES = [
    ("E-post och kalender", "ks", "Kommunikation med invånare, företag och myndigheter samt mellan medarbetare.",
     "e", "Kommunallagen (2017:725) och förvaltningslagen (2017:900)", "", "",
     ["residents", "employees", "contacts"], ["identity", "contact", "communication"],
     "Mottagare av meddelanden; Microsoft som personuppgiftsbiträde.",
     "Gallras enligt dokumenthanteringsplanen: e-post av tillfällig betydelse efter 12 månader.", 12,
     ["E-post (Exchange Online)", "Microsoft 365 Teams"], ["ms", "it"]),
    ("Elevdokumentation och lärplattform", "bun", "Undervisning, bedömning, närvaro och kontakt med vårdnadshavare.",
     "e", "Skollagen (2010:800)", "", "", ["pupils", "guardians", "employees"],
     ["identity", "contact", "education"], "Vårdnadshavare; Skolverket (betyg); mottagande skola vid byte.",
     "Betygskataloger bevaras; övrig elevdokumentation gallras tre år efter avslutad skolgång.", 36,
     ["Skolplattform", "Elevregister", "Elevdatorer (Google Workspace)"], ["skol"]),
    ("Elevhälsans journaler", "bun", "Elevhälsans medicinska, psykologiska och psykosociala insatser.",
     "e", "Skollagen (2010:800) 2 kap. 25 §, patientdatalagen (2008:355)", "h", "", ["pupils"],
     ["identity", "health"], "Inga utöver elevhälsans personal; IVO vid tillsyn.",
     "Journaler bevaras enligt arkivbeslut; annars tio år efter sista anteckning.", 120,
     ["Elevhälsans journalsystem"], ["skol"]),
    ("Utredningar inom individ- och familjeomsorgen", "sn",
     "Utredning, beslut och uppföljning av insatser enligt socialtjänstlagen och LVU.",
     "e", "Socialtjänstlagen (2001:453), lagen (2001:454) om behandling av personuppgifter inom socialtjänsten",
     "h", "Lagen (2001:454) om behandling av personuppgifter inom socialtjänsten, 7 §",
     ["clients", "guardians"], ["identity", "contact", "social", "health", "criminal"],
     "Domstolar, IVO, Försäkringskassan och andra myndigheter enligt lag.",
     "Gallras fem år efter sista anteckning, utom akter som ska bevaras för forskning.", 60,
     ["Verksamhetssystem för socialtjänst"], ["it", "omsorg"]),
    ("Bygglovshandläggning", "sbn", "Handläggning av ansökningar om bygglov och anmälningar.",
     "e", "Plan- och bygglagen (2010:900)", "", "", ["applicants", "residents"],
     ["identity", "contact", "property"], "Sakägare, Lantmäteriet; allmänheten genom offentlighetsprincipen.",
     "Beslut och ritningar bevaras; arbetsmaterial gallras efter avslutat ärende.", None,
     ["Bygglovssystem"], ["it", "geo"]),
    ("Löneadministration", "ks", "Löneberäkning, utbetalning, skatteavdrag och fackavgifter.",
     "c", "Skatteförfarandelagen (2011:1244), bokföringslagen (1999:1078)", "b", "", ["employees"],
     ["identity", "financial", "employment", "union"], "Skatteverket, pensionsbolag, fackförbund, banker.",
     "Lönespecifikationer gallras efter sju år enligt bokföringslagen.", 84,
     ["Lönesystem", "HR-system och självservice"], ["it", "ekon"]),
]
# Each municipality's DPAs: supplier key → (title, signed, points left out).
AGREEMENTS = {
    "it": ("Personuppgiftsbiträdesavtal Mellanskogs IT AB", D(2019, 11, 20)),
    "ms": ("Data Protection Addendum, Microsoft Products and Services", D(2023, 1, 1)),
    "skol": ("Personuppgiftsbiträdesavtal Nordisk Skolplattform AB", D(2021, 8, 1)),
    "omsorg": ("Personuppgiftsbiträdesavtal Omsorgsdata Sverige AB", D(2020, 3, 1)),
    "geo": ("Personuppgiftsbiträdesavtal Kartkraft AB", D(2022, 5, 1)),
    "ekon": ("Personuppgiftsbiträdesavtal Kommunekonomi Norden AB", D(2021, 2, 1)),
}
SUPPLIER_NAMES = {"it": "Mellanskogs IT AB", "ms": "Microsoft Ireland Operations Ltd", "skol": "Nordisk Skolplattform AB",
                  "omsorg": "Omsorgsdata Sverige AB", "geo": "Kartkraft AB", "ekon": "Kommunekonomi Norden AB"}
# Gaps of the municipalities that negotiated their own DPA text (none in Lindö).
GAPS = {"ekholma": {"assistance"}, "granas": {"data_subject_rights"}}


def _dpo(org):
    m = Membership.objects.filter(organisation=org, role="dpo").select_related("user").first()
    return m.user if m else None


def load(*, organisation, users):
    """The municipality's record of processing, its DPAs and a decided DPIA (idempotent)."""
    org = organisation
    if ProcessingActivity.objects.filter(organisation=org).exists():
        return
    units = {u.name: u for u in Unit.objects.filter(organisation=org)}
    unit_keys = {"ks": "Kommunstyrelsen", "bun": "Barn- och utbildningsnämnden", "sn": "Socialnämnden",
                 "sbn": "Samhällsbyggnadsnämnden"}
    registers = {key: Supplier.objects.filter(organisation=org, name=name).first()
                 for key, name in SUPPLIER_NAMES.items()}
    systems = {s.name: s for s in System.objects.filter(organisation=org)}
    coordinator, owner, dpo = users.get("coordinator"), users.get("system_owner"), _dpo(org)
    today = timezone.localdate()
    with acting_as(coordinator, source="cli"):
        activities = {}
        for i, (name, unit, purpose, basis, ref, art9, art10, subjects, cats, recipients, retention, months,
                system_names, processors) in enumerate(ACTIVITIES):
            # Björkvik's e-mail is due for review within the month; the others later.
            due = today + datetime.timedelta(days=20 if (org.slug == "bjorkvik" and i == 0) else 150 + 30 * i)
            a = ProcessingActivity.objects.create(
                organisation=org, name=name, purpose=purpose, legal_basis=basis, legal_basis_reference=ref,
                art9_ground=art9, art10_basis=art10, data_subjects=subjects, data_categories=cats,
                recipients=recipients, retention=retention, retention_months=months, owner=owner,
                review_date=due, status=ActivityStatus.COMPLETE)
            a.controllers.set([units[unit_keys[unit]]] if unit_keys[unit] in units else [])
            a.systems.set([systems[n] for n in system_names if n in systems])
            a.processors.set([registers[k] for k in processors if registers.get(k)])
            activities[name] = a
        _transfers(org, activities["Elevdokumentation och lärplattform"])
        for key, (title, signed) in AGREEMENTS.items():
            if registers.get(key) is None:
                continue
            gaps = GAPS.get(org.slug, set()) if key == "it" else set()
            agreement = ProcessorAgreement.objects.create(
                organisation=org, supplier=registers[key], title=title, signed_on=signed,
                reference=f"KS {signed.year}/0{300 + len(title) % 90}", checklist_version=rules.art28_checklist()[0],
                points={k: v for k, v in ALL_CLAUSES.items() if k not in gaps},
                dpf_certified=key == "ms", scc_signed=key == "ms", tia_done=key == "ms",
                notes=("Omfattar ansvarsfördelning, säkerhetsåtgärder, sekretesskrav samt revisionskrav och "
                       "-rättigheter. Ingen granskning av biträdet är ännu genomförd.") if key == "it" else "")
            if key == "ms":
                SubProcessor.objects.create(organisation=org, agreement=agreement, name="Microsoft Corporation",
                                            country="US", service="Support och drift av molntjänsten",
                                            dpf_certified=True, scc_signed=True, tia_done=True)
            if key == "it":
                SubProcessor.objects.create(organisation=org, agreement=agreement, name="Norrdrift Datacenter AB",
                                            country="SE", service="Reservdatacenter")
        _dpia(org, activities["Utredningar inom individ- och familjeomsorgen"], systems, coordinator, owner, dpo)


def _transfers(org, school):
    # Google Workspace for Education: pupils' e-mail and documents, support from the USA. Björkvik
    # has not yet checked the provider's certification nor signed clauses: no basis.
    certified = org.slug != "bjorkvik"
    ActivityTransfer.objects.create(
        organisation=org, activity=school, country="US", recipient="Google LLC", dpf_certified=certified,
        scc_signed=certified, tia_done=certified,
        safeguards="" if not certified else "Google LLC är certifierat enligt EU–US Data Privacy Framework; "
                                            "standardavtalsklausuler i Googles databehandlingsvillkor.")


def _dpia(org, activity, systems, coordinator, owner, dpo):
    now = timezone.now()
    dpia = Dpia.objects.create(
        organisation=org, activity=activity,
        title="Konsekvensbedömning: Verksamhetssystem för socialtjänst",
        criteria=["sensitive", "vulnerable", "large_scale", "combining"], art35_3=["special_large_scale"],
        description=("Handläggning och dokumentation inom individ- och familjeomsorgen i verksamhetssystemet, "
                     "som drivs av Mellanskogs IT AB i dess datacenter. Uppgifter om hälsa, sociala förhållanden "
                     "och lagöverträdelser om barn och vuxna."),
        necessity=("Behandlingen är nödvändig för att fullgöra socialnämndens uppgifter enligt SoL och LVU. "
                   "Endast handläggare med uppdrag i ärendet har åtkomst; uppgifterna gallras enligt lag."),
        measures=("Behörighet per ärende, tvåfaktorsinloggning, loggning och logguppföljning varje månad, "
                  "kryptering av säkerhetskopior, skyddade personuppgifter markeras och döljs."),
        residual_high=False, status=DpiaStatus.DECIDED,
        dpo_advice=("Behandlingen kan genomföras med de planerade åtgärderna. Logguppföljningen ska "
                    "dokumenteras och åtkomsten för Mellanskogs IT AB:s drifttekniker begränsas."),
        dpo_advice_by=dpo, dpo_advice_at=now - datetime.timedelta(days=40),
        decision=DpiaDecision.PROCEED, decided_by=owner, decided_at=now - datetime.timedelta(days=30),
        decision_reason="Restrisken bedöms som acceptabel med åtgärderna; ingen förhandssamråd med IMY krävs.")
    return dpia


def load_supplier(*, supplier, customers, users):
    """Mellanskogs IT AB's record as processor (art. 30(2)), one entry per customer and nämnd."""
    if ProcessorRecord.objects.filter(organisation=supplier).exists():
        return
    with acting_as(users.get("security_lead"), source="cli"):
        for org in customers:
            for controller, processing in (
                    ("Kommunstyrelsen", "Drift av e-post, katalogtjänst, lönesystem och ärendehantering; "
                                        "säkerhetskopiering och loggning."),
                    ("Socialnämnden", "Drift av verksamhetssystemen för socialtjänst och äldreomsorg samt "
                                      "hälso- och sjukvårdsjournalen i eget datacenter."),
                    ("Samhällsbyggnadsnämnden", "Drift av bygglovssystemet och GIS-plattformen.")):
                record = ProcessorRecord.objects.create(
                    organisation=supplier, controller_name=f"{controller}, {org.name}",
                    controller_contact=f"registrator@{org.slug}.example", processing=processing,
                    transfers="Inga överföringar till tredjeland.", countries=[],
                    security_measures=("Datacenter i Sverige med skalskydd och passerkontroll, "
                                       "behörighetsstyrning, loggning, kryptering av säkerhetskopior."))
                record.shared_with.set([org])
