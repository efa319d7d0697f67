"""Demo incidents: a year at the four municipalities and Mellanskogs IT AB.

Each municipality has incidents of its own, some closed without the review they required (the
second seed's situation, observation 4.4), a lost phone in the breach log that was not notified
and one incident reported this morning whose clocks are running. The IT company registers a
significant ransomware incident once for all four municipalities: each assesses it, reports on
time and one holds the joint review whose lessons become actions; a misdirected payslip e-mail
is one municipality's breach, notified to IMY; an incident reported today awaits assessment.
"""

import datetime

from django.utils import timezone

from core.tenancy import tenant_for
from incidents import services
from incidents.models import Incident, IncidentCase, Severity, ensure_default_severities
from inventory.models import System
from trail.context import acting_as

H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


def _severity(rank: int) -> Severity:
    ensure_default_severities()
    return Severity.objects.get(organisation=None, rank=rank)


def _systems(org, *names):
    return list(System.objects.filter(organisation=org, name__in=names))


def _assess(tenant, case, at, **data):
    return services.case_assess(tenant=tenant, case=case, data=data, now=at)


def _close_own(tenant, user, *, title, description, category, aware, severity, significant_reason, breach=False,
               notifiable=None, breach_reason="", systems=(), note="", without_review=True):
    case = services.incident_report(tenant=tenant, now=aware + 10 * 60 * datetime.timedelta(seconds=1), data={
        "title": title, "description": description, "category": category, "detected_at": aware,
        "systems": systems})
    case = _assess(tenant, case, aware + 2 * H, severity=_severity(severity), manager=user, significant=False,
                   significance_reason=significant_reason, breach=breach, breach_notifiable=notifiable,
                   breach_reason=breach_reason)
    services.note_add(tenant=tenant, case=case, text=note or "Åtgärdat och verifierat.", at=aware + 5 * H,
                      now=aware + 6 * H)
    services.case_end_handling(tenant=tenant, case=case, at=aware + 6 * H, now=aware + 7 * H)
    return services.case_close(tenant=tenant, case=case, without_review=without_review and case.review_required,
                               note="Ärendet stängdes utan efterföljande utvärdering." if case.review_required else
                               "Åtgärdat.", now=aware + 8 * H)


def load(*, organisation, users):
    """The municipality's own incidents (idempotent)."""
    org = organisation
    if Incident.objects.filter(organisation=org).exists():
        return
    coordinator = users["coordinator"]
    tenant = tenant_for(coordinator, org.pk)
    reader = tenant_for(users["reader"], org.pk)
    now = timezone.now().replace(second=0, microsecond=0)
    with acting_as(coordinator, source="cli"):
        _close_own(tenant, coordinator, title="Nätfiskemejl till socialförvaltningen",
                   description="Ett tjugotal medarbetare fick ett mejl som efterliknade inloggningssidan; två "
                               "angav sina uppgifter innan mejlet spärrades.",
                   category="phishing", aware=now - 200 * D, severity=3,
                   significant_reason="Ingen störning i verksamheten; två konton spärrades och fick nya lösenord.",
                   note="Kontona spärrades och lösenorden byttes.")
        _close_own(tenant, coordinator, title="Skolplattformen otillgänglig under förmiddagen",
                   description="Elever och lärare kom inte åt skolplattformen mellan 08.10 och 11.40.",
                   category="outage", aware=now - 120 * D, severity=3,
                   significant_reason="Avbrottet var kortvarigt och påverkade inte samhällsviktig verksamhet.")
        _close_own(tenant, coordinator, title="Borttappad tjänstetelefon i hemtjänsten",
                   description="En tjänstetelefon med krypterat minne och skärmlås tappades bort under ett hembesök.",
                   category="device", aware=now - 60 * D, severity=1,
                   significant_reason="Ingen påverkan på driften.", breach=True, notifiable=False,
                   breach_reason="Telefonen var krypterad och spärrades på distans inom en timme; det är "
                                 "osannolikt att händelsen medför en risk för de registrerades rättigheter.",
                   without_review=False)
        _close_own(tenant, coordinator, title="Felkonfigurerad brandväggsregel efter ändring",
                   description="En ändring öppnade en administrativ port mot internet under två dagar.",
                   category="config", aware=now - 30 * D, severity=2,
                   significant_reason="Inga tecken på att porten utnyttjades.", without_review=False)
        # Reported this morning by a reader; the clocks run until someone assesses it.
        services.incident_report(tenant=reader, now=now, data={
            "title": "Misstänkt obehörig inloggning i ekonomisystemet",
            "description": "Larm om inloggning från utländsk IP-adress på ett konto i ekonomiavdelningen.",
            "category": "intrusion", "detected_at": now - 3 * H,
            "systems": _systems(org, "Ekonomisystem")})


def _supplier_case(incident, org):
    return IncidentCase.objects.get(incident=incident, organisation=org)


def _ransomware(supplier, customers, lead, now):
    start = now - 75 * D
    own = services.incident_report(tenant=lead, now=start + 30 * 60 * datetime.timedelta(seconds=1), data={
        "title": "Ransomware-angrepp mot gemensamma filservrar",
        "description": "Krypterande skadekod spreds till filservrarna i det gemensamma datacentret. Servrarna "
                       "isolerades och återställdes från säkerhetskopior.",
        "category": "malware", "detected_at": start,
        "affected_services": "Filtjänster, utskrift och inloggning för alla fyra kommuner.",
        "addressees": customers})
    incident = own.incident
    services.incident_update_add(tenant=lead, incident=incident, at=start + 4 * H, now=start + 5 * H,
                                 text="Filservrarna är isolerade; återställning från säkerhetskopior pågår.")
    services.incident_update_add(tenant=lead, incident=incident, at=start + 3 * D, now=start + 3 * D + H,
                                 text="Samtliga filtjänster är återställda. Orsak: sårbarhet i fjärråtkomst som "
                                      "inte var uppdaterad.")
    told = incident.addressed_at
    for i, org in enumerate(customers):
        user = _member_user(org, "coordinator")
        tenant = tenant_for(user, org.pk)
        case = _supplier_case(incident, org)
        with acting_as(user, source="cli"):
            case = _assess(tenant, case, told + 2 * H, severity=_severity(4), manager=user, significant=True,
                           significance_reason="Allvarlig driftstörning: filtjänster och inloggning otillgängliga för "
                                               "hela förvaltningen i mer än ett dygn.",
                           malicious=True, cross_border=False, breach=False,
                           systems=_systems(org, "Katalogtjänst (AD)", "Klientplattform", "Säkerhetskopiering"))
            services.stage_submit(tenant=tenant, case=case, stage="early_warning", submitted_at=told + (6 + i) * H,
                                  reference=f"CERT-SE {start:%Y}-{4711 + i}", now=told + 12 * H,
                                  content={"summary": "Ransomware i leverantörens datacenter; filtjänster nere."})
            services.stage_submit(tenant=tenant, case=case, stage="notification", submitted_at=told + (48 + i) * H,
                                  now=told + 60 * H, content={
                                      "indicators": "Krypterade filer med ändelsen .lock; trafik mot 203.0.113.45."})
            services.case_end_handling(tenant=tenant, case=case, at=told + 4 * D, now=told + 5 * D)
            services.stage_submit(tenant=tenant, case=case, stage="final", submitted_at=told + 20 * D,
                                  now=told + 21 * D, content={
                                      "root_cause": "Ej uppdaterad fjärråtkomstlösning hos leverantören.",
                                      "measures": "Uppdatering, flerfaktorsinloggning och segmentering."})
            if i == 0:
                review = services.review_save(tenant=tenant, case=case, now=told + 25 * D, data={
                    "held_on": (told + 25 * D).date(), "supplier_took_part": True,
                    "participants": "Informationssäkerhetssamordnare och systemägare i kommunen; säkerhetsansvarig "
                                    "och tjänsteansvarig på Mellanskogs IT AB.",
                    "causes": "Fjärråtkomstlösningen saknade en säkerhetsuppdatering; kontot saknade flerfaktorsinloggning.",
                    "what_was_done": "Isolering, återställning från säkerhetskopior, rapportering till CERT-SE.",
                    "went_well": "Säkerhetskopiorna fungerade och återställningen gick enligt plan.",
                    "went_badly": "Kommunen fick besked först en timme efter upptäckten; kontaktvägarna var oklara."})
                for text, days in (("Kräv flerfaktorsinloggning för all fjärråtkomst i avtalet med leverantören", 60),
                                   ("Inför gemensam rutin för när leverantören ska larma kommunen", 45)):
                    services.lesson_add(tenant=tenant, review=review, text=text, owner=user,
                                        due_date=(now + days * D).date())
                services.review_save(tenant=tenant, case=case, data={}, complete=True, now=told + 26 * D)
                services.case_close(tenant=tenant, case=case, now=told + 27 * D, note="Utvärderad tillsammans med leverantören.")
            elif i in (1, 2):
                services.case_close(tenant=tenant, case=case, without_review=True, now=told + 22 * D,
                                    note="Leverantörens slutrapport togs emot; ingen egen utvärdering gjordes.")


def _member_user(org, role):
    from organisations.models import Membership

    return Membership.objects.select_related("user").filter(organisation=org, role=role).first().user


def _payslips(customers, lead, now):
    org = customers[-1]
    start = now - 20 * D
    own = services.incident_report(tenant=lead, now=start + H, data={
        "title": "Lönespecifikationer skickades till fel mottagare",
        "description": "Ett fel i utskicksjobbet skickade 37 lönespecifikationer till fel medarbetare.",
        "category": "leak", "detected_at": start, "possible_breach": True, "addressees": [org]})
    services.case_assess(tenant=lead, case=own, now=start + 2 * H, data={
        "significant": False, "significance_reason": "Ingen driftstörning.", "breach": True,
        "breach_notifiable": True, "breach_reason": "Leverantören är personuppgiftsbiträde; kommunen informerad."})
    user = _member_user(org, "coordinator")
    tenant = tenant_for(user, org.pk)
    case = _supplier_case(own.incident, org)
    told = own.incident.addressed_at
    with acting_as(user, source="cli"):
        case = _assess(tenant, case, told + 3 * H, severity=_severity(3), manager=user, significant=False,
                       significance_reason="Ingen driftstörning.", breach=True, breach_notifiable=True,
                       breach_reason="Löneuppgifter och personnummer röjdes för andra medarbetare.")
        services.stage_submit(tenant=tenant, case=case, stage="imy", submitted_at=told + 30 * H, now=told + 31 * H,
                              reference=f"IMY-{start:%Y}-3391", content={
                                  "nature": "Obehörigt röjande genom felskickade e-postmeddelanden.",
                                  "data_subject_categories": "Anställda", "data_subjects_approx": 37,
                                  "record_categories": "Lönespecifikationer med personnummer", "records_approx": 37,
                                  "contact": "Gemensamt dataskyddsombud, dataskyddsombud@samverkan.example",
                                  "consequences": "Risk för att uppgifter om lön och personnummer sprids vidare.",
                                  "measures": "Mottagarna ombads radera meddelandena; utskicksjobbet rättades."})


def load_supplier(*, supplier, customers, users):
    """The IT company's incidents, addressed to the municipalities they affect (idempotent)."""
    if Incident.objects.filter(organisation=supplier).exists() or not customers:
        return
    lead_user = users.get("security_lead")
    lead = tenant_for(lead_user, supplier.pk)
    now = timezone.now().replace(second=0, microsecond=0)
    with acting_as(lead_user, source="cli"):
        _ransomware(supplier, customers, lead, now)
        _payslips(customers, lead, now)
        # Registered an hour ago for two municipalities: their clocks started when they were told.
        services.incident_report(tenant=lead, now=now - H + 60 * datetime.timedelta(seconds=1), data={
            "title": "Avbrott i inloggningstjänsten",
            "description": "Inloggningen till verksamhetssystemen fungerar inte; felsökning pågår.",
            "category": "outage", "detected_at": now - 2 * H, "addressees": customers[:2]})
