"""THE isolation test of the REST API: every operation of its OpenAPI schema, every role.

The operations are read from /api/openapi.json, so an endpoint added later is walked without
anyone listing it. Path parameters name org_b's records (tests/walk_support.py), and request
bodies are made from the schema: the required fields, and each reference field (`*_id`,
`*_ids`, a number named like a relation of a model, the e-mail of a user, the slug of an
organisation) pointed at org_b in turn. Each
operation is called with a Bearer token of a member of org_a in every role. It fails when

- a response answers 2xx for a URL naming org_b's record, or shows one of org_b's records;
- an error is not JSON with a `detail`, or the server errs (5xx);
- a call changes anything of org_b's, or anything at all when it names org_b's record,
  reads, or comes from a role that may change nothing;
- a record ends up linked to another organisation's record.

It also checks authentication (401 without a token and with a revoked one, 403 for an
X-Organisation the caller is not a member of) and that hostile input to the systems
endpoints gives JSON errors, never a 500.
"""

import datetime
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from inventory.models import System
from organisations.roles import SHARED_ONLY_ROLES, Role
from tests import walk_support as ws
from trail.api import RECORD_TYPES

# Path parameters that are not integers, by name: the values to call each operation with.
# Integer parameters need no entry (every seeded record of org_b has id FOREIGN_PK). The
# walk fails on a parameter it cannot fill.
TEXT_PARAMETERS: dict[str, Callable[[], list[str]]] = {
    "record_type": lambda: sorted(RECORD_TYPES),
    # A contract's checklist row is named by its area (suppliers/data/contract_checklist.json).
    "area_key": lambda: ["audit"],
    # An incident case's report stages.
    "stage": lambda: ["early_warning", "imy"],
}

# Body fields, by name, that name a user by e-mail or an organisation by slug; with the
# `*_id` and `*_ids` fields they are the references a body can make to other records.
EMAIL_REFERENCES = {"owner", "administrator", "responsible", "assessed_by", "approved_by", "accepted_by",
                    "recorded_by"}
SLUG_REFERENCES = {"shared_with", "addressed_to", "participants"}

_calls = itertools.count(1)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # "/api/systems/{system_id}"
    body_schema: dict | None  # the JSON request body's schema, resolved
    body_kind: str | None  # "json", "multipart" or None

    @property
    def has_parameters(self) -> bool:
        return "{" in self.path

    @property
    def writes(self) -> bool:
        return self.method != "get"


@pytest.fixture(scope="module")
def world_and_counter(django_db_setup, django_db_blocker):
    # Built once for the module (it takes seconds); each test runs in a savepoint inside.
    with django_db_blocker.unblock(), transaction.atomic():
        yield ws.build_world(), ws.WriteCounter()
        transaction.set_rollback(True)


@pytest.fixture
def world(world_and_counter) -> ws.World:
    return world_and_counter[0]


@pytest.fixture
def spec(client, world) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict) -> list[Operation]:
    result = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                kind, schema = "json", _resolve(spec, content["application/json"]["schema"])
            elif "multipart/form-data" in content:
                kind, schema = "multipart", None
            else:
                kind, schema = None, None
            result.append(Operation(method=method, path=path, body_schema=schema, body_kind=kind))
    return result


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def urls_for(op: Operation, pk: int) -> list[str]:
    """The operation's path with its parameters filled (several URLs for text parameters)."""
    urls = [op.path]
    for name in re.findall(r"{([^}]+)}", op.path):
        if name in TEXT_PARAMETERS:
            urls = [u.replace("{" + name + "}", value) for u in urls for value in TEXT_PARAMETERS[name]()]
        elif name.endswith("_id") or name == "id":
            urls = [u.replace("{" + name + "}", str(pk)) for u in urls]
        else:
            pytest.fail(f"{op.method.upper()} {op.path}: the walk cannot fill {{{name}}}; add it to "
                        "TEXT_PARAMETERS in tests/test_api_walk.py")
    return urls


def example(spec: dict, schema: dict, number: int):
    """A value the schema accepts (for objects: their required fields)."""
    schema = _resolve(spec, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(spec, s).get("type") != "null"]
            return example(spec, options[0], number) if options else None
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: example(spec, sub, number) for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return [example(spec, schema["items"], number)] if schema.get("minItems") else []
    if kind == "integer" or kind == "number":
        return max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return False
    if schema.get("format") == "email":
        return f"intrang{number}@example.org"
    if schema.get("format") == "date":
        return datetime.date.today().isoformat()
    if schema.get("format") == "date-time":
        return timezone.now().isoformat()
    return f"INTRÅNG {number}"[: schema.get("maxLength", 200)]


def references(spec: dict, schema: dict, world: ws.World, *, own: bool = False) -> dict:
    """The body's reference fields, each pointed at org_b's record (or member, or slug); with
    `own`, at org_a's own (the record at OWN_PK, a member, no sharing)."""
    if own:
        return {name: ([] if name in SLUG_REFERENCES else ws.OWN_PK if isinstance(value, int) else [ws.OWN_PK]
                       if isinstance(value, list) else world.own_user.email)
                for name, value in references(spec, schema, world).items()}
    refs = {}
    for name, sub in (schema or {}).get("properties", {}).items():
        sub = _resolve(spec, sub)
        types = {sub.get("type")} | {_resolve(spec, s).get("type") for s in sub.get("anyOf", [])}
        if name in EMAIL_REFERENCES:
            refs[name] = world.foreign_user.email
        elif name in SLUG_REFERENCES:
            refs[name] = [world.org_b.slug]
        elif "integer" in types and (name.endswith("_id") or name in ws.relation_names()):
            refs[name] = ws.FOREIGN_PK
        elif "array" in types and (name.endswith("_ids") or name in ws.relation_names()):
            refs[name] = [ws.FOREIGN_PK]
    return refs


def valid_body(spec: dict, op: Operation, world: ws.World) -> dict | None:
    """The required fields, references among them naming org_a's own records."""
    if op.body_schema is None:
        return None
    required = set(op.body_schema.get("required", []))
    own = references(spec, op.body_schema, world, own=True)
    return {**example(spec, op.body_schema, next(_calls)), **{k: v for k, v in own.items() if k in required}}


@dataclass
class ApiWalk:
    client: Client
    token: str
    world: ws.World
    tracker: ws.Tracker
    marks: tuple[str, ...]
    read_only: bool
    problems: list[str]

    def call(self, op: Operation, url: str, body, *, label: str, hidden: bool, may_write: bool) -> None:
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if op.body_kind == "json":
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif op.body_kind == "multipart":
            kwargs.update(data={})
        response = getattr(self.client, op.method)(url, **kwargs)
        where = f"{label} {op.method.upper()} {url} → {response.status_code}"
        self.problems += [f"{where}: {p}" for p in response_problems(response)]
        if hidden and response.status_code < 300:
            self.problems.append(f"{where}: answered for a record of org_b")
        if leaked := ws.marks_in(response.content, self.marks):
            self.problems.append(f"{where}: shows {leaked}")
        changed, theirs, links = self.tracker.advance()
        if theirs:
            self.problems.append(f"{where}: changed the other organisation's {theirs}")
        if changed and not may_write:
            self.problems.append(f"{where}: changed {changed}")
        self.problems += [f"{where}: linked {link}" for link in links]


def response_problems(response) -> list[str]:
    """A server error, or an error response that is not JSON with a `detail`."""
    if response.status_code >= 500:
        return ["server error"]
    if response.status_code >= 400:
        try:
            payload = json.loads(response.content)
        except ValueError:
            return [f"error that is not JSON: {response.content[:80]!r}"]
        if not isinstance(payload, dict) or "detail" not in payload:
            return [f"error without detail: {payload!r:.80}"]
    return []


def api_walk(client, spec, world_and_counter, user, *, marks, read_only: bool, others=(ws.FOREIGN_PK,),
             own: int | None = ws.OWN_PK) -> list[str]:
    """Call every operation; return what went wrong (empty when all is well).

    `others` are ids of records the caller may not change (only SHARED_PK may be read),
    `own` names the caller's own records.
    """
    world, counter = world_and_counter
    _token, raw = ApiToken.issue(user=user, name="walk")
    client.raise_request_exception = False  # a server error is a finding: collect it and go on
    run = ApiWalk(client, raw, world, ws.Tracker(counter, world.org_b), marks, read_only, problems=[])
    for op in operations(spec):
        clean = valid_body(spec, op, world)
        refs = references(spec, op.body_schema, world)
        urls = {url: op.has_parameters and pk != ws.SHARED_PK for pk in others for url in urls_for(op, pk)}
        for url, hidden in urls.items():
            # A URL naming another's record: nothing may change, whatever the body.
            may_write = op.writes and not op.has_parameters and not read_only
            run.call(op, url, clean, label="clean", hidden=hidden, may_write=may_write)
            if refs:
                run.call(op, url, {**clean, **refs}, label="all references foreign", hidden=hidden,
                         may_write=may_write)
        if op.writes and refs and own is not None:
            # org_a's own record (or a new one), with one reference to org_b's at a time.
            for url in urls_for(op, own):
                for name, value in refs.items():
                    body = {**valid_body(spec, op, world), name: value}
                    run.call(op, url, body, label=f"{name}=org_b's", hidden=False, may_write=not read_only)
    return run.problems


@pytest.mark.django_db
def test_the_walk_finds_every_operation(spec, world):
    ops = operations(spec)
    found = {(op.method, op.path) for op in ops}
    # The walker itself must work: operations of each router are among those it found …
    assert {("get", "/api/systems"), ("put", "/api/systems/{system_id}"), ("get", "/api/memberships"),
            ("get", "/api/trail/{record_type}/{record_id}")} <= found
    # … it finds the reference fields of a body …
    system_in = next(op for op in ops if (op.method, op.path) == ("post", "/api/systems")).body_schema
    assert references(spec, system_in, world) == {
        "unit_id": ws.FOREIGN_PK, "owner": world.foreign_user.email, "administrator": world.foreign_user.email,
        "supplier_id": ws.FOREIGN_PK, "information_type_ids": [ws.FOREIGN_PK], "shared_with": [world.org_b.slug],
    }
    # … and every operation can be called.
    assert all(urls_for(op, ws.FOREIGN_PK) for op in ops)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_no_role_of_org_a_reaches_org_b_through_the_api(client, spec, world_and_counter, member, role):
    world = world_and_counter[0]
    marks = (ws.FOREIGN_MARK, ws.INTERNAL_MARK) if role in SHARED_ONLY_ROLES else (ws.FOREIGN_MARK,)
    problems = api_walk(client, spec, world_and_counter, member(world.org_a, role), marks=marks,
                        read_only=role in ws.READ_ONLY_ROLES)
    assert problems == []


@pytest.mark.django_db
def test_a_supplier_reaches_only_what_was_shared_with_it_through_the_api(client, spec, world_and_counter, member):
    world = world_and_counter[0]
    problems = api_walk(client, spec, world_and_counter, member(world.supplier_org, Role.SUPPLIER),
                        marks=(ws.FOREIGN_MARK, ws.INTERNAL_MARK), read_only=True,
                        others=(ws.FOREIGN_PK, ws.OWN_PK, ws.SHARED_PK), own=None)
    assert problems == []


@pytest.mark.django_db
def test_a_supplier_reads_a_shared_system_but_cannot_change_it_through_the_api(client, world_and_counter, member):
    world = world_and_counter[0]
    _token, raw = ApiToken.issue(user=member(world.supplier_org, Role.SUPPLIER), name="walk")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listing = client.get("/api/systems", **auth).json()
    assert [s["name"] for s in listing["results"]] == [ws.SHARED_NAME]
    shared = client.get(f"/api/systems/{ws.SHARED_PK}", **auth)
    assert (shared.status_code, shared.json()["name"]) == (200, ws.SHARED_NAME)
    for pk in (ws.OWN_PK, ws.FOREIGN_PK):
        assert client.get(f"/api/systems/{pk}", **auth).status_code == 404
    # The history of a shared system stays internal to its organisation.
    assert client.get(f"/api/trail/system/{ws.SHARED_PK}", **auth).status_code == 404
    before, _theirs = ws.fingerprints(world.org_b)
    body = {"name": "Ändrat namn", "version": 1}
    assert client.put(f"/api/systems/{ws.SHARED_PK}", body, content_type="application/json", **auth).status_code == 403
    assert client.post(f"/api/systems/{ws.SHARED_PK}/archive", **auth).status_code == 403
    assert client.delete(f"/api/systems/{ws.SHARED_PK}", **auth).status_code == 403
    assert ws.changed(before, ws.fingerprints(world.org_b)[0]) == []
    system = System.objects.get(pk=ws.SHARED_PK)
    assert (system.name, system.version, system.archived_at) == (ws.SHARED_NAME, 1, None)


# Authentication --------------------------------------------------------------------------


def _every_url(spec) -> list[tuple[Operation, str]]:
    return [(op, url) for op in operations(spec) for url in urls_for(op, ws.OWN_PK)]


@pytest.mark.django_db
def test_every_operation_answers_401_without_a_valid_token(client, spec, world, member):
    user = member(world.org_a, Role.ADMIN)
    revoked, revoked_raw = ApiToken.issue(user=user, name="revoked")
    revoked.revoked_at = timezone.now()
    revoked.save()
    before, _theirs = ws.fingerprints(world.org_b)
    for headers in ({}, {"HTTP_AUTHORIZATION": f"Bearer {revoked_raw}"}, {"HTTP_AUTHORIZATION": "Bearer tlt_guess"},
                    {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}):
        for op, url in _every_url(spec):
            response = getattr(client, op.method)(url, **headers)
            assert response.status_code == 401, (op.method, url, headers)
            assert set(response.json()) == {"detail"}
    assert ws.changed(before, ws.fingerprints(world.org_b)[0]) == []


@pytest.mark.django_db
def test_an_organisation_the_caller_is_not_a_member_of_answers_403(client, spec, world, member):
    _token, raw = ApiToken.issue(user=member(world.org_a, Role.ADMIN), name="t")
    for slug in (world.org_b.slug, "finns-inte"):
        for op, url in _every_url(spec):
            response = getattr(client, op.method)(url, HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_X_ORGANISATION=slug)
            assert response.status_code == 403, (op.method, url)
            assert set(response.json()) == {"detail"}
            assert slug in response.json()["detail"]


@pytest.mark.django_db
def test_the_organisation_header_picks_one_of_the_callers_organisations(client, world, member):
    user = member(world.org_a, Role.READER)
    _token, raw = ApiToken.issue(user=user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/systems", HTTP_X_ORGANISATION="kommun-a", **auth).status_code == 200
    assert client.get("/api/systems", HTTP_X_ORGANISATION="drift-ab", **auth).status_code == 403


# Hostile input to the systems endpoints ---------------------------------------------------

# (case, body): a body as JSON text, or an object that the test sends as JSON. For the PUT a
# dict gets the current version, so that it fails for the case's reason and no other.
HOSTILE_BODIES = [
    ("malformed JSON", "{not json"),
    ("a list", []),
    ("a number", 42),
    ("null", None),
    ("the name a number", {"name": 5}),
    ("the name empty", {"name": ""}),
    ("the name huge", {"name": "x" * 100_000}),
    ("the contract huge", {"name": "k", "contract": "x" * 10_000}),
    ("a NUL character", {"name": "a\x00b"}),
    ("a NUL in a list", {"name": "n", "shared_with": ["a\x00b"]}),
    ("an unknown hosting", {"name": "h", "hosting": "moon"}),
    ("an unknown criticality", {"name": "c", "criticality": 7}),
    ("an unknown lifecycle", {"name": "l", "lifecycle": None}),
    ("an unknown country", {"name": "u", "storage_countries": ["XX"]}),
    ("countries as text", {"name": "u", "storage_countries": "SE"}),
    ("an unknown jurisdiction", {"name": "u", "provider_jurisdiction": "ZZ"}),
    ("personal data as text", {"name": "b", "personal_data": "kanske"}),
    ("a negative unit", {"name": "n", "unit_id": -1}),
    ("a huge unit", {"name": "n", "unit_id": 2**70}),
    ("a huge information type", {"name": "n", "information_type_ids": [2**70]}),
    ("a negative information type", {"name": "n", "information_type_ids": [-5]}),
    ("information types as text", {"name": "n", "information_type_ids": "1,2"}),
    ("an owner who is no member", {"name": "n", "owner": "nobody@example.org"}),
    ("a huge owner", {"name": "n", "owner": "x" * 10_000}),
    ("sharing with a municipality", {"name": "n", "shared_with": ["hemlig-b-kommun"]}),
    ("sharing with nobody known", {"name": "n", "shared_with": ["finns-inte"]}),
]

HOSTILE_VERSIONS = [("a huge version", 2**70), ("a version as text", "ett"), ("a negative version", -1),
                    ("no version", None)]

HOSTILE_QUERIES = [
    "?page=0", "?page=-1", "?page=abc", f"?page={2**70}", "?archived=kanske", "?q=%00", "?q=" + "x" * 10_000,
    "?sort=-nothing", "?lifecycle=moon", "?criticality[]=x", "?page=1&page=2",
]

HOSTILE_IDS = ["-1", "0", "abc", str(2**63), str(2**70), "1.5", "%00", "1e3"]


@pytest.fixture
def coordinator_auth(world, member) -> dict:
    _token, raw = ApiToken.issue(user=member(world.org_a, Role.COORDINATOR), name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "body"), HOSTILE_BODIES, ids=[case for case, _body in HOSTILE_BODIES])
def test_hostile_bodies_get_json_errors_and_change_nothing(client, world_and_counter, coordinator_auth, case, body):
    counter = world_and_counter[1]
    client.raise_request_exception = False
    writes = counter.read()
    for method, url in (("post", "/api/systems"), ("put", f"/api/systems/{ws.OWN_PK}")):
        data = {**body, "version": 1} if isinstance(body, dict) and method == "put" else body
        text = data if isinstance(data, str) else json.dumps(data)
        response = getattr(client, method)(url, text, content_type="application/json", **coordinator_auth)
        assert response.status_code in (400, 422), (method, case, response.content[:200])
        assert response_problems(response) == []
    assert counter.read() == writes


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "version"), HOSTILE_VERSIONS, ids=[case for case, _v in HOSTILE_VERSIONS])
def test_hostile_versions_get_json_errors_and_change_nothing(client, world_and_counter, coordinator_auth, case,
                                                            version):
    counter = world_and_counter[1]
    client.raise_request_exception = False
    writes = counter.read()
    body = {"name": "Nytt namn"} if version is None else {"name": "Nytt namn", "version": version}
    response = client.put(f"/api/systems/{ws.OWN_PK}", body, content_type="application/json", **coordinator_auth)
    # A version that is not the current one is a conflict; one that is no number is invalid.
    assert response.status_code == (409 if isinstance(version, int) else 422)
    assert response_problems(response) == []
    assert counter.read() == writes


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_gets_a_json_error(client, world_and_counter, coordinator_auth, settings):
    counter = world_and_counter[1]
    client.raise_request_exception = False
    writes = counter.read()
    body = json.dumps({"name": "n", "purpose": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.post("/api/systems", body, content_type="application/json", **coordinator_auth)
    assert response.status_code == 413
    assert response_problems(response) == []
    assert counter.read() == writes


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_list_queries_get_a_page_or_a_json_error(client, world, coordinator_auth, query):
    client.raise_request_exception = False
    response = client.get("/api/systems" + query, **coordinator_auth)
    assert response.status_code in (200, 422)
    assert response_problems(response) == []
    if response.status_code == 200:
        assert ws.FOREIGN_MARK not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("pk", HOSTILE_IDS)
def test_hostile_ids_get_json_errors(client, world_and_counter, coordinator_auth, pk):
    counter = world_and_counter[1]
    client.raise_request_exception = False
    writes = counter.read()
    body = json.dumps({"name": "n", "version": 1})
    for method, url in (("get", f"/api/systems/{pk}"), ("put", f"/api/systems/{pk}"),
                        ("delete", f"/api/systems/{pk}"), ("post", f"/api/systems/{pk}/archive"),
                        ("get", f"/api/trail/system/{pk}")):
        data = {} if method == "get" else {"data": body, "content_type": "application/json"}
        response = getattr(client, method)(url, **data, **coordinator_auth)
        assert response.status_code in (404, 422), (method, url)
        assert response_problems(response) == []
    assert counter.read() == writes
