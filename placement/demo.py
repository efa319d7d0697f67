"""Demo placement assessments for Björkvik (PRODUCT.md "Reference cases", case 1).

1. E-mail: keep it in Exchange Online or move it back to the municipality's own data centre,
   with the first seed's facts (about 50 tkr for the migration; about 2 mnkr over three years
   for local operation; local user licences up to about 600 tkr more; 99.9 % promised uptime;
   data centres in Ireland and Sweden, US jurisdiction; the old data centre at end of life).
   Dated April 2021, as the seed: the legal table then gives no adequacy for the US.
   Outcome: the cloud service is favoured from security, technology and economy; the law
   carries the larger risk, mitigated by the rule that e-mail holds no data under secrecy.
   Every verdict is computed: security from the requirements each alternative meets.
2. The social services' case system (information under secrecy), 2026: an EU-hosted
   supplier's data centre wins over a SaaS on a US cloud platform; decided and locked.

Written through the services, so the demo obeys the same rules as the pages.
"""

import datetime
from decimal import Decimal

from core.tenancy import tenant_for
from inventory.models import Hosting, InformationType, System
from placement import selectors, services
from placement.models import (
    Appropriateness,
    Assessment,
    CostCategory,
    CostKind,
    DecidingBody,
    Perspective,
    Redundancy,
    ResidualRisk,
    StaffCapacity,
)

DEMO_SLUG = "bjorkvik"
EMAIL_TITLE = "E-post: molntjänst eller lokal drift"
SOCIAL_TITLE = "Driftform för verksamhetssystemet för socialtjänst"


# Requirements of the catalogue (requirements/data/catalogue.json) that an alternative does not
# meet, by code; every other applicable requirement is met. The e-mail case: the old data centre
# is at its end of life, on one physical location with the new one, run by strained staff
# without Exchange specialists (the seed), while Exchange Online meets them.
EMAIL_LOCAL_UNMET = {
    "DR-01",  # security updates installed on time: the platform is past its end of life
    "DR-08",  # software still supported by its maker
    "DR-02",  # monthly vulnerability scanning: no one has the time
    "DR-07",  # availability monitored around the clock: office hours only
    "IN-08",  # threat and vulnerability warnings acted on
    "PE-06",  # administrators trained in the system's security: no Exchange specialists
    "KO-01",  # continuity plan for outages: none after the serious outage
    "KO-07",  # capacity planned: the new data centre is not sized for e-mail
    "SK-02",  # backups protected against ransomware: kept at the same location
    "FS-02",  # protection against fire, water and heat in the old server room
}
# The social services' case: the SaaS on a US platform leaves the municipality without control
# of its keys, without a right to audit and without its requirements on the platform.
SOCIAL_SAAS_UNMET = {
    "KR-04",  # the municipality controls the keys: the platform holds them
    "LE-06",  # right to audit the supplier: only the platform's own reports
    "LE-13",  # requirements flow down to subcontractors: the platform's terms are standard
}
# Where the information is, the duty of confidentiality of the supplier's staff and
# third-country access laws are weighed in the legal perspective, so they are left unmarked here.
LEGAL_REQUIREMENTS = {"LE-04", "LE-05", "LE-10"}


def _requirements(tenant, assessment: Assessment, unmet: dict) -> None:
    """Mark the applicable requirements per alternative: met, except the codes in `unmet[alternative]`."""
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    applicable = [r for r in result.perspectives[Perspective.SECURITY].details["requirements"]
                  if r.code not in LEGAL_REQUIREMENTS]
    for alternative, codes in unmet.items():
        services.requirements_mark(tenant=tenant, alternative=alternative,
                                   marks={str(r.pk): r.code not in codes for r in applicable})


def _catalogue() -> None:
    """The security perspective reads the requirement catalogue (loaded by the requirements demo)."""
    try:
        from requirements.catalogue import catalogue_is_loaded, load_catalogue
    except ImportError:  # without the requirements module, no requirement applies
        return
    if not catalogue_is_loaded():
        load_catalogue()


def _cost(category, kind, amount, description, year=1, upper_estimate=False) -> dict:
    return {"category": category, "kind": kind, "amount": Decimal(amount), "year": year, "description": description,
            "upper_estimate": upper_estimate}


def load(*, organisation, users) -> None:
    if organisation.slug != DEMO_SLUG or Assessment.objects.filter(organisation=organisation).exists():
        return
    tenant = tenant_for(users["coordinator"], organisation.pk)
    _catalogue()
    email_case(tenant=tenant, responsible=users["coordinator"])
    social_services_case(tenant=tenant, responsible=users["coordinator"])


def _verdicts(tenant, alternative, entries) -> None:
    for perspective, verdict, rationale, residual in entries:
        services.verdict_save(tenant=tenant, alternative=alternative, perspective=perspective, verdict=verdict,
                              rationale=rationale, residual_risk=residual)


def email_case(*, tenant, responsible) -> Assessment:
    """Reference case 1: the first seed's e-mail assessment."""
    org = tenant.organisation
    system = System.objects.get(organisation=org, name="E-post (Exchange Online)")
    email = InformationType.objects.get(organisation=org, name="E-post och kalender")
    assessment = services.assessment_create(tenant=tenant, data={
        "title": EMAIL_TITLE, "service": "kommunens e-post", "responsible": responsible,
        "assessment_date": datetime.date(2021, 4, 20), "registration_number": "KS 2021/0123",
        "deciding_body": DecidingBody.COUNCIL, "years": 3, "systems": [system], "information_types": [email],
        "department": "Kommunledningsförvaltningen", "case_officer": responsible,
        "case_officer_title": "Informationssäkerhetssamordnare",
        "recipients": "Kommunstyrelsen\nKommundirektören\nIT-enheten\nDataskyddsombudet",
        "background": (
            "Efter stora risker och en allvarlig driftstörning i kommunens gamla datacenter beslutade "
            "kommunstyrelsen att tillfälligt flytta kommunens e-post till molntjänsten Exchange Online. "
            "Kommunfullmäktige ska nu ta ställning till om e-posten ska ligga kvar i Exchange Online eller "
            "flyttas tillbaka till kommunens egna datacenter.\n"
            "Bedömningen gäller enbart e-post. Kommunens hållning till molntjänster i allmänhet tas upp när "
            "digitaliseringsstrategin uppdateras under hösten."),
    })
    cloud = services.alternative_create(tenant=tenant, assessment=assessment, data={
        "name": "Exchange Online (molntjänst)", "hosting": Hosting.CLOUD, "provider": "Microsoft Exchange Online",
        "description": "E-posten ligger kvar i Exchange Online. Microsofts datacenter i Irland (Dublin) och Sverige "
                       "(Gävle, Staffanstorp, Sandviken).",
        "storage_countries": ["IE", "SE"], "access_countries": ["IE", "SE", "US"], "provider_jurisdiction": "US",
        "scc_signed": True, "technical_only": True, "sla_percent": Decimal("99.9"),
        "redundancy": Redundancy.SEPARATE_SITES, "recovery_site": "Microsofts datacenter i Irland och Sverige",
        "staff_capacity": StaffCapacity.SUFFICIENT,
    }, costs=[_cost(CostCategory.CONSULTANTS, CostKind.ONE_OFF, 50_000, "Migrering till Exchange Online")])
    local = services.alternative_create(tenant=tenant, assessment=assessment, data={
        "name": "Lokal drift i kommunens datacenter", "hosting": Hosting.OWN_DATA_CENTRE,
        "provider": "Kommunens IT-enhet",
        "description": "E-posten flyttas tillbaka till det gamla datacentret, som nått slutet av sin livslängd, tills det nya "
                       "datacentret har byggts ut för e-post. Båda datacentren finns på samma fysiska plats.",
        "storage_countries": ["SE"], "access_countries": ["SE"], "provider_jurisdiction": "SE",
        "redundancy": Redundancy.SAME_LOCATION, "recovery_site": "", "end_of_life": datetime.date(2020, 12, 31),
        "staff_capacity": StaffCapacity.STRAINED,
    }, costs=[
        _cost(CostCategory.HARDWARE, CostKind.ONE_OFF, 500_000, "Servrar och lagring för e-post i nya datacentret"),
        _cost(CostCategory.CONSULTANTS, CostKind.ONE_OFF, 300_000, "Konsulttjänster för uppbyggnaden"),
        _cost(CostCategory.LICENCES, CostKind.RECURRING, 400_000, "Serverlicenser för e-post, lagring och backup"),
        _cost(CostCategory.LICENCES, CostKind.RECURRING, 200_000,
              "Användarlicenser för lokal drift (merkostnad i värsta fall)", upper_estimate=True),
    ])
    services.mitigation_add(tenant=tenant, assessment=assessment, max_confidentiality=2, text=(
        "Uppgifter som omfattas av sekretess och känsliga personuppgifter får inte skickas eller lagras i e-posten; "
        "de hanteras i lokalt driftade verksamhetssystem."))
    services.mitigation_add(tenant=tenant, assessment=assessment, text=(
        "En informationsinsats om informationssäkerhet och dataskydd till alla användare under två år."))
    _requirements(tenant, assessment, {cloud: set(), local: EMAIL_LOCAL_UNMET})
    # The security verdicts are computed from the requirements; the assessor adds the rationale.
    _verdicts(tenant, cloud, [
        (Perspective.SECURITY, "",
         "Molntjänsten ger hög driftsäkerhet, är alltid uppdaterad och ger tillgång till moderna säkerhetslösningar.",
         ResidualRisk.LOW),
        (Perspective.LEGAL, "",
         "Att lämna e-posten till leverantören är ett röjande enligt OSL (SOU 2021:1). USA saknar adekvat skyddsnivå "
         "sedan Privacy Shield ogiltigförklarades, och leverantören omfattas av US CLOUD Act. Risken motverkas av "
         "riktlinjen att e-post inte får innehålla sekretessbelagda uppgifter eller känsliga personuppgifter.",
         ResidualRisk.MEDIUM),
        (Perspective.TECHNICAL, "",
         "Microsoft garanterar 99,9 % upptid; ingen egen hårdvara krävs och datacentren finns i Irland och Sverige.",
         ResidualRisk.LOW),
        (Perspective.ECONOMIC, "",
         "Flytten kostar ca 50 tkr i konsulttjänster; merparten av licenserna finns redan.", ResidualRisk.LOW),
    ])
    _verdicts(tenant, local, [
        (Perspective.SECURITY, "",
         "Det är svårt att bygga ett säkert system i liten skala till rimlig kostnad: hård- och mjukvara måste "
         "förnyas regelbundet, specialistkompetens krävs och Exchange i egen drift är en prioriterad måltavla.",
         ResidualRisk.MEDIUM),
        (Perspective.LEGAL, "",
         "Informationen stannar hos kommunen. E-post passerar dock redan i dag andras servrar när den skickas och tas "
         "emot.", ResidualRisk.LOW),
        (Perspective.TECHNICAL, "",
         "Det gamla datacentret har nått slutet av sin livslängd och båda datacentren finns på samma plats. Det nya "
         "datacentret är inte dimensionerat för e-post, och lokal e-post omöjliggör den planerade recovery siten.",
         ResidualRisk.HIGH),
        (Perspective.ECONOMIC, "",
         "Lokal drift kostar ca 2 mnkr under tre år och användarlicenserna kan bli upp till ca 600 tkr dyrare; "
         "arbetet tränger undan andra projekt.", ResidualRisk.MEDIUM),
    ])
    assessment.refresh_from_db()
    return services.combined_update(tenant=tenant, assessment=assessment, chosen=None, revision=assessment.revision,
                                    data={
        "summary": (
            "Frågan om molntjänst eller lokal drift har inget givet svar; varje ny behandling kräver klassning och "
            "riskbedömning. Utifrån tekniska, informationssäkerhetsmässiga och ekonomiska risker finns stora fördelar "
            "med molntjänsten. Ur ett juridiskt perspektiv finns större risker som talar emot, men de motverkas av "
            "riktlinjer för vilken information e-posten får innehålla och av moderna säkerhetslösningar. "
            "Sammantaget är riskerna med lokal drift större än med e-post som molntjänst."),
        "proposal": "Kommunfullmäktige föreslås besluta att kommunens e-post även fortsättningsvis driftas i "
                    "molntjänsten Exchange Online.",
    })


def social_services_case(*, tenant, responsible) -> Assessment:
    """A case with another outcome: information under secrecy, where the EU-hosted supplier wins."""
    org = tenant.organisation
    system = System.objects.get(organisation=org, name="Verksamhetssystem för socialtjänst")
    files = InformationType.objects.get(organisation=org, name="Socialtjänstakter")
    assessment = services.assessment_create(tenant=tenant, data={
        "title": SOCIAL_TITLE, "service": "verksamhetssystemet för socialtjänst", "responsible": responsible,
        "assessment_date": datetime.date(2026, 3, 10), "registration_number": "SN 2026/0042",
        "deciding_body": DecidingBody.COMMITTEE, "deciding_body_name": "Socialnämnden", "years": 5,
        "department": "Socialförvaltningen", "case_officer": responsible,
        "case_officer_title": "Informationssäkerhetssamordnare",
        "recipients": "Socialförvaltningen\nMellanskogs IT AB\nDataskyddsombudet",
        "discount_rate": Decimal("2.0"), "systems": [system], "information_types": [files],
        "background": "Avtalet för verksamhetssystemet för socialtjänst löper ut. Leverantören erbjuder systemet "
                      "som tjänst på en amerikansk molnplattform; alternativet är fortsatt drift hos Mellanskogs IT AB.",
    })
    saas = services.alternative_create(tenant=tenant, assessment=assessment, data={
        "name": "Leverantörens tjänst på amerikansk molnplattform", "hosting": Hosting.CLOUD,
        "provider": "Omsorgsdata Sverige AB (Microsoft Azure)", "storage_countries": ["SE"],
        "access_countries": ["SE", "US"], "provider_jurisdiction": "US", "dpf_certified": True, "scc_signed": True,
        "tia_done": True, "technical_only": False, "sla_percent": Decimal("99.9"),
        "redundancy": Redundancy.SEPARATE_SITES, "recovery_site": "Azure-region i Sverige, annan zon",
        "staff_capacity": StaffCapacity.SUFFICIENT,
    }, costs=[_cost(CostCategory.CONSULTANTS, CostKind.ONE_OFF, 250_000, "Migrering och utbildning"),
              _cost(CostCategory.LICENCES, CostKind.RECURRING, 600_000, "Abonnemang")])
    hosted = services.alternative_create(tenant=tenant, assessment=assessment, data={
        "name": "Mellanskogs IT AB:s datacenter", "hosting": Hosting.SUPPLIER_DATA_CENTRE,
        "provider": "Mellanskogs IT AB", "storage_countries": ["SE"], "access_countries": ["SE"],
        "provider_jurisdiction": "SE", "technical_only": True, "confidentiality_duty": True,
        "sla_percent": Decimal("99.7"), "redundancy": Redundancy.SEPARATE_SITES,
        "recovery_site": "Reservdatacenter hos Mellanskogs IT AB", "end_of_life": datetime.date(2032, 12, 31),
        "staff_capacity": StaffCapacity.SUFFICIENT,
    }, costs=[_cost(CostCategory.CONSULTANTS, CostKind.ONE_OFF, 150_000, "Uppgradering till ny version"),
              _cost(CostCategory.LICENCES, CostKind.RECURRING, 420_000, "Licenser"),
              _cost(CostCategory.OTHER, CostKind.RECURRING, 220_000, "Driftavgift till Mellanskogs IT AB")])
    services.osl_assessment_save(tenant=tenant, alternative=hosted, information_type=files,
                                 outcome=Appropriateness.APPROPRIATE, reasoning=(
        "Mellanskogs IT AB bearbetar och lagrar uppgifterna endast tekniskt, personalen omfattas av lag (2020:914) "
        "och uppgifterna lämnar inte Sverige."))
    services.osl_assessment_save(tenant=tenant, alternative=saas, information_type=files,
                                 outcome=Appropriateness.INAPPROPRIATE, reasoning=(
        "Leverantörens support i USA kan ta del av akterna, och plattformen omfattas av US CLOUD Act."))
    _requirements(tenant, assessment, {saas: SOCIAL_SAAS_UNMET, hosted: set()})
    _verdicts(tenant, hosted, [(Perspective.SECURITY, "",
                                "Driften uppfyller kommunens krav för information med höga skyddsbehov.", "")])
    _verdicts(tenant, saas, [(Perspective.SECURITY, "",
                              "Plattformen har goda säkerhetsfunktioner, men kommunen kan inte granska driften, styr "
                              "inte krypteringsnycklarna och kan inte ställa sina krav på plattformsleverantören.",
                              ResidualRisk.MEDIUM),
                             (Perspective.LEGAL, "", "", ResidualRisk.HIGH)])
    assessment.refresh_from_db()
    assessment = services.combined_update(tenant=tenant, assessment=assessment, chosen=None,
                                          revision=assessment.revision, data={
        "summary": "Akterna omfattas av sekretess. Tjänsten på den amerikanska plattformen kan inte användas för dem "
                   "utan att uppgifterna röjs; driften hos Mellanskogs IT AB uppfyller kraven till en jämförbar "
                   "kostnad.",
    })
    services.decision_record(tenant=tenant, assessment=assessment, alternative=hosted, data={
        "body": DecidingBody.COMMITTEE, "body_name": "Socialnämnden", "registration_number": "SN 2026/0042",
        "decided_on": datetime.date(2026, 4, 15), "follow_up_date": datetime.date(2027, 4, 15),
        "decision": "Socialnämnden beslutar att verksamhetssystemet för socialtjänst även fortsättningsvis ska "
                    "driftas i Mellanskogs IT AB:s datacenter.",
    })
    return assessment
