import datetime
from decimal import Decimal

import pytest

from classification.models import Classification
from core.tenancy import tenant_for
from inventory.models import Hosting
from placement import services
from placement.models import CostCategory, CostKind, Redundancy
from tests.factories import InformationTypeFactory, SystemFactory


@pytest.fixture
def coordinator(org_a, member):
    return member(org_a, "coordinator")


@pytest.fixture
def tenant(org_a, coordinator):
    return tenant_for(coordinator, org_a.pk)


@pytest.fixture
def email_info(org_a):
    info = InformationTypeFactory(organisation=org_a, name="E-post och kalender", personal_data=True)
    Classification.objects.create(organisation=org_a, information_type=info, confidentiality=2, integrity=1,
                                  availability=2, traceability=2)
    return info


@pytest.fixture
def email_system(org_a, email_info):
    system = SystemFactory(organisation=org_a, name="E-post (Exchange Online)")
    system.information_types.add(email_info)
    return system


def cloud_data(**extra) -> dict:
    return {"name": "Exchange Online", "hosting": Hosting.CLOUD, "provider": "Microsoft",
            "storage_countries": ["IE", "SE"], "access_countries": ["IE", "SE", "US"], "provider_jurisdiction": "US",
            "scc_signed": True, "sla_percent": Decimal("99.9"), "redundancy": Redundancy.SEPARATE_SITES,
            "recovery_site": "Irland och Sverige", **extra}


def local_data(**extra) -> dict:
    return {"name": "Lokal drift", "hosting": Hosting.OWN_DATA_CENTRE, "storage_countries": ["SE"],
            "access_countries": ["SE"], "provider_jurisdiction": "SE", "redundancy": Redundancy.SAME_LOCATION,
            "end_of_life": datetime.date(2020, 12, 31), **extra}


def cost(amount, kind=CostKind.ONE_OFF, category=CostCategory.CONSULTANTS, **extra) -> dict:
    return {"category": category, "kind": kind, "amount": Decimal(amount), "year": 1, "description": "", **extra}


@pytest.fixture
def make_assessment(tenant, email_system, email_info):
    """make_assessment(alternatives=2, **fields) → an assessment of e-mail with cloud and local alternatives."""

    def make(alternatives=2, **fields):
        data = {"title": "E-post", "service": "e-post", "assessment_date": datetime.date(2021, 4, 20),
                "systems": [email_system], "information_types": [email_info], **fields}
        assessment = services.assessment_create(tenant=tenant, data=data)
        specs = [(cloud_data(), [cost(50_000)]),
                 (local_data(), [cost(2_000_000, category=CostCategory.HARDWARE)])][:alternatives]
        for spec, costs in specs:
            services.alternative_create(tenant=tenant, assessment=assessment, data=spec, costs=costs)
        assessment.refresh_from_db()
        return assessment

    return make
