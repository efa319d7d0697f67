"""Read-side queries of classification, and the protection need of systems.

Protection need: a system's need is the highest level of any information type it handles (PRODUCT.md C2).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from classification.models import Classification, ClassificationSettings, ClassificationStatus, SupplierQuestion
from classification.schemes import ASPECT_FIELDS, ASPECT_LABELS, SCHEMES, Scheme
from core.tenancy import Tenant
from inventory.models import InformationType
from organisations.roles import Perm

NEED_ANNOTATIONS = {f"need_{aspect.lower()}": field for aspect, field in ASPECT_FIELDS.items()}

STATUS_FILTERS = ("", "unclassified", "draft", "review", "approved")
QUESTION_VIEWS = ("open", "overdue", "answered", "all")


def _highest(field: str) -> Subquery:
    # The highest level among the classifications of the outer system's information types:
    # ordered descending with NULLs last (SQLite and PostgreSQL differ by default), first row.
    return Subquery(
        Classification.objects.filter(information_type__systems=OuterRef("pk"))
        .order_by(F(field).desc(nulls_last=True)).values(field)[:1]
    )


def annotate_protection_need(systems: QuerySet) -> QuerySet:
    """Add need_k, need_r, need_t, need_s to each system, in the same query.

    Correlated subqueries rather than a GROUP BY over the joined classifications: the database
    evaluates them for the rows of the page only, and a paginator's COUNT leaves them out.
    """
    return systems.annotate(**{name: _highest(field) for name, field in NEED_ANNOTATIONS.items()})


def attach_protection_need(systems) -> list:
    """Set need_k, need_r, need_t, need_s on each of `systems` (a page of them), in one query.

    For a list page: the levels are computed for the rows shown only. As annotations they made
    PostgreSQL evaluate them for every row an OFFSET skips, so deep pages slowed down with the data.
    """
    systems = list(systems)
    through = InformationType.systems.through
    rows = (
        through.objects.filter(system_id__in=[s.pk for s in systems])
        .values("system_id")
        .annotate(**{name: Max(f"informationtype__classification__{field}") for name, field in NEED_ANNOTATIONS.items()})
    )
    by_system = {row["system_id"]: row for row in rows}
    for system in systems:
        row = by_system.get(system.pk, {})
        for name in NEED_ANNOTATIONS:
            setattr(system, name, row.get(name))
    return systems


def distinct_protection_needs(systems: QuerySet) -> set[tuple[int | None, ...]]:
    """The different needs among `systems`, as (K, R, T, S) tuples (None where nothing sets a level).

    One GROUP BY over the systems and their classifications: the statement of applicability asks
    which needs occur among thousands of systems, and per-system subqueries took a second on
    PostgreSQL.
    """
    prefix = "information_types__classification__"
    rows = systems.order_by().values("pk").annotate(
        **{name: Max(prefix + field) for name, field in NEED_ANNOTATIONS.items()}).values_list(*NEED_ANNOTATIONS)
    return set(rows)


def protection_need(system) -> dict[str, int | None]:
    """{"K": 3, "R": 2, "T": 2, "S": 1} for one system (None where nothing is classified)."""
    row = Classification.objects.filter(information_type__systems=system).aggregate(
        **{aspect: Max(field) for aspect, field in ASPECT_FIELDS.items()})
    return {aspect: row[aspect] for aspect in ASPECT_FIELDS}


def need_of(system) -> dict[str, int | None]:
    """The need of a system given by annotate_protection_need or attach_protection_need, as {"K": …}."""
    return {aspect: getattr(system, f"need_{aspect.lower()}", None) for aspect in ASPECT_FIELDS}


def need_label(need: dict) -> str:
    """'3-2-2-1' for {"K": 3, "R": 2, "T": 2, "S": 1}; S is left out where nothing sets it (the
    MSB model has no traceability), and '–' when nothing is classified."""
    values = [need.get(a) for a in ("K", "R", "T", "S")]
    if all(v is None for v in values):
        return "–"
    if values[3] is None:
        values = values[:3]
    return "-".join("–" if v is None else str(v) for v in values)


def today() -> datetime.date:
    return timezone.localdate()


def classification_settings(*, tenant: Tenant):
    """The organisation's settings, or the defaults (unsaved: reading never writes)."""
    found = tenant.scope(ClassificationSettings).first()
    return found or ClassificationSettings(organisation=tenant.organisation)


@dataclass(frozen=True)
class ClassificationFilters:
    status: str = ""  # one of STATUS_FILTERS
    stale: bool = False
    q: str = ""


def information_type_rows(*, tenant: Tenant, filters: ClassificationFilters) -> QuerySet:
    """The organisation's information types with their classification (if any), for the list page.

    `waiting` tells whether an open question to a supplier blocks the classification.
    """
    open_questions = SupplierQuestion.objects.filter(classification__information_type=OuterRef("pk"),
                                                     answered_on__isnull=True)
    qs = (tenant.scope(InformationType).select_related("classification", "classification__responsible")
          .annotate(waiting=Exists(open_questions)))
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.status == "unclassified":
        qs = qs.filter(classification__isnull=True)
    elif filters.status in ClassificationStatus.values:
        qs = qs.filter(classification__status=filters.status)
    if filters.stale:
        qs = qs.filter(Q(classification__status=ClassificationStatus.APPROVED) & Q(classification__review_date__lt=today()))
    return qs.order_by("name", "pk")


def classification_list(*, tenant: Tenant, filters: ClassificationFilters) -> QuerySet:
    """Classifications (not unclassified information types), for the API."""
    qs = tenant.scope(Classification).select_related("information_type", "responsible", "approved_by")
    if filters.q:
        qs = qs.filter(information_type__name__icontains=filters.q)
    if filters.status in ClassificationStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.stale:
        qs = qs.filter(status=ClassificationStatus.APPROVED, review_date__lt=today())
    return qs.order_by("information_type__name", "pk")


def classification_detail(*, tenant: Tenant, pk):
    """One classification with what its page shows preloaded."""
    qs = Classification.objects.select_related("information_type", "responsible", "approved_by")
    return tenant.get(Classification, pk, queryset=qs)


def classification_for(*, tenant: Tenant, information_type):
    """The classification of an information type, or None."""
    return (tenant.scope(Classification).select_related("information_type", "responsible", "approved_by")
            .filter(information_type=information_type).first())


QUESTION_SUBJECTS = ("", "classification", "system", "requirement", "contract")


@dataclass(frozen=True)
class QuestionFilters:
    view: str = "open"  # one of QUESTION_VIEWS
    supplier_id: int | None = None
    subject: str = ""  # one of QUESTION_SUBJECTS
    organisation_id: int | None = None  # questions to us: one municipality


def _questions(qs: QuerySet, view: str) -> QuerySet:
    qs = qs.select_related("supplier", "organisation", "classification__information_type", "system", "requirement",
                           "contract", "asked_by", "answered_by", "recorded_by")
    if view == "open":
        qs = qs.filter(answered_on__isnull=True)
    elif view == "overdue":
        qs = qs.filter(answered_on__isnull=True, due_date__lt=today())
    elif view == "answered":
        qs = qs.filter(answered_on__isnull=False)
    # Open ones first, soonest due (so the overdue) first; NULL placement is explicit as SQLite
    # and PostgreSQL differ.
    return qs.order_by(F("answered_on").asc(nulls_first=True), F("due_date").asc(nulls_last=True), "pk")


def own_questions(*, tenant: Tenant) -> QuerySet:
    """The organisation's own questions to its suppliers (its scope less those addressed to it)."""
    return tenant.scope(SupplierQuestion).filter(organisation_id=tenant.membership.organisation_id)


def supplier_questions(*, tenant: Tenant, view: str = "open", classification=None,
                       filters: QuestionFilters | None = None) -> QuerySet:
    """The organisation's questions to suppliers: open, overdue, answered or all; optionally of one
    classification, one supplier or one kind of subject."""
    qs = own_questions(tenant=tenant)
    if classification is not None:
        qs = qs.filter(classification=classification)
    if filters is not None:
        view = filters.view
        if filters.supplier_id:
            qs = qs.filter(supplier_id=filters.supplier_id)
        if filters.subject in QUESTION_SUBJECTS[1:]:
            qs = qs.filter(**{f"{filters.subject}__isnull": False})
    return _questions(qs, view)


def questions_to_us(*, tenant: Tenant, filters: QuestionFilters | None = None) -> QuerySet:
    """Questions the organisations a supplier serves have addressed to it, for its members who
    report (SUPPLIER_REPORT); nothing for anyone else."""
    if not tenant.can(Perm.SUPPLIER_REPORT):
        return SupplierQuestion.objects.none()
    filters = filters or QuestionFilters()
    qs = tenant.scope(SupplierQuestion).filter(supplier__tillit_organisation_id=tenant.membership.organisation_id)
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    return _questions(qs, filters.view)


def question_detail(*, tenant: Tenant, pk) -> SupplierQuestion:
    """One of the organisation's questions (Http404 otherwise), with what its page shows."""
    return tenant.get(SupplierQuestion, pk, queryset=_questions(own_questions(tenant=tenant), "all"))


def questioned_customers(*, tenant: Tenant) -> QuerySet:
    """The organisations that have asked the supplier something (for the filter)."""
    from organisations.models import Organisation

    return Organisation.objects.filter(pk__in=questions_to_us(tenant=tenant).values("organisation_id")).order_by("name")


def protection_basis(information_types, *, today: datetime.date) -> dict:
    """A system's protection need and the classifications behind it, for the system's page.

    `information_types` are the system's, each with its classification preloaded
    (select_related("classification")), so this reads nothing more. Per aspect the need is the
    highest level among them (as protection_need computes it); `drivers` names the information
    types at that level, the ones that set it.
    """
    rows, scheme = [], None
    for info in information_types:
        c = getattr(info, "classification", None)
        if c is not None:
            scheme = scheme or c.scheme
        rows.append({"info": info, "c": c, "stale": c.is_stale(today) if c else False})
    aspects = SCHEMES[scheme or Scheme.KLASSA].aspects
    need, drivers = {}, []
    for aspect in ASPECT_FIELDS:
        levels = [row["c"].levels[aspect] for row in rows if row["c"] and row["c"].levels[aspect] is not None]
        need[aspect] = max(levels) if levels else None
        if need[aspect] is not None:
            names = [row["info"] for row in rows if row["c"] and row["c"].levels[aspect] == need[aspect]]
            drivers.append({"aspect": aspect, "label": ASPECT_LABELS[aspect], "level": need[aspect], "infos": names})
    for row in rows:
        row["levels"] = [row["c"].levels[a] if row["c"] else None for a in aspects]
    return {"need": need, "rows": rows, "aspects": [(a, ASPECT_LABELS[a]) for a in aspects], "drivers": drivers,
            "unclassified": sum(1 for row in rows if row["c"] is None)}


SYSTEMS_SHOWN = 100


def systems_driven(*, tenant: Tenant, classification: Classification) -> dict:
    """The active systems holding the classified information type (those its levels drive), the
    first SYSTEMS_SHOWN by name with their protection need, and how many there are in all.

    Each system gets `sets`: the aspects whose need this classification's level reaches (it is
    the highest, or equal to the highest, of the system's information).
    """
    from inventory.models import System

    qs = (tenant.scope(System).filter(information_types=classification.information_type_id, archived_at__isnull=True)
          .select_related("owner").order_by("name", "pk"))
    systems = attach_protection_need(qs[:SYSTEMS_SHOWN])
    levels = classification.levels
    for system in systems:
        need = need_of(system)
        system.sets = [a for a in ASPECT_FIELDS if levels[a] is not None and need[a] == levels[a]]
    total = len(systems) if len(systems) < SYSTEMS_SHOWN else qs.count()
    return {"systems": systems, "total": total}


def known_answers(*, tenant: Tenant, information_type, system=None) -> tuple[dict, dict]:
    """(answers, reasoning) a new classification starts from: what Tillit already knows.

    Only what is known to be so is carried (a "yes"); an unset flag is not taken for a "no".
    Sources: the information type marked as containing personal data, the system it was
    classified from marked as processing personal data (when it holds the information type), and
    the record of processing (GDPR art. 30) listing the information type with its categories of
    personal data: special categories (art. 9), offences (art. 10), personal identity numbers.
    """
    from privacy.models import DataCategory, ProcessingActivity

    answers: dict = {}
    reasoning: dict = {}

    def know(question: str, why: str) -> None:
        answers[question] = True
        reasoning[question] = f"{reasoning[question]} {why}" if question in reasoning else why

    if information_type.personal_data:
        know("personal_data", _("The inventory records the information type as containing personal data."))
    if system is not None and system.personal_data and system.information_types.filter(pk=information_type.pk).exists():
        if not information_type.personal_data:
            know("personal_data", _("The system %(name)s is recorded as processing personal data.") % {
                "name": system.name})
    activities = list(tenant.scope(ProcessingActivity).filter(information_types=information_type).order_by("name"))
    if activities:
        names = ", ".join(a.name for a in activities)
        know("personal_data", _("The record of processing lists it in: %(names)s.") % {"names": names})
    special = [a.name for a in activities if a.special_categories]
    if special:
        know("sensitive_personal_data", _("The record of processing lists special categories of personal data "
                                          "in: %(names)s.") % {"names": ", ".join(special)})
    criminal = [a.name for a in activities if a.criminal_data]
    if criminal:
        know("criminal_offence_data", _("The record of processing lists data on offences in: %(names)s.") % {
            "names": ", ".join(criminal)})
    identity = [a.name for a in activities if DataCategory.IDENTITY in (a.data_categories or [])]
    if identity:
        know("national_id", _("The record of processing lists personal identity numbers in: %(names)s.") % {
            "names": ", ".join(identity)})
    return answers, reasoning


def infotype_levels(*, tenant: Tenant, information_types) -> tuple[list[tuple[str, str]], list]:
    """(the model's aspects as (key, label), the information types of a page) for the
    information-type list: each gets `c` (its classification, preloaded by the caller's
    select_related, or None), `levels` (one per aspect) and `stale`. One query: the settings."""
    aspects = SCHEMES[classification_settings(tenant=tenant).scheme].aspects
    day = today()
    rows = list(information_types)
    for info in rows:
        info.c = getattr(info, "classification", None)
        info.levels = [info.c.levels[a] if info.c else None for a in aspects]
        info.stale = info.c.is_stale(day) if info.c else False
    return [(a, ASPECT_LABELS[a]) for a in aspects], rows
