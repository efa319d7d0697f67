"""Actions from requirements that are not met or partly met: service, page, API and the action plan."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actions import services as action_services
from actions.models import Action
from core.tenancy import tenant_for
from requirements import selectors, services
from requirements.models import Requirement, RequirementStatus
from tests.factories import SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

DUE = datetime.date(2030, 6, 30)


@pytest.fixture
def requirement(system, classify, catalogue):
    """ÅS-03 (two-factor authentication), which applies to the system (K 2)."""
    classify(system, K=2)
    return Requirement.objects.get(code="ÅS-03", organisation__isnull=True)


@pytest.fixture
def assess(tenant, system, requirement):
    """assess(status, reason="") → the system's assessment of ÅS-03, set through the service."""

    def make(status, reason=""):
        return services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                               data={"status": status, "reason": reason})

    return make


def _create(tenant, system, requirement, owner, **kwargs):
    return services.requirement_action_create(tenant=tenant, system=system, requirement=requirement, owner=owner,
                                              due_date=kwargs.pop("due_date", DUE), **kwargs)


# The service ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["not_met", "partly_met"])
def test_a_requirement_not_fully_met_becomes_an_action_with_the_assessment_as_source(
        tenant, editor, system, requirement, assess, status):
    assessment = assess(status)
    action = _create(tenant, system, requirement, editor)
    assert (action.source, action.owner, action.due_date, action.status) == (assessment, editor, DUE, "open")
    assert action.title == f"Elevregister: meet ÅS-03 {requirement.title_en}"
    assert action.description == requirement.text_is
    assert action.source_label == f"ÅS-03 {requirement.title_en} – Elevregister"
    assert action_services.actions_for_source(assessment) == [action]
    # The plan's link leads back to the requirement's row on the system's list.
    assert assessment.get_absolute_url() == (
        reverse("requirements:system_requirements", args=[system.pk]) + f"#req-{requirement.pk}")
    entry = AuditEntry.objects.filter(model="actions.action", object_id=str(action.pk), action="create").get()
    assert entry.changes["source_id"] == [None, str(assessment.pk)]


def test_the_title_and_description_can_be_given(tenant, editor, system, requirement, assess):
    assess("not_met")
    action = _create(tenant, system, requirement, editor, title="  Inför BankID för admin  ", description="Se ärende 12")
    assert (action.title, action.description) == ("Inför BankID för admin", "Se ärende 12")


@pytest.mark.parametrize("status, reason, message", [
    (None, "", "Assess the requirement first"),
    ("met", "", "The requirement is assessed as “Met”"),
    ("not_applicable", "Ingen fjärråtkomst", "The requirement is assessed as “Not applicable”"),
])
def test_met_not_applicable_or_unassessed_requirements_get_no_action(
        tenant, editor, system, requirement, assess, status, reason, message):
    if status:
        assess(status, reason)
    with pytest.raises(services.AssessmentConflict) as exc:
        _create(tenant, system, requirement, editor)
    assert str(exc.value).startswith(message)
    assert "only a requirement that is not met or partly met gets an action" in str(exc.value)
    assert Action.objects.count() == 0


def test_one_open_action_per_assessment_and_a_new_one_once_it_is_done(tenant, editor, system, requirement, assess):
    assess("not_met")
    first = _create(tenant, system, requirement, editor)
    with pytest.raises(services.AssessmentConflict, match="already has an open action"):
        _create(tenant, system, requirement, editor)
    action_services.action_update(tenant=tenant, action=first, data={"status": "done"})
    second = _create(tenant, system, requirement, editor)
    assert Action.objects.filter(source_id=str(first.source_id)).count() == 2 and second.is_open


def test_owner_and_due_date_are_required_and_the_owner_must_be_a_member(
        tenant, editor, system, requirement, assess, org_b, member):
    assess("not_met")
    with pytest.raises(ValidationError) as exc:
        services.requirement_action_create(tenant=tenant, system=system, requirement=requirement, owner=None,
                                           due_date=None)
    assert set(exc.value.message_dict) == {"owner", "due_date"}
    with pytest.raises(ValidationError) as exc:
        _create(tenant, system, requirement, member(org_b))
    assert exc.value.message_dict == {"owner": ["Choose a member of your organisation."]}
    assert Action.objects.count() == 0


@pytest.mark.parametrize("role", ["reader", "auditor", "dpo", "supplier"])
def test_only_who_edits_both_assessments_and_the_plan_may_create(
        org_a, member, editor, system, requirement, assess, role):
    assess("not_met")
    other = tenant_for(member(org_a, role), org_a.pk)
    with pytest.raises(PermissionDenied):
        _create(other, system, requirement, editor)
    assert Action.objects.count() == 0


def test_another_organisations_system_is_refused(org_b, member, editor, system, requirement, assess):
    assess("not_met")
    foreign = tenant_for(member(org_b, "coordinator"), org_b.pk)
    with pytest.raises(PermissionDenied):
        _create(foreign, system, requirement, editor)


def test_the_open_action_stays_and_shows_when_the_requirement_becomes_met(tenant, editor, system, requirement, assess,
                                                                          login):
    assess("not_met")
    action = _create(tenant, system, requirement, editor)
    assessment = assess("met")
    assert Action.objects.get(pk=action.pk).is_open
    row = next(r for r in selectors.system_requirements(tenant=tenant, system=system).rows if r.requirement == requirement)
    assert row.actions == (action,) and not row.wants_action
    single = selectors.requirement_row(tenant=tenant, system=system, requirement_pk=requirement.pk)
    assert (single.status, single.actions) == (assessment, (action,))
    page = login(editor).get(reverse("requirements:system_requirements", args=[system.pk])).content.decode()
    assert action.title in page and "Still open: close it in the action plan" in page
    # A closed action is no longer shown; a met requirement offers no new one.
    action_services.action_update(tenant=tenant, action=action, data={"status": "done"})
    single = selectors.requirement_row(tenant=tenant, system=system, requirement_pk=requirement.pk)
    assert single.actions == () and not single.wants_action


# The pages -----------------------------------------------------------------------------------


def test_the_row_offers_create_action_only_when_not_fully_met(login, editor, system, requirement, assess):
    client = login(editor)
    page_url = reverse("requirements:system_requirements", args=[system.pk])
    action_url = reverse("requirements:status_action", args=[system.pk, requirement.pk])
    assess("met")
    assert action_url not in client.get(page_url).content.decode()
    assess("partly_met")
    assert action_url in client.get(page_url).content.decode()


def test_creating_an_action_on_the_page(login, editor, system, requirement, assess):
    assess("not_met")
    client = login(editor)
    url = reverse("requirements:status_action", args=[system.pk, requirement.pk])
    form = client.get(url).content.decode()
    assert "Elevregister: meet ÅS-03" in form and 'name="due_date"' in form
    response = client.post(url, {"title": "Inför tvåfaktor", "description": "", "owner": editor.pk,
                                 "due_date": "2030-06-30", "form": "shall"})
    assert response.status_code == 302
    assert response.url == reverse("requirements:system_requirements", args=[system.pk]) + f"?form=shall#req-{requirement.pk}"
    action = Action.objects.get()
    assert (action.title, action.owner, action.due_date, action.source_id) == (
        "Inför tvåfaktor", editor, DUE, str(RequirementStatus.objects.get().pk))
    assert AuditEntry.objects.filter(model="actions.action", object_id=str(action.pk))[0].source == "web"
    # The row shows the open action and no longer offers a new one.
    page = client.get(reverse("requirements:system_requirements", args=[system.pk])).content.decode()
    assert "Inför tvåfaktor" in page and reverse("actions:action_edit", args=[action.pk]) in page
    assert url not in page and "Still open" not in page
    # Asking again explains why not, and changes nothing.
    again = client.post(url, {"title": "Igen", "owner": editor.pk, "due_date": "2030-06-30"})
    assert again.status_code == 200 and "already has an open action" in again.content.decode()
    assert Action.objects.count() == 1


def test_the_page_keeps_the_input_when_something_is_missing(login, editor, system, requirement, assess):
    assess("not_met")
    client = login(editor)
    url = reverse("requirements:status_action", args=[system.pk, requirement.pk])
    response = client.post(url, {"title": "Min egen titel", "owner": editor.pk, "due_date": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Give the date the action is due." in page
    assert 'value="Min egen titel"' in page
    response = client.post(url, {"title": "Titel", "owner": "999999", "due_date": "2030-06-30"})
    assert "Select a valid choice" in response.content.decode()
    assert Action.objects.count() == 0


def test_the_page_refuses_a_met_requirement(login, editor, system, requirement, assess):
    assess("met")
    client = login(editor)
    url = reverse("requirements:status_action", args=[system.pk, requirement.pk])
    page = client.get(url).content.decode()
    assert "The requirement is assessed as “Met”" in page and 'name="due_date"' not in page
    response = client.post(url, {"title": "T", "owner": editor.pk, "due_date": "2030-06-30"})
    assert response.status_code == 200 and Action.objects.count() == 0


def test_the_page_is_refused_to_readers_and_other_organisations(login, member, org_a, org_b, system, requirement,
                                                                  assess, editor):
    assess("not_met")
    url = reverse("requirements:status_action", args=[system.pk, requirement.pk])
    reader = login(member(org_a, "reader"))
    assert reader.get(url).status_code == 403
    assert reader.post(url, {"title": "T", "owner": editor.pk, "due_date": "2030-06-30"}).status_code == 403
    assert "Create action" not in reader.get(reverse("requirements:system_requirements", args=[system.pk])).content.decode()
    foreign = login(member(org_b, "coordinator"))
    assert foreign.get(url).status_code == 404
    assert foreign.post(url, {"title": "T", "owner": editor.pk, "due_date": "2030-06-30"}).status_code == 404
    assert Action.objects.count() == 0


def test_the_action_plan_links_back_to_the_requirement(login, tenant, editor, system, requirement, assess):
    assess("not_met")
    action = _create(tenant, system, requirement, editor)
    back = reverse("requirements:system_requirements", args=[system.pk]) + f"#req-{requirement.pk}"
    client = login(editor)
    plan = client.get(reverse("actions:action_list")).content.decode()
    assert f'href="{back}"' in plan and f"ÅS-03 {requirement.title_en} – Elevregister" in plan
    assert "Requirement status" in plan  # the source filter names the new kind
    by_kind = client.get(reverse("actions:action_list"), {"source": "requirements.requirementstatus"}).content.decode()
    assert action.title in by_kind
    assert f'href="{back}"' in client.get(reverse("actions:action_edit", args=[action.pk])).content.decode()


# The API -------------------------------------------------------------------------------------


def _url(system, requirement) -> str:
    return f"/api/requirements/systems/{system.pk}/requirements/{requirement.pk}/actions"


def _post(client, url, body, headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **headers)


def test_the_api_creates_the_action(client, api, editor, system, requirement, assess):
    assessment = assess("partly_met")
    response = _post(client, _url(system, requirement), {"owner": editor.email.upper(), "due_date": "2030-06-30",
                                                        "title": "Inför BankID"}, api(editor))
    assert response.status_code == 201
    body = response.json()
    action = Action.objects.get()
    assert body == {"id": action.pk, "title": "Inför BankID", "description": requirement.text_is,
                    "owner": editor.email, "due_date": "2030-06-30", "status": "open",
                    "source_label": f"ÅS-03 {requirement.title_en} – Elevregister",
                    "source_kind": "requirements.requirementstatus"}
    assert action.source == assessment
    entry = AuditEntry.objects.filter(model="actions.action", object_id=str(action.pk)).first()
    assert (entry.source, entry.actor_id) == ("api", editor.pk)
    # The system's list shows it with the assessment, also once the requirement is met.
    assess("met")
    rows = client.get(f"/api/requirements/systems/{system.pk}", **api(editor)).json()["requirements"]
    row = next(r for r in rows if r["requirement"]["code"] == "ÅS-03")
    assert [a["id"] for a in row["open_actions"]] == [action.pk]
    assert all(r["open_actions"] == [] for r in rows if r is not row)


@pytest.mark.parametrize("status, reason", [("met", ""), ("not_applicable", "Ingen fjärråtkomst")])
def test_the_api_answers_409_for_a_met_or_not_applicable_requirement(client, api, editor, system, requirement, assess,
                                                                      status, reason):
    assess(status, reason)
    response = _post(client, _url(system, requirement), {"owner": editor.email, "due_date": "2030-06-30"}, api(editor))
    assert response.status_code == 409
    assert "only a requirement that is not met or partly met gets an action" in response.json()["detail"]
    assert Action.objects.count() == 0


def test_the_api_answers_409_when_not_assessed_or_an_action_is_open(client, api, editor, system, requirement, assess):
    headers = api(editor)
    body = {"owner": editor.email, "due_date": "2030-06-30"}
    assert _post(client, _url(system, requirement), body, headers).json()["detail"].startswith("Assess the requirement first")
    assess("not_met")
    assert _post(client, _url(system, requirement), body, headers).status_code == 201
    again = _post(client, _url(system, requirement), body, headers)
    assert again.status_code == 409 and "already has an open action" in again.json()["detail"]
    assert Action.objects.count() == 1


@pytest.mark.parametrize("body, status, field", [
    ({"owner": "nobody@example.org", "due_date": "2030-06-30"}, 422, "owner"),
    ({"owner": "{member_b}", "due_date": "2030-06-30"}, 422, "owner"),
    ({"due_date": "2030-06-30"}, 422, None),
    ({"owner": "{editor}"}, 422, None),
    ({"owner": "{editor}", "due_date": "30/6 2030"}, 422, None),
    ({"owner": "{editor}", "due_date": "2030-06-30", "title": "x" * 301}, 422, None),
    ({"owner": "{editor}", "due_date": "2030-06-30", "title": "a\x00b"}, 422, None),
    ("{not json", 400, None),
], ids=["unknown owner", "owner of another organisation", "no owner", "no due date", "a date not ISO",
        "a title too long", "a NUL character", "malformed JSON"])
def test_the_api_answers_bad_input_with_json(client, api, editor, member, org_b, system, requirement, assess,
                                             body, status, field):
    assess("not_met")
    if isinstance(body, dict):
        emails = {"{editor}": editor.email, "{member_b}": member(org_b).email}
        body = {k: emails.get(v, v) for k, v in body.items()}
    response = _post(client, _url(system, requirement), body, api(editor))
    assert response.status_code == status
    assert response.json()["detail"]
    if field:
        assert response.json()["errors"] == {field: ["Choose a member of your organisation."]}
    assert Action.objects.count() == 0


def test_the_api_is_404_for_another_organisation_and_403_for_readers(client, api, member, org_a, org_b, editor,
                                                                      system, requirement, assess):
    assess("not_met")
    body = {"owner": editor.email, "due_date": "2030-06-30"}
    foreign = api(member(org_b, "coordinator"))
    assert _post(client, _url(system, requirement), body, foreign).status_code == 404
    # Nor can they name an assessment of theirs with someone else's requirement id that is not visible.
    own_b = SystemFactory(organisation=org_b)
    hidden = Requirement.objects.create(organisation=org_a, code="EGEN-01", area="access", title="Eget", text_is="Ä",
                                        text_shall="S", levels={"K": 1})
    assert _post(client, _url(own_b, hidden), body, foreign).status_code == 404
    assert _post(client, _url(system, requirement), body, api(member(org_a, "reader"))).status_code == 403
    assert _post(client, _url(system, requirement), body, api(member(org_a, "dpo"))).status_code == 403
    assert Action.objects.count() == 0
