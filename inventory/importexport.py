"""Import and export of the system inventory as XLSX and CSV (PRODUCT.md C1).

One column specification serves both directions, so a file exported from Tillit can be
edited in Excel and imported again unchanged. An import is all or nothing: every row is
checked first, and while any row has an error nothing is saved (PRODUCT.md, quality bar
"Reliability"). Lookups (members, units, suppliers, information types, systems) are read
once into dictionaries, so checking 10 000 rows costs a handful of queries; what remains
per row are the writes themselves, which go through save() so the audit trail sees them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Prefetch
from django.db.models.signals import m2m_changed
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.countries import country_name, parse_countries
from core.tabular import (
    ByName,
    Column,
    ImportFileError,
    RowError,
    choice_options,
    csv_bytes,
    plain_text,
    read_headers,
    read_table,
    xlsx_bytes,
)
from core.tenancy import Tenant
from inventory.models import (
    Criticality,
    Hosting,
    InformationType,
    Lifecycle,
    System,
    SystemDependency,
)
from inventory.selectors import SystemFilters, system_list
from organisations.roles import NOT_AN_OWNER, Perm, can_own
from suppliers.models import Supplier
from trail import chain
from trail.context import acting_as

_BATCH = 500


class Kind:
    TEXT = "text"
    CHOICE = "choice"
    BOOL = "bool"
    COUNTRIES = "countries"
    COUNTRY = "country"
    USER = "user"
    UNIT = "unit"
    SUPPLIER = "supplier"
    INFOTYPES = "infotypes"
    SYSTEMS = "systems"


COLUMNS: tuple[Column, ...] = (
    Column("name", gettext_lazy("Name"), Kind.TEXT, 32),
    Column("purpose", gettext_lazy("Purpose"), Kind.TEXT, 48),
    Column("unit", gettext_lazy("Owning unit"), Kind.UNIT, 28),
    Column("owner", gettext_lazy("System owner (e-mail)"), Kind.USER, 32),
    Column("administrator", gettext_lazy("System administrator (e-mail)"), Kind.USER, 32),
    Column("supplier", gettext_lazy("Supplier"), Kind.SUPPLIER, 28),
    Column("supplier_contact", gettext_lazy("Supplier's technical administrator"), Kind.TEXT, 28),
    Column("contract", gettext_lazy("Contract"), Kind.TEXT, 20),
    Column("hosting", gettext_lazy("Hosting"), Kind.CHOICE, 22, Hosting),
    Column("hosting_provider", gettext_lazy("Operator or cloud provider"), Kind.TEXT, 26),
    Column("storage_countries", gettext_lazy("Countries where data is stored"), Kind.COUNTRIES, 18),
    Column("processing_countries", gettext_lazy("Countries where data is processed"), Kind.COUNTRIES, 18),
    Column("provider_jurisdiction", gettext_lazy("Provider's home jurisdiction"), Kind.COUNTRY, 14),
    Column("criticality", gettext_lazy("Criticality"), Kind.CHOICE, 14, Criticality),
    Column("lifecycle", gettext_lazy("Lifecycle status"), Kind.CHOICE, 20, Lifecycle),
    Column("personal_data", gettext_lazy("Personal data"), Kind.BOOL, 14),
    Column("information_types", gettext_lazy("Information types"), Kind.INFOTYPES, 40),
    Column("depends_on", gettext_lazy("Depends on"), Kind.SYSTEMS, 40),
)
_FK_FIELDS = ("unit", "owner", "administrator", "supplier")
_TRUE = {"yes", "ja", "true", "1", "x"}
_FALSE = {"no", "nej", "false", "0"}


def export_filename(tenant: Tenant, extension: str) -> str:
    return f"tillit-systems-{tenant.organisation.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


def headers() -> list[str]:
    """The column headings in the active language."""
    return [str(c.header) for c in COLUMNS]


# --- export -----------------------------------------------------------------------------


def export_queryset(*, tenant: Tenant, filters: SystemFilters):
    """The list's systems with everything a row of the file shows, in a fixed number of queries."""
    dependencies = SystemDependency.objects.select_related("depends_on").only(
        "system_id", "depends_on_id", "depends_on__name")
    return system_list(tenant=tenant, filters=filters).select_related("administrator").prefetch_related(
        "information_types", Prefetch("dependencies", queryset=dependencies, to_attr="all_dependencies")
    )


class _Labels:
    """Texts a row shows, translated once per export rather than once per cell."""

    def __init__(self):
        self.choices = {c.field: {value: str(label) for value, label in c.choices.choices}
                        for c in COLUMNS if c.kind == Kind.CHOICE}
        self.yes_no = {True: _("Yes"), False: _("No")}


def _visible_pks(tenant: Tenant) -> set[int]:
    # Dependencies are shown only on systems the tenant may see, as on the system page. A set
    # in memory, because SQLite re-evaluates an "IN (visible systems)" subquery row by row.
    return set(tenant.scope(System).values_list("pk", flat=True))


def _export_value(column: Column, system: System, labels: _Labels, visible: set[int]) -> str:
    value = getattr(system, column.field, None)
    if column.kind == Kind.CHOICE:
        return labels.choices[column.field].get(value, value)
    if column.kind == Kind.BOOL:
        return labels.yes_no[bool(value)]
    if column.kind == Kind.COUNTRIES:
        return "; ".join(country_name(code) for code in value or [])
    if column.kind == Kind.COUNTRY:
        return country_name(value) if value else ""
    if column.kind == Kind.USER:
        return value.email if value else ""
    if column.kind in (Kind.UNIT, Kind.SUPPLIER):
        return value.name if value else ""
    if column.kind == Kind.INFOTYPES:
        return "; ".join(sorted(i.name for i in system.information_types.all()))
    if column.kind == Kind.SYSTEMS:
        return "; ".join(sorted(d.depends_on.name for d in system.all_dependencies if d.depends_on_id in visible))
    return value or ""


def export_rows(*, tenant: Tenant, filters: SystemFilters) -> Iterator[list[str]]:
    """The heading row, then one row per system; the database is read in chunks."""
    yield headers()
    labels, visible = _Labels(), _visible_pks(tenant)
    for system in export_queryset(tenant=tenant, filters=filters).iterator(chunk_size=1000):
        yield [_export_value(column, system, labels, visible) for column in COLUMNS]


def export_xlsx(*, tenant: Tenant, filters: SystemFilters) -> bytes:
    """The filtered systems as an Excel workbook with a bold, frozen heading row."""
    return xlsx_bytes(_("Systems"), COLUMNS, export_rows(tenant=tenant, filters=filters))


def import_template_xlsx() -> bytes:
    """An empty workbook with just the headings, to fill in for an import."""
    return xlsx_bytes(_("Systems"), COLUMNS, iter([headers()]))


def export_csv(*, tenant: Tenant, filters: SystemFilters) -> bytes:
    """The filtered systems as CSV the way Swedish Excel opens it: UTF-8 with BOM, ";" between."""
    return csv_bytes(export_rows(tenant=tenant, filters=filters))


# --- reading a file -----------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows naming a system another organisation shares with this one: never written.
    shared_skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


# --- lookups ------------------------------------------------------------------------------


@dataclass
class _Lookups:
    users: dict[str, Any]
    owners: set  # pks of the members whose role may own a system (organisations.roles.can_own)
    units: ByName
    suppliers: ByName
    infotypes: ByName
    systems: ByName  # the organisation's own: name → pk
    shared: ByName  # shared with it by other organisations: name → organisation name

    @classmethod
    def load(cls, tenant: Tenant) -> "_Lookups":
        """One query per kind of record, each through the tenant (never a foreign organisation's)."""
        # Every visible system in one query: the own ones are matched and linked, the shared
        # ones only recognised (see _Checker.check).
        own_id, own, shared = tenant.membership.organisation_id, [], []
        visible = tenant.scope(System).values_list("pk", "name", "organisation_id", "organisation__name")
        for pk, name, org_id, org_name in visible:
            if org_id == own_id:
                own.append((name, pk))
            else:
                shared.append((name, org_name))
        # After users()' filter on the active organisation, the annotation reads that membership.
        members = list(tenant.users().annotate(member_role=F("memberships__role")))
        return cls(
            users={u.email.casefold(): u for u in members},
            owners={u.pk for u in members if can_own(u.member_role)},
            units=ByName((u.name, u) for u in tenant.organisation.units.all()),
            suppliers=ByName((s.name, s) for s in tenant.scope(Supplier)),
            infotypes=ByName(tenant.scope(InformationType).values_list("name", "pk")),
            systems=ByName(own),
            shared=ByName(shared),
        )


# --- checking rows ------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    name: str
    values: dict[str, Any] = field(default_factory=dict)  # System fields given in the file
    infotypes: set[int] | None = None  # None: the file has no such column
    depends_on: list[str] | None = None
    existing_pk: int | None = None


def _split(text: str, known: Callable[[str], bool]) -> list[str]:
    """A list cell: ";" separates; "," too, unless the whole cell is one known name with a comma."""
    if ";" not in text and ("," not in text or known(text)):
        parts = [text]
    else:
        parts = text.split(";" if ";" in text else ",")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _parse_bool(text: str) -> bool:
    word = text.casefold()
    if word in _TRUE or word == _("Yes").casefold():
        return True
    if word in _FALSE or word == _("No").casefold():
        return False
    raise ValidationError(_("Write Yes or No."))


def _parse_reference(lookup: ByName, text: str, message: str):
    if not text:
        return None
    obj = lookup.find(text)
    if obj is None:
        raise ValidationError(message % {"name": text})
    return obj


def _parse_country(text: str) -> str:
    codes = parse_countries(text)
    if len(codes) > 1:
        raise ValidationError(_("Give one country."))
    return codes[0] if codes else ""


def _check_model_rules(row: _Row, columns: dict[str, str], errors: list[RowError]) -> None:
    """The model's field rules (lengths and the like), checked without any query."""
    scalar = {k: v for k, v in row.values.items() if k not in _FK_FIELDS}
    candidate = System(name=row.name, **scalar)
    exclude = [f.name for f in System._meta.fields if f.name not in scalar and f.name != "name"]
    try:
        candidate.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.extend(RowError(row.number, columns.get(name, ""), m) for m in messages)


class _Checker:
    """Reads every row into a _Row and collects every problem, before anything is saved."""

    def __init__(self, lookups: _Lookups, found: dict[int, tuple[Column, str]]):
        self.lookups = lookups
        self.found = found
        self.columns = {column.field: heading for column, heading in found.values()}
        self.name_position = next(p for p, (c, _h) in found.items() if c.field == "name")
        self.options = {c.field: choice_options(c) for c in COLUMNS if c.kind == Kind.CHOICE}
        self.errors: list[RowError] = []
        self.rows: list[_Row] = []
        self.first_row_of: dict[str, int] = {}  # folded name → row number, for duplicates
        self.shared_skipped = 0

    def check(self, number: int, cells: list[str]) -> None:
        heading = self.columns["name"]
        name = cells[self.name_position] if self.name_position < len(cells) else ""
        if not name:
            self.errors.append(RowError(number, heading, _("Every row needs a name.")))
            return
        folded = name.casefold()
        if folded in self.first_row_of:
            self.errors.append(RowError(number, heading, _("The name is also used on row %(row)d.")
                                        % {"row": self.first_row_of[folded]}))
            return
        self.first_row_of[folded] = number
        row = _Row(number=number, name=name)
        try:
            row.existing_pk = self.lookups.systems.find(name)
        except ValidationError as exc:
            self.errors.append(RowError(number, heading, exc.messages[0]))
            return
        if row.existing_pk is None and name in self.lookups.shared:
            # Another organisation's system, in this one's list because it is shared: only its
            # owner changes it, and a copy must not appear here.
            self.shared_skipped += 1
            return
        for position, (column, col_heading) in self.found.items():
            if column.field != "name":
                text = cells[position] if position < len(cells) else ""
                try:
                    self._parse_cell(column, text, row)
                except ValidationError as exc:
                    self.errors.extend(RowError(number, col_heading, m) for m in exc.messages)
        _check_model_rules(row, self.columns, self.errors)
        self.rows.append(row)

    def _parse_cell(self, column: Column, text: str, row: _Row) -> None:
        """Store the cell's meaning on `row`; raises ValidationError with a message for the user."""
        kind, lookups = column.kind, self.lookups
        if kind == Kind.TEXT:
            row.values[column.field] = text
        elif kind == Kind.CHOICE:
            if text:  # an empty cell keeps the current value (the default for a new system)
                row.values[column.field] = self._parse_choice(column, text)
        elif kind == Kind.BOOL:
            if text:
                row.values[column.field] = _parse_bool(text)
        elif kind == Kind.COUNTRIES:
            row.values[column.field] = parse_countries(text)
        elif kind == Kind.COUNTRY:
            row.values[column.field] = _parse_country(text)
        elif kind == Kind.USER:
            user = lookups.users.get(text.casefold()) if text else None
            if text and user is None:
                raise ValidationError(
                    _("No member of your organisation has the e-mail address %(email)s.") % {"email": text})
            if column.field == "owner" and user is not None and user.pk not in lookups.owners:
                raise ValidationError(str(NOT_AN_OWNER))
            row.values[column.field] = user
        elif kind == Kind.UNIT:
            row.values[column.field] = _parse_reference(
                lookups.units, text, _("Your organisation has no unit named “%(name)s”."))
        elif kind == Kind.SUPPLIER:
            row.values[column.field] = _parse_reference(
                lookups.suppliers, text, _("Your organisation has no supplier named “%(name)s”."))
        elif kind == Kind.INFOTYPES:
            row.infotypes = self._parse_infotypes(text)
        elif kind == Kind.SYSTEMS:
            row.depends_on = [text]  # split later, when every name in the file is known

    def _parse_choice(self, column: Column, text: str) -> str:
        value = self.options[column.field].get(text.casefold())
        if value is None:
            raise ValidationError(
                _("“%(value)s” is not one of: %(options)s.")
                % {"value": text, "options": ", ".join(str(label) for label in column.choices.labels)}
            )
        return value

    def _parse_infotypes(self, text: str) -> set[int]:
        infotypes = self.lookups.infotypes
        found = {name: infotypes.find(name) for name in _split(text, lambda whole: whole in infotypes)}
        unknown = [name for name, pk in found.items() if pk is None]
        if unknown:
            raise ValidationError(
                _("Your organisation has no information type named: %(names)s.") % {"names": "; ".join(unknown)})
        return set(found.values())

    def check_dependencies(self) -> None:
        """Dependencies may name rows of the file or the organisation's own systems, never itself."""
        heading = self.columns.get("depends_on", "")
        in_file = {row.name.casefold() for row in self.rows}
        for row in self.rows:
            if row.depends_on is None:
                continue
            row.depends_on = _split(row.depends_on[0], lambda n: n.casefold() in in_file or n in self.lookups.systems)
            for name in row.depends_on:
                message = self._dependency_problem(row, name, in_file)
                if message:
                    self.errors.append(RowError(row.number, heading, message))

    def _dependency_problem(self, row: _Row, name: str, in_file: set[str]) -> str:
        if name.casefold() == row.name.casefold():
            return _("A system cannot depend on itself.")
        if name.casefold() in in_file:
            return ""
        try:
            pk = self.lookups.systems.find(name)
        except ValidationError as exc:
            return exc.messages[0]
        if pk is not None:
            return _("A system cannot depend on itself.") if pk == row.existing_pk else ""
        if name in self.lookups.shared:
            return _("“%(name)s” belongs to %(organisation)s; a dependency can only be on your own systems.") % {
                "name": name, "organisation": self.lookups.shared.first(name)}
        return _("“%(name)s” is neither in the file nor in your organisation's inventory.") % {"name": name}


# --- saving -------------------------------------------------------------------------------


def _same(system: System, name: str, value) -> bool:
    model_field = System._meta.get_field(name)
    if model_field.is_relation:
        return getattr(system, model_field.attname) == (value.pk if value is not None else None)
    current = getattr(system, name)
    if isinstance(model_field, models.JSONField):
        return sorted(set(current or [])) == value
    if isinstance(current, str):
        return plain_text(current) == plain_text(value)
    return current == value


def _in_batches(pks: list[int], queryset) -> dict[int, Any]:
    # Batches keep each IN (…) list within every database's parameter limit.
    found = {}
    for start in range(0, len(pks), _BATCH):
        found.update({obj.pk: obj for obj in queryset.filter(pk__in=pks[start:start + _BATCH])})
    return found


def _load_existing(tenant: Tenant, pks: list[int]) -> dict[int, System]:
    """The matched systems, locked against concurrent edits, with their links preloaded."""
    dependencies = tenant.editable(SystemDependency).select_related("depends_on")
    queryset = tenant.editable(System).select_for_update().prefetch_related(
        Prefetch("information_types", queryset=InformationType.objects.only("pk")),
        Prefetch("dependencies", queryset=dependencies),
    )
    return _in_batches(pks, queryset)


def _save_system(tenant: Tenant, row: _Row, existing: dict[int, System]) -> tuple[System, str]:
    """Create or update one system (information types of new ones are added later, in bulk).

    Returns the system and "created", "updated" or "unchanged".
    """
    if row.existing_pk is None:
        system = tenant.new(System, name=row.name, **row.values)
        system.save()
        return system, "created"
    system = existing[row.existing_pk]
    changed = {name: value for name, value in row.values.items() if not _same(system, name, value)}
    types_changed = row.infotypes is not None and row.infotypes != {i.pk for i in system.information_types.all()}
    if not changed and not types_changed:
        # Saving anyway would add a version and an audit entry for nothing (a round trip).
        return system, "unchanged"
    for name, value in changed.items():
        setattr(system, name, value)
    system.version += 1
    system.save()
    if types_changed:
        system.information_types.set(row.infotypes)
    return system, "updated"


def _add_information_types(links: list[tuple[System, set[int]]]) -> None:
    """What information_types.add() does for one new system, done for all of them at once.

    The same m2m_changed signals are sent, so the trail records each system's links exactly
    as add() would, around one bulk insert instead of a query pair per system.
    """
    through = System.information_types.through
    signal = {"sender": through, "reverse": False, "model": InformationType, "using": through.objects.db}
    for system, pks in links:
        m2m_changed.send(action="pre_add", instance=system, pk_set=set(pks), **signal)
    through.objects.bulk_create(
        [through(system_id=system.pk, informationtype_id=pk) for system, pks in links for pk in sorted(pks)],
        batch_size=1000,
    )
    for system, pks in links:
        m2m_changed.send(action="post_add", instance=system, pk_set=set(pks), **signal)


def _save_dependencies(tenant: Tenant, rows: list[_Row], saved: dict[str, System], lookups: _Lookups) -> None:
    """Make each row's dependencies exactly those in its "Depends on" cell (if the file has one)."""
    outside_file = sorted({
        lookups.systems.find(name) for row in rows for name in row.depends_on or [] if name.casefold() not in saved
    })
    targets = _in_batches(outside_file, tenant.editable(System).only("pk", "name", "organisation_id"))
    for row in rows:
        if row.depends_on is None:
            continue
        system = saved[row.name.casefold()]
        wanted = [saved.get(n.casefold()) or targets[lookups.systems.find(n)] for n in row.depends_on]
        current = {d.depends_on_id: d for d in system.dependencies.all()} if row.existing_pk else {}
        for target in wanted:
            if target.pk not in current:
                tenant.new(SystemDependency, system=system, depends_on=target).save()
        keep = {target.pk for target in wanted}
        for depends_on_id, dependency in current.items():
            if depends_on_id not in keep:
                dependency.delete()


def _write(tenant: Tenant, rows: list[_Row], lookups: _Lookups, result: ImportResult) -> None:
    existing = _load_existing(tenant, [r.existing_pk for r in rows if r.existing_pk is not None])
    saved, new_links = {}, []
    for row in rows:
        system, outcome = _save_system(tenant, row, existing)
        saved[row.name.casefold()] = system
        setattr(result, outcome, getattr(result, outcome) + 1)
        if outcome == "created" and row.infotypes:
            new_links.append((system, row.infotypes))
    _add_information_types(new_links)
    _save_dependencies(tenant, rows, saved, lookups)


def _check(
    tenant: Tenant, table: list[tuple[int, list[str]]], result: ImportResult
) -> tuple[list[_Row], _Lookups | None]:
    """Every row read and checked; problems go to result.errors. The first row holds the headings."""
    if not table:
        raise ImportFileError(_("The file is empty."))
    (heading_row, headings), data_rows = table[0], table[1:]
    found = read_headers(COLUMNS, headings, heading_row, result.errors)
    if not any(column.field == "name" for column, _h in found.values()):
        result.errors.append(RowError(heading_row, str(COLUMNS[0].header), _("The file needs a column for the name.")))
        return [], None
    if not data_rows:
        raise ImportFileError(_("The file has no rows below the column headings."))
    checker = _Checker(_Lookups.load(tenant), found)
    for number, cells in data_rows:
        checker.check(number, cells)
    checker.check_dependencies()
    result.errors.extend(checker.errors)
    result.shared_skipped = checker.shared_skipped
    return checker.rows, checker.lookups


def systems_import(*, tenant: Tenant, file) -> ImportResult:
    """Create or update systems from an XLSX or CSV file: every row, or none if any has an error.

    Raises ImportFileError when the file itself cannot be read and PermissionDenied when the
    role may not import. The returned result lists the errors (row, column, message) if any.
    """
    tenant.require(Perm.INVENTORY_IMPORT)
    if not tenant.can_edit(System):
        raise PermissionDenied
    table = read_table(file)
    result = ImportResult()
    try:
        # One transaction from the check to the last write: the rows are checked against the
        # same state they are written into, and a failure leaves nothing behind. Every save is
        # captured by the trail; deferred() chains the entries in one go at the end.
        with transaction.atomic(), acting_as(tenant.user, source="import"), chain.deferred():
            rows, lookups = _check(tenant, table, result)
            if result.errors:
                return ImportResult(errors=sorted(result.errors, key=lambda e: e.row))
            _write(tenant, rows, lookups, result)
    except IntegrityError:
        # Someone saved a system of the same name between the check and the write.
        raise ImportFileError(
            _("The inventory changed while the file was imported; nothing was saved. Try again.")) from None
    return result
