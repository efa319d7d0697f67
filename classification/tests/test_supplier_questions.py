"""Questions to suppliers: asked by a municipality, answered by the supplier's members in Tillit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from classification import reminders, selectors, services, workqueue
from classification.models import SupplierQuestion
from core.tenancy import tenant_for
from tests.factories import OrganisationFactory, SupplierFactory, SystemFactory

pytestmark = pytest.mark.django_db
FAR = datetime.date.today() + datetime.timedelta(days=60)


@pytest.fixture
def register(org_a, supplier_org):
    """Kommun A's register entry for Drift AB, which is in Tillit."""
    return SupplierFactory(organisation=org_a, name="Drift AB", tillit_organisation=supplier_org)


@pytest.fixture
def supplier_tenant(supplier_org, member):
    made = {}

    def make(role="service_manager", org=None):
        org = org or supplier_org
        key = (role, org.pk)
        if key not in made:
            made[key] = tenant_for(member(org, role), org.pk)
        return made[key]

    return make


@pytest.fixture
def ask(tenant_of, register, org_a):
    def make(text="Hur länge sparas loggarna?", *, tenant=None, supplier=None, due_date=FAR, **subject):
        if not subject:
            subject = {"system": SystemFactory(organisation=org_a)}
        return services.supplier_question_create(tenant=tenant or tenant_of("coordinator"), supplier=supplier or register,
                                                 question=text, due_date=due_date, **subject)

    return make


# Rules ----------------------------------------------------------------------------------------

def test_a_question_needs_a_subject(tenant_of, register):
    with pytest.raises(ValidationError) as exc:
        services.supplier_question_create(tenant=tenant_of("coordinator"), supplier=register, question="Fråga",
                                          due_date=FAR)
    assert "subject" in exc.value.message_dict
    assert not SupplierQuestion.objects.exists()


def test_a_system_of_another_organisation_is_refused(ask, org_b):
    with pytest.raises(ValidationError) as exc:
        ask(system=SystemFactory(organisation=org_b))
    assert "system" in exc.value.message_dict


def test_who_asked_is_stored(ask, tenant_of):
    assert ask().asked_by == tenant_of("coordinator").user


def test_an_open_question_blocks_its_classification_until_the_supplier_answers(ask, info, classify, tenant_of,
                                                                             supplier_tenant):
    c = classify(info)
    q = ask(classification=c)
    with pytest.raises(ValidationError):
        services.classification_submit(tenant=tenant_of("coordinator"), classification=c)
    services.supplier_question_reply(tenant=supplier_tenant(), question_id=q.pk, answer="18 månader.")
    c.refresh_from_db()
    assert services.classification_submit(tenant=tenant_of("coordinator"), classification=c).status == "review"


def test_answering_twice_updates_the_answer_and_the_history_keeps_the_first(ask, supplier_tenant):
    from trail.selectors import record_history

    q = ask()
    services.supplier_question_reply(tenant=supplier_tenant(), question_id=q.pk, answer="Första svaret")
    services.supplier_question_reply(tenant=supplier_tenant("security_lead"), question_id=q.pk, answer="Andra svaret")
    q.refresh_from_db()
    assert q.answer == "Andra svaret" and q.answered_by == supplier_tenant("security_lead").user
    assert q.answered_at is not None and q.answered_on is not None
    assert "Första svaret" in str([e.changes for e in record_history(obj=q)])


def test_a_supplier_cannot_answer_for_a_municipality_it_does_not_serve(ask, supplier_tenant):
    other = OrganisationFactory(name="Annan drift AB", slug="annan-drift", kind="supplier")
    q = ask()
    with pytest.raises(Http404):
        services.supplier_question_reply(tenant=supplier_tenant(org=other), question_id=q.pk, answer="Svar")
    q.refresh_from_db()
    assert q.is_open


def test_a_municipal_member_cannot_answer_for_a_supplier_in_tillit(ask, tenant_of):
    q = ask()
    with pytest.raises(PermissionDenied):
        services.supplier_question_answer(tenant=tenant_of("coordinator"), question=q, answer="Svar")
    q.refresh_from_db()
    assert q.is_open


def test_an_answer_by_e_mail_is_recorded_with_who_recorded_it(ask, tenant_of, org_a):
    q = ask(supplier=SupplierFactory(organisation=org_a))
    services.supplier_question_answer(tenant=tenant_of("coordinator"), question=q, answer="Svar via e-post")
    q.refresh_from_db()
    assert not q.is_open and q.recorded_by == tenant_of("coordinator").user and q.answered_by is None


def test_the_municipality_cannot_reply_as_the_supplier(ask, tenant_of):
    q = ask()
    with pytest.raises(PermissionDenied):
        services.supplier_question_reply(tenant=tenant_of("coordinator"), question_id=q.pk, answer="Svar")


# Reminders and work queue ---------------------------------------------------------------------

def test_reminders_go_to_the_asker_when_overdue_and_to_the_supplier_members(ask, supplier_tenant, tenant_of):
    today = datetime.date.today()
    manager, lead = supplier_tenant().user, supplier_tenant("security_lead").user
    q = ask(due_date=today)
    later = today + datetime.timedelta(days=1)
    found = list(reminders.supplier_questions_due(today=later, horizon=later + datetime.timedelta(days=7)))
    recipients = {r.recipient_id: r for r in found}
    assert recipients[tenant_of("coordinator").user.pk].path == reverse("classification:question_detail", args=[q.pk])
    assert recipients[manager.pk].path == reverse("classification:to_us_answer", args=[q.pk])
    assert recipients[manager.pk].organisation_id == supplier_tenant().organisation.pk
    assert lead.pk in recipients
    services.supplier_question_reply(tenant=supplier_tenant(), question_id=q.pk, answer="Svar")
    assert not list(reminders.supplier_questions_due(today=later, horizon=later))


def test_the_work_queue_shows_questions_to_answer_and_to_chase(ask, supplier_tenant, tenant_of):
    today = datetime.date.today()
    ask("Sen fråga", due_date=today)
    ask("Tidig fråga")
    groups = workqueue.items(tenant=supplier_tenant(), today=today + datetime.timedelta(days=1))
    assert len(groups) == 1 and groups[0].total == 2 and groups[0].items[0].overdue
    assert groups[0].items[0].title == "Sen fråga"
    coordinator_groups = workqueue.items(tenant=tenant_of("coordinator"), today=today)
    assert coordinator_groups[0].total == 2
    assert workqueue.items(tenant=tenant_of("reader"), today=today) == []


# Pages ----------------------------------------------------------------------------------------

def test_the_supplier_lists_and_answers_questions_labelled_with_the_municipality(ask, supplier_tenant, login):
    q = ask("Hur testas återläsning?")
    client = login(supplier_tenant().user)
    page = client.get(reverse("classification:to_us")).content.decode()
    assert "Hur testas återläsning?" in page and "Kommun A" in page
    response = client.post(reverse("classification:to_us_answer", args=[q.pk]), {"answer": "Kvartalsvis."})
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.answer == "Kvartalsvis." and q.answered_by == supplier_tenant().user


def test_an_empty_answer_is_refused_on_the_page(ask, supplier_tenant, login):
    q = ask()
    response = login(supplier_tenant().user).post(reverse("classification:to_us_answer", args=[q.pk]), {"answer": ""})
    assert response.status_code == 200
    q.refresh_from_db()
    assert q.is_open


def test_another_supplier_organisation_sees_nothing(ask, supplier_tenant, login):
    other = OrganisationFactory(name="Annan drift AB", slug="annan-drift", kind="supplier")
    q = ask("Hemlig fråga")
    client = login(supplier_tenant(org=other).user)
    assert "Hemlig fråga" not in client.get(reverse("classification:to_us")).content.decode()
    assert client.get(reverse("classification:to_us_answer", args=[q.pk])).status_code == 404
    assert client.post(reverse("classification:to_us_answer", args=[q.pk]), {"answer": "x"}).status_code == 404
    q.refresh_from_db()
    assert q.is_open


def test_the_supplier_sees_none_of_the_municipalitys_other_records(ask, supplier_tenant, login, org_a, info, classify):
    c = classify(info)
    ask(classification=c)
    client = login(supplier_tenant().user)
    assert client.get(reverse("classification:detail", args=[c.pk])).status_code == 404
    assert "Kommun A" not in client.get(reverse("classification:questions")).content.decode()


def test_a_municipal_member_cannot_answer_for_a_supplier_in_tillit_on_the_page(ask, tenant_of, login):
    q = ask()
    client = login(tenant_of("coordinator").user)
    assert client.post(reverse("classification:question_answer", args=[q.pk]), {"answer": "x"}).status_code == 403
    assert client.get(reverse("classification:to_us")).status_code == 403
    q.refresh_from_db()
    assert q.is_open


def test_a_supplier_member_cannot_use_the_municipal_answer_form(ask, supplier_tenant, login):
    q = ask()
    response = login(supplier_tenant().user).post(reverse("classification:question_answer", args=[q.pk]), {"answer": "x"})
    assert response.status_code == 403
    q.refresh_from_db()
    assert q.is_open


def test_another_municipality_sees_nothing(ask, org_b, member, login):
    q = ask("Kommun A:s fråga")
    client = login(member(org_b, "coordinator"))
    assert client.get(reverse("classification:question_detail", args=[q.pk])).status_code == 404
    assert "Kommun A:s fråga" not in client.get(reverse("classification:questions")).content.decode()


def test_the_municipality_asks_from_the_list_and_filters(tenant_of, login, register, org_a):
    system = SystemFactory(organisation=org_a, name="Loggserver")
    client = login(tenant_of("coordinator").user)
    form = client.get(reverse("classification:question_new") + f"?system={system.pk}").content.decode()
    assert "Loggserver" in form
    response = client.post(reverse("classification:question_new"), {
        "supplier": register.pk, "system": system.pk, "question": "Hur länge sparas loggarna?",
        "due_date": FAR.isoformat()})
    q = SupplierQuestion.objects.get()
    assert response.status_code == 302 and q.system == system and q.asked_by == tenant_of("coordinator").user
    page = client.get(reverse("classification:questions") + f"?supplier={register.pk}&subject=system").content.decode()
    assert "Hur länge sparas loggarna?" in page
    page = client.get(reverse("classification:questions") + "?subject=classification").content.decode()
    assert "Hur länge sparas loggarna?" not in page


def test_asking_without_a_subject_keeps_what_was_typed(tenant_of, login, register):
    client = login(tenant_of("coordinator").user)
    response = client.post(reverse("classification:question_new"), {
        "supplier": register.pk, "question": "Min fråga utan ämne", "due_date": FAR.isoformat()})
    assert response.status_code == 200 and "Min fråga utan ämne" in response.content.decode()
    assert not SupplierQuestion.objects.exists()


def test_who_answered_is_shown_to_the_municipality(ask, supplier_tenant, tenant_of, login):
    q = ask()
    services.supplier_question_reply(tenant=supplier_tenant(), question_id=q.pk, answer="Svar från driften")
    page = login(tenant_of("reader").user).get(reverse("classification:question_detail", args=[q.pk])).content.decode()
    assert "Svar från driften" in page and supplier_tenant().user.email in page


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_supplier_list_runs_a_constant_number_of_queries(ask, supplier_tenant, login, org_a):
    client = login(supplier_tenant().user)
    for i in range(3):
        ask(f"Fråga {i:03d}")
    small = _count(client, reverse("classification:to_us"))
    for i in range(3, 30):
        ask(f"Fråga {i:03d}", system=SystemFactory(organisation=org_a))
    assert "Fråga 029" in client.get(reverse("classification:to_us") + "?view=all").content.decode()
    assert _count(client, reverse("classification:to_us")) == small


# API ------------------------------------------------------------------------------------------

def _api(client, user, org_slug):
    _, raw = ApiToken.issue(user=user, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": org_slug}

    def call(method, path, payload=None, **params):
        kwargs = {"content_type": "application/json", "data": payload} if payload is not None else {"data": params}
        return getattr(client, method)("/api/classification" + path, **kwargs, **headers)

    return call


def test_the_supplier_lists_and_answers_through_the_api(client, ask, supplier_tenant, supplier_org):
    q = ask()
    call = _api(client, supplier_tenant().user, supplier_org.slug)
    listed = call("get", "/questions-to-us").json()
    assert listed["count"] == 1 and listed["results"][0]["organisation"] == "Kommun A"
    answer = call("post", f"/questions-to-us/{q.pk}/answer", {"answer": "Svar"})
    assert answer.status_code == 200 and answer.json()["answered_by"] == supplier_tenant().user.email
    again = call("put", f"/questions-to-us/{q.pk}/answer", {"answer": "Nytt svar"})
    assert again.json()["answer"] == "Nytt svar"
    assert call("post", f"/questions-to-us/{q.pk}/answer", {"answer": ""}).status_code in (400, 422)
    assert call("get", "/questions-to-us", view="answered").json()["count"] == 1


def test_the_api_refuses_other_suppliers_and_municipal_members(client, ask, supplier_tenant, tenant_of):
    other = OrganisationFactory(name="Annan drift AB", slug="annan-drift", kind="supplier")
    q = ask()
    outsider = _api(client, supplier_tenant(org=other).user, other.slug)
    assert outsider("get", "/questions-to-us").json()["count"] == 0
    refused = outsider("post", f"/questions-to-us/{q.pk}/answer", {"answer": "x"})
    assert refused.status_code == 404 and "detail" in refused.json()
    municipal = _api(client, tenant_of("coordinator").user, "kommun-a")
    assert municipal("post", f"/questions-to-us/{q.pk}/answer", {"answer": "x"}).status_code == 403
    assert municipal("post", f"/questions/{q.pk}/answer", {"answer": "x"}).status_code == 403
    q.refresh_from_db()
    assert q.is_open


def test_the_municipality_asks_through_the_api(client, tenant_of, register, org_a):
    system = SystemFactory(organisation=org_a)
    call = _api(client, tenant_of("coordinator").user, "kommun-a")
    made = call("post", "/questions", {"supplier_id": register.pk, "system_id": system.pk, "question": "Fråga",
                                       "due_date": FAR.isoformat()})
    assert made.status_code == 201 and made.json()["system_id"] == system.pk
    assert made.json()["asked_by"] == tenant_of("coordinator").user.email
    missing = call("post", "/questions", {"supplier_id": register.pk, "question": "Fråga", "due_date": FAR.isoformat()})
    assert missing.status_code == 422 and "subject" in str(missing.json())
    assert call("get", "/questions", subject="system").json()["count"] == 1
    assert call("get", "/questions", subject="requirement").json()["count"] == 0


def test_the_questions_to_us_endpoint_runs_a_constant_number_of_queries(client, ask, supplier_tenant, supplier_org,
                                                                        org_a):
    call = _api(client, supplier_tenant().user, supplier_org.slug)
    for i in range(3):
        ask(f"Fråga {i}")
    call("get", "/questions-to-us")
    with CaptureQueriesContext(connection) as small:
        call("get", "/questions-to-us")
    for i in range(3, 30):
        ask(f"Fråga {i}", system=SystemFactory(organisation=org_a))
    with CaptureQueriesContext(connection) as large:
        assert call("get", "/questions-to-us").json()["count"] == 30
    assert len(large.captured_queries) == len(small.captured_queries)
