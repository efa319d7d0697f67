"""The generated placement assessments (placement.generate, run by `manage.py generate_data`)."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.utils import timezone, translation

from core.tenancy import tenant_for
from demo.generated import Generator, Plan, generated_organisations, remove_generated
from inventory.models import System
from organisations.models import Membership
from placement import generate, selectors, services
from placement.models import (
    Alternative,
    Assessment,
    AssessmentStatus,
    CostItem,
    Decision,
    Mitigation,
    OslAssessment,
    Verdict,
)
from trail.chain import verify
from trail.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

SCALE = 0.01
MODELS = (Assessment, Alternative, CostItem, Verdict, OslAssessment, Mitigation, Decision)


@pytest.fixture
def generated():
    # generate_data runs this module through demo.generated.MODULE_GENERATORS.
    return Generator(Plan(SCALE), seed=1).run()


def _tenant(org):
    coordinator = Membership.objects.get(organisation=org, role="coordinator").user
    return tenant_for(coordinator, org.pk)


def test_scale_1_plans_2000_assessments():
    assert generate.planned_assessments(municipalities=18, scale=1) == 2_000
    assert generate.planned_assessments(municipalities=2, scale=0.0001) == 2  # at least one per municipality


def test_it_spreads_the_assessments_over_the_municipalities_by_their_systems(generated):
    orgs = list(generated_organisations().filter(kind="municipality").order_by("pk"))
    assert generated["placement.Assessment"] == 20 == Assessment.objects.count()
    systems = [System.objects.filter(organisation=o, archived_at__isnull=True).count() for o in orgs]
    per_org = [Assessment.objects.filter(organisation=o).count() for o in orgs]
    assert per_org == generate._shares(20, systems) and per_org[0] > per_org[1] > 0
    # The counts returned are the rows in the database.
    for model in MODELS:
        assert generated[model._meta.label] == model.objects.count(), model
    assert generated["placement.Assessment_systems"] == Assessment.systems.through.objects.count()
    assert generated["placement.Assessment_information_types"] == \
        Assessment.information_types.through.objects.count()


def test_each_assessment_compares_two_or_three_alternatives_with_costs(generated):
    per_assessment = Counter(Assessment.objects.annotate(n=Count("alternatives")).values_list("n", flat=True))
    assert set(per_assessment) <= {2, 3} and per_assessment[2] > 0
    alternatives = Alternative.objects.all()
    # Every alternative has costs within the years compared; each kind of hosting occurs.
    assert alternatives.filter(costs__isnull=True).count() == 0
    assert {a.hosting for a in alternatives} == {"own_dc", "supplier_dc", "cloud"}
    assert CostItem.objects.filter(year__gt=F("alternative__assessment__years")).count() == 0
    assert CostItem.objects.filter(amount__lt=0).count() == 0
    assert {c.kind for c in CostItem.objects.all()} == {"one_off", "recurring"}
    assert len({c.category for c in CostItem.objects.all()}) >= 4
    # Cloud services name their countries and jurisdiction; own data centres stay in Sweden.
    for alt in alternatives.filter(hosting="cloud"):
        assert alt.provider and alt.storage_countries and alt.access_countries and alt.provider_jurisdiction
        assert alt.sla_percent is not None and alt.name.endswith("(molntjänst)")
    assert {(tuple(a.storage_countries), a.provider_jurisdiction) for a in alternatives.filter(hosting="own_dc")} == \
        {(("SE",), "SE")}
    # Names are unique within an assessment (the model's constraint), positions run from 1.
    for assessment in Assessment.objects.prefetch_related("alternatives"):
        assert [a.position for a in assessment.alternatives.all()] == \
            list(range(1, assessment.alternatives.count() + 1))
    assert Verdict.objects.count() > 0 and OslAssessment.objects.count() > 0


def test_assessments_link_the_municipalitys_own_systems_and_their_information(generated):
    for assessment in Assessment.objects.prefetch_related("systems__information_types", "information_types"):
        systems = list(assessment.systems.all())
        assert 1 <= len(systems) <= 2
        assert {s.organisation_id for s in systems} == {assessment.organisation_id}
        assert assessment.service in {s.name for s in systems}
        assert {i.pk for i in assessment.information_types.all()} == \
            {i.pk for s in systems for i in s.information_types.all()}
    for model in (Alternative, CostItem, Verdict, OslAssessment, Decision):
        field = "assessment" if model in (Alternative, Decision) else "alternative__assessment"
        assert model.objects.exclude(**{f"{field}__organisation": F("organisation")}).count() == 0, model


def test_a_third_is_decided_on_the_alternative_the_app_recommends_and_locked(generated):
    today = timezone.localdate()
    orgs = list(generated_organisations().filter(kind="municipality").order_by("pk"))
    expected = sum(round(Assessment.objects.filter(organisation=o).count() / 3) for o in orgs)
    decided = Assessment.objects.filter(status=AssessmentStatus.DECIDED)
    assert decided.count() == expected == Decision.objects.count() == 6
    assert Assessment.objects.filter(status=AssessmentStatus.DRAFT, decision__isnull=False).count() == 0
    for assessment in decided.select_related("decision", "organisation"):
        tenant = _tenant(assessment.organisation)
        result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
        decision = assessment.decision
        # Read back through the app, the analysis recommends what was decided on.
        assert result.combined.recommended_id == decision.alternative_id is not None
        assert decision.levels_snapshot == selectors.level_snapshot(result.information_types)
        assert assessment.assessment_date < decision.decided_on <= today
        assert decision.follow_up_date > decision.decided_on
        assert decision.registration_number and decision.decision and assessment.summary and assessment.proposal
        # Every perspective of every alternative was judged before the decision.
        assert Verdict.objects.filter(alternative__assessment=assessment).count() == \
            4 * assessment.alternatives.count()
        with translation.override("en"), pytest.raises(ValidationError, match="decided and is locked"):
            services.assessment_update(tenant=tenant, assessment=assessment, data={"title": "Ändrad"},
                                       revision=assessment.revision)


def test_drafts_can_be_worked_on_and_decided_through_the_services(generated):
    draft = Assessment.objects.filter(status=AssessmentStatus.DRAFT).select_related("organisation") \
        .order_by("pk").first()
    tenant = _tenant(draft.organisation)
    result = selectors.assessment_analysis(tenant=tenant, assessment=draft)
    assert result.combined.can_combine
    alternative = result.recommended or result.alternatives[0]
    decision = services.decision_record(tenant=tenant, assessment=draft, alternative=alternative, data={
        "body": "kommunstyrelse", "registration_number": "KS 2026/1", "decided_on": datetime.date(2026, 1, 1),
        "decision": "Beslut."})
    assert decision.assessment.is_locked
    assert verify().ok


def test_every_row_has_one_create_entry_and_the_chain_verifies(generated):
    for model in MODELS:
        label = model._meta.label_lower
        assert AuditEntry.objects.filter(model=label, action=Action.CREATE).count() == model.objects.count(), label
    assert verify().ok


def test_removing_deletes_with_an_audit_entry_each_and_the_same_seed_gives_the_same_set(generated):
    def snapshot():
        return sorted(Assessment.objects.values_list("title", "assessment_date", "status", "registration_number"))

    first = snapshot()
    ids = {str(pk) for pk in Assessment.objects.values_list("pk", flat=True)}
    remove_generated()
    assert sum(model.objects.count() for model in MODELS) == 0
    deleted = AuditEntry.objects.filter(model="placement.assessment", action=Action.DELETE)
    assert set(deleted.values_list("object_id", flat=True)) == ids
    assert verify().ok
    Generator(Plan(SCALE), seed=1).run()
    assert snapshot() == first
