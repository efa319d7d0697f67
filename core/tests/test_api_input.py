"""Issue 13, points 6 and 9: what the API refuses (422 in JSON), and that it always answers JSON."""

import datetime
import json

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from actions.models import Action
from inventory.models import SystemDependency
from organisations.roles import Role
from tests.factories import DependencyFactory, SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client, org_a, member):
    _token, raw = ApiToken.issue(user=member(org_a, Role.COORDINATOR), name="test")

    def do(method, path, body=None):
        data = body if isinstance(body, str) else json.dumps(body)
        return getattr(client, method)(path, data, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")

    return do


@pytest.mark.parametrize("body", ['"hello world"', "[]", '["title"]', "0", "true", "null"])
def test_a_body_that_is_not_an_object_is_refused(call, body):
    response = call("post", "/api/actions", body)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert not Action.objects.exists()


@pytest.mark.parametrize("value", [0, 1700000000, 1.5])
def test_a_number_is_not_a_date(call, value):
    response = call("post", "/api/actions", {"title": "Byt lösenord", "due_date": value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "due_date"
    assert not Action.objects.exists()


def test_a_date_as_text_is_accepted(call):
    response = call("post", "/api/actions", {"title": "Byt lösenord", "due_date": "2026-06-30"})
    assert response.status_code == 201
    assert Action.objects.get().due_date == datetime.date(2026, 6, 30)


@pytest.mark.parametrize("offset, status", [("-22:14", 422), ("+14:30", 422), ("+14:00", 201), ("-12:00", 201)],
                         ids=["beyond_any_zone", "just_beyond", "kiribati", "baker_island"])
def test_a_time_zone_offset_no_zone_has_is_refused(call, offset, status):
    # PostgreSQL refuses offsets beyond ±15:59; no real zone is beyond ±14:00.
    response = call("post", "/api/meetings", {"title": "Driftmöte", "kind": "operations",
                                              "starts_at": f"2026-10-24T10:00:00{offset}",
                                              "ends_at": f"2026-10-24T23:00:00{offset}"})
    assert response.status_code == status, response.content


def test_an_unexpected_error_answers_json_not_an_html_500(call, monkeypatch):
    from actions import api as actions_api

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(actions_api.services, "action_create", broken)
    response = call("post", "/api/actions", {"title": "Byt lösenord"})
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_the_schema_names_are_unique_and_errors_are_documented(client):
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in ("RiskIn", "RiskOut", "CellOut", "QuestionOut"):
        assert name in components
    assert {"PlacementRiskIn", "PlacementRiskOut", "PlacementCellOut", "PlacementQuestionOut"} <= set(components)
    risk_post = schema["paths"]["/api/risks"]["post"]
    ref = risk_post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/RiskIn") and "likelihood" in json.dumps(components["RiskIn"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"401", "403", "422"} <= documented, (method, path, documented)
            if "{" in path:
                assert "404" in documented, (method, path)


def test_every_schema_of_the_api_has_its_own_name():
    """django-ninja names components by class name: two classes of one name document one body."""
    from ninja import Schema

    import tillit.api  # noqa: F401  (imports every router)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    own = [c for c in subclasses(Schema) if not c.__module__.startswith(("ninja", "pydantic"))]
    names: dict[str, set[str]] = {}
    for cls in own:
        names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: modules for name, modules in names.items() if len(modules) > 1} == {}


def test_removing_a_dependency_checks_the_system_in_the_url(org_a, member, login):
    client = login(member(org_a, Role.COORDINATOR))
    first, second, third = (SystemFactory(organisation=org_a) for _ in range(3))
    dependency = DependencyFactory(system=first, depends_on=second)
    response = client.post(reverse("inventory:dependency_remove", args=[third.pk, dependency.pk]))
    assert response.status_code == 404
    assert SystemDependency.objects.filter(pk=dependency.pk).exists()
    response = client.post(reverse("inventory:dependency_remove", args=[first.pk, dependency.pk]))
    assert response.status_code == 302
    assert not SystemDependency.objects.filter(pk=dependency.pk).exists()
