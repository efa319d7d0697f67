"""The systems API end to end: CRUD with optimistic locking, validation, roles, history, lists."""

import pytest

from accounts.models import ApiToken
from inventory.models import Criticality, Hosting, Lifecycle, System
from organisations.roles import Role
from tests.factories import (
    InformationTypeFactory,
    OrganisationFactory,
    SupplierFactory,
    SystemFactory,
    UnitFactory,
)
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


class Api:
    """The test client with a Bearer token of one user."""

    def __init__(self, client, user, organisation=None):
        _token, raw = ApiToken.issue(user=user, name="test")
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if organisation is not None:
            self.headers["HTTP_X_ORGANISATION"] = organisation.slug

    def get(self, url, params=None):
        return self.client.get(url, params, **self.headers)

    def post(self, url, body=None):
        return self.client.post(url, body or {}, content_type="application/json", **self.headers)

    def put(self, url, body):
        return self.client.put(url, body, content_type="application/json", **self.headers)

    def delete(self, url):
        return self.client.delete(url, **self.headers)


@pytest.fixture
def coordinator(org_a, member):
    return member(org_a, Role.COORDINATOR)


@pytest.fixture
def api(client, coordinator):
    return Api(client, coordinator)


@pytest.fixture
def links(org_a, supplier_org, member):
    """Records of org_a a system can link to."""
    return {
        "unit": UnitFactory(organisation=org_a, name="Socialnämnden"),
        "owner": member(org_a, Role.SYSTEM_OWNER, email="agare@kommun-a.example"),
        "administrator": member(org_a, Role.SYSTEM_ADMINISTRATOR, email="forvaltare@kommun-a.example"),
        "supplier": SupplierFactory(organisation=org_a, name="Drift AB (leverantör)"),
        "infotype": InformationTypeFactory(organisation=org_a, name="Journaler", personal_data=True),
        "supplier_org": supplier_org,
    }


def full_body(links, **changes) -> dict:
    return {
        "name": "Verksamhetssystem Omsorg", "purpose": "Dokumentation i omsorgen", "unit_id": links["unit"].pk,
        "owner": "AGARE@kommun-a.example", "administrator": links["administrator"].email,
        "supplier_id": links["supplier"].pk, "supplier_contact": "Anna Andersson", "contract": "Avtal 2024-17",
        "hosting": "cloud", "hosting_provider": "Moln AB", "storage_countries": ["se", "IE"],
        "processing_countries": ["SE"], "provider_jurisdiction": "us", "criticality": "high",
        "lifecycle": "operation", "personal_data": True, "information_type_ids": [links["infotype"].pk],
        "shared_with": [links["supplier_org"].slug], **changes,
    }


def _counts() -> tuple[int, int]:
    return System.objects.count(), AuditEntry.objects.count()


def test_it_creates_a_system_with_all_its_links(api, links, org_a):
    response = api.post("/api/systems", full_body(links))

    assert response.status_code == 201
    system = System.objects.get(name="Verksamhetssystem Omsorg")
    data = response.json()
    updated_at = data.pop("updated_at")
    assert data == {
        "id": system.pk, "organisation": "kommun-a", "name": "Verksamhetssystem Omsorg",
        "purpose": "Dokumentation i omsorgen", "unit_id": links["unit"].pk, "owner": "agare@kommun-a.example",
        "administrator": "forvaltare@kommun-a.example", "supplier_id": links["supplier"].pk,
        "supplier_contact": "Anna Andersson", "contract": "Avtal 2024-17", "hosting": "cloud",
        "hosting_provider": "Moln AB", "storage_countries": ["IE", "SE"], "processing_countries": ["SE"],
        "provider_jurisdiction": "US", "criticality": "high", "lifecycle": "operation", "personal_data": True,
        "archived_at": None, "version": 1, "information_type_ids": [links["infotype"].pk],
        "shared_with": ["drift-ab"],
    }
    assert updated_at.startswith(system.updated_at.isoformat()[:19])
    assert (system.organisation, system.unit, system.owner, system.supplier) == (
        org_a, links["unit"], links["owner"], links["supplier"])
    assert list(system.shared_with.all()) == [links["supplier_org"]]


def test_it_records_api_writes_in_the_trail_as_the_token_user(api, links, coordinator):
    created = api.post("/api/systems", full_body(links)).json()
    api.put(f"/api/systems/{created['id']}", full_body(links, purpose="Ny beskrivning", version=1))

    response = api.get(f"/api/trail/system/{created['id']}")

    assert response.status_code == 200
    entries = response.json()
    # Newest first: the update, then the creation with its two relation sets.
    assert [(e["action"], e["source"], e["actor"]) for e in entries] == [
        ("update", "api", coordinator.email),
        ("update", "api", coordinator.email),  # shared_with set
        ("update", "api", coordinator.email),  # information_types set
        ("create", "api", coordinator.email),
    ]
    assert entries[0]["changes"] == {"purpose": ["Dokumentation i omsorgen", "Ny beskrivning"], "version": [1, 2]}
    assert entries[3]["changes"]["name"] == [None, "Verksamhetssystem Omsorg"]
    assert [e["seq"] for e in entries] == sorted((e["seq"] for e in entries), reverse=True)


def test_it_gets_one_system(api, org_a):
    system = SystemFactory(organisation=org_a, name="Ekonomisystem", hosting=Hosting.SUPPLIER_DATA_CENTRE)

    response = api.get(f"/api/systems/{system.pk}")

    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["name"], data["hosting"], data["version"]) == (system.pk, "Ekonomisystem", "supplier_dc", 1)
    assert (data["information_type_ids"], data["shared_with"], data["owner"]) == ([], [], None)


def test_it_lists_with_filters_and_sorting(api, org_a, org_b):
    SystemFactory(organisation=org_a, name="Alfa", lifecycle=Lifecycle.PLANNED, criticality=Criticality.LOW,
                  hosting=Hosting.CLOUD, personal_data=True, purpose="Skolans lärplattform")
    SystemFactory(organisation=org_a, name="Beta", lifecycle=Lifecycle.OPERATION, criticality=Criticality.CRITICAL,
                  hosting=Hosting.OWN_DATA_CENTRE, personal_data=False)
    SystemFactory(organisation=org_a, name="Gamma", lifecycle=Lifecycle.OPERATION, criticality=Criticality.HIGH,
                  hosting=Hosting.CLOUD, personal_data=True)
    archived = SystemFactory(organisation=org_a, name="Delta")
    archived.archived_at = archived.created_at
    archived.save()
    SystemFactory(organisation=org_b, name="Alfa i Kommun B")

    def names(**params):
        response = api.get("/api/systems", params)
        assert response.status_code == 200
        return [s["name"] for s in response.json()["results"]]

    assert names() == ["Alfa", "Beta", "Gamma"]
    assert names(q="lärplattform") == ["Alfa"]
    assert names(q="ALFA") == ["Alfa"]
    assert names(lifecycle="operation") == ["Beta", "Gamma"]
    assert names(hosting="cloud") == ["Alfa", "Gamma"]
    assert names(criticality="critical") == ["Beta"]
    assert names(personal_data="yes") == ["Alfa", "Gamma"]
    assert names(personal_data="no") == ["Beta"]
    assert names(archived="true") == ["Delta"]
    assert names(sort="-name") == ["Gamma", "Beta", "Alfa"]
    assert names(sort="criticality") == ["Beta", "Gamma", "Alfa"]  # critical < high < low, alphabetically
    # Unknown filter values are ignored rather than matching nothing.
    assert names(lifecycle="moon", sort="nonsense") == ["Alfa", "Beta", "Gamma"]


def test_it_pages_by_fifty(api, org_a):
    for n in range(53):
        SystemFactory(organisation=org_a, name=f"System {n:02d}")

    first = api.get("/api/systems").json()
    second = api.get("/api/systems", {"page": 2}).json()
    beyond = api.get("/api/systems", {"page": 9}).json()

    assert (first["count"], first["page"], first["pages"], len(first["results"])) == (53, 1, 2, 50)
    assert [s["name"] for s in second["results"]] == ["System 50", "System 51", "System 52"]
    assert (second["page"], beyond["page"]) == (2, 2)  # a page past the end gives the last one


def test_it_updates_with_the_version_read(api, links, org_a):
    system = SystemFactory(organisation=org_a, name="Gammalt namn")

    response = api.put(f"/api/systems/{system.pk}", full_body(links, name="Nytt namn", version=1))

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("Nytt namn", 2)
    system.refresh_from_db()
    assert (system.name, system.version, system.criticality, system.unit) == ("Nytt namn", 2, "high", links["unit"])


def test_it_refuses_a_stale_version_with_409_and_changes_nothing(api, links, org_a):
    system = SystemFactory(organisation=org_a, name="Original")
    assert api.put(f"/api/systems/{system.pk}", full_body(links, name="Första", version=1)).status_code == 200
    before = _counts()

    response = api.put(f"/api/systems/{system.pk}", full_body(links, name="Andra", version=1))

    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert response.json()["detail"].endswith("2.")  # names the current version
    system.refresh_from_db()
    assert (system.name, system.version) == ("Första", 2)
    assert _counts() == before


def test_it_refuses_a_duplicate_name_and_changes_nothing(api, org_a):
    SystemFactory(organisation=org_a, name="Lönesystem")
    before = _counts()

    response = api.post("/api/systems", {"name": "Lönesystem"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["__all__"]  # the unique name per organisation
    assert _counts() == before


def test_it_archives_and_restores(api, org_a):
    system = SystemFactory(organisation=org_a)

    archived = api.post(f"/api/systems/{system.pk}/archive")
    restored = api.post(f"/api/systems/{system.pk}/archive")

    assert archived.status_code == restored.status_code == 200
    assert archived.json()["archived_at"] is not None
    assert (archived.json()["version"], restored.json()["archived_at"], restored.json()["version"]) == (2, None, 3)


def test_it_deletes_and_the_trail_keeps_the_last_values(api, org_a, coordinator):
    system = SystemFactory(organisation=org_a, name="Utfasat")

    response = api.delete(f"/api/systems/{system.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert not System.objects.filter(pk=system.pk).exists()
    entry = AuditEntry.objects.filter(model="inventory.system", object_id=str(system.pk)).latest("seq")
    assert (entry.action, entry.source, entry.actor_label, entry.changes["name"]) == (
        "delete", "api", coordinator.email, ["Utfasat", None])
    assert api.get(f"/api/systems/{system.pk}").status_code == 404


@pytest.mark.parametrize(("case", "changes", "field"), [
    ("unknown country code", {"storage_countries": ["SE", "XX"]}, "storage_countries"),
    ("unknown jurisdiction", {"provider_jurisdiction": "QQ"}, "provider_jurisdiction"),
    ("unknown owner e-mail", {"owner": "ingen@kommun-a.example"}, "owner"),
    ("unknown enum value", {"hosting": "moon"}, "hosting"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_it_refuses_invalid_values_with_422(api, links, case, changes, field):
    before = _counts()

    response = api.post("/api/systems", full_body(links, **changes))

    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in str(body["errors"])
    assert _counts() == before


def test_it_refuses_another_organisations_information_type(api, links, org_b):
    foreign = InformationTypeFactory(organisation=org_b, name="Kommun B:s journaler")
    before = _counts()

    response = api.post("/api/systems", full_body(links, information_type_ids=[foreign.pk]))

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["information_type_ids"]
    assert _counts() == before


@pytest.mark.parametrize("kind", ["municipality", "supplier serving someone else"])
def test_it_refuses_sharing_with_an_organisation_that_does_not_serve_it(api, links, org_b, kind):
    target = org_b if kind == "municipality" else OrganisationFactory(name="Annan drift", slug="annan-drift",
                                                                        kind="supplier")
    before = _counts()

    response = api.post("/api/systems", full_body(links, shared_with=[target.slug]))

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["shared_with"]
    assert _counts() == before


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR, Role.DPO, Role.SUPPLIER])
def test_roles_without_the_edit_permission_cannot_write(client, org_a, supplier_org, member, links, role):
    system = SystemFactory(organisation=org_a, name="Skyddat")
    system.shared_with.add(supplier_org)
    organisation = supplier_org if role == Role.SUPPLIER else org_a
    api = Api(client, member(organisation, role))
    before = _counts()

    responses = [
        api.post("/api/systems", full_body(links, name="Nytt")),
        api.put(f"/api/systems/{system.pk}", full_body(links, name="Ändrat", version=1)),
        api.post(f"/api/systems/{system.pk}/archive"),
        api.delete(f"/api/systems/{system.pk}"),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert all(set(r.json()) == {"detail"} for r in responses)
    assert _counts() == before
    system.refresh_from_db()
    assert (system.name, system.version, system.archived_at) == ("Skyddat", 1, None)
    # Reading is allowed (the supplier reads the system shared with it).
    assert api.get(f"/api/systems/{system.pk}").status_code == 200


def test_it_lists_the_callers_organisations_and_marks_the_active_one(client, org_a, org_b, member):
    user = member(org_a, Role.COORDINATOR)
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, organisation=org_b, role=Role.READER)

    default = Api(client, user).get("/api/organisations").json()
    chosen = Api(client, user, organisation=org_b).get("/api/organisations").json()

    assert default == [
        {"id": org_a.pk, "name": "Kommun A", "slug": "kommun-a", "kind": "municipality", "role": "coordinator",
         "active": True},
        {"id": org_b.pk, "name": "Kommun B", "slug": "kommun-b", "kind": "municipality", "role": "reader",
         "active": False},
    ]
    assert [o["active"] for o in chosen] == [False, True]


def test_it_lists_the_members_of_the_active_organisation(client, org_a, org_b, member):
    coordinator = member(org_a, Role.COORDINATOR, email="samordnare@kommun-a.example")
    member(org_a, Role.READER, email="lasare@kommun-a.example")
    member(org_b, Role.ADMIN, email="admin@kommun-b.example")

    response = Api(client, coordinator).get("/api/memberships")

    assert response.status_code == 200
    assert [(m["user_email"], m["role"]) for m in response.json()] == [
        ("lasare@kommun-a.example", "reader"), ("samordnare@kommun-a.example", "coordinator")]


def test_a_supplier_sees_no_members(client, supplier_org, member):
    member(supplier_org, Role.ADMIN, email="chef@drift-ab.example")
    response = Api(client, member(supplier_org, Role.SUPPLIER)).get("/api/memberships")
    assert (response.status_code, response.json()) == (200, [])


def _grow(org, supplier_org, members, start: int, count: int) -> None:
    for n in range(start, start + count):
        system = SystemFactory(organisation=org, name=f"Massystem {n:03d}", unit=UnitFactory(organisation=org),
                               owner=members[0], administrator=members[1],
                               supplier=SupplierFactory(organisation=org))
        system.information_types.add(InformationTypeFactory(organisation=org))
        system.shared_with.add(supplier_org)


def test_the_list_runs_the_same_queries_for_3_and_for_30_systems(client, org_a, supplier_org, member,
                                                                 django_assert_num_queries):
    api = Api(client, member(org_a, Role.COORDINATOR))
    people = [member(org_a, Role.SYSTEM_OWNER), member(org_a, Role.SYSTEM_ADMINISTRATOR)]
    # 1 the token with its user, 2 the user's memberships with their organisations,
    # 3 the count for the paginator, 4 one page of systems with their owner, administrator,
    # supplier, organisation and unit joined. The token's last use is written at most once a
    # minute, by the first request, which is not measured.
    _grow(org_a, supplier_org, people, 0, 3)
    api.get("/api/systems")
    with django_assert_num_queries(4):
        small = api.get("/api/systems")
    _grow(org_a, supplier_org, people, 3, 27)
    with django_assert_num_queries(4):
        large = api.get("/api/systems")
    assert (len(small.json()["results"]), len(large.json()["results"])) == (3, 30)


def test_a_wrong_method_answers_405_in_json_with_the_allowed_methods(api, org_a):
    system = SystemFactory(organisation=org_a)
    response = api.client.patch(f"/api/systems/{system.pk}", {}, content_type="application/json", **api.headers)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PUT", "DELETE"}
    assert "PATCH" in response.json()["detail"]
