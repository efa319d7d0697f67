"""Generated change management for benchmarks (`manage.py generate_data`): 20 000 changes at
scale 1 over the past year and the coming two months, spread over the generated IT companies.

Each IT company holds a CAB every other week (a meetings.Meeting addressed to its customers);
each change is addressed to one to three of its customers and sits on the CAB before its window.
Past changes are deployed and closed with the customers' decisions, one in four with its
development, test and deployment steps; coming ones await some of the decisions. Rows are
bulk-inserted through demo.generated.insert, so the trail chains them.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from changes.models import Change, ChangeDecision, ChangeStep, ClosingConfirmation, Decision, Kind, Level, Status
from demo.generated import insert
from meetings.models import Meeting, MeetingKind, MeetingStatus
from organisations.models import Membership, Organisation
from organisations.roles import Role

CHANGES_AT_SCALE_1 = 20_000
TITLES = ["Uppgradering av", "Säkerhetsuppdatering av", "Ny integration för", "Konfigurationsändring i",
          "Flytt av", "Ny version av", "Certifikatbyte för", "Ändrade behörigheter i"]
OBJECTS = ["ekonomisystemet", "lönesystemet", "katalogtjänsten", "e-postplattformen", "brandväggarna",
           "journalsystemet", "elevregistret", "ärendesystemet", "klientplattformen", "lagringsplattformen"]
KINDS = [Kind.NORMAL] * 6 + [Kind.STANDARD] * 3 + [Kind.EMERGENCY, Kind.MAJOR]
LEVELS = {1: Level.LOW, 2: Level.LOW, 3: Level.LOW, 4: Level.MEDIUM, 6: Level.MEDIUM, 8: Level.MEDIUM,
          9: Level.HIGH, 12: Level.HIGH, 16: Level.HIGH}


def change_count(scale: float) -> int:
    return max(1, round(CHANGES_AT_SCALE_1 * scale))


def generate(*, organisations, rng: random.Random, scale: float) -> dict[str, int]:
    counts: dict[str, int] = {}
    organisations = list(organisations)
    ids = {o.pk for o in organisations}
    suppliers = [s for s in Organisation.objects.filter(customers__in=organisations).distinct().prefetch_related(
        "customers")]
    served = {s.pk: [c for c in s.customers.all() if c.pk in ids] for s in suppliers}
    suppliers = [s for s in suppliers if served[s.pk]]
    if not suppliers:
        return counts
    members = {}
    for org_id, role, user_id in Membership.objects.filter(organisation__in=suppliers + [
            c for s in suppliers for c in served[s.pk]]).values_list("organisation_id", "role", "user_id"):
        members.setdefault(org_id, {}).setdefault(role, user_id)
    now = timezone.now()
    per_supplier = max(1, change_count(scale) // len(suppliers))
    with transaction.atomic():
        meetings = {}
        for supplier in suppliers:
            day = now - datetime.timedelta(days=364)
            rows = []
            while day < now + datetime.timedelta(days=70):
                rows.append(Meeting(organisation=supplier, kind=MeetingKind.CAB, title=f"CAB-möte {day:%Y-%m-%d}",
                                    starts_at=day, ends_at=day + datetime.timedelta(hours=1),
                                    status=MeetingStatus.APPROVED if day < now else MeetingStatus.PLANNED))
                day += datetime.timedelta(days=14)
            insert(Meeting, rows, counts)
            Meeting.shared_with.through.objects.bulk_create(
                [Meeting.shared_with.through(meeting_id=m.pk, organisation_id=c.pk) for m in rows
                 for c in served[supplier.pk]], batch_size=2000)
            meetings[supplier.pk] = rows
        changes, addressed = [], []
        for supplier in suppliers:
            cabs = meetings[supplier.pk]
            customers = served[supplier.pk]
            for i in range(per_supplier):
                cab = cabs[rng.randrange(len(cabs))]
                window = cab.starts_at + datetime.timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 6))
                likelihood, consequence = rng.randint(1, 4), rng.randint(1, 4)
                kind = rng.choice(KINDS)
                done = window < now - datetime.timedelta(days=2)
                papers = cab.starts_at - datetime.timedelta(days=5)
                change = Change(
                    organisation=supplier, title=f"{rng.choice(TITLES)} {rng.choice(OBJECTS)} {i + 1:05d}",
                    description="Genererad ändring.", kind=kind,
                    standard_class="Månatliga säkerhetsuppdateringar" if kind == Kind.STANDARD else "",
                    window_start=window, window_end=window + datetime.timedelta(hours=rng.choice([1, 2, 4])),
                    rollback_plan="Återställning enligt rutin.", likelihood=likelihood, consequence=consequence,
                    risk_level=LEVELS[likelihood * consequence], cab_meeting=cab,
                    papers_sent_at=papers if papers < now else None,
                    status=Status.CLOSED if done else (Status.PAPERS_SENT if papers < now else Status.REGISTERED),
                    registered_by_id=members.get(supplier.pk, {}).get(Role.SERVICE_MANAGER))
                if done:
                    change.deployed_at = window + datetime.timedelta(hours=1)
                    separated = rng.random() < 0.8
                    change.duties_separated = separated
                    change.separation_met = separated or change.risk_level == Level.LOW
                    change.acceptance_met = None if rng.random() < 0.85 else rng.random() < 0.7
                    change.closing_report = "Genomförd enligt plan."
                    change.closed_at = window + datetime.timedelta(days=2)
                changes.append(change)
                addressed.append(rng.sample(customers, min(len(customers), rng.randint(1, 3))))
        insert(Change, changes, counts)
        Change.shared_with.through.objects.bulk_create(
            [Change.shared_with.through(change_id=c.pk, organisation_id=o.pk) for c, orgs in zip(changes, addressed)
             for o in orgs], batch_size=2000)
        decisions, steps, answers = [], [], []
        for change, orgs in zip(changes, addressed):
            done = change.status == Status.CLOSED
            for org in orgs:
                if not done and rng.random() < 0.5:
                    continue  # still to decide: "awaiting our decision"
                decider = members.get(org.pk, {}).get(Role.COORDINATOR)
                decision = (Decision.APPROVE if done or rng.random() < 0.8
                            else rng.choice([Decision.CONDITIONS, Decision.REJECT, Decision.ABSTAIN]))
                decisions.append(ChangeDecision(
                    organisation=org, change=change, decision=decision,
                    conditions="Informera verksamheten i förväg." if decision == Decision.CONDITIONS else "",
                    comment="Fel tidpunkt för verksamheten." if decision == Decision.REJECT else "",
                    decided_by_id=decider, decided_at=change.cab_meeting.starts_at))
                if done and rng.random() < 0.7:
                    answers.append(ClosingConfirmation(organisation=org, change=change, decided_by_id=decider,
                                                       decided_at=change.closed_at))
            if done and rng.random() < 0.25:
                people = members.get(change.organisation_id, {})
                developer = people.get(Role.SERVICE_MANAGER)
                tester = people.get(Role.SECURITY_LEAD) if change.duties_separated else developer
                deployer = people.get(Role.ADMIN) if change.duties_separated else developer
                for kind, who, hours in (("develop", developer, -24), ("test", tester, -6), ("deploy", deployer, 1)):
                    if who:
                        steps.append(ChangeStep(organisation_id=change.organisation_id, change=change, kind=kind,
                                                performed_by_id=who,
                                                performed_at=change.window_start + datetime.timedelta(hours=hours)))
        insert(ChangeDecision, decisions, counts)
        insert(ClosingConfirmation, answers, counts)
        insert(ChangeStep, steps, counts)
    return counts
