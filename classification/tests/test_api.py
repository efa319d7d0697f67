"""The classification API: same tenancy, roles and rules as the pages, JSON errors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from actions.models import Action
from classification import services
from classification.models import Classification, ClassificationSettings, SupplierQuestion
from classification.tests.conftest import LOWEST
from core.tenancy import tenant_for
from tests.factories import InformationTypeFactory, SupplierFactory, SystemFactory

pytestmark = pytest.mark.django_db

FAR = datetime.date(2099, 1, 1)  # an answer date far ahead, for questions that are not about dates
BASE = "/api/classification"


@pytest.fixture
def api(client, tenant_of):
    """api(role) → a function calling the API as a member of Kommun A with that role."""

    def as_role(role="coordinator"):
        _, raw = ApiToken.issue(user=tenant_of(role).user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": "kommun-a"}

        def call(method, path, payload=None, **params):
            kwargs = {"content_type": "application/json", "data": payload} if payload is not None else {"data": params}
            return getattr(client, method)(BASE + path, **kwargs, **headers)

        return call

    return as_role


def test_the_questionnaire_is_published(api):
    body = api("reader")("get", "/questionnaire").json()
    assert len(body) == 14
    outage = next(q for q in body if q["id"] == "outage_tolerance")
    assert outage["kind"] == "choice"
    assert [o["value"] for o in outage["options"]] == ["more_than_week", "week", "day", "hours", "less_than_hour"]


def test_create_update_and_the_whole_workflow(api, info, tenant_of):
    coordinator = api("coordinator")
    response = coordinator("post", "", {"information_type_id": info.pk, "answers": {"osl_chapters": ["26"]},
                                        "reasoning": {"osl_chapters": "OSL 26 kap. 1 §"}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["tuple"], body["levels"], body["version"]) == (
        "draft", "3-–-–-–", {"K": 3, "R": None, "T": None, "S": None}, 1)
    assert body["computed"]["fired"] == [{"rule": "osl_strong_secrecy", "levels": {"K": 3}}]
    cid = body["id"]
    # A second create for the same information type is a conflict.
    assert coordinator("post", "", {"information_type_id": info.pk}).status_code == 409
    response = coordinator("put", f"/{cid}", {"answers": {**LOWEST, "osl_chapters": ["26"]}, "version": 1,
                                              "overrides": {"T": {"level": 2, "justification": "Jouren."}}})
    assert response.status_code == 200, response.content
    assert (response.json()["tuple"], response.json()["overrides"]) == (
        "3-0-2-0", {"T": {"level": 2, "justification": "Jouren."}})
    assert coordinator("post", f"/{cid}/submit").json()["status"] == "review"
    approved = api("system_owner")("post", f"/{cid}/approve").json()
    assert (approved["status"], approved["approved_by"]) == ("approved", tenant_of("system_owner").user.email)
    assert approved["review_date"] == services.add_months(services.today(), 12).isoformat()
    reopened = coordinator("post", f"/{cid}/reopen")
    assert reopened.json().get("status") == "draft", reopened.content


def test_an_old_version_gives_409(api, info, classify):
    c = classify(info)
    call = api("coordinator")
    assert call("put", f"/{c.pk}", {"answers": LOWEST, "version": 1}).status_code == 200
    response = call("put", f"/{c.pk}", {"answers": {**LOWEST, "impact_trust": "serious"}, "version": 1})
    assert response.status_code == 409
    assert response.json()["detail"] == ("Someone else has changed this classification since you opened it. "
                                         "Current version: 2.")
    assert Classification.objects.get().confidentiality == 0


@pytest.mark.parametrize(
    "payload, errors",
    [({"overrides": {"T": {"level": 3}}}, {"justification_T": ["Write why availability should be 3 when the answers give 0."]}),
     ({"overrides": {"K": {"level": 7, "justification": "x"}}},
      {"override_K": ["Level 7 is outside the scale of the model KLASSA: K, R, T, S on levels 0–4 (0–4)."]}),
     ({"answers": {"outage_tolerance": "a month"}}, {"outage_tolerance": ["Choose one of the options."]})],
    ids=["override-without-justification", "out-of-scale", "unknown-option"],
)
def test_invalid_input_gives_422_with_the_reason(api, info, classify, payload, errors):
    c = classify(info)
    response = api("coordinator")("put", f"/{c.pk}", {"answers": LOWEST, "version": 1, **payload})
    assert response.status_code == 422
    assert response.json()["errors"] == errors
    c.refresh_from_db()
    assert (c.version, c.overrides) == (1, {})


def test_nul_characters_inside_answers_are_refused(api, info):
    response = api("coordinator")("post", "", {"information_type_id": info.pk, "reasoning": {"personal_data": "a\x00b"}})
    assert response.status_code == 422
    assert Classification.objects.count() == 0


def test_approval_by_a_role_without_the_right_is_403_and_changes_nothing(api, info, classify, tenant_of):
    c = services.classification_submit(tenant=tenant_of("coordinator"), classification=classify(info))
    for role in ("system_administrator", "reader", "auditor"):
        response = api(role)("post", f"/{c.pk}/approve")
        assert response.status_code == 403
        assert response.json() == {"detail": "Your role does not allow this."}
    c.refresh_from_db()
    assert (c.status, c.approved_by, c.review_date, c.version) == ("review", None, None, 2)


def test_readers_write_nothing(api, info, classify):
    call = api("reader")
    assert call("post", "", {"information_type_id": info.pk, "answers": LOWEST}).status_code == 403
    assert Classification.objects.count() == 0
    c = classify(info)
    assert call("put", f"/{c.pk}", {"answers": {}, "version": 1}).status_code == 403
    assert call("post", f"/{c.pk}/submit").status_code == 403
    assert call("put", "/settings", {"scheme": "msb", "review_months": 6}).status_code == 403
    c.refresh_from_db()
    assert (c.status, c.version, c.answers) == ("draft", 1, LOWEST)
    assert ClassificationSettings.objects.count() == 0


def test_another_organisations_records_are_404(api, org_b, member, classify):
    foreign_info = InformationTypeFactory(organisation=org_b)
    foreign = classify(foreign_info, tenant=tenant_for(member(org_b, "coordinator"), org_b.pk))
    call = api("admin")
    assert call("get", f"/{foreign.pk}").status_code == 404
    assert call("put", f"/{foreign.pk}", {"answers": {}, "version": 1}).status_code == 404
    assert call("post", "", {"information_type_id": foreign_info.pk}).status_code == 404
    system = SystemFactory(organisation=org_b)
    assert call("get", f"/systems/{system.pk}/protection-need").status_code == 404
    foreign.refresh_from_db()
    assert foreign.version == 1


def test_settings_get_and_put(api, info, classify):
    assert api("reader")("get", "/settings").json() == {
        "scheme": "klassa", "review_months": 12, "aspects": ["K", "R", "T", "S"],
        "levels": [{"value": "0", "label": "No or negligible"}, {"value": "1", "label": "Moderate"},
                   {"value": "2", "label": "Significant"}, {"value": "3", "label": "Serious"},
                   {"value": "4", "label": "Exceptionally serious"}]}
    call = api("coordinator")
    body = call("put", "/settings", {"scheme": "msb", "review_months": 24}).json()
    assert (body["scheme"], body["review_months"], body["aspects"]) == ("msb", 24, ["K", "R", "T"])
    classify(info)
    response = call("put", "/settings", {"scheme": "klassa", "review_months": 24})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["scheme"]
    assert call("put", "/settings", {"scheme": "msb", "review_months": 0}).status_code == 422
    assert ClassificationSettings.objects.get().scheme == "msb"


def test_supplier_questions_through_the_api(api, org_a, org_b, info, classify):
    c = classify(info)
    supplier = SupplierFactory(organisation=org_a, name="Mellanskogs IT AB")
    call = api("coordinator")
    due = (services.today() + datetime.timedelta(days=5)).isoformat()
    response = call("post", f"/{c.pk}/questions", {"supplier_id": supplier.pk, "question": "Var?", "due_date": due})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["supplier"], body["information_type"], body["answered_on"], body["overdue"]) == (
        "Mellanskogs IT AB", "Socialtjänstakter", None, False)
    foreign = SupplierFactory(organisation=org_b)
    assert call("post", f"/{c.pk}/questions", {"supplier_id": foreign.pk, "question": "?", "due_date": due}
                ).status_code == 422
    undated = call("post", f"/{c.pk}/questions", {"supplier_id": supplier.pk, "question": "När?"})
    assert undated.status_code == 422 and "due_date" in undated.content.decode()
    assert [q["question"] for q in call("get", "/questions").json()["results"]] == ["Var?"]
    # The open question blocks the submission.
    assert call("post", f"/{c.pk}/submit").status_code == 422
    answered = call("post", f"/questions/{body['id']}/answer", {"answer": "I Sverige."}).json()
    assert (answered["answer"], answered["answered_on"]) == ("I Sverige.", services.today().isoformat())
    assert call("get", "/questions").json()["count"] == 0
    assert call("get", "/questions", view="answered").json()["count"] == 1
    assert SupplierQuestion.objects.count() == 1


def test_the_protection_need_of_a_system(api, org_a, info, classify):
    classify(info, osl_chapters=["26"], outage_tolerance="day")
    system = SystemFactory(organisation=org_a)
    system.information_types.set([info, InformationTypeFactory(organisation=org_a)])
    body = api("reader")("get", f"/systems/{system.pk}/protection-need").json()
    assert body == {"system_id": system.pk, "levels": {"K": 3, "R": 0, "T": 2, "S": 0}, "tuple": "3-0-2-0"}
    empty = SystemFactory(organisation=org_a)
    assert api("reader")("get", f"/systems/{empty.pk}/protection-need").json()["tuple"] == "–"


def test_level_4_through_the_api_opens_the_protection_analysis(api, info):
    response = api("coordinator")("post", "", {"information_type_id": info.pk,
                                               "answers": {**LOWEST, "security_classified": True}})
    assert response.json()["computed"]["protection_analysis"] is True
    assert Action.objects.get().source == Classification.objects.get()


def _count(call, path, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert call("get", path, **params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path, params",
    [("", {}), ("", {"status": "draft", "stale": "false", "q": "Info"}), ("/questions", {"view": "all"})],
    ids=["classifications", "classifications-filtered", "supplier-questions"],
)
def test_list_endpoints_run_a_constant_number_of_queries(api, org_a, tenant_of, classify, path, params):
    # The token with its user, the memberships with their organisations, the token's last-used
    # time, COUNT for the paginator, one page joined with what the rows name.
    call = api("reader")
    supplier = SupplierFactory(organisation=org_a)

    def grow(start, n):
        for i in range(start, start + n):
            c = classify(InformationTypeFactory(organisation=org_a, name=f"Informationstyp {i:03d}"),
                         tenant=tenant_of("dpo" if i % 2 else "coordinator"))
            services.supplier_question_create(tenant=tenant_of("coordinator"), classification=c, supplier=supplier,
                                              question=f"Fråga {i}", due_date=FAR)

    grow(0, 3)
    call("get", path, **params)  # the token's first use is recorded once
    small = _count(call, path, **params)
    grow(3, 27)
    assert call("get", path, **params).json()["count"] == 30
    assert _count(call, path, **params) == small <= 5
