import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action
from core.tenancy import Tenant
from organisations.models import Membership
from suppliers import services
from suppliers.checklist import contract_gaps, load_checklist, organisation_gaps
from suppliers.models import ChecklistArea, Contract, ContractAssessment, CoverageStatus, add_months
from tests.factories import OrganisationFactory, SupplierFactory, SystemFactory

pytestmark = pytest.mark.django_db


def tenant_of(user, org):
    return Tenant(Membership.objects.get(user=user, organisation=org))


def test_checklist_loads_eleven_areas_idempotently():
    first = load_checklist()
    second = load_checklist()
    assert first["created"] == 11
    assert second == {"created": 0, "updated": 0, "unchanged": 11, "withdrawn": 0}
    assert ChecklistArea.objects.get(key="audit").version == "2026.1"


def test_notice_deadline_and_in_force():
    contract = Contract(valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2026, 5, 31), notice_months=3)
    assert contract.notice_deadline == datetime.date(2026, 2, 28)
    assert contract.in_force(datetime.date(2026, 5, 31))
    assert not contract.in_force(datetime.date(2026, 6, 1))
    assert contract.expiring_soon(datetime.date(2026, 4, 1))
    assert add_months(datetime.date(2024, 3, 31), -1) == datetime.date(2024, 2, 29)


def test_contract_dates_and_parent_rules(org_a, member, it_supplier):
    tenant = tenant_of(member(org_a, "coordinator"), org_a)
    with pytest.raises(ValidationError) as exc:
        services.contract_save(tenant=tenant, contract=None, data={
            "supplier": it_supplier, "title": "Avtal", "valid_from": datetime.date(2024, 1, 1),
            "valid_until": datetime.date(2023, 1, 1)})
    assert "valid_until" in exc.value.message_dict
    other = SupplierFactory(organisation=org_a, name="Annan AB")
    main = services.contract_save(tenant=tenant, contract=None, data={"supplier": other, "title": "Huvudavtal"})
    with pytest.raises(ValidationError) as exc:
        services.contract_save(tenant=tenant, contract=None, data={
            "supplier": it_supplier, "title": "Tjänstebeskrivning", "parent": main})
    assert "parent" in exc.value.message_dict
    assert Contract.objects.count() == 1


def test_contract_systems_of_another_organisation_refused(org_a, org_b, member, it_supplier):
    tenant = tenant_of(member(org_a, "coordinator"), org_a)
    foreign = SystemFactory(organisation=org_b, name="B:s system")
    with pytest.raises(ValidationError) as exc:
        services.contract_save(tenant=tenant, contract=None, data={
            "supplier": it_supplier, "title": "Avtal", "systems": [foreign]})
    assert "systems" in exc.value.message_dict
    assert not Contract.objects.exists()


def test_shared_only_with_the_suppliers_organisation(org_a, member, it_supplier, supplier_org):
    tenant = tenant_of(member(org_a, "coordinator"), org_a)
    contract = services.contract_save(tenant=tenant, contract=None, data={
        "supplier": it_supplier, "title": "Avtal", "share_with_supplier": True})
    assert list(contract.shared_with.all()) == [supplier_org]
    stranger = OrganisationFactory(name="Annan", slug="annan", kind="supplier")
    with pytest.raises(ValidationError):
        services.contract_share(tenant=tenant, contract=contract, organisations=[stranger])
    assert list(contract.shared_with.all()) == [supplier_org]


def test_assessment_unique_per_area_and_who_decided(org_a, member, it_supplier, make_contract, areas):
    user = member(org_a, "coordinator")
    tenant = tenant_of(user, org_a)
    contract = make_contract(it_supplier)
    services.assessment_save(tenant=tenant, contract=contract, area=areas[0], status="partly", comment="Delvis")
    again = services.assessment_save(tenant=tenant, contract=contract, area=areas[0], status="covered", clause="3.1")
    assert ContractAssessment.objects.count() == 1
    assert (again.status, again.clause, again.assessed_by) == ("covered", "3.1", user)
    with pytest.raises(ValidationError):
        services.assessment_save(tenant=tenant, contract=contract, area=areas[1], status="covered", clause="")


def test_reader_cannot_assess(org_a, member, it_supplier, make_contract, areas):
    tenant = tenant_of(member(org_a, "reader"), org_a)
    with pytest.raises(PermissionDenied):
        services.assessment_save(tenant=tenant, contract=make_contract(it_supplier), area=areas[0], status="partly")
    assert not ContractAssessment.objects.exists()


def test_gaps_take_the_best_status_over_contracts_in_force(org_a, member, it_supplier, make_contract, areas):
    tenant = tenant_of(member(org_a, "coordinator"), org_a)
    main = make_contract(it_supplier)
    dpa = make_contract(it_supplier, title="PUB-avtal", kind="dpa")
    expired = make_contract(it_supplier, title="Gammalt", valid_until=datetime.date(2021, 1, 1))
    for area in areas:
        services.assessment_save(tenant=tenant, contract=main, area=area, status="covered", clause="1")
    audit = next(a for a in areas if a.key == "audit")
    kpis = next(a for a in areas if a.key == "kpis")
    services.assessment_save(tenant=tenant, contract=main, area=audit, status="not_covered")
    services.assessment_save(tenant=tenant, contract=dpa, area=audit, status="partly")
    services.assessment_save(tenant=tenant, contract=main, area=kpis, status="not_covered")
    services.assessment_save(tenant=tenant, contract=expired, area=kpis, status="covered", clause="9")
    gaps = contract_gaps(tenant=tenant, supplier=it_supplier)
    assert [(g.area.key, g.status) for g in gaps] == [("audit", "partly"), ("kpis", "not_covered")]
    assert [e.supplier for e in organisation_gaps(tenant=tenant)] == [it_supplier]


def test_gaps_to_actions_is_idempotent(org_a, member, it_supplier, make_contract, areas):
    tenant = tenant_of(member(org_a, "coordinator"), org_a)
    main = make_contract(it_supplier)
    for area in areas[1:]:
        services.assessment_save(tenant=tenant, contract=main, area=area, status="covered", clause="1")
    services.assessment_save(tenant=tenant, contract=main, area=areas[1], status="partly")
    made = services.gaps_to_actions(tenant=tenant, supplier=it_supplier)
    assert len(made) == 2  # areas[0] not assessed, areas[1] partly
    assert services.gaps_to_actions(tenant=tenant, supplier=it_supplier) == []
    assert Action.objects.count() == 2
    assert all("Drift AB" in a.title for a in Action.objects.all())
