import datetime
from decimal import Decimal

import pytest

from accounts.models import ApiToken
from core.tenancy import tenant_for
from kpis import services
from kpis.models import KpiDefinition

TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def world(db, org_a, org_b, supplier_org, member):
    """A supplier serving municipalities A and B, with a coordinator in each and a service manager."""
    supplier_org.customers.add(org_b)
    people = {
        "manager": member(supplier_org, "service_manager"),
        "coord_a": member(org_a, "coordinator"),
        "coord_b": member(org_b, "coordinator"),
        "auditor_a": member(org_a, "auditor"),
    }
    tenants = {
        "supplier": tenant_for(people["manager"], supplier_org.pk),
        "a": tenant_for(people["coord_a"], org_a.pk),
        "b": tenant_for(people["coord_b"], org_b.pk),
        "auditor_a": tenant_for(people["auditor_a"], org_a.pk),
    }
    return {"people": people, "t": tenants, "a": org_a, "b": org_b, "s": supplier_org}


@pytest.fixture
def make_definition(world):
    def make(name="Tillgänglighet", unit="percent", target=Decimal("99.5"), period="month", to=None,
             direction="higher", reported_from=datetime.date(2026, 1, 1)):
        return services.definition_save(tenant=world["t"]["supplier"], definition=None, data={
            "name": name, "service": "Nät", "unit": unit, "direction": direction, "target": target,
            "period": period, "report_due_days": 10, "reported_from": reported_from, "active": True,
            "shared_with": to if to is not None else [world["a"], world["b"]]})
    return make


@pytest.fixture
def report(world):
    def make(definition, value, start=datetime.date(2026, 10, 1), to=None, kind="month"):
        return services.report_create(
            tenant=world["t"]["supplier"], period_kind=kind, period_start=start,
            customers=to if to is not None else [world["a"], world["b"]],
            values=[services.ValueIn(definition, Decimal(value))], today=TODAY)
    return make


@pytest.fixture
def api(client, world):
    def as_person(key, org):
        _, raw = ApiToken.issue(user=world["people"][key], name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": org.slug,
                   "HTTP_ACCEPT_LANGUAGE": "en"}

        def call(method, path, json=None, **extra):
            kwargs = {**headers, **extra}
            if json is not None:
                kwargs.update(data=json, content_type="application/json")
            return getattr(client, method)(f"/api/kpis{path}", **kwargs)
        return call
    return as_person


@pytest.fixture(autouse=True)
def messages_in_english():
    """The services' messages are compared in English (msgids), whatever the default language;
    pages still answer in the language the request asks for."""
    from django.utils import translation

    with translation.override("en"):
        yield
