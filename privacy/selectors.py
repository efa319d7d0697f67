"""Reads of the data-protection module, every one through the tenant's scope.

The transfer list and the missing agreements are computed in a fixed number of queries
whatever the number of processing activities, so the lists, the work queue, the findings and
the DPO's overview across organisations can all call them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.tenancy import Tenant
from inventory.models import System
from organisations.models import Unit
from privacy import rules
from privacy.models import (
    OPEN_DPIA_STATUSES,
    ActivityTransfer,
    Dpia,
    DpiaStatus,
    ProcessingActivity,
    ProcessorAgreement,
    SubProcessor,
)
from suppliers.models import Supplier

# Processing activities whose review is this close count as due.
REVIEW_HORIZON_DAYS = 30


def activity_list(*, tenant: Tenant, q: str = "", controller: int | None = None, status: str = "",
                  due: bool = False, today: datetime.date | None = None):
    qs = tenant.scope(ProcessingActivity).select_related("owner")
    if q:
        qs = qs.filter(name__icontains=q)
    if controller:
        qs = qs.filter(controllers=controller)
    if status:
        qs = qs.filter(status=status)
    if due:
        qs = qs.filter(review_date__lte=(today or datetime.date.today()) + datetime.timedelta(REVIEW_HORIZON_DAYS))
    return qs.order_by("name", "pk")


def attach_controllers(activities: list[ProcessingActivity]) -> None:
    """Each activity's controllers' names, for the rows shown, in one query."""
    through = ProcessingActivity.controllers.through
    names = defaultdict(list)
    for activity_id, name in (through.objects.filter(processingactivity_id__in=[a.pk for a in activities])
                              .order_by("unit__name").values_list("processingactivity_id", "unit__name")):
        names[activity_id].append(name)
    for a in activities:
        a.controller_names = names.get(a.pk, [])


def controllers(*, tenant: Tenant):
    """The organisation's units that can be controllers (each nämnd, the kommunstyrelse …)."""
    return Unit.objects.filter(organisation_id=tenant.organisation.pk).order_by("name")


def reviews_due(*, tenant: Tenant, today: datetime.date):
    return (tenant.scope(ProcessingActivity).filter(review_date__lte=today + datetime.timedelta(REVIEW_HORIZON_DAYS))
            .order_by("review_date", "pk"))


def open_dpias(*, tenant: Tenant):
    return tenant.scope(Dpia).filter(status__in=OPEN_DPIA_STATUSES).order_by("-created_at", "-pk")


# --- Transfers -------------------------------------------------------------------------------

SOURCE_ACTIVITY, SOURCE_SYSTEM, SOURCE_SUB_PROCESSOR = "activity", "system", "sub_processor"


@dataclass(frozen=True)
class Transfer:
    organisation: str
    source: str  # SOURCE_*
    label: str  # the activity, system or sub-processor
    url: str
    country: str
    recipient: str
    basis: object  # placement.legal.TransferBasis
    model: type  # the record behind it, for an action
    pk: int

    @property
    def ok(self) -> bool:
        return self.basis.ok

    @property
    def source_label(self) -> str:
        return str({SOURCE_ACTIVITY: _("Processing activity"), SOURCE_SYSTEM: _("System's data countries"),
                    SOURCE_SUB_PROCESSOR: _("Processor's sub-processor")}[self.source])


def _agreement_flags(tenant: Tenant) -> dict[int, tuple[bool, bool, bool]]:
    """The best transfer safeguards among each supplier's agreements: supplier id → (dpf, scc, tia)."""
    flags: dict[int, tuple[bool, bool, bool]] = {}
    for supplier_id, dpf, scc, tia in tenant.scope(ProcessorAgreement).values_list(
            "supplier_id", "dpf_certified", "scc_signed", "tia_done"):
        old = flags.get(supplier_id, (False, False, False))
        flags[supplier_id] = (old[0] or dpf, old[1] or (scc and (tia or not old[2])), old[2] or (scc and tia))
    return flags


def transfers(*, tenant: Tenant, today: datetime.date) -> list[Transfer]:
    """Every third-country transfer the tenant can read, each judged on `today`.

    From the processing activities' transfers, the data countries of the systems holding
    personal data (or used by a processing activity), judged with the safeguards of the
    system's supplier's agreement, and the agreements' sub-processors. Six queries.
    """
    org = tenant.organisation.name
    found: list[Transfer] = []
    recorded = list(tenant.scope(ActivityTransfer).select_related("activity").order_by("activity__name", "pk"))
    # A system's data country that a processing activity using the system records as a
    # transfer is that transfer (with its safeguards), not a second one.
    countries_of = defaultdict(set)
    for t in recorded:
        countries_of[t.activity_id].add(t.country)
    covered = {(system_id, country) for activity_id, system_id in ProcessingActivity.systems.through.objects.filter(
        processingactivity_id__in=list(countries_of)).values_list("processingactivity_id", "system_id")
        for country in countries_of[activity_id]} if countries_of else set()
    for t in recorded:
        if rules.third_country(t.country):
            found.append(Transfer(org, SOURCE_ACTIVITY, t.activity.name, t.activity.get_absolute_url(), t.country,
                                  t.recipient, rules.judge(t.country, today, dpf_certified=t.dpf_certified,
                                                           scc_signed=t.scc_signed, tia_done=t.tia_done),
                                  ActivityTransfer, t.pk))
    flags = _agreement_flags(tenant)
    used = Exists(ProcessingActivity.systems.through.objects.filter(system_id=OuterRef("pk")))
    systems = (tenant.scope(System).filter(archived_at__isnull=True).filter(Q(personal_data=True) | used)
               .exclude(storage_countries=[], processing_countries=[])
               .values_list("pk", "name", "storage_countries", "processing_countries", "supplier_id",
                            "supplier__name", "organisation_id"))
    for pk, name, storage, processing, supplier_id, supplier_name, org_id in systems.order_by("name", "pk"):
        if org_id != tenant.organisation.pk:
            continue  # a system shared with us is its owner's transfer
        dpf, scc, tia = flags.get(supplier_id, (False, False, False))
        for country in sorted({*(storage or []), *(processing or [])}):
            if rules.third_country(country) and (pk, country) not in covered:
                found.append(Transfer(org, SOURCE_SYSTEM, name, reverse("inventory:system_detail", args=[pk]),
                                      country, supplier_name or "", rules.judge(
                                          country, today, dpf_certified=dpf, scc_signed=scc, tia_done=tia),
                                      System, pk))
    for s in tenant.scope(SubProcessor).select_related("agreement__supplier").order_by("name", "pk"):
        if rules.third_country(s.country):
            found.append(Transfer(org, SOURCE_SUB_PROCESSOR, f"{s.name} ({s.agreement.supplier.name})",
                                  s.agreement.get_absolute_url(), s.country, s.name,
                                  rules.judge(s.country, today, dpf_certified=s.dpf_certified,
                                              scc_signed=s.scc_signed, tia_done=s.tia_done),
                                  SubProcessor, s.pk))
    return found


def transfers_without_basis(*, tenant: Tenant, today: datetime.date) -> list[Transfer]:
    return [t for t in transfers(tenant=tenant, today=today) if not t.ok]


# --- Agreements ------------------------------------------------------------------------------


@dataclass
class MissingAgreement:
    """A processor used for a controller's processing with no agreement covering that controller."""

    organisation: str
    supplier_id: int
    supplier: str
    unit_id: int
    unit: str
    activities: list[tuple[int, str]] = field(default_factory=list)  # (pk, name), the first few

    @property
    def url(self) -> str:
        return reverse("privacy:dpa_create") + f"?supplier={self.supplier_id}&controller={self.unit_id}"


def missing_agreements(*, tenant: Tenant, limit_activities: int = 5) -> list[MissingAgreement]:
    """Each (processor, controller) pair in the record of processing without a DPA covering it.

    An agreement with no controllers named covers the whole organisation (rules.covers).
    A constant number of queries: the links are read as id pairs and joined here.
    """
    activities = tenant.scope(ProcessingActivity)
    used = list(ProcessingActivity.processors.through.objects.filter(processingactivity__in=activities.values("pk"))
                .values_list("processingactivity_id", "supplier_id"))
    if not used:
        return []
    with_processors = {a for a, _s in used}
    units_of = defaultdict(set)
    for activity_id, unit_id in ProcessingActivity.controllers.through.objects.filter(
            processingactivity__in=activities.filter(pk__in=with_processors).values("pk")).values_list(
            "processingactivity_id", "unit_id"):
        units_of[activity_id].add(unit_id)
    agreements = tenant.scope(ProcessorAgreement)
    covered = defaultdict(list)  # supplier → [units of each agreement]
    agreement_units = defaultdict(set)
    for agreement_id, unit_id in ProcessorAgreement.controllers.through.objects.filter(
            processoragreement__in=agreements.values("pk")).values_list("processoragreement_id", "unit_id"):
        agreement_units[agreement_id].add(unit_id)
    for agreement_id, supplier_id in agreements.values_list("pk", "supplier_id"):
        covered[supplier_id].append(agreement_units.get(agreement_id, set()))
    gaps: dict[tuple[int, int], list[int]] = defaultdict(list)
    for activity_id, supplier_id in used:
        for unit_id in units_of.get(activity_id, ()):
            if not any(rules.covers(units, unit_id) for units in covered.get(supplier_id, [])):
                gaps[(supplier_id, unit_id)].append(activity_id)
    if not gaps:
        return []
    suppliers = dict(tenant.scope(Supplier).filter(pk__in={s for s, _u in gaps}).values_list("pk", "name"))
    units = dict(Unit.objects.filter(organisation_id=tenant.organisation.pk, pk__in={u for _s, u in gaps})
                 .values_list("pk", "name"))
    shown = sorted({pk for ids in gaps.values() for pk in sorted(ids)[:limit_activities]})
    names = dict(activities.filter(pk__in=shown).values_list("pk", "name"))
    org = tenant.organisation.name
    result = [MissingAgreement(org, s, suppliers.get(s, "–"), u, units.get(u, "–"),
                               [(pk, names.get(pk, "")) for pk in sorted(ids)[:limit_activities]])
              for (s, u), ids in gaps.items()]
    return sorted(result, key=lambda m: (m.supplier, m.unit))


def agreement_list(*, tenant: Tenant):
    return tenant.scope(ProcessorAgreement).select_related("supplier").order_by("supplier__name", "title", "pk")


def dpia_list(*, tenant: Tenant, status: str = ""):
    qs = tenant.scope(Dpia).select_related("activity")
    if status == "open":
        qs = qs.filter(status__in=OPEN_DPIA_STATUSES)
    elif status in DpiaStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")
