"""Demo management reviews: each municipality held and adopted one last year, with decisions in its action
plan (some done, some not); Björkvik has this year's planned, with its inputs gathered. Idempotent."""

import datetime

from django.utils import timezone

from actions.models import ActionStatus
from actions.services import action_update
from core.tenancy import Tenant
from organisations.models import Membership
from reviews import services
from reviews.models import ManagementReview, ReviewStatus
from trail.context import acting_as

LINDO = "lindo"
OTHER_PARTICIPANTS = "Kommundirektör\nIT-chef\nDataskyddsombud\nHR-chef"

# (decision, role of the owner, days after the review it is due, done by now)
DECISIONS = [
    ("Slutför informationsklassningen av kommunens verksamhetskritiska system.", "coordinator", 120, True),
    ("Inför kvartalsvis uppföljning av IT-leverantörens säkerhetsarbete med nyckeltal.", "coordinator", 180, False),
    ("Revidera informationssäkerhetspolicyn och lägg fram den för beslut i kommunfullmäktige.", "admin", 240, True),
    ("Genomför en kontinuitetsövning för e-post och verksamhetssystemen inom vård och omsorg.", "system_owner", 300,
     False),
]

TEXTS = {
    "interested_parties_changes": (
        "Cybersäkerhetslagen (NIS2) ställer nya krav på kommunens ledning, riskhantering och incidentrapportering. "
        "Revisorerna har aviserat en granskning av IT-samarbetet med Mellanskogs IT AB."),
    "objectives": (
        "Målet att klassa all information i verksamhetskritiska system är delvis uppnått. Målet att alla "
        "medarbetare ska ha genomgått grundutbildningen i informationssäkerhet är uppnått till 82 procent."),
    "interested_parties_feedback": (
        "Förvaltningarna efterfrågar tydligare stöd vid upphandling av molntjänster. Dataskyddsombudet påtalar "
        "att några personuppgiftsbiträdesavtal saknas."),
    "improvement_opportunities": (
        "Samordna riskanalyser med IT-leverantören. Följ upp leverantörens nyckeltal i driftmötena. Använd Tillits "
        "automatiska iakttagelser som underlag inför nästa genomgång."),
    "conclusions": (
        "Ledningssystemet fungerar i huvudsak men uppföljningen av leverantören behöver stärkas. Ledningen ger "
        "informationssäkerhetssamordnaren i uppdrag att genomföra besluten nedan."),
}


def load(*, organisation, users) -> None:
    """Nothing per municipality: the inputs need every module's data (see load_supplier)."""


def _tenant(org) -> tuple[Tenant, dict] | None:
    members = {m.role: m for m in Membership.objects.select_related("user", "organisation").filter(organisation=org)}
    coordinator = members.get("coordinator")
    if coordinator is None:
        return None
    return Tenant(coordinator), {role: m.user for role, m in members.items()}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _held_last_year(tenant: Tenant, people: dict, today: datetime.date, index: int) -> None:
    year = today.year - 1
    title = f"Ledningens genomgång {year}"
    if ManagementReview.objects.filter(organisation=tenant.organisation, title=title).exists():
        return
    held_on = datetime.date(year, 11, 12 + index)
    review = services.review_save(tenant=tenant, review=None, data={
        "title": title, "held_on": held_on, "period_start": datetime.date(year, 1, 1),
        "period_end": datetime.date(year, 10, 31), "status": ReviewStatus.HELD, "chair": people.get("admin"),
        "participants": [u for role, u in people.items() if role in ("coordinator", "system_owner")],
        "other_participants": OTHER_PARTICIPANTS, **TEXTS})
    services.review_gather(tenant=tenant, review=review, now=_at(held_on - datetime.timedelta(days=7)))
    decisions = []
    for text, role, days, done in DECISIONS:
        decision = services.decision_add(tenant=tenant, review=review, text=text,
                                         owner=people.get(role) or tenant.user,
                                         due_date=held_on + datetime.timedelta(days=days))
        decisions.append((decision, done))
    services.review_close(tenant=tenant, review=review, now=_at(held_on + datetime.timedelta(days=3), 14))
    for i, (decision, done) in enumerate(decisions):
        if done:
            action_update(tenant=tenant, action=decision.action, data={"status": ActionStatus.DONE})
        elif i % 2:
            action_update(tenant=tenant, action=decision.action, data={"status": ActionStatus.IN_PROGRESS})


def _planned_this_year(tenant: Tenant, people: dict, today: datetime.date) -> None:
    title = f"Ledningens genomgång {today.year}"
    if ManagementReview.objects.filter(organisation=tenant.organisation, title=title).exists():
        return
    held_on = today + datetime.timedelta(days=14)
    review = services.review_save(tenant=tenant, review=None, data={
        "title": title, "held_on": held_on, "period_start": datetime.date(today.year - 1, 11, 1),
        "period_end": today,
        "status": ReviewStatus.PLANNED, "chair": people.get("admin"),
        "participants": [u for role, u in people.items() if role in ("coordinator", "system_owner")],
        "other_participants": OTHER_PARTICIPANTS,
        "interested_parties_changes": TEXTS["interested_parties_changes"]})
    services.review_gather(tenant=tenant, review=review)


def load_supplier(*, supplier, customers, users) -> None:
    """Every municipality's review of last year, except Lindö's; Björkvik's planned one of this year (idempotent).

    Lindö holds the second seed's situation: its governance stalled (policies of 2006, instructions
    of 2003), so it has held no management review, which its start page reminds it of, and its
    findings stay exactly the seed's five observations."""
    today = timezone.localdate()
    for index, org in enumerate(customers):
        if org.slug == LINDO:
            continue
        found = _tenant(org)
        if found is None:
            continue
        tenant, people = found
        with acting_as(tenant.user, source="cli"):
            _held_last_year(tenant, people, today, index)
            if org.slug == "bjorkvik":
                _planned_this_year(tenant, people, today)
