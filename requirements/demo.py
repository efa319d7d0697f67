"""Demo requirement assessments and statement of applicability for one municipality (load_demo).

About half of each system's derived requirements are assessed, with a realistic mix of
statuses, reasons and evidence; the statement of applicability is generated and partly
decided. The same municipality always gets the same data (seeded by its slug).
"""

import random
from datetime import timedelta

from django.utils import timezone

from classification.selectors import annotate_protection_need
from core.tenancy import Tenant
from inventory.models import System
from organisations.models import Membership, Organisation
from requirements import derived, rules, selectors, services
from requirements.catalogue import catalogue_is_loaded, load_catalogue
from requirements.models import Implementation, RequirementStatus, Status
from trail.capture import bulk_entries

STATUS_WEIGHTS = {Status.MET: 50, Status.PARTLY_MET: 22, Status.NOT_MET: 18, Status.NOT_APPLICABLE: 10}

EVIDENCE = {
    "governance": "Beskrivet i förvaltningsplanen 2026, fastställd av systemägaren.",
    "assets": "Registrerat i informationstillgångsförteckningen; informationshanteringsplan antagen av nämnden.",
    "access": "Behörigheter styrs via AD-grupper; senaste behörighetsgenomgång dokumenterad i förvaltningsmötets protokoll.",
    "logging": "Loggar skickas till kommunens loggplattform och följs upp enligt rutinen för logguppföljning.",
    "backup": "Daglig säkerhetskopiering hos Mellanskogs IT; återläsningstest genomfört och protokollfört.",
    "encryption": "TLS 1.2 eller senare enligt leverantörens säkerhetsbilaga; lagring krypterad.",
    "continuity": "Kontinuitetsplan finns i verksamhetens planeringsdokument; senast övad i höstas.",
    "supplier": "Reglerat i avtalets säkerhetsbilaga och personuppgiftsbiträdesavtalet.",
    "physical": "Servrarna står i Mellanskogs IT:s datacenter med passersystem och larm.",
    "development": "Leverantören redovisar säkerhetstester i releaseanteckningarna.",
    "operations": ("Uppdateringar installeras enligt Mellanskogs IT:s patchrutin; senaste sårbarhetsskanning "
                   "utan kritiska fynd."),
    "network": "Systemet ligger i eget serversegment bakom brandvägg; regelgenomgång gjord i år.",
    "incident": "Incidentrutinen finns på intranätet och är känd av förvaltningsgruppen.",
    "personnel": "Användarna har gått kommunens webbutbildning i informationssäkerhet.",
    "privacy": "Behandlingen finns i registerförteckningen; biträdesavtal undertecknat.",
}
PARTLY = [
    "Rutinen finns men är inte dokumenterad fullt ut.",
    "Gäller för administratörer men ännu inte för alla användare.",
    "Genomfört för produktionsmiljön; testmiljön återstår.",
    "Avtalet reglerar detta delvis; komplettering tas upp vid nästa avtalsrevision.",
]
NOT_MET = [
    "Åtgärd planerad i handlingsplanen.",
    "Saknas i nuvarande avtal; krav ställs vid nästa upphandling.",
    "",
]
NOT_APPLICABLE = {
    "privacy": "Systemet behandlar inga personuppgifter.",
    "access": "Leverantören har ingen fjärråtkomst till systemet.",
    "development": "Ingen egen utveckling eller anpassning görs av systemet.",
    "supplier": "Systemet drivs helt av kommunen utan extern leverantör.",
    "encryption": "Information skickas aldrig till externa mottagare från systemet.",
}
# Controls a municipality typically excludes, whatever its systems need (decided by people).
EXCLUDED_CONTROLS = {
    "8.4": "Kommunen utvecklar ingen egen programvara; åtkomst till källkod regleras i leverantörsavtalen (UT-10).",
    "8.28": "Kommunen utvecklar ingen egen programvara; krav på säker utveckling ställs på leverantörerna (UT-02).",
}
SOA_REASONS = [
    "Kommunen bedriver ingen egen programvaruutveckling; bedömt vid ledningens genomgång.",
    "Omfattas av regionens gemensamma lösning enligt avtal; följs upp där.",
    "Ingen sådan verksamhet finns i kommunen i dag.",
]


def _tenant(organisation: Organisation, user) -> Tenant:
    return Tenant(Membership.objects.select_related("organisation", "user").get(user=user, organisation=organisation))


def load(*, organisation: Organisation, users: dict) -> None:
    """Assess requirements for the municipality's systems and start its statement of applicability."""
    if not catalogue_is_loaded():
        load_catalogue()
    rng = random.Random(f"requirements-{organisation.slug}")
    assessor = users["system_administrator"]
    tenant = _tenant(organisation, assessor)
    _assess_systems(tenant, assessor, rng)
    coordinator = _tenant(organisation, users["coordinator"])
    _plan_actions(coordinator, users["system_owner"], rng)
    _statement(coordinator, rng)


def _assess_systems(tenant: Tenant, assessor, rng: random.Random) -> None:
    requirements = list(selectors.active_requirements(tenant))
    scheme = selectors.scheme_for(tenant)
    systems = annotate_protection_need(
        System.objects.filter(organisation=tenant.organisation, archived_at__isnull=True).order_by("name"))
    now = timezone.now()
    statuses = []
    for system in systems:
        need = rules.klassa_need({"K": system.need_k, "R": system.need_r, "T": system.need_t, "S": system.need_s}, scheme)
        for requirement in rules.derive(requirements, need).requirements:
            if rng.random() >= 0.5:  # about half assessed, as midway through a self-assessment
                continue
            if derived.is_derived(requirement):  # answered from the data, not assessed by hand
                continue
            statuses.append(_status(tenant, system, requirement, assessor, rng, now))
    # bulk_create with one trail entry per row: hundreds of rows per municipality.
    RequirementStatus.objects.bulk_create(statuses, batch_size=500)
    bulk_entries(statuses)


# How many unmet requirements the coordinator has already put into the action plan.
PLANNED_ACTIONS = 6


def _plan_actions(tenant: Tenant, owner, rng: random.Random) -> None:
    """A few requirements not met become actions of the plan, owned by the system owner."""
    unmet = list(RequirementStatus.objects.filter(organisation=tenant.organisation, status=Status.NOT_MET)
                 .select_related("system", "requirement").order_by("system__name", "requirement__code"))
    today = timezone.localdate()
    for status in rng.sample(unmet, min(PLANNED_ACTIONS, len(unmet))):
        services.requirement_action_create(
            tenant=tenant, system=status.system, requirement=status.requirement, owner=owner,
            due_date=today + timedelta(days=rng.choice([-10, 5, 30, 60, 90, 120])))


def _status(tenant: Tenant, system, requirement, assessor, rng: random.Random, now) -> RequirementStatus:
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    if status == Status.NOT_APPLICABLE and requirement.area not in NOT_APPLICABLE:
        status = Status.PARTLY_MET
    evidence, reason, link = "", "", ""
    if status == Status.MET:
        evidence = EVIDENCE[requirement.area]
        if rng.random() < 0.3:
            link = f"https://intranat.{tenant.organisation.slug}.example/lis/{requirement.area}"
    elif status == Status.PARTLY_MET:
        evidence = rng.choice(PARTLY)
    elif status == Status.NOT_MET:
        evidence = rng.choice(NOT_MET)
    else:
        reason = NOT_APPLICABLE[requirement.area]
    return RequirementStatus(
        organisation=tenant.organisation, system=system, requirement=requirement, status=status, reason=reason,
        evidence=evidence, link=link, assessed_by=assessor, assessed_at=now - timedelta(days=rng.randint(1, 200)),
    )


def _statement(tenant: Tenant, rng: random.Random) -> None:
    services.applicability_generate(tenant=tenant)
    implementations = list(Implementation.values)
    for row in selectors.soa_rows(tenant=tenant):
        statement = row.statement
        if row.control.number in EXCLUDED_CONTROLS:
            services.applicability_set(tenant=tenant, control=row.control, data={
                "applicable": False, "reason": EXCLUDED_CONTROLS[row.control.number],
                "implementation": Implementation.NOT_IMPLEMENTED, "note": ""})
        elif statement.applicable and row.derived is None and rng.random() < 0.7:
            # Nothing linked applies to a system: the status is recorded by hand.
            implementation = rng.choices(implementations, weights=[45, 30, 15, 10])[0]
            services.applicability_set(tenant=tenant, control=row.control, data={
                "applicable": True, "implementation": implementation, "reason": statement.reason, "note": ""})
        elif statement.applicable and row.derived is not None and rng.random() < 0.1:
            # The systems' statuses give the status; a few controls are planned, overridden with the reason.
            services.applicability_set(tenant=tenant, control=row.control, data={
                "applicable": True, "implementation": Implementation.PLANNED, "reason": statement.reason, "note": "",
                "implementation_override_reason": "Införandet är beslutat i handlingsplanen för informationssäkerhet "
                                                  "och genomförs under året."})
        elif not statement.applicable and rng.random() < 0.6:
            services.applicability_set(tenant=tenant, control=row.control, data={
                "applicable": False, "reason": rng.choice(SOA_REASONS),
                "implementation": Implementation.NOT_IMPLEMENTED, "note": ""})
