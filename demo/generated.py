"""A large generated data set for benchmarks and scale tests (`manage.py generate_data`).

At scale 1: 18 municipalities and 2 IT companies serving them (20 organisations), 10 000
systems in all, ~50 suppliers and ~30 information types per municipality, ~1.5 dependencies
per system. Every count is derived from the scale in `Plan`, so tests can state what a given
scale must produce. Rows are bulk-inserted; the audit trail gets one create entry per row
through trail.capture.bulk_entries, so `verify_audit` holds afterwards.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import User
from core.loading import optional_hooks
from core.models import TenantModel
from demo.data import DEMO_PASSWORD
from inventory.models import Criticality, Hosting, InformationType, Lifecycle, System, SystemDependency
from organisations.models import Membership, Organisation, OrganisationKind, Unit, UnitKind
from organisations.roles import Role
from suppliers.models import Supplier
from trail.capture import bulk_entries

SLUG_PREFIX = "gen-org-"
# Each module adds its records to the generated municipalities once the inventory exists
# (classifications, requirement statuses, risks with treatments, placement assessments).
MODULE_GENERATORS = ["classification.generate.generate", "requirements.generate.generate", "risk.generate.generate",
                     "placement.generate.generate", "suppliers.generate.generate", "kpis.generate.generate",
                     "meetings.generate.generate", "policies.generate.generate", "privacy.generate.generate",
                     "incidents.generate.generate", "changes.generate.generate", "audits.generate.generate",
                     "reviews.generate.generate"]
EMAIL_DOMAIN_SUFFIX = ".example"
BATCH = 1000

SUPPLIER_ORG_ROLES = [Role.ADMIN, Role.COORDINATOR, Role.SUPPLIER, Role.SERVICE_MANAGER, Role.SECURITY_LEAD, Role.READER]
MUNICIPAL_ROLES = [r for r in Role.values if r not in (Role.SUPPLIER, Role.SERVICE_MANAGER, Role.SECURITY_LEAD)]
# Municipalities differ a lot in size; the first three stand for larger towns, so one
# tenant's lists are long enough to page deep into.
SIZE_WEIGHTS = (8, 4, 2)

UNITS = [
    ("Kommunstyrelsen", UnitKind.BOARD), ("Barn- och utbildningsnämnden", UnitKind.BOARD),
    ("Socialnämnden", UnitKind.BOARD), ("Samhällsbyggnadsnämnden", UnitKind.BOARD),
    ("Kultur- och fritidsnämnden", UnitKind.BOARD), ("Kommunledningsförvaltningen", UnitKind.ADMINISTRATION),
    ("Utbildningsförvaltningen", UnitKind.ADMINISTRATION), ("Kommunens fastighetsbolag", UnitKind.COMPANY),
]
SYSTEM_KINDS = [
    ("Ärendehanteringssystem", "Diarieföring och handläggning av ärenden."),
    ("E-arkiv", "Långtidsbevarande av allmänna handlingar."),
    ("Ekonomisystem", "Redovisning, budget och uppföljning."),
    ("Lönesystem", "Löneberäkning och utbetalning."),
    ("Elevregister", "Elevuppgifter, närvaro och betyg."),
    ("Lärplattform", "Undervisning, uppgifter och bedömning."),
    ("Verksamhetssystem socialtjänst", "Utredningar och beslut inom individ- och familjeomsorg."),
    ("Journalsystem HSL", "Dokumentation inom kommunal hälso- och sjukvård."),
    ("Bygglovssystem", "Handläggning av bygglov och anmälningar."),
    ("GIS-plattform", "Kartor, fastigheter och ledningsnät."),
    ("E-tjänsteplattform", "Digitala ansökningar från invånare."),
    ("Webbpubliceringssystem", "Kommunens externa webbplatser."),
    ("Intranät", "Information till medarbetare."),
    ("Bokningssystem", "Lokaler, anläggningar och resurser."),
    ("Fakturahantering", "Skanning, attest och betalning av fakturor."),
    ("Upphandlingsverktyg", "Förfrågningsunderlag, anbud och avtal."),
    ("Passersystem", "Passerkort och behörigheter till lokaler."),
    ("Larmhantering", "Trygghetslarm och larmmottagning."),
    ("Växel och telefoni", "Telefoni och kontaktcenter."),
    ("Biblioteksdatasystem", "Utlån, medier och låntagare."),
    ("Schemaläggning", "Bemanning och scheman."),
    ("Fastighetssystem", "Förvaltning av lokaler och underhåll."),
    ("Skolskjutsplanering", "Planering av skolskjutsar."),
    ("Måltidssystem", "Menyer, beställningar och specialkost."),
    ("Integrationsplattform", "Informationsutbyte mellan system."),
    ("Katalogtjänst", "Konton, grupper och inloggning."),
    ("Loggplattform", "Insamling och analys av säkerhetsloggar."),
    ("Säkerhetskopiering", "Säkerhetskopior av servrar och databaser."),
]
SUPPLIER_WORDS = ["Nord", "Data", "Kommun", "Skol", "Omsorg", "Geo", "Ärende", "Tele", "Sigma", "Lagom",
                  "Fjäll", "Kust", "Skog", "Sjö", "Berg", "Dal"]
SUPPLIER_SUFFIXES = ["system AB", "IT AB", "Solutions AB", "Sverige AB", "Norden AB"]
INFOTYPE_NAMES = [
    ("E-post och kalender", True), ("Elevdokumentation", True), ("Socialtjänstakter", True),
    ("Hälso- och sjukvårdsjournaler", True), ("Löneuppgifter", True), ("Ekonomisk redovisning", False),
    ("Diarium och ärendehandlingar", True), ("Bygglovsärenden", True), ("Geografisk information", False),
    ("Behörighetsuppgifter", True), ("Loggar", True), ("Webbpublicering", False), ("Upphandlingsunderlag", False),
    ("Styrdokument", False), ("Personalakter", True), ("Fakturor", False), ("Avtal", False),
    ("Bokningar", True), ("Larmuppgifter", True), ("Kartdata", False), ("Skolskjutsuppgifter", True),
    ("Kostuppgifter", True), ("Biblioteksregister", True), ("Fastighetsuppgifter", False),
    ("Passeruppgifter", True), ("Telefonilistor", True), ("Mätdata", False), ("Statistik", False),
    ("Protokoll", False), ("Medborgardialog", True),
]
CLOUD_PROVIDERS = [
    ("Microsoft Azure", "US", ["SE", "IE"], ["SE", "IE", "US"]),
    ("Amazon Web Services", "US", ["SE"], ["SE", "IE"]),
    ("Google Cloud", "US", ["FI", "NL"], ["FI", "NL", "US"]),
    ("Safespring", "SE", ["SE"], ["SE"]),
    ("Elastx", "SE", ["SE"], ["SE"]),
    ("Hetzner", "DE", ["DE", "FI"], ["DE", "FI"]),
]


def _weighted(rng: random.Random, options: dict):
    return rng.choices(list(options), weights=list(options.values()))[0]


@dataclass(frozen=True)
class Plan:
    """What a scale produces. Fractional scales shrink the organisations first, then the registers."""

    scale: float

    @property
    def municipalities(self) -> int:
        return max(2, round(18 * self.scale))

    @property
    def supplier_orgs(self) -> int:
        return max(1, round(2 * self.scale))

    @property
    def organisations(self) -> int:
        return self.municipalities + self.supplier_orgs

    @property
    def systems(self) -> int:
        return max(self.municipalities, round(10_000 * self.scale))

    def systems_per_municipality(self) -> list[int]:
        weights = [SIZE_WEIGHTS[i] if i < len(SIZE_WEIGHTS) else 1 for i in range(self.municipalities)]
        shares = [self.systems * w // sum(weights) for w in weights]
        shares[-1] += self.systems - sum(shares)  # the rounding remainder goes to the last one
        return shares

    @property
    def suppliers_per_municipality(self) -> int:
        return max(5, round(50 * min(1.0, self.scale)))

    @property
    def infotypes_per_municipality(self) -> int:
        return max(5, round(30 * min(1.0, self.scale)))

    @staticmethod
    def dependencies_for(systems: int) -> int:
        return min(systems * 3 // 2, systems * (systems - 1))


def slug(number: int) -> str:
    return f"{SLUG_PREFIX}{number:02d}"


def email(role: str, org_slug: str) -> str:
    return f"{role.replace('_', '-')}@{org_slug}{EMAIL_DOMAIN_SUFFIX}"


def insert(model, objs: list, counts: dict[str, int] | None = None) -> list:
    """Bulk-insert audited rows in batches, each batch with its trail entries; add to `counts`.

    The one way every module's generator writes: one trail entry per row, as a save would make,
    chained a batch at a time so that memory stays flat at scale 1.
    """
    for start in range(0, len(objs), BATCH):
        batch = objs[start:start + BATCH]
        model.objects.bulk_create(batch)
        bulk_entries(batch)
    if counts is not None:
        counts[model._meta.label] = counts.get(model._meta.label, 0) + len(objs)
    return objs


def generated_organisations():
    return Organisation.objects.filter(slug__startswith=SLUG_PREFIX)


class Generator:
    """Builds the data set in memory per organisation and writes it with bulk_create."""

    def __init__(self, plan: Plan, seed: int):
        self.plan = plan
        self.rng = random.Random(seed)
        # Every generated user has the demo password; hashing it once keeps the run fast (the
        # shared salt is acceptable for throwaway benchmark accounts, never for real ones).
        self.password_hash = make_password(DEMO_PASSWORD)
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def _insert(self, model, objs: list) -> list:
        return insert(model, objs, self.counts)

    def _link(self, field, pairs: list[tuple[int, int]]) -> None:
        # M2M link rows go straight into the through table without per-link trail entries:
        # each record's create entry already names the record, and a link row is not an
        # AuditedModel of its own. Edits of links later on are captured by trail.capture.on_m2m.
        through = field.remote_field.through
        source, target = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
        through.objects.bulk_create([through(**{source: a, target: b}) for a, b in pairs], batch_size=BATCH)
        self.counts[through._meta.label] = self.counts.get(through._meta.label, 0) + len(pairs)

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            it_orgs, municipalities = self._organisations()
            users = self._users(it_orgs + municipalities)
            for i, (org, n_systems) in enumerate(zip(municipalities, self.plan.systems_per_municipality())):
                self._inventory(org, it_orgs[i % len(it_orgs)], users[org.pk], n_systems)
            for module_generate in optional_hooks(MODULE_GENERATORS):
                self.counts.update(module_generate(organisations=municipalities, rng=self.rng, scale=self.plan.scale))
        # Fresh statistics for the query planner: right after a bulk load PostgreSQL still
        # believes the tables are nearly empty and picks nested loops that made the systems list
        # three times slower until autovacuum came round.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.counts

    def _organisations(self) -> tuple[list[Organisation], list[Organisation]]:
        n_mun = self.plan.municipalities
        municipalities = [
            Organisation(name=f"Genererad kommun {i:02d}", slug=slug(i), kind=OrganisationKind.MUNICIPALITY,
                         org_number=f"212000-{9000 + i:04d}")
            for i in range(1, n_mun + 1)
        ]
        it_orgs = [
            Organisation(name=f"Genererat IT-bolag {j}", slug=slug(n_mun + j), kind=OrganisationKind.SUPPLIER,
                         org_number=f"556900-{9000 + j:04d}")
            for j in range(1, self.plan.supplier_orgs + 1)
        ]
        self._insert(Organisation, municipalities + it_orgs)
        # Each IT company serves every len(it_orgs)-th municipality.
        self._link(Organisation._meta.get_field("customers"),
                   [(it_orgs[i % len(it_orgs)].pk, m.pk) for i, m in enumerate(municipalities)])
        return it_orgs, municipalities

    def _users(self, orgs: list[Organisation]) -> dict[int, dict[str, User]]:
        by_org: dict[int, dict[str, User]] = {}
        for org in orgs:
            roles = MUNICIPAL_ROLES if org.kind == OrganisationKind.MUNICIPALITY else SUPPLIER_ORG_ROLES
            by_org[org.pk] = {
                role: User(email=email(role, org.slug), full_name=f"{Role(role).label}, {org.name}",
                           password=self.password_hash)
                for role in roles
            }
        self._insert(User, [u for members in by_org.values() for u in members.values()])
        orgs_by_pk = {org.pk: org for org in orgs}
        self._insert(Membership, [
            Membership(user=user, organisation=orgs_by_pk[org_pk], role=role)
            for org_pk, members in by_org.items() for role, user in members.items()
        ])
        return by_org

    def _inventory(self, org: Organisation, it_org: Organisation, users: dict[str, User], n_systems: int) -> None:
        rng = self.rng
        units = self._insert(Unit, [Unit(organisation=org, name=name, kind=kind) for name, kind in UNITS])
        suppliers = self._insert(Supplier, self._suppliers(org, it_org))
        infotypes = self._insert(InformationType, [
            InformationType(organisation=org, name=name, personal_data=personal,
                            description=f"Uppgifter av typen {name.lower()}.")
            for name, personal in INFOTYPE_NAMES[: self.plan.infotypes_per_municipality]
        ])
        # Only roles that may own a system (organisations.roles.can_own); three entries as before,
        # so the random draws, and the rest of the generated data, stay as they were.
        owners = [users[Role.SYSTEM_OWNER], users[Role.SYSTEM_OWNER], users[Role.COORDINATOR]]
        systems = self._insert(System, [
            self._system(org, it_org, i, units, suppliers, owners, users[Role.SYSTEM_ADMINISTRATOR])
            for i in range(n_systems)
        ])
        self._link(System._meta.get_field("information_types"), [
            (s.pk, t.pk) for s in systems for t in rng.sample(infotypes, rng.randint(1, min(3, len(infotypes))))
        ])
        # Systems run by the IT company are shared with it, as the demo does.
        self._link(System._meta.get_field("shared_with"), [
            (s.pk, it_org.pk) for s in systems if s.supplier_id == suppliers[0].pk
        ])
        self._insert(SystemDependency, self._dependencies(org, systems))

    def _suppliers(self, org: Organisation, it_org: Organisation) -> list[Supplier]:
        # The first entry is the municipality's IT company, itself a Tillit organisation.
        result = [Supplier(organisation=org, name=it_org.name, org_number=it_org.org_number, tillit_organisation=it_org)]
        names = [f"{a}{b.lower()} {c}" for a in SUPPLIER_WORDS for b in SUPPLIER_WORDS if a != b
                 for c in SUPPLIER_SUFFIXES]
        for k, name in enumerate(self.rng.sample(names, self.plan.suppliers_per_municipality - 1)):
            result.append(Supplier(organisation=org, name=name, org_number=f"556{k:03d}-{self.rng.randint(1000, 9999)}",
                                   contact_email=f"kontakt{k}@leverantor{k}.example"))
        return result

    def _system(self, org, it_org, i, units, suppliers, owners, administrator) -> System:
        rng = self.rng
        kind, purpose = SYSTEM_KINDS[i % len(SYSTEM_KINDS)]
        hosting = _weighted(rng, {Hosting.OWN_DATA_CENTRE: 35, Hosting.SUPPLIER_DATA_CENTRE: 35, Hosting.CLOUD: 30})
        if hosting == Hosting.CLOUD:
            provider, jurisdiction, storage, processing = rng.choice(CLOUD_PROVIDERS)
        elif hosting == Hosting.SUPPLIER_DATA_CENTRE:
            provider, jurisdiction, storage, processing = it_org.name, "SE", ["SE"], ["SE"]
        else:
            provider, jurisdiction, storage, processing = "", "", ["SE"], ["SE"]
        # The IT company supplies what it hosts; other systems get a supplier from the register,
        # and a few have none.
        if hosting == Hosting.SUPPLIER_DATA_CENTRE:
            supplier = suppliers[0]
        else:
            supplier = rng.choice(suppliers[1:]) if rng.random() < 0.85 else None
        lifecycle = _weighted(rng, {Lifecycle.PLANNED: 5, Lifecycle.DEVELOPMENT: 7, Lifecycle.OPERATION: 75,
                                    Lifecycle.PHASE_OUT: 8, Lifecycle.RETIRED: 5})
        return System(
            organisation=org, name=f"{kind} {i // len(SYSTEM_KINDS) + 1}", purpose=purpose,
            unit=rng.choice(units), supplier=supplier,
            owner=rng.choice(owners) if rng.random() < 0.92 else None,
            administrator=administrator if rng.random() < 0.8 else None,
            supplier_contact=f"Driftcentralen, {it_org.name}" if supplier is suppliers[0] else "",
            contract=f"{org.slug.upper()}-AVT-{2018 + i % 8}-{i + 1:04d}" if supplier else "",
            hosting=hosting, hosting_provider=provider, storage_countries=list(storage),
            processing_countries=list(processing), provider_jurisdiction=jurisdiction,
            criticality=_weighted(rng, {Criticality.LOW: 25, Criticality.MEDIUM: 40, Criticality.HIGH: 25,
                                        Criticality.CRITICAL: 10}),
            lifecycle=lifecycle, personal_data=rng.random() < 0.6,
            archived_at=self.now - timedelta(days=rng.randint(1, 900)) if lifecycle == Lifecycle.RETIRED else None,
        )

    def _dependencies(self, org: Organisation, systems: list[System]) -> list[SystemDependency]:
        wanted = Plan.dependencies_for(len(systems))
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < wanted:
            a, b = self.rng.sample(range(len(systems)), 2)
            pairs.add((a, b))
        return [SystemDependency(organisation=org, system=systems[a], depends_on=systems[b]) for a, b in sorted(pairs)]


def _delete_tenant_records(organisation_ids: list[int]) -> None:
    """Delete the organisations' records of every tenant model, including those other modules
    add to the generated set; a model whose rows are still protected by another's is retried
    after the others."""
    pending = [m for m in apps.get_models() if issubclass(m, TenantModel)]
    while pending:
        blocked = []
        for model in pending:
            try:
                with transaction.atomic():
                    model.objects.filter(organisation_id__in=organisation_ids).delete()
            except ProtectedError:
                blocked.append(model)
        if len(blocked) == len(pending):
            raise ProtectedError(f"Records of {', '.join(m._meta.label for m in blocked)} cannot be deleted.", set())
        pending = blocked


@transaction.atomic
def remove_generated() -> int:
    """Delete every generated organisation with its records and users, through the ORM so the
    trail records each deletion. Returns the number of organisations removed."""
    orgs = list(generated_organisations())
    ids = [o.pk for o in orgs]
    _delete_tenant_records(ids)
    Unit.objects.filter(organisation_id__in=ids).delete()
    for org in orgs:
        User.objects.filter(email__endswith=f"@{org.slug}{EMAIL_DOMAIN_SUFFIX}").delete()
        org.delete()
    return len(orgs)
