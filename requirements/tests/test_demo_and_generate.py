"""The demo loader and the generator of benchmark data."""

from collections import Counter

import pytest

from actions.models import Action
from demo.generated import Generator, Plan, generated_organisations
from requirements import demo, generate
from requirements.models import ApplicabilityStatement, Requirement, RequirementStatus
from tests.factories import SystemFactory
from trail.chain import verify
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(org_a, member):
    return {role: member(org_a, role) for role in ("admin", "coordinator", "system_owner", "system_administrator",
                                                   "auditor", "reader")}


def test_the_demo_assesses_about_half_and_starts_the_soa(org_a, org_b, demo_users, classify):
    systems = [SystemFactory(organisation=org_a, name=f"System {i}") for i in range(6)]
    for i, system in enumerate(systems):
        classify(system, K=1 + i % 3, R=2, T=1 + i % 3, S=1)
    unclassified = SystemFactory(organisation=org_a, name="Oklassat")
    demo.load(organisation=org_a, users=demo_users)
    assert Requirement.objects.filter(organisation__isnull=True).count() > 60  # the catalogue was loaded first
    statuses = list(RequirementStatus.objects.select_related("requirement"))
    from requirements import rules

    derived = sum(len(rules.derive(Requirement.objects.filter(organisation__isnull=True), rules.klassa_need(
        {"K": 1 + i % 3, "R": 2, "T": 1 + i % 3, "S": 1}, "klassa")).requirements) for i in range(6))
    assert 0.35 * derived < len(statuses) < 0.65 * derived
    kinds = Counter(s.status for s in statuses)
    assert set(kinds) == {"met", "partly_met", "not_met", "not_applicable"}
    assert all(s.reason for s in statuses if s.status == "not_applicable")
    assert all(s.evidence for s in statuses if s.status == "met")
    assert not any(s.system_id == unclassified.pk for s in statuses)
    assert {s.assessed_by for s in statuses} == {demo_users["system_administrator"]}
    assert AuditEntry.objects.filter(model="requirements.requirementstatus").count() == len(statuses)
    statements = ApplicabilityStatement.objects.filter(organisation=org_a)
    assert statements.count() == 93
    assert statements.exclude(implementation="not_implemented").exists()
    assert statements.filter(applicable=False).exclude(reason="").exists()
    assert ApplicabilityStatement.objects.filter(organisation=org_b).count() == 0
    # Some unmet requirements are already in the action plan, owned by the system owner.
    planned = list(Action.objects.filter(organisation=org_a))
    assert len(planned) == min(demo.PLANNED_ACTIONS, kinds["not_met"]) > 0
    assert all(a.owner == demo_users["system_owner"] and a.due_date and a.source.status == "not_met" for a in planned)
    assert verify().ok


def test_the_demo_gives_each_municipality_the_same_data(org_a, demo_users, classify):
    system = SystemFactory(organisation=org_a)
    classify(system, K=2, R=2, T=2, S=2)
    demo.load(organisation=org_a, users=demo_users)
    first = sorted(RequirementStatus.objects.values_list("requirement__code", "status"))
    RequirementStatus.objects.all().delete()
    ApplicabilityStatement.objects.all().delete()
    demo.load(organisation=org_a, users=demo_users)
    assert sorted(RequirementStatus.objects.values_list("requirement__code", "status")) == first


def test_generate_spreads_the_statuses_over_the_systems():
    # generate_data runs this module through demo.generated.MODULE_GENERATORS.
    counts = Generator(Plan(0.001), seed=1).run()
    organisations = generated_organisations()
    assert (counts["requirements.RequirementStatus"], counts["requirements.ApplicabilityStatement"]) == (100, 2 * 93)
    per_system = Counter(RequirementStatus.objects.values_list("system_id", flat=True))
    assert sorted(per_system.values()) == [10] * 10
    assert RequirementStatus.objects.filter(status="not_applicable", reason="").count() == 0
    assert AuditEntry.objects.filter(model="requirements.requirementstatus", action="create").count() == 100
    assert verify().ok
    assert generate.remove(organisations=organisations) == 100 + 2 * 93
    assert (RequirementStatus.objects.count(), ApplicabilityStatement.objects.count()) == (0, 0)


def test_scale_1_plans_100_000_statuses():
    assert generate.planned_statuses(systems=10_000, requirements=116, scale=1) == 100_000
    assert generate.planned_statuses(systems=3, requirements=4, scale=1) == 12  # at most one per pair
