"""Demo data: a fictional shared IT company serving four fictional municipalities.

System rows: (name, purpose, unit key, hosting, provider, storage, processing, jurisdiction,
criticality, personal data, information types, supplier key).
"""

DEMO_PASSWORD = "Tillit-Demo-2026!"
IT_COMPANY = {"slug": "mellanskog-it", "name": "Mellanskogs IT AB", "org_number": "556900-0001"}
# The shared IT company's own members: (local part, role, title).
SUPPLIER_USERS = [
    ("leverantor", "service_manager", "Tjänsteansvarig"),
    ("sakerhet", "security_lead", "Säkerhetsansvarig"),
    ("lasare", "supplier", "Driftansvarig"),
]
MUNICIPALITIES = [
    {"slug": "bjorkvik", "name": "Björkviks kommun", "org_number": "212000-0001", "require_mfa": False},
    {"slug": "ekholma", "name": "Ekholma kommun", "org_number": "212000-0002", "require_mfa": False},
    {"slug": "granas", "name": "Granås kommun", "org_number": "212000-0003", "require_mfa": False},
    {"slug": "lindo", "name": "Lindö kommun", "org_number": "212000-0004", "require_mfa": False},
]
UNITS = {
    "ks": ("Kommunstyrelsen", "board"),
    "bun": ("Barn- och utbildningsnämnden", "board"),
    "sn": ("Socialnämnden", "board"),
    "sbn": ("Samhällsbyggnadsnämnden", "board"),
    "kfn": ("Kultur- och fritidsnämnden", "board"),
}
SUPPLIERS = {
    "it": ("Mellanskogs IT AB", "556900-0001", True),
    "ms": ("Microsoft Ireland Operations Ltd", "", False),
    "skol": ("Nordisk Skolplattform AB", "556900-0102", False),
    "omsorg": ("Omsorgsdata Sverige AB", "556900-0103", False),
    "ekon": ("Kommunekonomi Norden AB", "556900-0104", False),
    "geo": ("Kartkraft AB", "556900-0105", False),
    "arende": ("Ärendeflöde AB", "556900-0106", False),
    "tele": ("Nordtele AB", "556900-0107", False),
}
INFORMATION_TYPES = [
    ("E-post och kalender", "Korrespondens med invånare, företag och myndigheter.", True),
    ("Elevdokumentation", "Betyg, närvaro, åtgärdsprogram och elevhälsa.", True),
    ("Socialtjänstakter", "Utredningar och beslut inom individ- och familjeomsorg.", True),
    ("Hälso- och sjukvårdsjournaler", "Kommunal hälso- och sjukvård, omsorgsjournaler.", True),
    ("Löneuppgifter", "Lön, skatt, frånvaro och anställningsuppgifter.", True),
    ("Ekonomisk redovisning", "Bokföring, leverantörsfakturor och budget.", False),
    ("Diarium och ärendehandlingar", "Registrerade handlingar och ärenden.", True),
    ("Bygglovsärenden", "Ansökningar, ritningar och beslut om bygglov.", True),
    ("Geografisk information", "Kartor, fastigheter och ledningsnät.", False),
    ("Behörighetsuppgifter", "Konton, roller och grupper.", True),
    ("Loggar", "Säkerhets- och systemloggar.", True),
    ("Webbpublicering", "Information på kommunens webbplatser.", False),
    ("Upphandlingsunderlag", "Förfrågningsunderlag, anbud och avtal.", False),
    ("Styrdokument", "Policyer, riktlinjer och rutiner.", False),
    ("Besöksstatistik", "Antal besökare per timme i kommunens anläggningar, utan uppgifter om personer.", False),
]
# Information recorded in the inventory but not classified yet, per municipality: the system's
# page offers to classify it. (name, description, personal data, the system holding it)
UNCLASSIFIED_INFORMATION_TYPES = {
    "bjorkvik": [("Lokalbokningar", "Bokningar av idrottshallar och lokaler med bokarens namn och kontaktuppgifter.",
                  True, "Bokningssystem för lokaler")],
}
# Keys into INFORMATION_TYPES by position, for brevity in the rows below.
E, ELEV, SOC, HSL, LON, EKO, DIA, BYGG, GEO, IAM, LOG, WEB, UPP, STY, BES = range(15)

SYSTEMS = [
    ("E-post (Exchange Online)", "E-post och kalender för alla anställda.", "ks", "cloud", "Microsoft Exchange Online", "IE,SE", "IE,SE,US", "US", "high", True, [E], "ms"),
    ("Microsoft 365 Teams", "Samarbete, möten och chatt.", "ks", "cloud", "Microsoft 365", "IE,SE", "IE,SE,US", "US", "medium", True, [E], "ms"),
    ("Katalogtjänst (AD)", "Konton, grupper och inloggning för alla system.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "critical", True, [IAM, LOG], "it"),
    ("Federerad inloggning", "Single sign-on och tvåfaktorsinloggning.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "critical", True, [IAM, LOG], "it"),
    ("Ärende- och dokumenthanteringssystem", "Diarieföring och handläggning av ärenden.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "high", True, [DIA], "arende"),
    ("E-arkiv", "Långtidsbevarande av allmänna handlingar.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "high", True, [DIA], "arende"),
    ("Ekonomisystem", "Redovisning, budget och uppföljning.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "high", False, [EKO], "ekon"),
    ("Leverantörsfakturahantering", "Skanning, attest och betalning av fakturor.", "ks", "cloud", "Kommunekonomi Norden AB", "SE", "SE", "SE", "medium", True, [EKO], "ekon"),
    ("Lönesystem", "Löneberäkning och utbetalning.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "critical", True, [LON], "ekon"),
    ("HR-system och självservice", "Personaladministration, ledighet och rapportering.", "ks", "cloud", "Kommunekonomi Norden AB", "SE", "SE,FI", "SE", "high", True, [LON], "ekon"),
    ("Upphandlingsverktyg", "Annonsering och hantering av anbud.", "ks", "cloud", "Kommunekonomi Norden AB", "SE", "SE", "SE", "medium", False, [UPP], "ekon"),
    ("Avtalsdatabas", "Register över kommunens avtal.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "low", False, [UPP], "it"),
    ("Extern webbplats", "Information till invånare och företag.", "ks", "cloud", "Nordtele AB", "SE", "SE", "SE", "medium", False, [WEB], "tele"),
    ("Intranät", "Intern information till medarbetare.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "low", False, [WEB, STY], "it"),
    ("E-tjänsteplattform", "Digitala ansökningar från invånare.", "ks", "cloud", "Ärendeflöde AB", "SE", "SE", "SE", "high", True, [DIA], "arende"),
    ("Växel och kontaktcenter", "Telefoni och kundtjänst.", "ks", "cloud", "Nordtele AB", "SE", "SE", "SE", "high", True, [E], "tele"),
    ("Säker e-post", "Krypterad e-post till vård och myndigheter.", "sn", "cloud", "Nordtele AB", "SE", "SE", "SE", "high", True, [E, SOC], "tele"),
    ("Nämndadministration", "Kallelser, protokoll och sammanträden.", "ks", "cloud", "Ärendeflöde AB", "SE", "SE", "SE", "medium", True, [DIA], "arende"),
    ("Styrdokumentsportal", "Publicering av policyer och riktlinjer.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "low", False, [STY], "it"),
    ("Loggserver (SIEM)", "Insamling och analys av säkerhetsloggar.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "high", True, [LOG], "it"),
    ("Säkerhetskopiering", "Säkerhetskopior av servrar och databaser.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "critical", True, [LOG], "it"),
    ("Klientplattform", "Datorer, mobiler och deras hantering.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "high", True, [IAM], "it"),
    ("Nätverk och brandväggar", "Kommunens nät och skydd mot internet.", "ks", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "critical", False, [LOG], "it"),
    ("Skolplattform", "Lärplattform, schema och vårdnadshavarkontakt.", "bun", "cloud", "Nordisk Skolplattform AB", "SE", "SE", "SE", "high", True, [ELEV], "skol"),
    ("Elevregister", "Register över elever i förskola och skola.", "bun", "cloud", "Nordisk Skolplattform AB", "SE", "SE", "SE", "high", True, [ELEV], "skol"),
    ("Elevhälsans journalsystem", "Journaler för skolsköterska, kurator och psykolog.", "bun", "cloud", "Nordisk Skolplattform AB", "SE", "SE", "SE", "critical", True, [ELEV, HSL], "skol"),
    ("Förskolans närvarosystem", "Schema och närvaro i förskola och fritidshem.", "bun", "cloud", "Nordisk Skolplattform AB", "SE", "SE", "SE", "medium", True, [ELEV], "skol"),
    ("Skolskjutsplanering", "Planering av skolskjuts.", "bun", "cloud", "Nordisk Skolplattform AB", "SE", "SE", "SE", "low", True, [ELEV], "skol"),
    ("Elevdatorer (Google Workspace)", "Elevers e-post och dokument.", "bun", "cloud", "Google Workspace for Education", "IE,FI", "IE,FI,US", "US", "medium", True, [ELEV, E], None),
    ("Verksamhetssystem för socialtjänst", "Handläggning och dokumentation inom IFO.", "sn", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "critical", True, [SOC], "omsorg"),
    ("Verksamhetssystem för äldreomsorg", "Biståndshandläggning och utförardokumentation.", "sn", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "critical", True, [SOC, HSL], "omsorg"),
    ("Hälso- och sjukvårdsjournal", "Journal för kommunal hälso- och sjukvård.", "sn", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "critical", True, [HSL], "omsorg"),
    ("Läkemedelssignering", "Digital signering av läkemedelsgivning.", "sn", "cloud", "Omsorgsdata Sverige AB", "SE", "SE", "SE", "high", True, [HSL], "omsorg"),
    ("Trygghetslarm", "Larm från brukare till hemtjänsten.", "sn", "cloud", "Omsorgsdata Sverige AB", "SE", "SE", "SE", "critical", True, [HSL, SOC], "omsorg"),
    ("Planering av hemtjänst", "Schema och besök i hemtjänsten.", "sn", "cloud", "Omsorgsdata Sverige AB", "SE", "SE", "SE", "high", True, [SOC], "omsorg"),
    ("Ekonomiskt bistånd (e-tjänst)", "Ansökan om försörjningsstöd.", "sn", "cloud", "Ärendeflöde AB", "SE", "SE", "SE", "high", True, [SOC], "arende"),
    ("Bygglovssystem", "Handläggning av bygglov och anmälningar.", "sbn", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "medium", True, [BYGG], "geo"),
    ("Geografiskt informationssystem", "Kartor och analyser.", "sbn", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "medium", False, [GEO], "geo"),
    ("Fastighetsregister", "Fastighetsuppgifter och ägare.", "sbn", "cloud", "Kartkraft AB", "SE", "SE", "SE", "medium", True, [GEO], "geo"),
    ("Miljö- och hälsoskyddssystem", "Tillsyn och livsmedelskontroll.", "sbn", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "medium", True, [DIA], "geo"),
    ("VA-kundsystem", "Kunder och debitering för vatten och avlopp.", "sbn", "supplier_dc", "Mellanskogs IT AB", "SE", "SE", "SE", "medium", True, [EKO], "ekon"),
    ("Styrsystem för vattenverk", "Övervakning och styrning av vattenproduktion.", "sbn", "own_dc", "", "SE", "SE", "SE", "critical", False, [LOG], None),
    ("Fastighetsautomation", "Styrning av värme och ventilation i kommunens lokaler.", "sbn", "own_dc", "", "SE", "SE", "SE", "medium", False, [LOG], None),
    ("Felanmälan", "Invånares felanmälningar om gator och parker.", "sbn", "cloud", "Ärendeflöde AB", "SE", "SE", "SE", "low", True, [DIA], "arende"),
    ("Bibliotekssystem", "Utlåning och låntagarregister.", "kfn", "cloud", "Nordtele AB", "SE", "SE", "SE", "low", True, [WEB], "tele"),
    ("Bokningssystem för lokaler", "Bokning av idrottshallar och lokaler.", "kfn", "cloud", "Nordtele AB", "SE", "SE", "SE", "low", True, [EKO], "tele"),
    ("Föreningsregister", "Register och bidrag till föreningar.", "kfn", "cloud", "Nordtele AB", "SE", "SE", "SE", "low", True, [DIA], "tele"),
    ("Kulturskolans elevadministration", "Anmälan och avgifter i kulturskolan.", "kfn", "cloud", "Nordisk Skolplattform AB", "SE", "SE", "SE", "low", True, [ELEV], "skol"),
    ("Besöksräknare badhus", "Statistik över besök.", "kfn", "own_dc", "", "SE", "SE", "SE", "low", False, [BES], None),
    ("Krisledningsverktyg", "Lägesbild och loggbok vid kris.", "ks", "cloud", "Ärendeflöde AB", "SE", "SE", "SE", "high", True, [DIA, LOG], "arende"),
]
# (system, depends on) by name.
DEPENDENCIES = [
    ("E-post (Exchange Online)", "Katalogtjänst (AD)"),
    ("Microsoft 365 Teams", "Federerad inloggning"),
    ("Federerad inloggning", "Katalogtjänst (AD)"),
    ("Ärende- och dokumenthanteringssystem", "Federerad inloggning"),
    ("E-arkiv", "Ärende- och dokumenthanteringssystem"),
    ("Leverantörsfakturahantering", "Ekonomisystem"),
    ("Lönesystem", "HR-system och självservice"),
    ("HR-system och självservice", "Federerad inloggning"),
    ("E-tjänsteplattform", "Ärende- och dokumenthanteringssystem"),
    ("Ekonomiskt bistånd (e-tjänst)", "E-tjänsteplattform"),
    ("Ekonomiskt bistånd (e-tjänst)", "Verksamhetssystem för socialtjänst"),
    ("Verksamhetssystem för socialtjänst", "Federerad inloggning"),
    ("Verksamhetssystem för äldreomsorg", "Federerad inloggning"),
    ("Läkemedelssignering", "Hälso- och sjukvårdsjournal"),
    ("Planering av hemtjänst", "Verksamhetssystem för äldreomsorg"),
    ("Skolplattform", "Elevregister"),
    ("Skolplattform", "Federerad inloggning"),
    ("Elevhälsans journalsystem", "Elevregister"),
    ("Förskolans närvarosystem", "Elevregister"),
    ("Bygglovssystem", "Geografiskt informationssystem"),
    ("Bygglovssystem", "Ärende- och dokumenthanteringssystem"),
    ("Fastighetsregister", "Geografiskt informationssystem"),
    ("Loggserver (SIEM)", "Nätverk och brandväggar"),
    ("Klientplattform", "Katalogtjänst (AD)"),
    ("Säkerhetskopiering", "Nätverk och brandväggar"),
]
# Demo users per municipality: (local part, role, display name).
MUNICIPAL_USERS = [
    ("admin", "admin", "Administratör"),
    ("samordnare", "coordinator", "Informationssäkerhetssamordnare"),
    ("systemagare", "system_owner", "Systemägare"),
    ("systemforvaltare", "system_administrator", "Systemförvaltare"),
    ("revisor", "auditor", "Revisor"),
    ("lasare", "reader", "Läsare"),
]
