"""Who may approve or send back a classification: the owner of a system holding the information, or an admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import ApiToken
from classification import deciders, services
from classification.models import Classification
from classification.questionnaire import QUESTIONS
from tests.factories import InformationTypeFactory, SystemFactory
from trail.models import AuditEntry


@pytest.fixture
def in_review(info, classify, tenant_of):
    c = classify(info)
    return services.classification_submit(tenant=tenant_of("coordinator"), classification=c)


@pytest.fixture
def other_info(org_a, member):
    """Information held only by a system another system owner owns."""
    information_type = InformationTypeFactory(organisation=org_a, name="Bygglovsakter")
    system = SystemFactory(organisation=org_a, name="Bygglov",
                           owner=member(org_a, "system_owner", email="other-owner@kommun-a.example"))
    system.information_types.add(information_type)
    return information_type


def test_the_rule_names_the_owner_and_the_administrator(in_review, tenant_of, other_info, classify):
    assert deciders.approval_refusal(tenant_of("system_owner"), in_review) is None
    assert deciders.approval_refusal(tenant_of("admin"), in_review) is None
    assert "owner" in deciders.approval_refusal(tenant_of("coordinator"), in_review)
    other = classify(other_info)
    assert "owner" in deciders.approval_refusal(tenant_of("system_owner"), other)


def test_a_system_owner_who_owns_no_system_holding_it_may_not_approve(other_info, classify, tenant_of):
    c = services.classification_submit(tenant=tenant_of("coordinator"), classification=classify(other_info))
    owner = tenant_of("system_owner")
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        services.classification_approve(tenant=owner, classification=c)
    assert "owner of a system" in str(refused.value)
    c.refresh_from_db()
    assert (c.status, c.approved_by, c.version) == ("review", None, 2)
    assert AuditEntry.objects.count() == entries
    assert services.classification_approve(tenant=tenant_of("admin"), classification=c).status == "approved"


def test_the_api_refuses_with_the_reason_and_changes_nothing(client, other_info, classify, tenant_of):
    c = services.classification_submit(tenant=tenant_of("coordinator"), classification=classify(other_info))
    _, raw = ApiToken.issue(user=tenant_of("system_owner").user, name="test")
    response = client.post(f"/api/classification/{c.pk}/approve", HTTP_AUTHORIZATION=f"Bearer {raw}",
                           HTTP_X_ORGANISATION="kommun-a")
    assert response.status_code == 403
    assert "owner of a system" in response.json()["detail"]
    assert Classification.objects.get(pk=c.pk).status == "review"


def test_the_page_hides_approve_and_refuses_it_for_a_non_owner(login, other_info, classify, tenant_of):
    c = services.classification_submit(tenant=tenant_of("coordinator"), classification=classify(other_info))
    client = login(tenant_of("system_owner").user)
    page = client.get(reverse("classification:detail", args=[c.pk])).content.decode()
    assert reverse("classification:approve", args=[c.pk]) not in page
    assert "owner of a system" in page
    assert client.post(reverse("classification:approve", args=[c.pk])).status_code == 403
    assert Classification.objects.get(pk=c.pk).status == "review"


def test_sending_back_asks_for_a_reason_and_keeps_who_when_why(in_review, tenant_of):
    with pytest.raises(ValidationError) as refused:
        services.classification_reopen(tenant=tenant_of("system_owner"), classification=in_review, reason="  ")
    assert "reason" in refused.value.message_dict
    in_review.refresh_from_db()
    assert in_review.status == "review"
    back = services.classification_reopen(tenant=tenant_of("system_owner"), classification=in_review,
                                          reason=" Tillgängligheten är för lågt bedömd. ")
    assert (back.status, back.returned_by, back.returned_reason) == (
        "draft", tenant_of("system_owner").user, "Tillgängligheten är för lågt bedömd.")
    assert back.returned_at is not None


def test_sending_back_on_the_page_and_through_the_api(in_review, tenant_of, login, client):
    web = login(tenant_of("system_owner").user)
    url = reverse("classification:reopen", args=[in_review.pk])
    web.post(url, {"reason": ""})
    assert Classification.objects.get().status == "review"
    page = web.get(reverse("classification:detail", args=[in_review.pk])).content.decode()
    assert 'name="reason"' in page and 'for="send-back-reason"' in page
    _, raw = ApiToken.issue(user=tenant_of("coordinator").user, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": "kommun-a"}
    blank = client.post(f"/api/classification/{in_review.pk}/reopen", {}, content_type="application/json", **headers)
    assert blank.status_code == 422 and "reason" in blank.json()["errors"]
    done = client.post(f"/api/classification/{in_review.pk}/reopen", {"reason": "Komplettera svaren."},
                       content_type="application/json", **headers)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["returned_reason"]) == ("draft", "Komplettera svaren.")
    page = web.get(reverse("classification:detail", args=[in_review.pk])).content.decode()
    assert "Komplettera svaren." in page


def test_unanswered_questions_are_listed_on_a_draft(info, tenant_of, login):
    first, second = QUESTIONS[0], QUESTIONS[1]
    answers = {q.id: (False if q.kind == "yes_no" else ["none"] if q.kind == "multi" else q.options[0][0])
               for q in QUESTIONS if q not in (first, second)}
    c = services.classification_save(tenant=tenant_of("coordinator"), information_type=info, answers=answers,
                                     reasoning={})
    page = login(tenant_of("coordinator").user).get(reverse("classification:detail", args=[c.pk])).content.decode()
    assert "2 questions are still unanswered" in page
    assert f"#id_q_{first.id}" in page and f"#id_q_{second.id}" in page
