"""Who may do what in audits (organisations/roles.py): the auditor (AUDIT_EDIT) writes audits,
assessments and observations of the audits it carries out; the audited organisation
(AUDIT_RESPOND) responds; nobody writes in another organisation's audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audits import services
from audits.models import Assessment, Audit, FrameworkRequirement, Observation, Recommendation
from organisations.roles import ROLE_PERMISSIONS, Perm, Role

pytestmark = pytest.mark.django_db

OBSERVATION = {"title": "Avtalet saknar säkerhetskrav", "description": "Huvudavtalet reglerar inte säkerheten.",
               "priority": "short"}


def test_the_permission_table():
    edit = {r for r, perms in ROLE_PERMISSIONS.items() if Perm.AUDIT_EDIT in perms}
    respond = {r for r, perms in ROLE_PERMISSIONS.items() if Perm.AUDIT_RESPOND in perms}
    assert edit == {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}
    assert respond == {Role.ADMIN, Role.COORDINATOR}


@pytest.mark.parametrize("role", ["reader", "system_owner", "dpo", "supplier"])
def test_roles_without_audit_edit_create_no_audit(org_a, as_member, role):
    _user, tenant = as_member(org_a, role)
    with pytest.raises(PermissionDenied):
        services.audit_save(tenant=tenant, audit=None, data={"title": "Egen granskning"})
    assert not Audit.objects.exists()


def test_the_auditor_carries_out_the_audit(auditor_a, audit_a, frameworks):
    assert list(audit_a.auditors.all()) == [auditor_a.user]
    assert set(audit_a.frameworks.all()) == set(frameworks)
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None,
                                    data={**OBSERVATION, "recommendations": ["Komplettera avtalet.", "Följ upp."]})
    assert [(r.number, r.text) for r in obs.recommendations.order_by("number")] == [
        (1, "Komplettera avtalet."), (2, "Följ upp.")]
    second = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data=OBSERVATION)
    assert (obs.number, second.number) == (1, 2)
    requirement = FrameworkRequirement.objects.filter(framework=frameworks[0]).first()
    row = services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=requirement, level=2,
                                   evidence=[{"label": "Avtal", "url": "/suppliers/contracts/1/"}])
    assert (row.level, row.assessed_by, row.organisation_id) == (2, auditor_a.user, audit_a.organisation_id)
    # Assessing again changes the same row.
    services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=requirement, level=3)
    assert Assessment.objects.get().level == 3


def test_the_auditor_does_not_respond(auditor_a, audit_a):
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data=OBSERVATION)
    with pytest.raises(PermissionDenied):
        services.respond(tenant=auditor_a, observation=obs, response="Vi åtgärdar.")
    obs.refresh_from_db()
    assert obs.response == ""


def test_the_audited_organisation_responds(auditor_a, tenant_a, audit_a):
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data=OBSERVATION)
    with pytest.raises(ValidationError) as exc:
        services.respond(tenant=tenant_a, observation=obs, response="  ")
    assert "response" in exc.value.message_dict
    services.respond(tenant=tenant_a, observation=obs, response="Avtalet kompletteras under hösten.")
    obs.refresh_from_db()
    assert (obs.response, obs.responded_by) == ("Avtalet kompletteras under hösten.", tenant_a.user)
    assert obs.responded_at is not None


def test_a_reader_neither_writes_nor_responds(org_a, as_member, auditor_a, audit_a):
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data=OBSERVATION)
    _user, reader = as_member(org_a, "reader")
    with pytest.raises(PermissionDenied):
        services.observation_save(tenant=reader, audit=audit_a, observation=None, data=OBSERVATION)
    with pytest.raises(PermissionDenied):
        services.respond(tenant=reader, observation=obs, response="Vi åtgärdar.")
    assert Observation.objects.count() == 1


def test_only_the_audits_own_auditors_write_in_it(org_a, as_member, audit_a):
    _user, other = as_member(org_a, "auditor", email="revisor2@kommun-a.example")
    with pytest.raises(PermissionDenied) as exc:
        services.observation_save(tenant=other, audit=audit_a, observation=None, data=OBSERVATION)
    assert str(exc.value) == str(services.NOT_AUDITOR)
    with pytest.raises(PermissionDenied):
        services.audit_save(tenant=other, audit=audit_a, data={"title": "Ändrad"})
    audit_a.refresh_from_db()
    assert audit_a.title != "Ändrad" and not Observation.objects.exists()


def test_an_auditor_of_another_organisation_writes_nothing_here(org_b, as_member, audit_a):
    _user, outsider = as_member(org_b, "auditor")
    with pytest.raises((Http404, PermissionDenied)):
        services.observation_save(tenant=outsider, audit=audit_a, observation=None, data=OBSERVATION)
    with pytest.raises((Http404, PermissionDenied)):
        services.audit_save(tenant=outsider, audit=audit_a, data={"title": "Ändrad"})
    with pytest.raises((Http404, PermissionDenied)):
        services.adopt_findings(tenant=outsider, audit=audit_a)
    assert not Observation.objects.exists()


def test_the_auditors_must_be_members_of_the_audited_organisation(auditor_a, org_b, as_member):
    outsider, _tenant = as_member(org_b, "auditor")
    with pytest.raises(ValidationError) as exc:
        services.audit_save(tenant=auditor_a, audit=None, data={"title": "Granskning", "auditors": [outsider]})
    assert "auditors" in exc.value.message_dict
    assert not Audit.objects.exists()


def test_bad_input_saves_nothing(auditor_a, audit_a, frameworks):
    with pytest.raises(ValidationError) as exc:
        services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data={**OBSERVATION,
                                                                                           "priority": "urgent"})
    assert "priority" in exc.value.message_dict
    requirement = FrameworkRequirement.objects.filter(framework=frameworks[0]).first()
    for level in (-1, 6, "fem", None):
        with pytest.raises(ValidationError) as exc:
            services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=requirement, level=level)
        assert "level" in exc.value.message_dict
    nis2 = FrameworkRequirement.objects.filter(framework__key="nis2-art21").first()
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=nis2, level=2)
    assert "requirement" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(tenant=auditor_a, audit=audit_a, requirement=requirement, level=2,
                                 evidence=[{"label": "Extern", "url": "https://example.com/"}])
    assert "evidence" in exc.value.message_dict
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data=OBSERVATION)
    with pytest.raises(ValidationError):
        services.recommendation_add(tenant=auditor_a, observation=obs, text=" ")
    assert not Assessment.objects.exists()
    assert Observation.objects.count() == 1 and not Recommendation.objects.exists()


def test_recommendation_to_action_needs_an_owner_of_the_organisation_and_a_due_date(tenant_a, auditor_a, audit_a,
                                                                                     org_b, as_member, today):
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None,
                                    data={**OBSERVATION, "recommendations": ["Komplettera avtalet."]})
    rec = obs.recommendations.get()
    with pytest.raises(ValidationError) as exc:
        services.recommendation_to_action(tenant=tenant_a, recommendation=rec, owner=None, due_date=None)
    assert {"owner", "due_date"} <= set(exc.value.message_dict)
    outsider, _tenant = as_member(org_b, "coordinator")
    with pytest.raises(ValidationError) as exc:
        services.recommendation_to_action(tenant=tenant_a, recommendation=rec, owner=outsider,
                                          due_date=today + datetime.timedelta(days=30))
    assert "owner" in exc.value.message_dict
    rec.refresh_from_db()
    assert rec.action is None

    action = services.recommendation_to_action(tenant=tenant_a, recommendation=rec, owner=tenant_a.user,
                                               due_date=today + datetime.timedelta(days=30))
    assert (action.organisation_id, action.owner, action.title) == (audit_a.organisation_id, tenant_a.user,
                                                                    "Komplettera avtalet.")
    assert action.source == rec and "1.1" in action.source_label
    rec.refresh_from_db()
    assert rec.action == action
    with pytest.raises(ValidationError):
        services.recommendation_to_action(tenant=tenant_a, recommendation=rec, owner=tenant_a.user,
                                          due_date=today + datetime.timedelta(days=30))


def test_the_audits_auditor_puts_its_recommendation_in_the_plan_and_nothing_else(auditor_a, tenant_a, audit_a,
                                                                                  today):
    """The auditor writes nothing in the plan but its own audit's recommendations: ACTION_EDIT is
    lent for that one action (Tenant.granting), not held."""
    from actions.models import Action
    from actions.services import action_create

    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None,
                                    data={**OBSERVATION, "recommendations": ["Komplettera avtalet."]})
    rec = obs.recommendations.get()
    action = services.recommendation_to_action(tenant=auditor_a, recommendation=rec, owner=tenant_a.user,
                                               due_date=today + datetime.timedelta(days=30))
    assert (action.organisation_id, action.owner, action.source_id) == (audit_a.organisation_id, tenant_a.user,
                                                                        str(rec.pk))
    assert not auditor_a.can(Perm.ACTION_EDIT)
    with pytest.raises(PermissionDenied):
        action_create(tenant=auditor_a, title="Egen åtgärd")
    assert Action.objects.count() == 1


def test_an_auditor_not_of_this_audit_does_not_write_in_the_plan(auditor_a, tenant_a, audit_a, org_a, as_member,
                                                                 today):
    from actions.models import Action

    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None,
                                    data={**OBSERVATION, "recommendations": ["Komplettera avtalet."]})
    _user, other_auditor = as_member(org_a, "auditor", email="annan.granskare@kommun-a.example")
    with pytest.raises(PermissionDenied) as exc:
        services.recommendation_to_action(tenant=other_auditor, recommendation=obs.recommendations.get(),
                                          owner=tenant_a.user, due_date=today + datetime.timedelta(days=30))
    assert str(exc.value) == str(services.PLAN_REQUIRED)
    assert not Action.objects.exists()


def test_the_auditor_changes_an_observation_and_its_recommendations_follow(auditor_a, tenant_a, audit_a, today):
    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None,
                                    data={**OBSERVATION, "recommendations": ["Första.", "Andra.", "Tredje."]})
    first = obs.recommendations.get(number=1)
    services.recommendation_to_action(tenant=tenant_a, recommendation=first, owner=tenant_a.user,
                                      due_date=today + datetime.timedelta(days=30))
    services.observation_update(tenant=auditor_a, observation=obs, data={
        **OBSERVATION, "priority": "medium", "recommendations": ["Första.", "Andra, skärpt."]})
    obs.refresh_from_db()
    assert obs.priority == "medium"
    assert [(r.number, r.text) for r in obs.recommendations.order_by("number")] == [(1, "Första."),
                                                                                    (2, "Andra, skärpt.")]
    # A recommendation already in the plan is kept as written.
    with pytest.raises(ValidationError):
        services.observation_update(tenant=auditor_a, observation=obs, data={**OBSERVATION,
                                                                          "recommendations": ["Ändrad första."]})
    assert obs.recommendations.get(number=1).text == "Första."


def test_an_observation_in_the_plan_is_not_removed_and_others_move_up(auditor_a, tenant_a, audit_a, today):
    one = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None,
                                    data={**OBSERVATION, "recommendations": ["Gör något."]})
    two = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data=OBSERVATION)
    three = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None, data=OBSERVATION)
    services.recommendation_to_action(tenant=tenant_a, recommendation=one.recommendations.get(), owner=tenant_a.user,
                                      due_date=today + datetime.timedelta(days=30))
    with pytest.raises(ValidationError):
        services.observation_delete(tenant=auditor_a, observation=one)
    with pytest.raises(PermissionDenied):
        services.observation_delete(tenant=tenant_a, observation=two)  # not one of the audit's auditors
    services.observation_delete(tenant=auditor_a, observation=two)
    three.refresh_from_db()
    assert three.number == 2
    assert Observation.objects.filter(pk=two.pk).count() == 0


def test_another_organisation_cannot_turn_the_recommendation_into_an_action(auditor_a, audit_a, org_b, as_member,
                                                                            today):
    from actions.models import Action

    obs = services.observation_save(tenant=auditor_a, audit=audit_a, observation=None,
                                    data={**OBSERVATION, "recommendations": ["Komplettera avtalet."]})
    user, outsider = as_member(org_b, "coordinator")
    with pytest.raises(Http404):
        services.recommendation_to_action(tenant=outsider, recommendation=obs.recommendations.get(), owner=user,
                                          due_date=today + datetime.timedelta(days=30))
    assert not Action.objects.exists()
