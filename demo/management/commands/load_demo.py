"""Load the demo: a shared IT company serving four municipalities. Running it twice changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from core.loading import optional_hooks
from demo import data
from inventory.models import InformationType, System, SystemDependency
from organisations.models import Membership, Organisation, OrganisationKind, Unit
from suppliers.models import Supplier
from trail.context import acting_as


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=name)
        user.set_password(data.DEMO_PASSWORD)
        user.save()
    return user


def _member(user: User, org: Organisation, role: str) -> None:
    # update_or_create: a demo database from before a role was introduced gets the new role.
    Membership.objects.update_or_create(user=user, organisation=org, defaults={"role": role})


def _municipality(spec: dict, it_company: Organisation, dpo: User) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        slug=spec["slug"],
        defaults={"name": spec["name"], "kind": OrganisationKind.MUNICIPALITY, "org_number": spec["org_number"],
                  "require_mfa": spec["require_mfa"]},
    )
    it_company.customers.add(org)
    users = {}
    for local, role, title in data.MUNICIPAL_USERS:
        users[role] = _user(f"{local}@{spec['slug']}.example", f"{title}, {spec['name']}")
        _member(users[role], org, role)
    _member(dpo, org, "dpo")
    if not System.objects.filter(organisation=org).exists():
        _inventory(org, it_company, users)
        _modules(org, users)
    return org


# Each module adds its demo records for one municipality: `load(*, organisation, users)`
# where users maps role slugs to the municipality's demo users.
MODULE_LOADERS = ["classification.demo.load", "requirements.demo.load", "risk.demo.load", "actions.demo.load",
                  "placement.demo.load", "privacy.demo.load", "incidents.demo.load", "changes.demo.load",
                  "audits.demo.load"]


# Each module adds the shared IT company's demo records once the municipalities exist:
# `load_supplier(*, supplier, customers, users)`; users maps role slugs to its demo users.
# A loader leaves alone what it loaded before (running load_demo twice changes nothing).
SUPPLIER_LOADERS = ["suppliers.demo.load_supplier", "kpis.demo.load_supplier", "meetings.demo.load_supplier",
                    "policies.demo.load_supplier", "classification.demo.load_supplier", "privacy.demo.load_supplier",
                    "incidents.demo.load_supplier", "changes.demo.load_supplier", "audits.demo.load_supplier",
                    "reviews.demo.load_supplier"]


def _modules(org: Organisation, users: dict) -> None:
    for loader in optional_hooks(MODULE_LOADERS):
        loader(organisation=org, users=users)


def _inventory(org: Organisation, it_company: Organisation, users: dict) -> None:
    units = {key: Unit.objects.create(organisation=org, name=name, kind=kind) for key, (name, kind) in data.UNITS.items()}
    suppliers = {
        key: Supplier.objects.create(organisation=org, name=name, org_number=number,
                                     tillit_organisation=it_company if linked else None)
        for key, (name, number, linked) in data.SUPPLIERS.items()
    }
    infotypes = [
        InformationType.objects.create(organisation=org, name=name, description=desc, personal_data=personal)
        for name, desc, personal in data.INFORMATION_TYPES
    ]
    systems = {}
    for i, row in enumerate(data.SYSTEMS):
        name, purpose, unit, hosting, provider, storage, processing, juris, crit, personal, infos, supplier = row
        system = System.objects.create(
            organisation=org, name=name, purpose=purpose, unit=units[unit], hosting=hosting,
            hosting_provider=provider, storage_countries=storage.split(","), processing_countries=processing.split(","),
            provider_jurisdiction=juris, criticality=crit, personal_data=personal,
            supplier=suppliers.get(supplier), contract=f"{org.slug.upper()}-AVT-{2020 + i % 6}-{i + 1:03d}" if supplier else "",
            # A few systems lack an owner, as in any real inventory.
            owner=users["system_owner"] if i % 9 else None, administrator=users["system_administrator"],
            supplier_contact="Driftcentralen, Mellanskogs IT AB" if supplier == "it" else "",
            lifecycle="planned" if i == 48 else ("phase_out" if i == 27 else "operation"),
        )
        system.information_types.set([infotypes[j] for j in infos])
        if supplier == "it" or provider == "Mellanskogs IT AB":
            system.shared_with.add(it_company)
        systems[name] = system
    for name, desc, personal, system_name in data.UNCLASSIFIED_INFORMATION_TYPES.get(org.slug, []):
        systems[system_name].information_types.add(
            InformationType.objects.create(organisation=org, name=name, description=desc, personal_data=personal))
    for name, target in data.DEPENDENCIES:
        SystemDependency.objects.create(organisation=org, system=systems[name], depends_on=systems[target])


class Command(BaseCommand):
    help = "Load the demo organisations, users and inventory (idempotent)."

    def handle(self, *args, **options):
        with acting_as(None, source="cli"), transaction.atomic():
            it_company, _ = Organisation.objects.get_or_create(
                slug=data.IT_COMPANY["slug"],
                defaults={"name": data.IT_COMPANY["name"], "kind": OrganisationKind.SUPPLIER,
                          "org_number": data.IT_COMPANY["org_number"]},
            )
            _member(_user(f"admin@{it_company.slug}.example", "Administratör, Mellanskogs IT AB"), it_company, "admin")
            supplier_users = {"admin": _user(f"admin@{it_company.slug}.example", "Administratör, Mellanskogs IT AB")}
            for local, role, title in data.SUPPLIER_USERS:
                supplier_users[role] = _user(f"{local}@{it_company.slug}.example", f"{title}, Mellanskogs IT AB")
                _member(supplier_users[role], it_company, role)
            dpo = _user("dataskyddsombud@samverkan.example", "Gemensamt dataskyddsombud")
            customers = [_municipality(spec, it_company, dpo) for spec in data.MUNICIPALITIES]
            for loader in optional_hooks(SUPPLIER_LOADERS):
                loader(supplier=it_company, customers=customers, users=supplier_users)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {data.DEMO_PASSWORD}):")
        for m in Membership.objects.select_related("user", "organisation").order_by("organisation__name", "role"):
            self.stdout.write(f"  {m.user.email:42} {m.get_role_display():38} {m.organisation.name}")
