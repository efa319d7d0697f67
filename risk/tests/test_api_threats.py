"""The API for the organisation's own threats: add, read and change them with the page's validation;
the shared threat catalogue stays read-only; roles and tenancy."""

import pytest

from accounts.models import ApiToken
from core.tenancy import tenant_for
from risk import services
from risk.catalogue import load_threats
from risk.models import Threat
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, people):
    """api(role) → a function (method, path, json=None) → response, authenticated as that member."""

    def as_role(role):
        _, raw = ApiToken.issue(user=people[role], name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}

        def call(method, path, json=None):
            if method == "get":
                return client.get(f"/api/risks/threats{path}", **headers)
            return getattr(client, method)(f"/api/risks/threats{path}", data=json, content_type="application/json",
                                           **headers)

        return call

    return as_role


THREAT = {"code": "own-badge-theft", "name": "Stöld av passerkort", "category": "physical",
          "description": "Ett passerkort stjäls och används för att komma in i serverhallen."}


def test_add_read_and_change_an_own_threat(client, api, org_a, people):
    load_threats()
    call = api("coordinator")
    created = call("post", "", {**THREAT, "code": " own-badge-theft "})
    assert created.status_code == 201, created.json()
    out = created.json()
    assert {k: out[k] for k in ("code", "name", "category", "description", "name_en", "catalogue")} == {
        **THREAT, "name_en": "", "catalogue": False}
    threat = Threat.objects.get(pk=out["id"])
    assert threat.organisation == org_a
    listed = call("get", "").json()
    assert [t["code"] for t in listed if not t["catalogue"]] == ["own-badge-theft"]
    assert call("get", f"/{threat.pk}").json()["name"] == "Stöld av passerkort"

    changed = call("put", f"/{threat.pk}", {"code": "own-badge-loss", "name": "Förlorat passerkort",
                                             "category": "human"})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["code"], changed.json()["category"], changed.json()["description"]) == (
        "own-badge-loss", "human", "")
    threat.refresh_from_db()
    assert (threat.code, threat.name, threat.category) == ("own-badge-loss", "Förlorat passerkort", "human")
    entries = AuditEntry.objects.filter(model="risk.threat", object_id=str(threat.pk)).order_by("seq")
    assert [(e.action, e.source) for e in entries] == [("create", "api"), ("update", "api")]

    # A risk names it by its code.
    _, raw = ApiToken.issue(user=people["coordinator"], name="risk")
    risk = client.post("/api/risks", {"title": "Intrång i serverhallen", "threat": "own-badge-loss"},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (risk.status_code, risk.json()["threat"]) == (201, "own-badge-loss")


@pytest.mark.parametrize(("changes", "field"), [
    ({"code": "stöld av kort"}, "code"),
    ({"code": "   "}, "code"),
    ({"name": "  "}, "name"),
    ({"category": "moon"}, "category"),
    ({"code": "x" * 61}, "code"),
    ({"name": "a\x00b"}, "name"),
])
def test_bad_input_is_422_and_creates_nothing(api, changes, field):
    response = api("coordinator")("post", "", {**THREAT, **changes})
    assert response.status_code == 422
    assert response.json()["detail"] == "The data is not valid."
    assert field in str(response.json()["errors"])
    assert not Threat.objects.exists()


def test_a_code_the_organisation_already_has_is_refused_but_a_catalogue_code_may_be_reused(api):
    load_threats()
    call = api("coordinator")
    assert call("post", "", THREAT).status_code == 201
    taken = call("post", "", {**THREAT, "name": "Annat"})
    assert taken.status_code == 422
    assert taken.json()["errors"] == {"__all__": ["Threat with this Organisation and Code already exists."]}
    # The organisation's own threat may share a catalogue code (it wins when a risk names the code).
    assert call("post", "", {**THREAT, "code": "ransomware"}).status_code == 201


def test_the_shared_catalogue_is_read_only(api):
    load_threats()
    catalogue = Threat.objects.get(code="ransomware", organisation__isnull=True)
    before = (catalogue.name, catalogue.category, catalogue.updated_at)
    call = api("coordinator")
    assert call("get", f"/{catalogue.pk}").json()["catalogue"] is True
    response = call("put", f"/{catalogue.pk}", THREAT)
    assert response.status_code == 403
    assert response.json() == {"detail": "Threats of the shared catalogue cannot be changed; add one of your own instead."}
    catalogue.refresh_from_db()
    assert (catalogue.name, catalogue.category, catalogue.updated_at) == before


@pytest.mark.parametrize("role", ["reader", "auditor"])
def test_roles_that_may_not_analyse_risks_get_403(api, as_role, role):
    own = services.threat_save(tenant=as_role("coordinator"), threat=None, data=THREAT)
    call = api(role)
    for response in (call("post", "", {**THREAT, "code": "annat"}), call("put", f"/{own.pk}", {**THREAT, "name": "X"})):
        assert response.status_code == 403
        assert response.json() == {"detail": "Your role does not allow this."}
    assert list(Threat.objects.values_list("name", flat=True)) == [THREAT["name"]]


def test_another_organisations_threat_is_404(api, org_b, member):
    foreign = services.threat_save(tenant=tenant_for(member(org_b, "coordinator"), org_b.pk), threat=None,
                                   data={**THREAT, "name": "Hemligt hot"})
    call = api("coordinator")
    assert call("get", f"/{foreign.pk}").json() == {"detail": "Not found."}
    assert call("put", f"/{foreign.pk}", THREAT).status_code == 404
    assert Threat.objects.get(pk=foreign.pk).name == "Hemligt hot"
    assert [t["name"] for t in call("get", "").json()] == []
