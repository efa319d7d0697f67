"""THE isolation test of the pages: every URL of the project, every role, another tenant's ids.

The URL patterns are enumerated from the resolver, never listed here, so a page added later
is walked without anyone remembering to add it. Each integer path parameter is filled with
the id of a record of another municipality (org_b; tests/walk_support.py explains why one id
fits every model), and each URL is requested with GET and POST by a member of org_a in every
role. The walk fails when

- a response shows one of org_b's records (their names carry the mark HEMLIG-B) or errs (5xx);
- a request changes anything of org_b's;
- a GET, an empty POST or any POST to a URL naming org_b's record changes anything at all;
- a role that may change nothing changes something (its own API tokens aside);
- a record ends up linked to another organisation's record.

The submissions are made from the forms the pages themselves render (collected as an
administrator of org_a): each form is posted as a browser would, to org_b's URL in place of
org_a's, and with each of its reference fields (numeric choices) pointed at org_b's record.
So the forms of modules added later are exercised too, with values they accept.

A second walk does the same as a supplier's user: it may read what org_a shared with its
organisation and nothing else, and change nothing.
"""

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from inventory.models import System
from organisations.roles import SHARED_ONLY_ROLES, Role
from tests import walk_support as ws
from tests.factories import MembershipFactory, UserFactory

# Top-level URL prefixes the walk leaves out, and why.
SKIPPED_PREFIXES = {
    # Django's admin: staff only, guarded by Django's own permissions, no tenant pages.
    "admin/": "required",
    # allauth (login, logout, password, two-factor): acts only on the signed-in user's account.
    "accounts/": "required",
    # set_language: stores a language choice in a cookie and reads no records.
    "i18n/": "required",
    # The REST API (and its JSON 404 for unmatched paths) is walked through its OpenAPI
    # schema in tests/test_api_walk.py, with tokens instead of sessions.
    "api/": "required",
    # Static files are routed only when DEBUG is on (never in tests); nothing tenant-specific.
    "static/": "optional",
}

# How to fill path parameters that are not integers, by parameter name: a function of the
# world and the id the walk is using (FOREIGN_PK, OWN_PK or SHARED_PK) that returns the
# text naming that record. Integer parameters need no entry: every seeded record of an
# organisation has the same id (walk_support). The walk fails on a parameter it cannot fill.
TEXT_PARAMETERS: dict[str, Callable[[ws.World, int], str]] = {
    # A meeting's rows are edited by kind (meetings.views.CHILDREN); the action items are the
    # rows that reach into another organisation's action plan.
    "kind": lambda world, pk: "action-item",
    # An incident case's report stages and their document formats.
    "stage": lambda world, pk: "early_warning",
    "fmt": lambda world, pk: "pdf",
    # The type-ahead picker's search (core.pickers.KINDS); every kind is walked for isolation in
    # core/tests/test_pickers.py, the walk asks for systems (their names carry the mark).
    "picker": lambda world, pk: "systems",
}

# Pages where every user changes their own account (API tokens), whatever their role.
SELF_SERVICE = {"accounts:profile", "accounts:token_revoke"}
# Pages whose POST starts a background job of the member's own (an export, a document, an
# import): the job is theirs, like their tokens; what it reads is walked through the page's GET.
JOB_STARTERS = {"requirements:soa_export", "requirements:system_export_xlsx", "requirements:system_export_docx",
                "placement:document_docx", "placement:document_pdf", "inventory:system_import", "risk:risk_import"}

# A submission for pages whose form the administrator's walk did not see.
CLEAN_BODY = {
    "name": "INTRÅNG", "title": "INTRÅNG", "purpose": "Ändrad", "description": "Ändrad", "kind": "board",
    "lifecycle": "retired", "criticality": "low", "hosting": "cloud", "storage_countries": "SE",
    "processing_countries": "SE", "version": "1", "next": "/",
}

_submissions = itertools.count(1)


@dataclass(frozen=True)
class Page:
    name: str  # "inventory:system_detail", or the route for an unnamed pattern
    route: str  # "systems/<int:pk>/"

    @property
    def has_parameters(self) -> bool:
        """Whether the route names a record (an integer id); a text parameter alone (the picker's
        kind) names none, and the page is walked once like a page without parameters."""
        return "<int:" in self.route


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def project_pages() -> tuple[list[Page], set[str]]:
    """Every URL pattern of the project outside SKIPPED_PREFIXES, and the prefixes skipped."""
    pages, skipped = [], set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            prefix_hit = next((p for p in SKIPPED_PREFIXES if route.lstrip("^").startswith(p)), None)
            if prefix_hit:
                skipped.add(prefix_hit)
                continue
            if not isinstance(pattern.pattern, RoutePattern):
                pytest.fail(f"{route!r} is a regular-expression pattern; the walk builds URLs from path() "
                            "routes only: use path(), or teach project_pages() to fill it")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, ":".join(filter(None, [namespace, pattern.namespace])))
            else:
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or route
                pages.append(Page(name=name, route=route))

    walk(get_resolver().url_patterns, "", "")
    return pages, skipped


def url_for(page: Page, world: ws.World, pk: int) -> str:
    def fill(match: re.Match) -> str:
        converter, name = match["converter"] or "str", match["name"]
        if converter == "int":
            return str(pk)
        if name in TEXT_PARAMETERS:
            return TEXT_PARAMETERS[name](world, pk)
        pytest.fail(f"{page.name} ({page.route}) has the path parameter <{converter}:{name}> that the walk "
                    "cannot fill: add it to TEXT_PARAMETERS in tests/test_tenancy_walk.py")

    return "/" + _PARAMETER.sub(fill, page.route)


def _url_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


@dataclass
class Walkable:
    """The world, its write counter and the forms org_a's pages render, made once per module."""

    world: ws.World
    counter: ws.WriteCounter
    forms: list[ws.Form]


@pytest.fixture(scope="module")
def walkable(django_db_setup, django_db_blocker):
    # Building the world and collecting the forms takes seconds; every test of this module
    # runs in a savepoint inside this transaction, which is rolled back at the end.
    with django_db_blocker.unblock(), transaction.atomic():
        world = ws.build_world()
        yield Walkable(world=world, counter=ws.WriteCounter(), forms=_forms_of_org_a(world))
        transaction.set_rollback(True)


def _forms_of_org_a(world: ws.World) -> list[ws.Form]:
    """The POST forms of every page an administrator of org_a can open on its own records."""
    admin = UserFactory(email="walk-admin@kommun-a.example")
    MembershipFactory(user=admin, organisation=world.org_a, role=Role.ADMIN)
    client = Client(raise_request_exception=False)  # the walks report server errors
    client.force_login(admin)
    forms, seen = [], set()
    with transaction.atomic():  # whatever opening the pages does is undone
        for page in project_pages()[0]:
            url = url_for(page, world, ws.OWN_PK)
            response = client.get(url)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                for form in ws.post_forms(response.content, url):
                    key = (form.action, tuple(name for name, _value in form.values))
                    # Forms of the skipped parts (the logout button, the language menu) stay out.
                    if key not in seen and not form.action.lstrip("/").startswith(tuple(SKIPPED_PREFIXES)):
                        seen.add(key)
                        forms.append(form)
        transaction.set_rollback(True)
    return forms


@dataclass
class Walk:
    client: Client
    walkable: Walkable
    marks: tuple[str, ...]
    read_only: bool
    problems: list[str]

    def __post_init__(self):
        # A server error is a finding like any other: collect it and go on walking.
        self.client.raise_request_exception = False
        self.tracker = ws.Tracker(self.walkable.counter, self.walkable.world.org_b)

    def request(self, method: str, url: str, label: str, data=None, *, may_write: bool, hidden: bool = False,
                **headers) -> None:
        """One request and its checks; `hidden`: the URL names a record the walker may not see."""
        response = getattr(self.client, method)(url, data, **headers)
        where = f"{label} {url} ({_url_name(url)}) → {response.status_code}"
        if response.status_code >= 500:
            self.problems.append(f"{where}: server error")
        if hidden and response.status_code < 300:
            self.problems.append(f"{where}: answered for a record it may not see")
        # A streamed answer (the trail's CSV) is read whole: what it holds is checked like a page.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if leaked := ws.marks_in(body, self.marks):
            self.problems.append(f"{where}: shows {leaked}")
        changed, theirs, links = self.tracker.advance()
        if theirs:
            self.problems.append(f"{where}: changed the other organisation's {theirs}")
        if changed and not may_write:
            self.problems.append(f"{where}: changed {changed}")
        self.problems += [f"{where}: linked {link}" for link in links]


def walk(client, walkable: Walkable, *, others: list[int], own: int | None, marks, read_only: bool) -> list[str]:
    """Walk every page; return what went wrong (empty when all is well).

    `others` are ids of records the walker may not change (only SHARED_PK may be read),
    `own` names the walker's own records.
    """
    world, pages = walkable.world, project_pages()[0]
    run = Walk(client, walkable, marks=marks, read_only=read_only, problems=[])
    targets = []  # (page, url, whether it names a record the walker may not see, url of its own)
    for page in pages:
        for pk in others if page.has_parameters else others[:1]:
            own_url = url_for(page, world, own) if own is not None and page.has_parameters else None
            targets.append((page, url_for(page, world, pk), page.has_parameters and pk != ws.SHARED_PK, own_url))
    for page, url, hidden, own_url in targets:
        run.request("get", url, "GET", may_write=False, hidden=hidden)
        if not hidden:  # htmx asks visible pages for fragments; a hidden record is refused before that
            run.request("get", url, "GET (htmx)", may_write=False, HTTP_HX_REQUEST="true")
        if own_url:
            run.request("get", own_url, "GET own", may_write=False)
    for page, url, hidden, own_url in targets:
        _submit_to(run, page, url, hidden, own_url)
    for form in walkable.forms:
        _submit_form(run, form)
    return run.problems


def _submit_to(run: Walk, page: Page, url: str, hidden: bool, own_url: str | None) -> None:
    """POSTs to a URL: empty, a generic body, and org_a's own forms aimed at this URL.

    A URL naming another's record must change nothing at all; a page without parameters
    may let a role that writes create its own records.
    """
    may_write = not page.has_parameters and (not run.read_only or page.name in SELF_SERVICE | JOB_STARTERS)
    if not hidden:  # for a hidden record any POST must change nothing; the generic one shows that
        run.request("post", url, "POST empty", {}, may_write=not page.has_parameters and page.name in JOB_STARTERS)
    run.request("post", url, "POST generic", {**CLEAN_BODY, "name": f"INTRÅNG {next(_submissions)}"},
                may_write=may_write, hidden=hidden)
    for form in run.walkable.forms:
        if own_url and form.action == own_url:
            run.request("post", url, f"POST the form of {own_url} to", form.body(next(_submissions)),
                        may_write=may_write, hidden=hidden)


def _submit_form(run: Walk, form: ws.Form) -> None:
    """Post one of org_a's forms: unchanged by a role that may change nothing, which must be
    refused; by a role that writes, with each reference pointed at org_b's record in turn.

    With all references foreign at once a form fails on the first one it checks, which would
    hide a second one it does not check.
    """
    if run.read_only:
        may_write = _url_name(form.action) in SELF_SERVICE | JOB_STARTERS
        run.request("post", form.action, "POST its own form", form.body(next(_submissions)), may_write=may_write)
        return
    for name in sorted(form.choice_names):
        body = form.body(next(_submissions), **{name: ws.FOREIGN_PK})
        run.request("post", form.action, f"POST {name}=org_b's to", body, may_write=True)


@pytest.fixture
def world(walkable) -> ws.World:
    return walkable.world


@pytest.mark.django_db
def test_the_walk_finds_every_page_and_skips_only_the_listed_prefixes(world):
    pages, skipped = project_pages()
    names = {page.name for page in pages}
    # The walker itself must work: the pages of each app are among those it found …
    for name in ("core:home", "inventory:system_detail", "inventory:dependency_remove", "suppliers:supplier_edit",
                 "organisations:unit_create", "accounts:token_revoke", "trail:log"):
        assert name in names
    # … and builds the same URLs as reverse() does.
    for page in pages:
        url = url_for(page, world, ws.FOREIGN_PK)
        if ":" in page.name:
            kwargs = {m["name"]: TEXT_PARAMETERS[m["name"]](world, ws.FOREIGN_PK) if m["name"] in TEXT_PARAMETERS
                      else ws.FOREIGN_PK for m in _PARAMETER.finditer(page.route)}
            assert url == reverse(page.name, kwargs=kwargs)
    # Each required skip still matches something; a stale entry would hide nothing and mislead.
    assert skipped >= {prefix for prefix, need in SKIPPED_PREFIXES.items() if need == "required"}
    assert not any(page.route.startswith(tuple(SKIPPED_PREFIXES)) for page in pages)


@pytest.mark.django_db
def test_every_model_has_a_record_of_the_other_organisation_to_aim_at(world):
    assert ws.check_every_model_is_seeded(world) == []
    assert ws.cross_organisation_links() == []


@pytest.mark.django_db
def test_the_walk_submits_the_forms_of_the_pages(client, walkable, member):
    # The forms were collected: the system form among them, with its reference fields …
    edit = [f for f in walkable.forms if f.action == reverse("inventory:system_edit", args=[ws.OWN_PK])]
    assert len(edit) == 1
    assert {"unit", "owner", "supplier", "information_types"} <= edit[0].choice_names
    # … and posted as rendered they are accepted, so a foreign reference is the one fault.
    client.force_login(member(walkable.world.org_a, Role.ADMIN))
    create = next(f for f in walkable.forms if f.action == reverse("inventory:system_create"))
    for form in (edit[0], create):
        assert client.post(form.action, form.body(next(_submissions))).status_code == 302
    assert System.objects.filter(organisation=walkable.world.org_a, name__startswith="INTRÅNG").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_no_role_of_org_a_reaches_org_b(client, walkable, member, role):
    client.force_login(member(walkable.world.org_a, role))
    # A supplier's user reads only what is shared with it, even as a member of org_a.
    marks = (ws.FOREIGN_MARK, ws.INTERNAL_MARK) if role in SHARED_ONLY_ROLES else (ws.FOREIGN_MARK,)
    problems = walk(client, walkable, others=[ws.FOREIGN_PK], own=ws.OWN_PK, marks=marks,
                    read_only=role in ws.READ_ONLY_ROLES)
    assert problems == []


@pytest.mark.django_db
def test_a_supplier_reaches_only_what_was_shared_with_it(client, walkable, member):
    client.force_login(member(walkable.world.supplier_org, Role.SUPPLIER))
    problems = walk(client, walkable, others=[ws.FOREIGN_PK, ws.OWN_PK, ws.SHARED_PK], own=None,
                    marks=(ws.FOREIGN_MARK, ws.INTERNAL_MARK), read_only=True)
    assert problems == []


@pytest.mark.django_db
def test_a_supplier_reads_a_shared_system_but_not_an_unshared_one(client, world, member):
    client.force_login(member(world.supplier_org, Role.SUPPLIER))
    listing = client.get(reverse("inventory:system_list"))
    assert listing.status_code == 200
    assert ws.SHARED_NAME in listing.content.decode()
    detail = client.get(reverse("inventory:system_detail", args=[ws.SHARED_PK]))
    assert detail.status_code == 200
    assert ws.SHARED_NAME in detail.content.decode()
    # Read-only: no edit link or archive form is offered.
    assert reverse("inventory:system_edit", args=[ws.SHARED_PK]) not in detail.content.decode()
    assert reverse("inventory:system_archive", args=[ws.SHARED_PK]) not in detail.content.decode()
    assert client.get(reverse("inventory:system_detail", args=[ws.OWN_PK])).status_code == 404


@pytest.mark.django_db
def test_a_supplier_cannot_change_a_shared_system(client, world, member):
    client.force_login(member(world.supplier_org, Role.SUPPLIER))
    before, _theirs = ws.fingerprints(world.org_b)
    edit_url = reverse("inventory:system_edit", args=[ws.SHARED_PK])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {**CLEAN_BODY, "name": "Ändrat namn"}).status_code == 403
    assert client.post(reverse("inventory:system_archive", args=[ws.SHARED_PK])).status_code == 403
    assert client.post(reverse("inventory:dependency_remove", args=[ws.SHARED_PK, ws.SHARED_PK])).status_code == 403
    assert ws.changed(before, ws.fingerprints(world.org_b)[0]) == []
    system = System.objects.get(pk=ws.SHARED_PK)
    assert (system.name, system.version, system.archived_at) == (ws.SHARED_NAME, 1, None)
