"""Demo contracts with Mellanskogs IT AB for the four municipalities, with their checklist.

Lindö kommun is reference case 2: one main agreement of March 2016 written at an overall level
that covers no security area, and the service descriptions the IT company wrote itself. The
three others show good practice with a few gaps; Björkvik has already turned its into actions.
"""

import datetime

from django.utils import timezone

from inventory.models import System
from organisations.models import Membership
from suppliers.checklist import checklist_areas
from suppliers.models import Contract, ContractAssessment, ContractKind, CoverageStatus, Supplier
from trail.context import acting_as

D = datetime.date
OVERALL = ("Huvudavtalet är skrivet på övergripande nivå och innehåller inga specificerade krav på IT- och "
           "informationssäkerhet inom området (jfr revisionens iakttagelse 4.1).")
# Areas the good-practice municipalities cover only partly, with why.
PARTLY = {
    "continuity": "Kontinuitetsplan finns men avtalet anger inte hur ofta den testas eller hur resultatet rapporteras.",
    "audit": "Revisionsrätt finns i personuppgiftsbiträdesavtalet men inte för tjänsterna i övrigt.",
}
CLAUSES = {"policy": "3.1", "operations": "5.2", "incidents": "6.1", "availability": "4.3", "confidentiality": "8.1",
           "access": "7.2", "continuity": "9.1", "processes": "5.4", "audit": "10.2", "responsibility": "2.1–2.4",
           "kpis": "Bilaga 2"}
MAIN_YEAR = {"bjorkvik": 2021, "ekholma": 2022, "granas": 2021}


def _coordinator(org):
    membership = Membership.objects.filter(organisation=org, user__email=f"samordnare@{org.slug}.example").select_related("user").first()
    return membership.user if membership else None


def _contract(org, supplier, it_org, **fields):
    systems = fields.pop("systems", [])
    contract = Contract.objects.create(organisation=org, supplier=supplier, **fields)
    contract.shared_with.add(it_org)
    if systems:
        contract.systems.set(systems)
    return contract


def _assess(contract, areas, user, status_for):
    now = timezone.now()
    for area in areas:
        status, clause, comment = status_for(area)
        ContractAssessment.objects.create(
            organisation=contract.organisation, contract=contract, area=area, status=status, clause=clause,
            comment=comment, assessed_by=user if status != CoverageStatus.NOT_ASSESSED else None,
            assessed_at=now if status != CoverageStatus.NOT_ASSESSED else None)


def _lindo(org, supplier, it_org, systems, areas, user):
    main = _contract(org, supplier, it_org, kind=ContractKind.MAIN, title="Avtal mellan Mellanskogs IT AB och Lindö kommun",
                     reference="KS 2016/0112", signed_on=D(2016, 3, 15), valid_from=D(2016, 4, 1), notice_months=12,
                     auto_renewal=True, systems=systems,
                     services="Ekonomiadministration, löneadministration, IT-drift och IT-support.",
                     notes="Skrivet på övergripande nivå; ansvarsfördelningen för IT- och informationssäkerhet anges inte.")
    for name in ("IT-arbetsplats", "Nät", "Datacenter"):
        _contract(org, supplier, it_org, kind=ContractKind.SERVICE, title=f"Tjänstebeskrivning {name}", parent=main,
                  valid_from=D(2016, 4, 1), services=f"{name}: tjänstebeskrivning, servicenivåer, underhåll och priser.",
                  notes="Upprättad av Mellanskogs IT AB.")
    _assess(main, areas, user, lambda area: (CoverageStatus.NOT_COVERED, "", OVERALL))


def _good(org, supplier, it_org, systems, areas, user):
    year = MAIN_YEAR[org.slug]
    main = _contract(org, supplier, it_org, kind=ContractKind.MAIN, title=f"Huvudavtal IT-tjänster {year}",
                     reference=f"KS {year}/0{40 + year % 10}", signed_on=D(year, 2, 1), valid_from=D(year, 3, 1),
                     valid_until=D(year + 8, 2, 28), notice_months=9, auto_renewal=True, systems=systems,
                     services="IT-drift, IT-support, nät och datacenter.")
    for name in ("IT-arbetsplats", "Nät", "Datacenter"):
        _contract(org, supplier, it_org, kind=ContractKind.SERVICE, title=f"Tjänstebeskrivning {name}", parent=main,
                  valid_from=D(year, 3, 1), services=f"{name} med servicenivåer och nyckeltal.")
    _contract(org, supplier, it_org, kind=ContractKind.DPA, title="Personuppgiftsbiträdesavtal", parent=main,
              signed_on=D(2019, 11, 20), valid_from=D(2019, 11, 20),
              notes="Omfattar ansvarsfördelning, säkerhetsåtgärder, sekretess samt revisionskrav och -rättigheter.")
    _contract(org, supplier, it_org, kind=ContractKind.LEASE, title="Hyresavtal serverhall", signed_on=D(2017, 6, 1),
              valid_from=D(2017, 7, 1), notice_months=6,
              notes="Ansvarsfördelningen för serverhallens säkerhet beskrivs i detalj, efter gemensam risk- och sårbarhetsanalys.")

    def status_for(area):
        if area.key in PARTLY:
            return CoverageStatus.PARTLY, CLAUSES.get(area.key, ""), PARTLY[area.key]
        return CoverageStatus.COVERED, f"Punkt {CLAUSES.get(area.key, '1')}", ""

    _assess(main, areas, user, status_for)


def load_supplier(*, supplier, customers, users):
    """Contracts of each municipality with the IT company `supplier`, shared with it (idempotent)."""
    if Contract.objects.filter(supplier__tillit_organisation=supplier).exists():
        return
    areas = checklist_areas()
    for org in customers:
        register = Supplier.objects.filter(organisation=org, tillit_organisation=supplier).first()
        if register is None:
            continue
        user = _coordinator(org)
        systems = list(System.objects.filter(organisation=org, supplier=register, archived_at__isnull=True))
        with acting_as(user, source="cli"):
            if org.slug == "lindo":
                _lindo(org, register, supplier, systems, areas, user)
            else:
                _good(org, register, supplier, systems, areas, user)
            if org.slug == "bjorkvik" and user is not None:
                _turn_into_actions(org, register, user)


def _turn_into_actions(org, register, user):
    from core.tenancy import Tenant
    from suppliers.services import gaps_to_actions

    membership = Membership.objects.select_related("organisation", "user").get(organisation=org, user=user)
    gaps_to_actions(tenant=Tenant(membership), supplier=register, owner=user,
                    due_date=timezone.localdate() + datetime.timedelta(days=120))
