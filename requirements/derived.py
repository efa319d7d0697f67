"""Requirements Tillit answers from its own data (issue 12 point 6).

Some requirements of the catalogue (requirements/data/catalogue.json) ask about facts Tillit
already holds: whether the system has an owner, whether its information is classified, whether
its risks are analysed. Such a requirement is not assessed by hand: its status is derived on
read from the data, with the reason in words, so it changes when the data changes and no copy
goes stale. A person may override the derived status only with a reason, which is stored on the
assessment (RequirementStatus.override_reason) and shown beside it.

`load_facts` reads what the rules need for any number of systems in a fixed number of queries;
each rule is a plain function of one system's facts and the day, and cites its requirement and
where its data comes from.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.countries import EEA, country_name
from core.tenancy import Tenant
from requirements.models import Status


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


@dataclass(frozen=True)
class Derived:
    """A status derived from data, with the reason a reader is shown ("System owner: …")."""

    status: str
    reason: str
    source: str

    @property
    def label(self) -> str:
        return str(Status(self.status).label)


@dataclass
class ClassificationFact:
    information_type: str
    status: str
    approved_on: datetime.date | None
    review_date: datetime.date | None


@dataclass
class RiskFact:
    assessed: bool
    review_due: bool


@dataclass
class AgreementFact:
    title: str
    signed_on: datetime.date | None
    valid_until: datetime.date | None


@dataclass
class Facts:
    """What the rules know of one system."""

    system: object  # inventory.System with owner and administrator loaded
    personal_data: bool
    information_types: int = 0
    classifications: list[ClassificationFact] = field(default_factory=list)
    risks: list[RiskFact] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    agreements: list[AgreementFact] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    code: str  # the requirement's code in the catalogue
    source: str | object  # where the data comes from, for the reader (translatable)
    decide: Callable[[Facts, datetime.date], Derived | None]  # None: the data cannot tell


def _date(day: datetime.date | None) -> str:
    return day.isoformat() if day else "–"


def system_owner(facts: Facts, day) -> Derived:
    """ST-01 "Systemägare och systemförvaltare är utsedda": the system's owner and administrator."""
    system, source = facts.system, str(OWNER_SOURCE)
    owner, administrator = system.owner, system.administrator
    parts = [_("System owner: %(name)s") % {"name": owner} if owner else _("No system owner is named"),
             _("system administrator: %(name)s") % {"name": administrator} if administrator
             else _("no system administrator is named")]
    reason = "; ".join(parts) + "."
    if owner and administrator:
        return Derived(Status.MET, reason, source)
    return Derived(Status.PARTLY_MET if owner or administrator else Status.NOT_MET, reason, source)


def classification_current(facts: Facts, day) -> Derived:
    """ST-02 "Informationen är klassad och klassningen är aktuell": every information type of the
    system has an approved classification whose review date has not passed."""
    from classification.models import ClassificationStatus

    source = str(CLASSIFICATION_SOURCE)
    if not facts.information_types:
        return Derived(Status.NOT_MET, _("No information types are linked to the system."), source)
    current = [c for c in facts.classifications if c.status == ClassificationStatus.APPROVED
               and (c.review_date is None or c.review_date >= day)]
    lapsed = [c for c in facts.classifications if c.status == ClassificationStatus.APPROVED and c not in current]
    parts = [_("%(type)s: approved %(approved)s, valid until %(until)s") % {
        "type": c.information_type, "approved": _date(c.approved_on), "until": _date(c.review_date)} for c in current]
    parts += [_("%(type)s: review was due %(until)s") % {"type": c.information_type, "until": _date(c.review_date)}
              for c in lapsed]
    missing = facts.information_types - len(current) - len(lapsed)
    if missing:
        parts.append(_("%(n)d information types without an approved classification") % {"n": missing})
    reason = "; ".join(parts) + "."
    if len(current) == facts.information_types:
        return Derived(Status.MET, reason, source)
    return Derived(Status.PARTLY_MET if current else Status.NOT_MET, reason, source)


def risk_analysis(facts: Facts, day) -> Derived:
    """ST-03 "Riskanalys är genomförd och följs upp": risks registered for the system, assessed,
    and none past its review date (the risk register's own review interval)."""
    source = str(RISK_SOURCE)
    risks = facts.risks
    if not risks:
        return Derived(Status.NOT_MET, _("No risks are registered for the system."), source)
    assessed = sum(1 for r in risks if r.assessed)
    due = sum(1 for r in risks if r.review_due)
    reason = _("%(n)d open risks registered, %(assessed)d assessed, %(due)d past their review date.") % {
        "n": len(risks), "assessed": assessed, "due": due}
    if assessed == len(risks) and not due:
        return Derived(Status.MET, reason, source)
    return Derived(Status.PARTLY_MET if assessed else Status.NOT_MET, reason, source)


def in_inventory(facts: Facts, day) -> Derived:
    """TI-01 "Systemet finns i förteckningen över informationstillgångar": it is, being in Tillit's
    inventory; the reason names the information types it lists."""
    return Derived(Status.MET, _("The system is in the inventory with %(n)d information types.") % {
        "n": facts.information_types}, str(INVENTORY_SOURCE))


def data_in_eea(facts: Facts, day) -> Derived | None:
    """LE-04 "Informationen lagras och behandlas inom EU/EES": the system's storage and
    processing countries (inventory). Without countries the data cannot tell (None)."""
    from inventory.models import Hosting

    system, source = facts.system, str(LOCATION_SOURCE)
    countries = sorted(set(system.storage_countries or []) | set(system.processing_countries or []))
    if not countries:
        if system.hosting == Hosting.OWN_DATA_CENTRE:
            return Derived(Status.MET, _("The system runs in the organisation's own data centre."), source)
        return None
    outside = [c for c in countries if c not in EEA]
    names = ", ".join(country_name(c) for c in countries)
    if outside:
        return Derived(Status.NOT_MET, _("Stored or processed in %(countries)s; outside the EU/EEA: %(outside)s.") % {
            "countries": names, "outside": ", ".join(country_name(c) for c in outside)}, source)
    return Derived(Status.MET, _("Stored and processed in %(countries)s.") % {"countries": names}, source)


def in_record_of_processing(facts: Facts, day) -> Derived:
    """DS-01 "Behandlingen finns i registerförteckningen": a processing activity (GDPR art. 30)
    names the system."""
    source = str(PRIVACY_SOURCE)
    if not facts.personal_data:
        return Derived(Status.NOT_APPLICABLE, _("The system processes no personal data."), source)
    if facts.activities:
        return Derived(Status.MET, _("Record of processing: %(names)s.") % {"names": ", ".join(facts.activities)},
                       source)
    return Derived(Status.NOT_MET, _("No processing activity in the record of processing names the system."), source)


def processor_agreement(facts: Facts, day) -> Derived | None:
    """DS-02 "Personuppgiftsbiträdesavtal finns": a signed data processing agreement (GDPR art.
    28) with the system's supplier, not expired."""
    from inventory.models import Hosting

    system, source = facts.system, str(AGREEMENT_SOURCE)
    if not facts.personal_data:
        return Derived(Status.NOT_APPLICABLE, _("The system processes no personal data."), source)
    if system.supplier_id is None:
        if system.hosting == Hosting.OWN_DATA_CENTRE:
            return Derived(Status.NOT_APPLICABLE, _("No supplier processes the data: the system runs in the "
                                                    "organisation's own data centre."), source)
        return None
    valid = [a for a in facts.agreements if a.signed_on and (a.valid_until is None or a.valid_until >= day)]
    if valid:
        a = valid[0]
        return Derived(Status.MET, _("Data processing agreement: %(title)s, signed %(signed)s.") % {
            "title": a.title, "signed": _date(a.signed_on)}, source)
    if facts.agreements:
        return Derived(Status.NOT_MET, _("The data processing agreement with %(supplier)s is not signed or has "
                                         "expired.") % {"supplier": system.supplier.name}, source)
    return Derived(Status.NOT_MET, _("No data processing agreement with %(supplier)s is recorded.") % {
        "supplier": system.supplier.name}, source)


OWNER_SOURCE = gettext_lazy("Inventory: the system's owner and administrator")
CLASSIFICATION_SOURCE = gettext_lazy("Classification of the system's information types")
RISK_SOURCE = gettext_lazy("Risk register: the system's risks")
INVENTORY_SOURCE = gettext_lazy("Inventory")
LOCATION_SOURCE = gettext_lazy("Inventory: countries where data is stored and processed")
PRIVACY_SOURCE = gettext_lazy("Data protection: the record of processing")
AGREEMENT_SOURCE = gettext_lazy("Data protection: data processing agreements")

RULES: tuple[Rule, ...] = (
    Rule("ST-01", OWNER_SOURCE, system_owner),
    Rule("ST-02", CLASSIFICATION_SOURCE, classification_current),
    Rule("ST-03", RISK_SOURCE, risk_analysis),
    Rule("TI-01", INVENTORY_SOURCE, in_inventory),
    Rule("LE-04", LOCATION_SOURCE, data_in_eea),
    Rule("DS-01", PRIVACY_SOURCE, in_record_of_processing),
    Rule("DS-02", AGREEMENT_SOURCE, processor_agreement),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def is_derived(requirement) -> bool:
    """A catalogue requirement Tillit answers from data (an organisation's own codes never are)."""
    return requirement.organisation_id is None and requirement.code in RULES_BY_CODE


MANY_SYSTEMS = 200


def load_facts(*, tenant: Tenant, systems) -> dict[int, Facts]:
    """The facts of each of `systems` (of the tenant's own organisation; objects or pks), by pk: six queries
    whatever the number of systems."""
    from classification.models import Classification
    from inventory.models import System
    from privacy.models import ProcessingActivity, ProcessorAgreement
    from risk.models import RiskStatus, RiskSystem

    day = today()
    pks = [getattr(s, "pk", s) for s in systems]  # systems or their pks
    # Only what the rules read: the SoA loads the facts of every system of a large municipality.
    loaded = {s.pk: s for s in tenant.scope(System).filter(pk__in=pks).select_related(
        "owner", "administrator", "supplier").only(
        "pk", "organisation_id", "personal_data", "hosting", "storage_countries", "processing_countries",
        "supplier_id", "supplier__name", "owner__full_name", "owner__email", "administrator__full_name",
        "administrator__email")}
    # For many systems (the SoA: all of them) a list of thousands of ids makes the database probe
    # the list for each row; reading the organisation's rows and keeping those asked for is faster.
    own = tenant.membership.organisation_id
    many = len(pks) > MANY_SYSTEMS
    wanted = {"system__organisation_id": own} if many else {"system_id__in": pks}
    links = list(System.information_types.through.objects.filter(**wanted).values_list(
        "system_id", "informationtype_id", "informationtype__personal_data"))
    classifications = {c.information_type_id: c for c in tenant.scope(Classification).filter(
        information_type_id__in={t for _s, t, _p in links}).select_related("information_type")}
    facts = {pk: Facts(system=s, personal_data=s.personal_data) for pk, s in loaded.items()}
    for system_id, type_id, personal in links:
        if system_id not in facts:
            continue
        f = facts[system_id]
        f.information_types += 1
        f.personal_data = f.personal_data or personal
        if (c := classifications.get(type_id)) is not None:
            f.classifications.append(ClassificationFact(
                c.information_type.name, c.status, c.approved_at.date() if c.approved_at else None, c.review_date))
    # The register's own review rule (risk.selectors.due_for_review), in Python over one query.
    for system_id, score, review_date, accepted_at, accepted_until in (
            tenant.scope(RiskSystem).filter(**wanted).exclude(risk__status=RiskStatus.CLOSED)
            .values_list("system_id", "risk__residual_score", "risk__review_date", "risk__accepted_at",
                         "risk__accepted_until").order_by("pk")):
        if system_id in facts:
            due = bool(review_date and review_date < day) or bool(accepted_at and accepted_until
                                                                 and accepted_until < day)
            facts[system_id].risks.append(RiskFact(score is not None, due))
    for name, system_id in (tenant.scope(ProcessingActivity).filter(
            **({"systems__organisation_id": own} if many else {"systems__in": pks}))
                            .values_list("name", "systems").order_by("name")):
        if system_id in facts:
            facts[system_id].activities.append(name)
    suppliers: dict[int, list[int]] = {}
    for f in facts.values():
        if f.system.supplier_id:
            suppliers.setdefault(f.system.supplier_id, []).append(f.system.pk)
    for agreement in tenant.scope(ProcessorAgreement).filter(supplier_id__in=list(suppliers)).order_by(
            "-signed_on", "pk"):
        for system_id in suppliers[agreement.supplier_id]:
            facts[system_id].agreements.append(
                AgreementFact(agreement.title, agreement.signed_on, agreement.valid_until))
    return facts
