"""The information types API: list with search and pages, one, create, change; validation as on the
page, roles and tenancy, the audit trail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import ApiToken
from inventory.models import InformationType
from organisations.roles import Role
from tests.factories import InformationTypeFactory, SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/api/information-types"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def call(client, org_a, member):
    """call(method, path, body=None, role="coordinator", org=org_a) → the response, with a token of
    a member of `org` in `role` (one member per organisation and role)."""

    tokens = {}

    def do(method, path="", body=None, *, role=Role.COORDINATOR, org=org_a):
        if (org.pk, role) not in tokens:
            tokens[org.pk, role] = ApiToken.issue(user=member(org, role), name="test")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[org.pk, role]}", "HTTP_ACCEPT_LANGUAGE": "en"}
        if method == "get":
            return client.get(URL + path, body, **headers)
        return getattr(client, method)(URL + path, body, content_type="application/json", **headers)

    return do


def test_create_read_and_change(call, org_a):
    created = call("post", "", {"name": "  Elevakter ", "description": "Akter i elevhälsan", "personal_data": True})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in ("name", "description", "personal_data", "system_count", "system_ids")} == {
        "name": "Elevakter", "description": "Akter i elevhälsan", "personal_data": True, "system_count": 0,
        "system_ids": []}
    info = InformationType.objects.get(pk=body["id"])
    assert info.organisation == org_a

    system = SystemFactory(organisation=org_a, name="Elevregister")
    system.information_types.add(info)
    one = call("get", f"/{info.pk}")
    assert one.status_code == 200
    assert (one.json()["system_count"], one.json()["system_ids"]) == (1, [system.pk])

    changed = call("put", f"/{info.pk}", {"name": "Elevakter (EHT)"})
    assert changed.status_code == 200
    # A PUT replaces every field: what is left out gets its default.
    assert (changed.json()["name"], changed.json()["description"], changed.json()["personal_data"]) == (
        "Elevakter (EHT)", "", False)
    info.refresh_from_db()
    assert (info.name, info.personal_data) == ("Elevakter (EHT)", False)
    entries = AuditEntry.objects.filter(model="inventory.informationtype", object_id=str(info.pk)).order_by("seq")
    assert [(e.action, e.source) for e in entries] == [("create", "api"), ("update", "api")]


def test_the_list_has_pages_of_50_and_searches_name_and_description(call, org_a, org_b):
    for n in range(52):
        InformationTypeFactory(organisation=org_a, name=f"Typ {n:02d}")
    InformationTypeFactory(organisation=org_a, name="Löneunderlag", description="Underlag för lön och ersättning")
    InformationTypeFactory(organisation=org_b, name="Lön i Kommun B")
    first = call("get", "").json()
    assert (first["count"], first["page"], first["pages"], len(first["results"])) == (53, 1, 2, 50)
    assert first["results"][0]["name"] == "Löneunderlag"  # ordered by name
    second = call("get", "", {"page": 2}).json()
    assert [r["name"] for r in second["results"]] == ["Typ 49", "Typ 50", "Typ 51"]
    found = call("get", "", {"q": "ersättning"}).json()
    assert [r["name"] for r in found["results"]] == ["Löneunderlag"]
    assert call("get", "", {"q": "lön"}).json()["count"] == 1  # org_b's is not among them
    assert call("get", "", {"page": 0}).status_code == 422


@pytest.mark.parametrize(("body", "field"), [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "ok", "personal_data": "kanske"}, "personal_data"),
    ({"name": "a\x00b"}, "name"),
])
def test_bad_bodies_are_422_and_create_nothing(call, body, field):
    response = call("post", "", body)
    assert response.status_code == 422
    assert response.json()["detail"] == "The data is not valid."
    assert field in str(response.json()["errors"])
    assert InformationType.objects.count() == 0


def test_a_name_of_spaces_and_a_taken_name_are_refused_as_on_the_page(call, org_a, org_b):
    InformationTypeFactory(organisation=org_a, name="E-post")
    InformationTypeFactory(organisation=org_b, name="Diarium")  # another organisation's name is free
    blank = call("post", "", {"name": "   "})
    assert blank.status_code == 422
    assert blank.json()["errors"] == {"name": ["This field cannot be blank."]}
    taken = call("post", "", {"name": "E-post"})
    assert taken.status_code == 422
    assert taken.json()["errors"] == {"__all__": ["Information type with this Organisation and Name already exists."]}
    assert call("post", "", {"name": "Diarium"}).status_code == 201
    other = InformationTypeFactory(organisation=org_a, name="Lön")
    assert call("put", f"/{other.pk}", {"name": "E-post"}).status_code == 422
    assert InformationType.objects.get(pk=other.pk).name == "Lön"


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR, Role.DPO])
def test_roles_that_may_not_edit_the_inventory_get_403(call, org_a, role):
    info = InformationTypeFactory(organisation=org_a, name="Diarium")
    assert call("get", f"/{info.pk}", role=role).status_code == 200
    for method, path in (("post", ""), ("put", f"/{info.pk}")):
        response = call(method, path, {"name": "Nytt"}, role=role)
        assert response.status_code == 403
        assert response.json() == {"detail": "Your role does not allow this."}
    assert list(InformationType.objects.values_list("name", flat=True)) == ["Diarium"]


def test_another_organisations_information_type_is_404(call, org_b):
    foreign = InformationTypeFactory(organisation=org_b, name="Hemlig")
    assert call("get", f"/{foreign.pk}").json() == {"detail": "Not found."}
    assert call("put", f"/{foreign.pk}", {"name": "Stulen"}).status_code == 404
    assert InformationType.objects.get(pk=foreign.pk).name == "Hemlig"


def test_a_supplier_sees_no_information_types(call, org_a, supplier_org):
    info = InformationTypeFactory(organisation=org_a)
    assert call("get", "", role=Role.SUPPLIER, org=supplier_org).json()["count"] == 0
    assert call("get", f"/{info.pk}", role=Role.SUPPLIER, org=supplier_org).status_code == 404


def test_there_is_no_delete_as_the_pages_have_none(call, org_a):
    info = InformationTypeFactory(organisation=org_a)
    response = call("delete", f"/{info.pk}")
    assert response.status_code == 405
    assert "detail" in response.json()
    assert InformationType.objects.filter(pk=info.pk).exists()


def test_the_list_and_one_type_take_the_same_number_of_queries_however_many_there_are(call, org_a):
    def queries(path):
        call("get", path)  # the token and member are made before counting
        with CaptureQueriesContext(connection) as captured:
            assert call("get", path).status_code == 200
        return len(captured)

    info = InformationTypeFactory(organisation=org_a, name="Diarium")
    SystemFactory(organisation=org_a).information_types.add(info)
    few = queries(""), queries(f"/{info.pk}")
    for n in range(60):
        other = InformationTypeFactory(organisation=org_a, name=f"Typ {n:02d}")
        SystemFactory(organisation=org_a).information_types.add(other, info)
    assert (queries(""), queries(f"/{info.pk}")) == few
