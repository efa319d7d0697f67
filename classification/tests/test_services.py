"""Saving, overriding, the workflow and the settings of classifications."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action
from classification import services
from classification.models import Classification, ClassificationSettings, SupplierQuestion
from classification.tests.conftest import LOWEST
from tests.factories import InformationTypeFactory, SupplierFactory

pytestmark = pytest.mark.django_db

FAR = datetime.date(2099, 1, 1)  # an answer date far ahead, for questions that are not about dates


def _save(tenant, info, answers, *, overrides=None, version=None, **kwargs):
    return services.classification_save(tenant=tenant, information_type=info, answers=answers, reasoning={},
                                        overrides=overrides, version=version, **kwargs)


def test_the_first_save_creates_a_draft_and_a_half_way_save_stays_a_draft(tenant_of, info):
    tenant = tenant_of("coordinator")
    c = _save(tenant, info, {"sensitive_personal_data": True})
    assert (c.status, c.version, c.scheme, c.responsible) == ("draft", 1, "klassa", tenant.user)
    assert c.levels == {"K": 2, "R": None, "T": None, "S": 2}
    c = services.classification_save(tenant=tenant, information_type=info, version=1,
                                     answers={"sensitive_personal_data": True, "outage_tolerance": "hours"},
                                     reasoning={"outage_tolerance": "  Jouren behöver akterna.  "})
    assert (c.status, c.version) == ("draft", 2)
    assert c.levels == {"K": 2, "R": None, "T": 3, "S": 2}
    assert c.reasoning == {"outage_tolerance": "Jouren behöver akterna."}
    assert c.tuple_label == "2-–-3-2"
    assert Classification.objects.count() == 1


def test_a_save_based_on_an_old_version_is_refused(tenant_of, info, classify):
    c = classify(info)
    _save(tenant_of("system_owner"), info, LOWEST, version=c.version)
    with pytest.raises(services.VersionConflict) as exc:
        _save(tenant_of("coordinator"), info, {**LOWEST, "impact_trust": "serious"}, version=c.version)
    assert exc.value.current.version == 2
    assert Classification.objects.get().confidentiality == 0


def test_a_first_save_after_someone_else_created_it_is_a_conflict(tenant_of, info, classify):
    classify(info)
    with pytest.raises(services.VersionConflict):
        _save(tenant_of("dpo"), info, LOWEST)
    assert Classification.objects.get().version == 1


def test_an_override_needs_a_written_justification(tenant_of, info, classify):
    c = classify(info)
    with pytest.raises(ValidationError) as exc:
        _save(tenant_of("coordinator"), info, LOWEST, version=c.version,
              overrides={"T": {"level": 3, "justification": "   "}})
    assert list(exc.value.message_dict) == ["justification_T"]
    assert "Write why availability should be 3 when the answers give 0." in exc.value.message_dict["justification_T"]
    c.refresh_from_db()
    assert (c.availability, c.overrides, c.version) == (0, {}, 1)


def test_a_justified_override_sets_the_level_and_keeps_the_computed_one(tenant_of, info, classify):
    c = classify(info)
    c = _save(tenant_of("coordinator"), info, LOWEST, version=c.version,
              overrides={"T": {"level": 3, "justification": "Larmkedjan bygger på registret."},
                         "K": {"level": 0, "justification": ""}})
    # K equals the computed level, so it is no override and needs no justification.
    assert c.overrides == {"T": {"level": 3, "justification": "Larmkedjan bygger på registret."}}
    assert (c.availability, c.computed_levels["T"]) == (3, 0)
    # A later save without overrides keeps them.
    c = _save(tenant_of("coordinator"), info, {**LOWEST, "impact_trust": "moderate"}, version=c.version)
    assert (c.availability, c.confidentiality) == (3, 1)


@pytest.mark.parametrize(
    "scheme, aspect, level, message",
    [("klassa", "K", 5, "Level 5 is outside the scale of the model KLASSA: K, R, T, S on levels 0–4 (0–4)."),
     ("klassa", "R", -1, "Level -1 is outside the scale of the model KLASSA: K, R, T, S on levels 0–4 (0–4)."),
     ("msb", "K", 0, "Level 0 is outside the scale of the model MSB: K, R, T on levels 1–3 (1–3)."),
     ("msb", "T", 4, "Level 4 is outside the scale of the model MSB: K, R, T on levels 1–3 (1–3)."),
     ("msb", "S", 2, "The model MSB: K, R, T on levels 1–3 has no aspect “S”.")],
    ids=["klassa-5", "klassa-negative", "msb-0", "msb-4", "msb-traceability"],
)
def test_levels_outside_the_model_are_refused(org_a, tenant_of, info, scheme, aspect, level, message):
    ClassificationSettings.objects.create(organisation=org_a, scheme=scheme)
    with pytest.raises(ValidationError) as exc:
        _save(tenant_of("coordinator"), info, LOWEST, overrides={aspect: {"level": level, "justification": "Därför."}})
    assert exc.value.message_dict == {f"override_{aspect}": [message]}
    assert Classification.objects.count() == 0


def test_level_4_cannot_be_set_or_lowered_by_hand(tenant_of, info, classify):
    c = classify(info)
    with pytest.raises(ValidationError) as exc:
        _save(tenant_of("coordinator"), info, LOWEST, version=c.version,
              overrides={"K": {"level": 4, "justification": "Känns allvarligt."}})
    assert exc.value.message_dict == {"override_K": ["Level 4 can come only from the protective security questions."]}
    c = _save(tenant_of("coordinator"), info, {**LOWEST, "security_classified": True}, version=c.version)
    with pytest.raises(ValidationError) as exc:
        _save(tenant_of("coordinator"), info, {**LOWEST, "security_classified": True}, version=c.version,
              overrides={"K": {"level": 2, "justification": "Vi tror inte på analysen."}})
    assert list(exc.value.message_dict) == ["override_K"]
    assert Classification.objects.get().confidentiality == 4


def test_level_4_opens_one_action_for_a_separate_protection_analysis(tenant_of, info, classify):
    c = classify(info, security_classified=True)
    assert c.confidentiality == 4
    action = Action.objects.get()
    assert (action.source, action.title, action.owner) == (
        c, "Separate protection analysis: Socialtjänstakter", c.responsible)
    _save(tenant_of("coordinator"), info, {**LOWEST, "security_classified": True}, version=c.version)
    assert Action.objects.count() == 1


def test_no_protection_analysis_below_level_4(info, classify):
    classify(info, impact_trust="serious", outage_tolerance="less_than_hour")
    assert Action.objects.count() == 0


def test_the_msb_model_has_no_protection_analysis(org_a, info, classify):
    ClassificationSettings.objects.create(organisation=org_a, scheme="msb")
    c = classify(info, security_classified=True)
    assert (c.scheme, c.levels) == ("msb", {"K": 3, "R": 1, "T": 1, "S": None})
    assert Action.objects.count() == 0


def test_roles_without_the_classify_permission_change_nothing(tenant_of, info, classify):
    with pytest.raises(PermissionDenied):
        _save(tenant_of("reader"), info, LOWEST)
    with pytest.raises(PermissionDenied):
        _save(tenant_of("auditor"), info, LOWEST)
    assert Classification.objects.count() == 0


def test_the_responsible_must_be_a_member(tenant_of, info, org_b, member):
    with pytest.raises(ValidationError) as exc:
        _save(tenant_of("coordinator"), info, LOWEST, responsible=member(org_b, "system_owner"))
    assert list(exc.value.message_dict) == ["responsible"]
    assert Classification.objects.count() == 0


def test_submit_needs_every_answer(tenant_of, info):
    c = _save(tenant_of("coordinator"), info, {"personal_data": True})
    with pytest.raises(ValidationError) as exc:
        services.classification_submit(tenant=tenant_of("coordinator"), classification=c)
    assert exc.value.messages == ["Answer every question before submitting; 13 remain."]
    c.refresh_from_db()
    assert c.status == "draft"


def _approved(tenant_of, info, classify):
    c = classify(info)
    c = services.classification_submit(tenant=tenant_of("coordinator"), classification=c)
    assert c.status == "review"
    return services.classification_approve(tenant=tenant_of("system_owner"), classification=c)


def test_approval_by_a_role_without_the_right_changes_nothing(tenant_of, info, classify):
    c = services.classification_submit(tenant=tenant_of("coordinator"), classification=classify(info))
    for role in ("system_administrator", "coordinator", "dpo", "reader"):
        with pytest.raises(PermissionDenied):
            services.classification_approve(tenant=tenant_of(role), classification=c)
    c.refresh_from_db()
    assert (c.status, c.approved_by, c.approved_at, c.review_date, c.version) == ("review", None, None, None, 2)


def test_approval_sets_the_approver_and_the_review_date(tenant_of, info, classify, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: datetime.date(2026, 5, 31))
    c = _approved(tenant_of, info, classify)
    assert (c.status, c.approved_by, c.review_date, c.version) == (
        "approved", tenant_of("system_owner").user, datetime.date(2027, 5, 31), 3)
    assert c.approved_at is not None


def _at(monkeypatch, moment: datetime.datetime) -> None:
    import django.utils.timezone as tz

    monkeypatch.setattr(tz, "now", lambda: moment)


@pytest.mark.parametrize(
    "moment, months, review_case",
    [
        # Leap day, a year on: 2029 has no 29 February.
        (datetime.datetime(2028, 2, 29, 11, 0, tzinfo=datetime.timezone.utc), 12, datetime.date(2029, 2, 28)),
        # 23:30 UTC on New Year's Eve is already 1 January in Stockholm.
        (datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.timezone.utc), 12, datetime.date(2028, 1, 1)),
        (datetime.datetime(2026, 12, 31, 22, 30, tzinfo=datetime.timezone.utc), 2, datetime.date(2027, 2, 28)),
        # The night Sweden moves to summer time: 00:30 CET on 29 March.
        (datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.timezone.utc), 12, datetime.date(2027, 3, 29)),
        # The night back to winter time: 23:30 UTC on 24 October is 01:30 CEST on 25 October.
        (datetime.datetime(2026, 10, 24, 23, 30, tzinfo=datetime.timezone.utc), 6, datetime.date(2027, 4, 25)),
    ],
    ids=["leap-day", "year-end", "year-end-short-month", "dst-spring", "dst-autumn"],
)
def test_the_review_date_is_a_stockholm_calendar_date(org_a, tenant_of, info, classify, monkeypatch,
                                                      moment, months, review_case):
    ClassificationSettings.objects.create(organisation=org_a, review_months=months)
    _at(monkeypatch, moment)
    assert _approved(tenant_of, info, classify).review_date == review_case


@pytest.mark.parametrize(
    "day, months, expected",
    [(datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
     (datetime.date(2028, 2, 29), 48, datetime.date(2032, 2, 29)),
     (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
     (datetime.date(2027, 1, 31), 13, datetime.date(2028, 2, 29)),
     (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
     (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
     (datetime.date(2027, 3, 31), -12, datetime.date(2026, 3, 31))],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert services.add_months(day, months) == expected


def test_an_approved_classification_must_be_reopened_to_change(tenant_of, info, classify):
    c = _approved(tenant_of, info, classify)
    with pytest.raises(ValidationError) as exc:
        _save(tenant_of("coordinator"), info, {**LOWEST, "impact_trust": "serious"}, version=c.version)
    assert exc.value.messages == ["Reopen the classification before changing it."]
    c = services.classification_reopen(tenant=tenant_of("coordinator"), classification=c)
    assert (c.status, c.approved_by, c.approved_at, c.review_date) == ("draft", None, None, None)
    c = _save(tenant_of("coordinator"), info, {**LOWEST, "impact_trust": "serious"}, version=c.version)
    assert c.confidentiality == 3


def test_the_workflow_refuses_steps_out_of_order(tenant_of, info, classify):
    c = classify(info)
    with pytest.raises(ValidationError):
        services.classification_approve(tenant=tenant_of("system_owner"), classification=c)
    with pytest.raises(ValidationError):
        services.classification_reopen(tenant=tenant_of("coordinator"), classification=c)
    c.refresh_from_db()
    assert (c.status, c.version) == ("draft", 1)


def test_stale_means_approved_with_a_past_review_date(tenant_of, info, classify):
    c = _approved(tenant_of, info, classify)
    assert c.is_stale(c.review_date) is False
    assert c.is_stale(c.review_date + datetime.timedelta(days=1)) is True


def test_the_model_can_change_only_while_nothing_is_classified(org_a, tenant_of, info, classify):
    coordinator = tenant_of("coordinator")
    settings = services.classification_settings_save(tenant=coordinator, scheme="msb", review_months=24)
    assert (settings.scheme, settings.review_months) == ("msb", 24)
    classify(info)
    with pytest.raises(ValidationError) as exc:
        services.classification_settings_save(tenant=coordinator, scheme="klassa", review_months=24)
    assert list(exc.value.message_dict) == ["scheme"]
    # The interval can still change.
    settings = services.classification_settings_save(tenant=coordinator, scheme="msb", review_months=6)
    assert (settings.scheme, settings.review_months) == ("msb", 6)
    assert ClassificationSettings.objects.count() == 1


@pytest.mark.parametrize("months", [0, 61, True])
def test_the_review_interval_is_1_to_60_months(tenant_of, months):
    with pytest.raises(ValidationError) as exc:
        services.classification_settings_save(tenant=tenant_of("coordinator"), scheme="klassa", review_months=months)
    assert list(exc.value.message_dict) == ["review_months"]
    assert ClassificationSettings.objects.count() == 0


def test_only_configuring_roles_change_the_settings(tenant_of):
    with pytest.raises(PermissionDenied):
        services.classification_settings_save(tenant=tenant_of("system_owner"), scheme="msb", review_months=12)
    assert ClassificationSettings.objects.count() == 0


def test_an_open_supplier_question_blocks_submitting_and_approving(org_a, tenant_of, info, classify):
    coordinator = tenant_of("coordinator")
    supplier = SupplierFactory(organisation=org_a, name="Mellanskogs IT AB")
    c = classify(info)
    question = services.supplier_question_create(tenant=coordinator, classification=c, supplier=supplier,
                                                 question="Hur länge sparas loggarna?",
                                                 due_date=services.today() + datetime.timedelta(days=14))
    assert (question.is_open, question.is_overdue(services.today())) == (True, False)
    assert question.is_overdue(question.due_date + datetime.timedelta(days=1)) is True
    with pytest.raises(ValidationError) as exc:
        services.classification_submit(tenant=coordinator, classification=c)
    assert exc.value.messages == ["1 question(s) to suppliers are still open; record the answers first."]
    answered = services.supplier_question_answer(tenant=coordinator, question=question, answer="I 12 månader.")
    assert (answered.is_open, answered.answered_on, answered.answer) == (False, services.today(), "I 12 månader.")
    assert services.classification_submit(tenant=coordinator, classification=c).status == "review"


def test_a_question_needs_an_answer_date_that_is_not_in_the_past(org_a, tenant_of, info, classify):
    c = classify(info)
    supplier = SupplierFactory(organisation=org_a)
    for due, message in [(None, "Give the date by which the supplier should answer."),
                         (services.today() - datetime.timedelta(days=1),
                          "The answer cannot be due before the question is asked.")]:
        with pytest.raises(ValidationError) as exc:
            services.supplier_question_create(tenant=tenant_of("coordinator"), classification=c, supplier=supplier,
                                              question="Var lagras loggarna?", due_date=due)
        assert exc.value.message_dict == {"due_date": [message]}
    assert SupplierQuestion.objects.count() == 0
    today = services.today()
    question = services.supplier_question_create(tenant=tenant_of("coordinator"), classification=c, supplier=supplier,
                                                 question="Var lagras loggarna?", due_date=today)
    assert (question.due_date, question.is_overdue(today)) == (today, False)


def test_questions_go_only_to_the_organisations_own_suppliers(org_b, tenant_of, info, classify):
    c = classify(info)
    with pytest.raises(ValidationError) as exc:
        services.supplier_question_create(tenant=tenant_of("coordinator"), classification=c,
                                          supplier=SupplierFactory(organisation=org_b), question="?", due_date=FAR)
    assert list(exc.value.message_dict) == ["supplier"]
    assert SupplierQuestion.objects.count() == 0


def test_readers_cannot_ask_or_answer_supplier_questions(org_a, tenant_of, info, classify):
    c = classify(info)
    supplier = SupplierFactory(organisation=org_a)
    with pytest.raises(PermissionDenied):
        services.supplier_question_create(tenant=tenant_of("reader"), classification=c, supplier=supplier,
                                          question="Fråga", due_date=FAR)
    question = services.supplier_question_create(tenant=tenant_of("coordinator"), classification=c,
                                                 supplier=supplier, question="Fråga", due_date=FAR)
    with pytest.raises(PermissionDenied):
        services.supplier_question_answer(tenant=tenant_of("reader"), question=question, answer="Svar")
    question.refresh_from_db()
    assert (question.answer, question.answered_on, SupplierQuestion.objects.count()) == ("", None, 1)


def test_another_organisations_information_type_cannot_be_classified(org_b, tenant_of):
    foreign = InformationTypeFactory(organisation=org_b)
    with pytest.raises(InformationTypeFactory._meta.model.DoesNotExist):
        _save(tenant_of("coordinator"), foreign, LOWEST)
    assert Classification.objects.count() == 0
