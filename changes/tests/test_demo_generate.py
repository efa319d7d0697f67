import datetime
import random

import pytest
from django.utils import timezone

from actions.models import Action
from changes import demo, generate, selectors
from changes.models import (
    AcceptanceTest,
    Change,
    ChangeDecision,
    ChangeRequest,
    ChangeStep,
    ClosingConfirmation,
    StandingApproval,
    Status,
)
from core.tenancy import organisation_reader
from demo import data
from meetings.models import Meeting, MeetingKind, MeetingStatus
from organisations.models import Membership
from tests.factories import OrganisationFactory, SystemFactory, UserFactory
from trail.chain import verify

pytestmark = pytest.mark.django_db

NAMES = ["Katalogtjänst (AD)", "Verksamhetssystem för socialtjänst", "Federerad inloggning", "Nätverk och brandväggar",
         "Lönesystem", "Loggserver (SIEM)", "Bygglovssystem", "E-arkiv", "Säkerhetskopiering",
         "Hälso- och sjukvårdsjournal", "Klientplattform", "Verksamhetssystem för äldreomsorg", "Ekonomisystem",
         "Ärende- och dokumenthanteringssystem"]


def _world():
    supplier = OrganisationFactory(slug="mellanskog-it", name="Mellanskogs IT AB", kind="supplier")
    customers = []
    for slug in ("bjorkvik", "ekholma", "granas", "lindo"):
        org = OrganisationFactory(slug=slug, name=f"{slug.title()} kommun")
        supplier.customers.add(org)
        customers.append(org)
        for local, role, _title in data.MUNICIPAL_USERS:
            Membership.objects.create(user=UserFactory(email=f"{local}@{slug}.example"), organisation=org, role=role)
        for name in NAMES:
            SystemFactory(organisation=org, name=name).shared_with.add(supplier)
    users = {}
    for role in ("admin", "service_manager", "security_lead", "supplier"):
        users[role] = UserFactory(email=f"{role}@mellanskog.example")
        Membership.objects.create(user=users[role], organisation=supplier, role=role)
    now = timezone.now()
    day = now - datetime.timedelta(days=330)
    while day < now + datetime.timedelta(days=30):
        meeting = Meeting.objects.create(organisation=supplier, kind=MeetingKind.CAB, title=f"CAB-möte {day:%Y-%m-%d}",
                                         starts_at=day, ends_at=day + datetime.timedelta(hours=1),
                                         status=MeetingStatus.APPROVED if day < now else MeetingStatus.PLANNED)
        meeting.shared_with.set(customers)
        day += datetime.timedelta(days=14)
    return supplier, customers, users


def test_demo_a_year_of_changes_with_the_seeds_situation_and_is_idempotent(settings):
    supplier, customers, users = _world()
    for org in customers:
        members = {m.role: m.user for m in Membership.objects.filter(organisation=org)}
        demo.load(organisation=org, users=members)
    demo.load_supplier(supplier=supplier, customers=customers, users=users)
    counts = (Change.objects.count(), ChangeDecision.objects.count(), ChangeStep.objects.count())
    demo.load_supplier(supplier=supplier, customers=customers, users=users)
    assert counts == (Change.objects.count(), ChangeDecision.objects.count(), ChangeStep.objects.count())
    assert Change.objects.count() > 30
    assert StandingApproval.objects.count() == 3
    deployed = Change.objects.filter(deployed_at__isnull=False)
    # The seed's situation: the developer tested and deployed; later the rule, and one exception.
    assert deployed.filter(duties_separated=False).count() >= 5
    assert deployed.filter(duties_separated=True).count() >= 5
    assert ChangeStep.objects.exclude(exception_reason="").count() >= 1
    assert deployed.filter(acceptance_met=False, kind="emergency").exists()
    assert AcceptanceTest.objects.filter(organisation__slug="ekholma", passed=True).exists()
    assert not ClosingConfirmation.objects.filter(organisation__slug="lindo").exists()
    assert Action.objects.filter(organisation__slug="granas").count() == 1
    assert ChangeDecision.objects.filter(decision="conditions").exists()
    assert ChangeRequest.objects.filter(organisation__slug="granas").count() == 1
    bjorkvik = organisation_reader(customers[0])
    assert selectors.awaiting(tenant=bjorkvik).exists()
    assert Change.objects.filter(status=Status.IN_PROGRESS).exists()
    assert verify().ok


def test_generate_bulk_inserts_changes_with_decisions():
    supplier, customers, users = _world()
    counts = generate.generate(organisations=customers, rng=random.Random(1), scale=0.01)
    assert counts["changes.Change"] == 200
    assert counts["changes.ChangeDecision"] > 100
    assert Change.shared_with.through.objects.count() >= 200
    assert Change.objects.filter(deployed_at__isnull=False, separation_met=False).exists()
    assert verify().ok
