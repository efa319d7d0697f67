"""The world the tenancy walks (test_tenancy_walk.py, test_api_walk.py) run in, and their checks.

Every record of the other municipality (org_b) has the primary key FOREIGN_PK, whatever its
model. So whichever record an integer path parameter names (a system, a supplier, a token,
a dependency …), filling it with FOREIGN_PK names one of org_b's, and a walk needs no
knowledge of which model a URL is about. The same trick gives org_a's unshared records
OWN_PK and the one system org_a shares with its supplier SHARED_PK.
"""

import datetime
import decimal
import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import ApiToken, User
from inventory.models import System
from organisations.models import Membership, Organisation
from organisations.roles import ROLE_PERMISSIONS, Perm, Role
from tests.factories import (
    DependencyFactory,
    InformationTypeFactory,
    MembershipFactory,
    OrganisationFactory,
    SupplierFactory,
    SystemFactory,
    UnitFactory,
    UserFactory,
)
from trail.models import AuditedModel, AuditEntry

FOREIGN_PK = 900_001
OWN_PK = 600_001
SHARED_PK = 700_001

# Text that marks org_b's records (names, e-mail, slug) and org_a's unshared records. A
# response that contains a marker shows a record its reader must not see.
FOREIGN_MARK = "HEMLIG-B"
INTERNAL_MARK = "INTERN-A"
SHARED_NAME = "DELAD-A-System"

# Bookkeeping columns that reading pages legitimately touch (a login, an API call).
BOOKKEEPING_FIELDS = frozenset({"last_login", "last_used_at"})

# Roles that may change nothing in their organisation: every request they make must leave
# the whole database as it was (their own API tokens aside).
READ_ONLY_PERMS = frozenset({Perm.VIEW, Perm.TRAIL_VIEW})
READ_ONLY_ROLES = frozenset(role for role in Role if ROLE_PERMISSIONS[role] <= READ_ONLY_PERMS)


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    supplier_org: Organisation
    foreign_user: User  # a member of org_b
    own_user: User  # a member of org_a (not the one walking)


def build_world() -> World:
    """Municipalities A and B and a supplier serving A (as conftest.py has them, with B at
    FOREIGN_PK); B's records at FOREIGN_PK, A's unshared ones at OWN_PK, one shared at SHARED_PK.

    The walks build it once per module (it takes seconds), so not from the conftest fixtures.
    """
    org_a = OrganisationFactory(name="Kommun A", slug="kommun-a")
    org_b = OrganisationFactory(pk=FOREIGN_PK, name=f"{FOREIGN_MARK}-Kommun", slug="hemlig-b-kommun")
    supplier_org = OrganisationFactory(name="Drift AB", slug="drift-ab", kind="supplier")
    supplier_org.customers.add(org_a)
    person = UserFactory(pk=FOREIGN_PK, email="hemlig-b-person@kommun-b.example", full_name=f"{FOREIGN_MARK}-Person")
    MembershipFactory(pk=FOREIGN_PK, user=person, organisation=org_b, role=Role.COORDINATOR)
    ApiToken.objects.create(pk=FOREIGN_PK, user=person, name=f"{FOREIGN_MARK}-Token", digest="b" * 64, hint="tlt_hemlig",
                            expires_at=timezone.now() + datetime.timedelta(days=30))
    _records(org_b, FOREIGN_PK, FOREIGN_MARK, owner=person, unit_name=f"{FOREIGN_MARK}-Nämnd")
    # org_a's unit is unmarked: its organisation structure is shown to all its members.
    _records(org_a, OWN_PK, INTERNAL_MARK, owner=None, unit_name="Barn- och utbildningsnämnden")
    colleague = UserFactory(pk=OWN_PK, email="intern-a-person@kommun-a.example", full_name=f"{INTERNAL_MARK}-Person")
    MembershipFactory(pk=OWN_PK, user=colleague, organisation=org_a, role=Role.SYSTEM_OWNER)
    for model in organisation_models():
        _seed(model, Seed(org=org_b, pk=FOREIGN_PK, mark=FOREIGN_MARK, person=person))
        _seed(model, Seed(org=org_a, pk=OWN_PK, mark=INTERNAL_MARK, person=colleague))
    shared = SystemFactory(pk=SHARED_PK, organisation=org_a, name=SHARED_NAME, purpose="Drift av e-tjänster")
    shared.shared_with.add(supplier_org)
    # The shared system depends on an internal one: a supplier must not learn of it.
    DependencyFactory(pk=SHARED_PK, system=shared, depends_on=System.objects.get(pk=OWN_PK), organisation=org_a)
    return World(org_a=org_a, org_b=org_b, supplier_org=supplier_org, foreign_user=person, own_user=colleague)


def _records(org: Organisation, pk: int, mark: str, *, owner: User | None, unit_name: str) -> None:
    unit = UnitFactory(pk=pk, organisation=org, name=unit_name)
    supplier = SupplierFactory(pk=pk, organisation=org, name=f"{mark}-Leverantör")
    infotype = InformationTypeFactory(pk=pk, organisation=org, name=f"{mark}-Informationstyp")
    system = SystemFactory(pk=pk, organisation=org, name=f"{mark}-System", purpose=f"{mark}-Syfte", unit=unit,
                           supplier=supplier, owner=owner, hosting_provider=f"{mark}-Drift")
    system.information_types.add(infotype)
    other = SystemFactory(pk=pk + 1, organisation=org, name=f"{mark}-Beroende")
    DependencyFactory(pk=pk, system=system, depends_on=other, organisation=org, description=f"{mark}-Koppling")


@dataclass(frozen=True)
class Seed:
    org: Organisation
    pk: int
    mark: str
    person: User | None  # the member that user references point at (None: leave them empty)
    making: set = dataclass_field(default_factory=set)  # models being made: a cycle ends in None


def organisation_models() -> list[type[models.Model]]:
    """Audited models whose rows belong to one organisation (TenantModels, units …)."""
    return [m for m in audited_models() if m is not Organisation and _has_field(m, "organisation")]


def _seed(model, seed: Seed):
    """The record of `model` at seed.pk, created with marked text and linked to the same
    organisation's records at seed.pk, so that modules added later are walked too.

    Hand-made records (_records) come first; this covers every other model. Required links
    are made first, optional ones once the record exists (models may point at each other).
    A model it cannot fill (a check constraint, a required link to reference data it cannot
    make) fails loudly: give it a hand-made record in _records or an entry in REFERENCE_DATA.
    """
    existing = model._default_manager.filter(pk=seed.pk).first()
    if existing is not None:
        return existing
    if model in seed.making:
        raise AssertionError(f"tests/walk_support: {model._meta.label} requires itself; add one to _records")
    seed.making.add(model)
    values = {field.name: _value(model, field, seed) for field in model._meta.concrete_fields
              if not field.primary_key and field.name != "organisation"}
    seed.making.discard(model)
    try:
        with transaction.atomic():
            obj = model._default_manager.create(pk=seed.pk, organisation=seed.org, **values)
    except (IntegrityError, TypeError, ValueError) as exc:
        raise AssertionError(f"tests/walk_support cannot make a {model._meta.label} ({exc}): add one to _records") from exc
    optional = [f for f in model._meta.concrete_fields
                if f.is_relation and f.null and f.related_model is not model and f.name != "organisation"]
    for field in optional:
        setattr(obj, field.name, _link(model, field, seed))
    if optional:
        obj.save()
    for field in model._meta.many_to_many:
        target = _link(model, field, seed)
        if target is not None:
            getattr(obj, field.name).add(target)
    return obj


def _link(model, field, seed: Seed):
    """What a relation of a seeded record points at: the same organisation's record or member."""
    target = field.related_model
    if target is User:
        return seed.person
    if target is Organisation:
        return None if field.null or field.many_to_many else seed.org
    if _has_field(target, "organisation"):
        return _seed(target, seed)
    if field.null or field.many_to_many:
        return None
    return _reference_row(target, f"{model._meta.label}.{field.name}")


# Reference data (the same for every organisation) that a seeded record must point at and
# that cannot be made from its field types alone, by model label.
REFERENCE_DATA = {
    "requirements.Control": lambda model: model.objects.create(
        number="5.1", theme="organisational", name_en="Policies for information security",
        name_sv="Informationssäkerhetspolicyer"),
    "suppliers.ChecklistArea": lambda model: _checklist_area(),
}


def _checklist_area():
    from suppliers.checklist import load_checklist
    from suppliers.models import ChecklistArea

    load_checklist()
    return ChecklistArea.objects.order_by("pk").first()


def _reference_row(model, needed_by: str):
    existing = model._default_manager.order_by("pk").first()
    if existing is not None:
        return existing
    if model._meta.label in REFERENCE_DATA:
        return REFERENCE_DATA[model._meta.label](model)
    raise AssertionError(f"tests/walk_support cannot fill {needed_by}: add a {model._meta.label} to REFERENCE_DATA")


def _value(model, field, seed: Seed):
    if field.is_relation:
        return None if field.null else _link(model, field, seed)
    if field.choices:
        return field.get_default() if field.has_default() else field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"{seed.mark.lower()}-{model._meta.model_name}@example.org"
    if isinstance(field, models.URLField):
        return f"https://example.org/{seed.mark.lower()}"
    if isinstance(field, models.SlugField):
        return slugify(f"{seed.mark}-{model._meta.model_name}")[: field.max_length]
    if isinstance(field, (models.CharField, models.TextField)):
        return f"{seed.mark}-{model.__name__}-{field.name}"[: field.max_length or None]
    if isinstance(field, models.FileField):  # no file is stored: leave it empty where allowed
        return "" if field.blank else f"{seed.mark.lower()}-{model._meta.model_name}.txt"
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    kind = next((t for t in _SIMPLE_VALUES if isinstance(field, t)), None)
    if kind is None:
        raise AssertionError(f"tests/walk_support cannot fill {model._meta.label}.{field.name}: add one to _records")
    return _SIMPLE_VALUES[kind]()


_SIMPLE_VALUES = {
    models.BooleanField: lambda: False,
    models.DateTimeField: timezone.now,  # before DateField: it is a subclass
    models.DateField: datetime.date.today,
    models.DurationField: lambda: datetime.timedelta(days=1),
    models.DecimalField: lambda: decimal.Decimal("1"),
    models.FloatField: lambda: 1.0,
    models.IntegerField: lambda: 1,
    models.JSONField: dict,
    models.UUIDField: uuid.uuid4,
}


def check_every_model_is_seeded(world: World) -> list[str]:
    """Models whose org_b record at FOREIGN_PK is missing: the walks could not reach them."""
    missing = []
    for model in audited_models():
        if not belongs_to(model, world.org_b).filter(pk=FOREIGN_PK).exists():
            missing.append(f"{model._meta.label}: add an org_b record with pk=FOREIGN_PK in walk_support._records")
    return missing


def relation_names() -> set[str]:
    """Names of the relations of organisation models ("unit", "information_type" …): forms
    and API bodies name references by them."""
    return {f.name for m in organisation_models() for f in [*m._meta.concrete_fields, *m._meta.many_to_many]
            if f.is_relation and f.name != "organisation"}


def audited_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, AuditedModel)]


def belongs_to(model: type[models.Model], org: Organisation) -> models.QuerySet:
    """Rows of `model` that are org's (for the fingerprint of one organisation)."""
    manager = model._default_manager
    if model is Organisation:
        return manager.filter(pk=org.pk)
    if _has_field(model, "organisation"):
        return manager.filter(organisation=org)
    if model is User:
        return manager.filter(memberships__organisation=org)
    if _has_field(model, "user"):
        return manager.filter(user__memberships__organisation=org)
    raise AssertionError(f"{model._meta.label}: tell tests/walk_support.belongs_to how it belongs to an organisation")


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def fingerprints(org: Organisation) -> tuple[dict, dict]:
    """(the whole database, what belongs to `org`): every row with its content, updated_at
    included, every m2m link and the number of audit entries.

    Each table is read once and split in Python: the walks take these after every request.
    """
    everything, theirs = {}, {}
    tables = {model: _rows(model) for model in audited_models()}
    members = {row["user_id"] for row in tables[Membership] if row["organisation_id"] == org.pk}
    for model, rows in tables.items():
        label = model._meta.label
        own = [row for row in rows if _is_owned(model, row, org, members)]
        everything[label], theirs[label] = _digest(rows), _digest(own)
        own_pks = {row["pk"] for row in own}
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            links = list(through.objects.order_by("pk").values_list(f"{field.m2m_field_name()}_id",
                                                                   f"{field.m2m_reverse_field_name()}_id"))
            everything[f"{label}.{field.name}"] = _digest(links)
            theirs[f"{label}.{field.name}"] = _digest([link for link in links if link[0] in own_pks])
    counts = AuditEntry.objects.aggregate(all=models.Count("pk"), theirs=models.Count("pk", filter=models.Q(organisation_id=org.pk)))
    everything["audit entries"], theirs["audit entries"] = counts["all"], counts["theirs"]
    return everything, theirs


def _rows(model) -> list[dict]:
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in BOOKKEEPING_FIELDS]
    return [{"pk": row[0], **dict(zip(names, row[1:]))}
            for row in model._default_manager.order_by("pk").values_list("pk", *names)]


def _is_owned(model, row: dict, org: Organisation, members: set[int]) -> bool:
    if model is Organisation:
        return row["pk"] == org.pk
    if "organisation_id" in row:
        return row["organisation_id"] == org.pk
    if model is User:
        return row["pk"] in members
    if "user_id" in row:
        return row["user_id"] in members
    raise AssertionError(f"{model._meta.label}: tell tests/walk_support how it belongs to an organisation")


def _digest(rows: list) -> tuple[int, str]:
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def changed(before: dict, after: dict) -> list[str]:
    return sorted(key for key in before if before[key] != after[key])


def cross_organisation_links() -> list[str]:
    """Links from an organisation's record to something that is not its own.

    A record may link to its own organisation's records, to members of its organisation and
    (sharing, supplier register) to supplier organisations that serve it; nothing else. With
    "reported once, each decides" a supplier's record is addressed to the organisations it
    serves and their responses point at it, so links between a supplier and its customers
    (organisations, records, members) are allowed too: org_b is neither.
    """
    problems = []
    owned = [m for m in apps.get_models() if m is not Organisation and _has_field(m, "organisation")]
    suppliers_of = {o.pk: set(o.suppliers.values_list("pk", flat=True)) | set(o.customers.values_list("pk", flat=True))
                    for o in Organisation.objects.all()}
    members_of: dict[int, set[int]] = {}
    for user_id, org_id in apps.get_model("organisations.Membership").objects.values_list("user_id", "organisation_id"):
        members_of.setdefault(org_id, set()).add(user_id)
    for model in owned:
        owner = dict(model._default_manager.values_list("pk", "organisation_id"))
        for field in model._meta.get_fields():
            generic = isinstance(field, GenericForeignKey)
            if not generic and (not field.concrete or not (field.many_to_one or field.many_to_many)
                                or field.name == "organisation"):
                continue
            for pk, target_model, target in _links(model, field):
                if target is None:
                    continue
                org_id = owner[pk]
                if org_id is None:  # a shared catalogue record (CatalogueTenantModel)
                    continue
                if not _allowed(target_model, target, org_id, suppliers_of, members_of):
                    problems.append(f"{model._meta.label} {pk}.{field.name} → {target_model._meta.label} {target}")
    return problems


def _links(model, field):
    if isinstance(field, GenericForeignKey):
        return _generic_links(model, field)
    target_model = field.related_model
    if field.many_to_one:
        return [(pk, target_model, t) for pk, t in model._default_manager.values_list("pk", field.attname)]
    through = field.remote_field.through
    rows = through.objects.values_list(f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id")
    return [(pk, target_model, t) for pk, t in rows]


def _generic_links(model, field: GenericForeignKey):
    """A generic relation (content type + id), resolved to the model it names."""
    from django.contrib.contenttypes.models import ContentType

    rows = model._default_manager.values_list("pk", field.ct_field + "_id", field.fk_field)
    return [(pk, ContentType.objects.get_for_id(ct).model_class(), int(t)) for pk, ct, t in rows if ct and t]


def _allowed(target_model, target_pk, org_id, suppliers_of, members_of) -> bool:
    """suppliers_of: the organisations each one is linked to as supplier or customer."""
    partners = suppliers_of[org_id]
    if target_model is Organisation:
        return target_pk in partners
    if target_model is User:
        return any(target_pk in members_of.get(o, set()) for o in (org_id, *partners))
    if _has_field(target_model, "organisation"):
        # organisation None: a record of a shared catalogue (CatalogueTenantModel), public to all.
        target_org = target_model._default_manager.filter(pk=target_pk).values_list("organisation_id", flat=True).first()
        return target_org in (org_id, None) or target_org in partners
    return True


def marks_in(content: bytes, marks: tuple[str, ...]) -> list[str]:
    """The marks a response shows, also inside XLSX and DOCX downloads (zip archives)."""
    texts = [content]
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            texts += [archive.read(name) for name in archive.namelist()]
    text = b"\n".join(texts).decode("utf-8", errors="replace").lower()
    return [mark for mark in marks if mark.lower() in text]


class Tracker:
    """What the requests of a walk changed: the write counter is read after every request,
    the (slow) fingerprints and link checks run only when it moved."""

    def __init__(self, counter: "WriteCounter", org_b: Organisation):
        self.counter, self.org_b = counter, org_b
        self.writes = counter.read()
        self.everything, self.theirs = fingerprints(org_b)
        self.links = set(cross_organisation_links())

    def advance(self) -> tuple[list[str], list[str], list[str]]:
        """(changed in the database, changed of org_b's, new cross-organisation links)."""
        writes = self.counter.read()
        if writes == self.writes:
            return [], [], []
        self.writes = writes
        everything, theirs = fingerprints(self.org_b)
        changes = changed(self.everything, everything), changed(self.theirs, theirs)
        self.everything, self.theirs = everything, theirs
        links = set(cross_organisation_links())
        new_links, self.links = sorted(links - self.links), links
        return *changes, new_links


class WriteCounter:
    """Counts rows inserted, deleted or changed (bookkeeping columns aside) in every table the
    fingerprints cover, with database triggers that live as long as the test's transaction.

    Reading it costs one query, so a walk takes the (slow) fingerprints only after a request
    that wrote something. SQLite and PostgreSQL, the two databases Tillit runs on.
    """

    def __init__(self):
        tables = []
        for model in [*audited_models(), AuditEntry]:
            columns = [f.column for f in model._meta.concrete_fields if f.attname not in BOOKKEEPING_FIELDS]
            tables.append((model._meta.db_table, columns))
            for field in model._meta.many_to_many:
                through = field.remote_field.through._meta
                tables.append((through.db_table, [f.column for f in through.concrete_fields]))
        with connection.cursor() as cursor:
            for statement in self._statements(sorted(set((t, tuple(c)) for t, c in tables))):
                cursor.execute(statement)

    @staticmethod
    def _statements(tables):
        quote = connection.ops.quote_name
        if connection.vendor == "sqlite":
            yield "CREATE TEMP TABLE walk_writes (n INTEGER NOT NULL)"
            yield "INSERT INTO walk_writes VALUES (0)"
            for i, (table, columns) in enumerate(tables):
                events = ["INSERT", "DELETE", f"UPDATE OF {', '.join(quote(c) for c in columns)}"]
                for j, event in enumerate(events):
                    yield (f"CREATE TEMP TRIGGER walk_writes_{i}_{j} AFTER {event} ON main.{quote(table)} "
                           "BEGIN UPDATE walk_writes SET n = n + 1; END")
        elif connection.vendor == "postgresql":
            yield "CREATE TEMP TABLE walk_writes (n bigint NOT NULL)"
            yield "INSERT INTO walk_writes VALUES (0)"
            yield ("CREATE FUNCTION walk_writes_count() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN UPDATE walk_writes SET n = n + 1; RETURN NULL; END $$")
            for i, (table, columns) in enumerate(tables):
                yield (f"CREATE TRIGGER walk_writes_{i} AFTER INSERT OR DELETE OR UPDATE OF "
                       f"{', '.join(quote(c) for c in columns)} ON {quote(table)} "
                       "FOR EACH ROW EXECUTE FUNCTION walk_writes_count()")
        else:
            raise AssertionError(f"WriteCounter knows SQLite and PostgreSQL, not {connection.vendor}")

    def read(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT n FROM walk_writes")
            return cursor.fetchone()[0]


@dataclass(frozen=True)
class Fill:
    """A required form value the walk makes up at submission time (a fresh name each time)."""

    kind: str  # the input's type
    max_length: int | None = None


@dataclass
class Form:
    """A POST form as a page renders it, ready to be submitted as a browser would."""

    action: str  # the path it posts to
    values: list  # [(name, value)], value a str or a Fill
    choice_names: set  # names of <select>, checkbox and radio fields with numeric options

    def body(self, number: int, **replace) -> dict:
        data: dict[str, list[str]] = {}
        for name, value in self.values:
            if name not in replace:
                data.setdefault(name, []).append(_filled(value, number))
        for name, value in replace.items():
            data[name] = [str(value)]
        return data


def _filled(value, number: int) -> str:
    if not isinstance(value, Fill):
        return value
    kind = value.kind
    if kind == "email":
        return f"intrang{number}@example.org"
    if kind == "url":
        return "https://example.org/"
    if kind in ("number", "range"):
        return "1"
    if kind == "date":
        return datetime.date.today().isoformat()
    if kind == "datetime-local":
        return timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return f"INTRÅNG {number}"[: value.max_length]


class _FormParser(HTMLParser):
    """Collects the POST forms of a page with the values a browser would submit."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None
        self._radios: dict[str, list] = {}

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urlsplit(urljoin(self.page_path, a.get("action") or self.page_path)).path
                self._form, self._radios = Form(action=action, values=[], choice_names=set()), {}
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["selected"].append(a.get("value", ""))
        elif self._form is not None and a.get("name"):
            if tag == "input":
                self._input(a["name"], a)
            elif tag == "select":
                self._select = {"name": a["name"], "multiple": "multiple" in a, "options": [], "selected": []}
            elif tag == "textarea":
                self._textarea = {"name": a["name"], "text": "", "fill": _fill_for("textarea", a)}

    def _input(self, name: str, a: dict):
        kind = a.get("type", "text").lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind == "checkbox":
            if a.get("value", "").isdigit():
                self._form.choice_names.add(name)
            if "checked" in a:
                self._form.values.append((name, a.get("value") or "on"))
        elif kind == "radio":
            self._radios.setdefault(name, []).append((a.get("value", ""), "checked" in a))
        elif kind == "hidden" or a.get("value"):
            self._form.values.append((name, a.get("value", "")))
        else:
            self._form.values.append((name, _fill_for(kind, a)))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"].lstrip("\n")
            self._form.values.append((self._textarea["name"], text or self._textarea["fill"]))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = [v for v in select["options"] if v]
            if chosen and all(v.isdigit() for v in chosen):
                self._form.choice_names.add(select["name"])
            values = select["selected"] or ([] if select["multiple"] else chosen[:1])
            self._form.values.extend((select["name"], v) for v in values)
        elif tag == "form":
            for name, options in self._radios.items():
                checked = [value for value, on in options if on] or [options[0][0]]
                self._form.values.append((name, checked[0]))
            self.forms.append(self._form)
            self._form = None


def _fill_for(kind: str, attrs: dict):
    """An empty field as a user submits it: filled in when required, else left empty (an
    optional field may demand a format, such as country codes)."""
    if "required" not in attrs:
        return ""
    max_length = attrs.get("maxlength", "")
    return Fill(kind, int(max_length) if max_length.isdigit() else None)


def post_forms(content: bytes, page_path: str) -> list[Form]:
    """The POST forms of an HTML page."""
    parser = _FormParser(page_path)
    parser.feed(content.decode("utf-8", errors="replace"))
    return parser.forms
