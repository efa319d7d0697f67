"""Placement services: templates, validation of input, the combined choice, decision, lock and versions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from classification.models import Classification
from core.tenancy import tenant_for
from placement import documents, selectors, services, starters
from placement.models import (
    Alternative,
    Assessment,
    AssessmentStatus,
    CostItem,
    DecidingBody,
    Decision,
    Perspective,
    Verdict,
    VerdictChoice,
)
from placement.tests.conftest import cost, local_data
from placement.tests.test_documents import docx_text, pdf_text
from tests.factories import InformationTypeFactory, SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

DECISION = {"body": DecidingBody.COUNCIL, "registration_number": "KS 2021/0123", "decided_on": datetime.date(2021, 5, 20),
            "decision": "E-posten ligger kvar i Exchange Online.", "follow_up_date": datetime.date(2022, 5, 20)}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_cloud_service_template_fills_in_the_questions_and_two_alternatives(tenant):
    assessment = services.assessment_create(tenant=tenant, template=starters.CLOUD_SERVICE, data={
        "title": "Ny tjänst", "service": "Lönesystemet", "assessment_date": datetime.date(2026, 1, 10)})
    alternatives = list(assessment.alternatives.order_by("position").values_list("name", "hosting", "position"))
    assert alternatives == [("Run it ourselves", "own_dc", 1), ("Cloud service", "cloud", 2)]
    assert len(assessment.checklist) == 12
    assert {q["perspective"] for q in assessment.checklist} == set(Perspective.values)
    assert all(q["answer"] == "" for q in assessment.checklist)
    assert assessment.background.startswith("Background: what is Lönesystemet used for")
    assert assessment.template == "cloud_service"


def test_an_unknown_template_is_refused(tenant):
    with pytest.raises(ValidationError) as exc:
        services.assessment_create(tenant=tenant, template="nope", data={
            "title": "X", "service": "Y", "assessment_date": datetime.date(2026, 1, 1)})
    assert exc.value.message_dict == {"template": ["Unknown template."]}
    assert Assessment.objects.count() == 0


def test_answers_are_stored_and_an_unchanged_form_stores_nothing(tenant):
    assessment = services.assessment_create(tenant=tenant, template=starters.CLOUD_SERVICE, data={
        "title": "Ny tjänst", "service": "X", "assessment_date": datetime.date(2026, 1, 10)})
    assessment = services.checklist_answer(tenant=tenant, assessment=assessment, answers={0: "  Elevdata, 2-2-2-1 "})
    assert assessment.checklist[0]["answer"] == "Elevdata, 2-2-2-1"
    entries = AuditEntry.objects.count()
    services.checklist_answer(tenant=tenant, assessment=assessment, answers={0: "Elevdata, 2-2-2-1", 1: ""})
    assert (AuditEntry.objects.count(), Assessment.objects.get().revision) == (entries, assessment.revision)
    with pytest.raises(ValidationError):
        services.checklist_answer(tenant=tenant, assessment=assessment, answers={12: "no such question"})


def test_costs_must_not_be_negative(make_assessment, tenant):
    assessment = make_assessment(alternatives=1)
    alternative = assessment.alternatives.get()
    with pytest.raises(ValidationError) as exc:
        services.costs_replace(tenant=tenant, alternative=alternative, costs=[cost(100), cost(-1)])
    assert exc.value.message_dict == {"costs-1-amount": ["Ensure this value is greater than or equal to 0."]}
    assert list(CostItem.objects.values_list("amount", flat=True)) == [Decimal(50_000)]


def test_the_year_of_a_cost_starts_at_one(make_assessment, tenant):
    alternative = make_assessment(alternatives=1).alternatives.get()
    with pytest.raises(ValidationError) as exc:
        services.costs_replace(tenant=tenant, alternative=alternative, costs=[cost(100, year=0)])
    assert list(exc.value.message_dict) == ["costs-0-year"]


@pytest.mark.parametrize(
    "field, value, message",
    [("storage_countries", ["SE", "XX"], "Unknown country code: XX. Use ISO 3166 codes such as SE, IE or US."),
     ("access_countries", ["EU"], "Unknown country code: EU. Use ISO 3166 codes such as SE, IE or US."),
     ("provider_jurisdiction", "ZZ", "Unknown country code: ZZ. Use ISO 3166 codes such as SE, IE or US.")],
)
def test_a_country_outside_iso_3166_is_refused(make_assessment, tenant, field, value, message):
    assessment = make_assessment(alternatives=0)
    with pytest.raises(ValidationError) as exc:
        services.alternative_create(tenant=tenant, assessment=assessment, data=local_data(**{field: value}))
    assert exc.value.message_dict == {field: [message]}
    assert Alternative.objects.count() == 0


def test_country_codes_are_normalised(make_assessment, tenant):
    assessment = make_assessment(alternatives=0)
    alt = services.alternative_create(tenant=tenant, assessment=assessment, data=local_data(
        storage_countries=["se", " ie"], provider_jurisdiction="us"))
    assert (alt.storage_countries, alt.provider_jurisdiction) == (["IE", "SE"], "US")


def test_one_alternative_cannot_be_combined_nor_decided(make_assessment, tenant):
    assessment = make_assessment(alternatives=1)
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    message = "Add at least two alternatives: an assessment with one alternative cannot be combined."
    assert (result.combined.can_combine, result.combined.message, result.recommended) == (False, message, None)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(tenant=tenant, assessment=assessment, data=DECISION)
    assert exc.value.messages == [message]
    assert Decision.objects.count() == 0
    assert Assessment.objects.get().status == AssessmentStatus.DRAFT


def test_the_recommendation_follows_the_verdicts(make_assessment, tenant):
    assessment = make_assessment()
    result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    cloud, local = result.alternatives
    assert result.recommended == cloud
    cells = {key: (p.cells[cloud.pk].verdict, p.cells[local.pk].verdict) for key, p in result.perspectives.items()}
    assert cells == {"security": ("neutral", "neutral"), "legal": ("against", "favours"),
                     "technical": ("favours", "against"), "economic": ("favours", "against")}


def test_choosing_another_alternative_needs_a_justification(make_assessment, tenant):
    assessment = make_assessment()
    local = assessment.alternatives.get(name="Lokal drift")
    with pytest.raises(ValidationError) as exc:
        services.combined_update(tenant=tenant, assessment=assessment, data={}, chosen=local,
                                 revision=assessment.revision)
    assert exc.value.message_dict == {
        "choice_justification": ["Justify choosing another alternative than the recommended one."]}
    assert Assessment.objects.get().chosen_alternative is None
    updated = services.combined_update(tenant=tenant, assessment=assessment, chosen=local, revision=assessment.revision,
                                       data={"choice_justification": "Molnet är inte upphandlat."})
    result = selectors.assessment_analysis(tenant=tenant, assessment=updated)
    assert (result.chosen, result.recommended.name) == (local, "Exchange Online")


def test_weights_change_the_recommendation(make_assessment, tenant):
    assessment = make_assessment()
    updated = services.combined_update(tenant=tenant, assessment=assessment, chosen=None, revision=assessment.revision,
                                       data={"weight_legal": 5, "weight_economic": 0, "weight_technical": 0})
    assert selectors.assessment_analysis(tenant=tenant, assessment=updated).recommended.name == "Lokal drift"


def test_a_stale_revision_is_refused(make_assessment, tenant):
    assessment = make_assessment()
    services.assessment_update(tenant=tenant, assessment=assessment, data={"title": "Först"},
                               revision=assessment.revision)
    with pytest.raises(services.Conflict):
        services.assessment_update(tenant=tenant, assessment=assessment, data={"title": "Sedan"},
                                   revision=assessment.revision)
    assert Assessment.objects.get().title == "Först"


def test_the_assessor_overrides_a_verdict_and_can_return_to_the_computed_one(make_assessment, tenant):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    services.verdict_save(tenant=tenant, alternative=cloud, perspective=Perspective.LEGAL,
                          verdict=VerdictChoice.NEUTRAL, rationale="Riktlinjer finns.", residual_risk="medium")
    cell = selectors.assessment_analysis(tenant=tenant, assessment=assessment).perspectives["legal"].cells[cloud.pk]
    assert (cell.verdict, cell.computed_verdict, cell.rationale, cell.judged) == ("neutral", "against",
                                                                                  "Riktlinjer finns.", True)
    services.verdict_save(tenant=tenant, alternative=cloud, perspective=Perspective.LEGAL, verdict="", rationale="")
    cell = selectors.assessment_analysis(tenant=tenant, assessment=assessment).perspectives["legal"].cells[cloud.pk]
    assert (cell.verdict, cell.judged, cell.rationale) == ("against", False, cell.computed_rationale)
    assert Verdict.objects.count() == 1


def test_a_mitigating_rule_keeps_secret_information_out(make_assessment, tenant, org_a):
    assessment = make_assessment(assessment_date=datetime.date(2026, 1, 1))
    secret = InformationTypeFactory(organisation=org_a, name="Sekretessärenden")
    Classification.objects.create(organisation=org_a, information_type=secret, confidentiality=3)
    assessment.information_types.add(secret)
    cloud = assessment.alternatives.get(name="Exchange Online")

    def position():
        result = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
        la = result.perspectives["legal"].details["alternatives"][cloud.pk]
        return [(i.name, i.must_not_be_placed, i.kept_out_by_rule) for i in la.information]

    assert position() == [("E-post och kalender", False, False), ("Sekretessärenden", True, False)]
    services.mitigation_add(tenant=tenant, assessment=assessment, text="Ingen sekretess i e-post", max_confidentiality=2)
    assert position() == [("E-post och kalender", False, False), ("Sekretessärenden", False, True)]


def test_the_osl_assessment_is_for_linked_information_only(make_assessment, tenant, org_a):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    other = InformationTypeFactory(organisation=org_a)
    with pytest.raises(ValidationError) as exc:
        services.osl_assessment_save(tenant=tenant, alternative=cloud, information_type=other, outcome="appropriate",
                                     reasoning="")
    assert exc.value.message_dict == {"information_type": ["Choose an information type linked to the assessment."]}


def test_linking_another_organisations_records_is_refused(tenant, org_b):
    foreign_system = SystemFactory(organisation=org_b)
    foreign_info = InformationTypeFactory(organisation=org_b)
    with pytest.raises(ValidationError) as exc:
        services.assessment_create(tenant=tenant, data={
            "title": "X", "service": "Y", "assessment_date": datetime.date(2026, 1, 1),
            "systems": [foreign_system], "information_types": [foreign_info]})
    assert set(exc.value.message_dict) == {"systems", "information_types"}
    assert Assessment.objects.count() == 0


def test_a_reader_cannot_create_and_nothing_is_written(org_a, member):
    reader = tenant_for(member(org_a, "reader"), org_a.pk)
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.assessment_create(tenant=reader, data={"title": "X", "service": "Y",
                                                        "assessment_date": datetime.date(2026, 1, 1)})
    assert (Assessment.objects.count(), AuditEntry.objects.count()) == (0, entries)


def test_the_decision_locks_the_assessment_and_keeps_the_classification(make_assessment, tenant, email_info, coordinator):
    assessment = make_assessment()
    decision = services.decision_record(tenant=tenant, assessment=assessment, data=DECISION)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DECIDED
    assert (decision.alternative.name, decision.recorded_by) == ("Exchange Online", coordinator)
    assert decision.levels_snapshot == {str(email_info.pk): {
        "name": "E-post och kalender", "levels": {"K": 2, "R": 1, "T": 2, "S": 2}, "label": "2-1-2-2",
        "scheme": "klassa", "personal_data": True}}
    cloud = assessment.alternatives.get(name="Exchange Online")
    locked = "This assessment has been decided and is locked. Start a new version to change it."
    for call in (
        lambda: services.assessment_update(tenant=tenant, assessment=assessment, data={"title": "Ny"},
                                           revision=assessment.revision),
        lambda: services.alternative_update(tenant=tenant, alternative=cloud, data={"name": "Ny"},
                                            revision=cloud.revision),
        lambda: services.costs_replace(tenant=tenant, alternative=cloud, costs=[]),
        lambda: services.verdict_save(tenant=tenant, alternative=cloud, perspective="legal", verdict="favours",
                                      rationale=""),
        lambda: services.mitigation_add(tenant=tenant, assessment=assessment, text="Regel"),
        lambda: services.decision_record(tenant=tenant, assessment=assessment, data=DECISION),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.messages == [locked]
    assert (Assessment.objects.get().title, Alternative.objects.get(pk=cloud.pk).name) == ("E-post", "Exchange Online")
    assert (CostItem.objects.count(), Verdict.objects.count(), Decision.objects.count()) == (2, 0, 1)


def _perspectives(result) -> dict:
    """What the four perspectives say: facts, and per alternative the verdicts and findings."""
    return {key: (p.facts, {pk: (c.computed_verdict, c.verdict, [(f.severity, f.text) for f in c.findings])
                            for pk, c in p.cells.items()}) for key, p in result.perspectives.items()}


def _documents(tenant, assessment) -> tuple[str, str]:
    doc = documents.build(tenant=tenant, assessment=assessment)
    return docx_text(documents.render_docx(doc))[1], pdf_text(documents.render_pdf(doc))


def test_a_later_classification_change_shows_as_a_warning_not_a_change(make_assessment, tenant, email_info):
    assessment = make_assessment()
    services.decision_record(tenant=tenant, assessment=assessment, data=DECISION)
    assessment = selectors.get_assessment(tenant=tenant, pk=assessment.pk)
    before = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    docx_before, pdf_before = _documents(tenant, assessment)
    assert before.perspectives["technical"].details["required"] == Decimal("99.0")
    classification = Classification.objects.get(information_type=email_info)
    classification.confidentiality = 3
    classification.availability = 1
    classification.save()
    assessment = selectors.get_assessment(tenant=tenant, pk=assessment.pk)
    infos = selectors.information_types_of(assessment=assessment)
    assert selectors.classification_changes(assessment=assessment, infos=infos) == [
        {"name": "E-post och kalender", "before": "2-1-2-2", "now": "3-1-1-2"}]
    assert selectors.classification_changes(assessment=assessment) == [
        {"name": "E-post och kalender", "before": "2-1-2-2", "now": "3-1-1-2"}]
    assert assessment.decision.levels_snapshot[str(email_info.pk)]["label"] == "2-1-2-2"
    # The decided assessment is read with the levels of the decision: the perspectives and
    # both documents are what they were.
    after = selectors.assessment_analysis(tenant=tenant, assessment=assessment)
    assert [(i.name, i.label) for i in after.information_types] == [("E-post och kalender", "2-1-2-2")]
    assert after.highest == {"K": 2, "R": 1, "T": 2, "S": 2}
    assert after.perspectives["technical"].details["required"] == Decimal("99.0")
    assert _perspectives(after) == _perspectives(before)
    assert (after.combined.scores, after.combined.recommended_id) == (before.combined.scores,
                                                                       before.combined.recommended_id)
    docx_after, pdf_after = _documents(tenant, assessment)
    assert (docx_after, pdf_after) == (docx_before, pdf_before)
    assert "2-1-2-2" in docx_after and "3-1-1-2" not in docx_after
    # A new version started from it weighs the classification as it is now.
    copy = services.assessment_new_version(tenant=tenant, assessment=assessment, today=datetime.date(2026, 1, 1))
    renewed = selectors.assessment_analysis(tenant=tenant, assessment=selectors.get_assessment(tenant=tenant,
                                                                                            pk=copy.pk))
    assert [i.label for i in renewed.information_types] == ["3-1-1-2"]
    assert renewed.perspectives["technical"].details["required"] == Decimal("95.0")
    assert selectors.classification_changes(assessment=copy) == []


def test_a_decision_needs_its_follow_up_after_it(make_assessment, tenant):
    assessment = make_assessment()
    with pytest.raises(ValidationError) as exc:
        services.decision_record(tenant=tenant, assessment=assessment,
                                 data={**DECISION, "follow_up_date": datetime.date(2021, 5, 19)})
    assert exc.value.message_dict == {"follow_up_date": ["The follow-up date cannot be before the decision."]}
    assert Assessment.objects.get().status == AssessmentStatus.DRAFT


def test_a_new_version_copies_everything_but_the_decision(make_assessment, tenant):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    services.verdict_save(tenant=tenant, alternative=cloud, perspective="security", verdict="favours", rationale="Bra")
    services.mitigation_add(tenant=tenant, assessment=assessment, text="Regel", max_confidentiality=2)
    with pytest.raises(ValidationError):
        services.assessment_new_version(tenant=tenant, assessment=assessment, today=datetime.date(2026, 1, 1))
    services.decision_record(tenant=tenant, assessment=assessment, data=DECISION)
    assessment.refresh_from_db()
    copy = services.assessment_new_version(tenant=tenant, assessment=assessment, today=datetime.date(2026, 1, 1))
    assert (copy.status, copy.version_number, copy.previous, copy.assessment_date) == (
        "draft", 2, assessment, datetime.date(2026, 1, 1))
    assert list(copy.alternatives.values_list("name", flat=True)) == ["Exchange Online", "Lokal drift"]
    assert sorted(CostItem.objects.filter(alternative__assessment=copy).values_list("amount", flat=True)) == [
        Decimal(50_000), Decimal(2_000_000)]
    assert list(Verdict.objects.filter(alternative__assessment=copy).values_list("verdict", "rationale")) == [
        ("favours", "Bra")]
    assert list(copy.mitigations.values_list("text", "max_confidentiality")) == [("Regel", 2)]
    assert list(copy.systems.all()) == list(assessment.systems.all())
    assert not hasattr(copy, "decision") or Decision.objects.filter(assessment=copy).count() == 0
    assert Assessment.objects.get(pk=assessment.pk).status == "decided"
