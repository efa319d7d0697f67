"""Questions to a supplier about a contract, and the "Ask the supplier" links on record pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import ApiToken
from classification import services
from classification.models import SupplierQuestion
from core.tenancy import tenant_for
from suppliers.models import Contract
from tests.factories import SupplierFactory, SystemFactory

pytestmark = pytest.mark.django_db
FAR = datetime.date.today() + datetime.timedelta(days=60)


@pytest.fixture
def register(org_a, supplier_org):
    return SupplierFactory(organisation=org_a, name="Drift AB", tillit_organisation=supplier_org)


@pytest.fixture
def contract(org_a, register):
    return Contract.objects.create(organisation=org_a, supplier=register, title="Driftavtal 2024")


@pytest.fixture
def coordinator(tenant_of):
    return tenant_of("coordinator")


def _ask(tenant, supplier, **subject):
    return services.supplier_question_create(tenant=tenant, supplier=supplier, question="Hur testas kontinuiteten?",
                                             due_date=FAR, **subject)


# Rules ----------------------------------------------------------------------------------------

def test_a_question_about_an_own_contract_is_stored_and_named(coordinator, register, contract):
    q = _ask(coordinator, register, contract=contract)
    assert q.contract == contract and q.subject_label == "Driftavtal 2024"


def test_a_contract_alone_is_a_subject(coordinator, register, contract):
    assert _ask(coordinator, register, contract=contract).system is None


def test_another_municipalitys_contract_is_refused(coordinator, register, org_b):
    theirs = Contract.objects.create(organisation=org_b, supplier=SupplierFactory(organisation=org_b),
                                     title="Kommun B:s avtal")
    with pytest.raises(ValidationError) as exc:
        _ask(coordinator, register, contract=theirs)
    assert list(exc.value.message_dict) == ["contract"]
    assert not SupplierQuestion.objects.exists()


def test_a_contract_with_another_supplier_is_refused(coordinator, register, org_a):
    other = SupplierFactory(organisation=org_a, name="Annan leverantör")
    theirs = Contract.objects.create(organisation=org_a, supplier=other, title="Annat avtal")
    with pytest.raises(ValidationError) as exc:
        _ask(coordinator, register, contract=theirs)
    assert "another supplier" in exc.value.message_dict["contract"][0]
    assert not SupplierQuestion.objects.exists()


def test_the_supplier_cannot_ask_about_a_contract_shared_with_it(supplier_org, member, contract, org_a):
    """The buyer's contract shared with the supplier is not the supplier's own: it cannot ask about it."""
    contract.shared_with.add(supplier_org)
    own = SupplierFactory(organisation=supplier_org, name="Underleverantör")
    tenant = tenant_for(member(supplier_org, "admin"), supplier_org.pk)
    with pytest.raises(ValidationError) as exc:
        _ask(tenant, own, contract=contract)
    assert "contract" in exc.value.message_dict


# Pages ----------------------------------------------------------------------------------------

def test_the_contract_page_links_to_a_question_with_the_contract_and_supplier_filled_in(coordinator, login, contract,
                                                                                       register):
    client = login(coordinator.user)
    page = client.get(reverse("suppliers:contract_detail", args=[contract.pk])).content.decode()
    link = reverse("classification:question_new") + f"?contract={contract.pk}&amp;supplier={register.pk}"
    assert link in page
    form = client.get(reverse("classification:question_new") + f"?contract={contract.pk}").content.decode()
    assert f'<option value="{contract.pk}" selected>' in form
    assert f'<option value="{register.pk}" selected>' in form


def test_a_reader_gets_no_ask_link(tenant_of, login, contract):
    page = login(tenant_of("reader").user).get(reverse("suppliers:contract_detail", args=[contract.pk]))
    assert reverse("classification:question_new") not in page.content.decode()


def test_the_system_page_links_to_a_question_about_the_system(coordinator, login, org_a, register):
    system = SystemFactory(organisation=org_a, supplier=register)
    page = login(coordinator.user).get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    assert reverse("classification:question_new") + f"?system={system.pk}&amp;supplier={register.pk}" in page


def test_the_municipality_asks_about_a_contract_on_the_page_and_filters(coordinator, login, contract, register):
    client = login(coordinator.user)
    response = client.post(reverse("classification:question_new"), {
        "supplier": register.pk, "contract": contract.pk, "question": "Finns revisionsrätt?",
        "due_date": FAR.isoformat()})
    q = SupplierQuestion.objects.get()
    assert response.status_code == 302 and q.contract == contract
    listed = client.get(reverse("classification:questions") + "?subject=contract").content.decode()
    assert "Finns revisionsrätt?" in listed and "Driftavtal 2024" in listed
    assert "Finns revisionsrätt?" not in client.get(reverse("classification:questions") + "?subject=system").content.decode()
    detail = client.get(reverse("classification:question_detail", args=[q.pk])).content.decode()
    assert reverse("suppliers:contract_detail", args=[contract.pk]) in detail


def test_a_contract_of_another_supplier_on_the_page_keeps_what_was_typed(coordinator, login, contract, org_a):
    other = SupplierFactory(organisation=org_a, name="Annan leverantör")
    response = login(coordinator.user).post(reverse("classification:question_new"), {
        "supplier": other.pk, "contract": contract.pk, "question": "Min fråga om avtalet", "due_date": FAR.isoformat()})
    assert response.status_code == 200 and "Min fråga om avtalet" in response.content.decode()
    assert not SupplierQuestion.objects.exists()


def test_the_supplier_sees_which_contract_a_question_is_about(coordinator, register, contract, supplier_org, member,
                                                            login):
    _ask(coordinator, register, contract=contract)
    page = login(member(supplier_org, "service_manager")).get(reverse("classification:to_us")).content.decode()
    assert "Driftavtal 2024" in page


# API ------------------------------------------------------------------------------------------

def _api(client, user, org_slug):
    _, raw = ApiToken.issue(user=user, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_X_ORGANISATION": org_slug}

    def call(method, path, payload=None, **params):
        kwargs = {"content_type": "application/json", "data": payload} if payload is not None else {"data": params}
        return getattr(client, method)("/api/classification" + path, **kwargs, **headers)

    return call


def test_the_api_asks_about_a_contract_and_filters_by_it(client, coordinator, register, contract):
    call = _api(client, coordinator.user, "kommun-a")
    made = call("post", "/questions", {"supplier_id": register.pk, "contract_id": contract.pk, "question": "Fråga",
                                       "due_date": FAR.isoformat()})
    assert made.status_code == 201
    assert made.json()["contract_id"] == contract.pk and made.json()["contract"] == "Driftavtal 2024"
    assert call("get", "/questions", subject="contract").json()["count"] == 1
    assert call("get", "/questions", subject="requirement").json()["count"] == 0


def test_the_api_refuses_another_municipalitys_contract(client, coordinator, register, org_b):
    theirs = Contract.objects.create(organisation=org_b, supplier=SupplierFactory(organisation=org_b), title="B")
    call = _api(client, coordinator.user, "kommun-a")
    refused = call("post", "/questions", {"supplier_id": register.pk, "contract_id": theirs.pk, "question": "Fråga",
                                          "due_date": FAR.isoformat()})
    assert refused.status_code == 422 and "contract_id" in str(refused.json())
    assert not SupplierQuestion.objects.exists()


def test_the_api_refuses_a_contract_with_another_supplier(client, coordinator, contract, org_a):
    other = SupplierFactory(organisation=org_a, name="Annan leverantör")
    call = _api(client, coordinator.user, "kommun-a")
    refused = call("post", "/questions", {"supplier_id": other.pk, "contract_id": contract.pk, "question": "Fråga",
                                          "due_date": FAR.isoformat()})
    assert refused.status_code == 422 and "contract" in str(refused.json())
    assert not SupplierQuestion.objects.exists()
