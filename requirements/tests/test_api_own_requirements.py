"""The API for the organisation's own requirements: add, read and change them with the page's
validation; the shared catalogue stays read-only; roles and tenancy."""

import pytest

from core.tenancy import tenant_for
from requirements import services
from requirements.models import Control, Requirement
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/api/requirements/catalogue"


def body(**changes) -> dict:
    data = {"code": "EGEN-01", "area": "access", "title": "Behörighetsgenomgång varje kvartal",
            "title_en": "Quarterly access review", "text_is": "Behörigheter gås igenom varje kvartal.",
            "text_shall": "Leverantören ska stödja behörighetsgenomgång varje kvartal.",
            "levels": {"K": 2, "R": 1}, "controls": ["5.18", "8.2"], "nis2": ["i"]}
    return {**data, **changes}


def post(client, headers, data):
    return client.post(URL, data, content_type="application/json", **headers)


def put(client, headers, pk, data):
    return client.put(f"{URL}/{pk}", data, content_type="application/json", **headers)


def test_add_read_and_change_an_own_requirement(client, api, editor, org_a, catalogue):
    headers = api(editor)
    created = post(client, headers, body(code=" EGEN-01 "))
    assert created.status_code == 201, created.json()
    out = created.json()
    assert {k: out[k] for k in ("code", "own", "area", "levels", "controls", "nis2", "catalogue_version")} == {
        "code": "EGEN-01", "own": True, "area": "access", "levels": {"K": 2, "R": 1}, "controls": ["5.18", "8.2"],
        "nis2": ["i"], "catalogue_version": ""}
    requirement = Requirement.objects.get(pk=out["id"])
    assert requirement.organisation == org_a

    # It is part of the catalogue the organisation reads, among its own.
    own = client.get(URL, {"origin": "own"}, **headers).json()
    assert [r["code"] for r in own["results"]] == ["EGEN-01"]
    assert client.get(f"{URL}/{requirement.pk}", **headers).json()["title_en"] == "Quarterly access review"

    changed = put(client, headers, requirement.pk, body(code="EGEN-02", levels={"T": 3}, controls=["8.13"],
                                                        nis2=["c", "a"], title_en=""))
    assert changed.status_code == 200, changed.json()
    out = changed.json()
    assert (out["code"], out["levels"], out["controls"], out["nis2"], out["title_en"]) == (
        "EGEN-02", {"T": 3}, ["8.13"], ["a", "c"], "")
    requirement.refresh_from_db()
    assert (requirement.code, requirement.levels) == ("EGEN-02", {"T": 3})
    assert list(requirement.controls.values_list("number", flat=True)) == ["8.13"]
    entries = AuditEntry.objects.filter(model="requirements.requirement", object_id=str(requirement.pk))
    assert {e.source for e in entries} == {"api"}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"levels": {}}, "levels", "Give the level of at least one aspect."),
    ({"levels": {"K": 4}}, "levels", "Levels run from 0 to 3 (level 4 calls for a protection analysis)."),
    ({"levels": {"X": 1}}, "levels", "Unknown aspect 'X'; use K, R, T or S."),
    ({"controls": ["5.18", "9.99"]}, "controls", "No Annex A control has the number 9.99."),
    ({"code": "ÅS-03"}, "code", "The code ÅS-03 is already in use."),
    ({"code": "ås-03"}, "code", "The code ås-03 is already in use."),
    ({"title": "   "}, "title", "This field cannot be blank."),
])
def test_the_pages_rules_answer_422_with_the_field(client, api, editor, catalogue, changes, field, message):
    response = post(client, api(editor), body(**changes))
    assert response.status_code == 422
    assert response.json() == {"detail": "The data is not valid.", "errors": {field: [message]}}
    assert not Requirement.objects.filter(organisation__isnull=False).exists()


@pytest.mark.parametrize("changes", [
    {"controls": []}, {"nis2": []}, {"nis2": ["k"]}, {"area": "moon"}, {"levels": {"K": "hög"}},
    {"code": "x" * 21}, {"text_is": ""}, {"levels": None},
])
def test_bodies_of_the_wrong_shape_are_422(client, api, editor, catalogue, changes):
    response = post(client, api(editor), body(**changes))
    assert response.status_code == 422
    assert response.json()["detail"] == "The data is not valid."
    assert not Requirement.objects.filter(organisation__isnull=False).exists()


def test_the_shared_catalogue_is_read_only(client, api, editor, requirement):
    before = (requirement.code, requirement.title, requirement.levels, requirement.updated_at)
    response = put(client, api(editor), requirement.pk, body(code=requirement.code))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Requirements of the shared catalogue cannot be changed; add one of your own instead."}
    requirement.refresh_from_db()
    assert (requirement.code, requirement.title, requirement.levels, requirement.updated_at) == before
    # Reading it is fine.
    read = client.get(f"{URL}/{requirement.pk}", **api(editor))
    assert (read.status_code, read.json()["code"], read.json()["own"]) == (200, "ÅS-03", False)


def test_a_code_taken_by_another_own_requirement_is_refused_on_change(client, api, editor, catalogue):
    headers = api(editor)
    post(client, headers, body(code="EGEN-01"))
    second = post(client, headers, body(code="EGEN-02")).json()
    response = put(client, headers, second["id"], body(code="egen-01"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"code": ["The code egen-01 is already in use."]}
    # Keeping its own code is no conflict.
    assert put(client, headers, second["id"], body(code="EGEN-02", title="Ny titel")).status_code == 200


@pytest.mark.parametrize("role", ["reader", "auditor", "dpo"])
def test_roles_without_the_requirement_permission_get_403(client, api, org_a, editor, member, catalogue, role):
    own = services.requirement_create(tenant=tenant_for(editor, org_a.pk), data={
        **body(), "controls": list(Control.objects.filter(number="5.18"))})
    headers = api(member(org_a, role))
    for response in (post(client, headers, body(code="EGEN-09")), put(client, headers, own.pk, body(title="Ändrad"))):
        assert response.status_code == 403
        assert response.json() == {"detail": "Your role does not allow this."}
    own.refresh_from_db()
    assert own.title == "Behörighetsgenomgång varje kvartal"
    assert Requirement.objects.filter(organisation=org_a).count() == 1


def test_another_organisations_requirement_is_404(client, api, org_a, org_b, member, catalogue):
    foreign = services.requirement_create(tenant=tenant_for(member(org_b, "coordinator"), org_b.pk), data={
        **body(title="Hemligt krav"), "controls": list(Control.objects.filter(number="5.18"))})
    headers = api(member(org_a, "coordinator"))
    assert client.get(f"{URL}/{foreign.pk}", **headers).json() == {"detail": "Not found."}
    response = put(client, headers, foreign.pk, body(title="Stulet"))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Hemligt krav"
    # Its code is org_b's own: org_a may use the same one.
    assert post(client, headers, body()).status_code == 201
