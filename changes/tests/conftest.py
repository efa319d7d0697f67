import datetime

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from changes import services
from core.tenancy import tenant_for
from meetings.models import Meeting, MeetingKind
from tests.factories import OrganisationFactory, SystemFactory


@pytest.fixture(autouse=True)
def messages_in_english():
    """The services' messages are compared in English (msgids); pages answer in the language asked for."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def world(db, org_a, org_b, supplier_org, member):
    """An IT company serving municipalities A and B (not C), three of its people who implement,
    a coordinator in each municipality and systems of A and B shared with the IT company."""
    supplier_org.customers.add(org_b)
    org_c = OrganisationFactory(name="Kommun C", slug="kommun-c")
    people = {
        "dev": member(supplier_org, "service_manager", "utvecklare@drift.example"),
        "tester": member(supplier_org, "service_manager", "testare@drift.example"),
        "lead": member(supplier_org, "security_lead", "sakerhet@drift.example"),
        "coord_a": member(org_a, "coordinator"),
        "owner_a": member(org_a, "system_owner"),
        "coord_b": member(org_b, "coordinator"),
        "coord_c": member(org_c, "coordinator"),
        "reader_a": member(org_a, "reader"),
    }
    tenants = {
        "dev": tenant_for(people["dev"], supplier_org.pk),
        "tester": tenant_for(people["tester"], supplier_org.pk),
        "lead": tenant_for(people["lead"], supplier_org.pk),
        "a": tenant_for(people["coord_a"], org_a.pk),
        "owner_a": tenant_for(people["owner_a"], org_a.pk),
        "b": tenant_for(people["coord_b"], org_b.pk),
        "c": tenant_for(people["coord_c"], org_c.pk),
        "reader_a": tenant_for(people["reader_a"], org_a.pk),
    }
    system_a = SystemFactory(organisation=org_a, name="Procapita")
    system_a.shared_with.add(supplier_org)
    system_b = SystemFactory(organisation=org_b, name="Lifecare")
    system_b.shared_with.add(supplier_org)
    return {"people": people, "t": tenants, "a": org_a, "b": org_b, "c": org_c, "s": supplier_org,
            "system_a": system_a, "system_b": system_b}


@pytest.fixture
def make_change(world):
    def make(title="Uppgradering av verksamhetssystem", kind="normal", likelihood=3, consequence=3, to=None,
             systems=None, standard_class="", **extra):
        start = timezone.now() + datetime.timedelta(days=20)
        data = {"title": title, "description": "Ny version med säkerhetsrättningar.", "reason": "Leverantörens krav",
                "kind": kind, "standard_class": standard_class, "likelihood": likelihood, "consequence": consequence,
                "window_start": start, "window_end": start + datetime.timedelta(hours=4),
                "rollback_plan": "Återställ från ögonblicksbild.",
                "systems": systems if systems is not None else [world["system_a"], world["system_b"]],
                "shared_with": to or [], **extra}
        return services.change_save(tenant=world["t"]["dev"], change=None, data=data)
    return make


@pytest.fixture
def cab(world):
    def make(days=10):
        start = timezone.now() + datetime.timedelta(days=days)
        meeting = Meeting.objects.create(organisation=world["s"], kind=MeetingKind.CAB, title="CAB",
                                         starts_at=start, ends_at=start + datetime.timedelta(hours=2))
        return meeting
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
            return getattr(client, method)(f"/api/changes{path}", **kwargs)
        return call
    return as_person
