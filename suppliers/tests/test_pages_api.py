import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suppliers.models import Contract, ContractAssessment
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def test_contract_form_keeps_input_on_error(org_a, member, login, it_supplier):
    client = login(member(org_a, "coordinator"))
    response = client.post(reverse("suppliers:contract_create"), {
        "supplier": it_supplier.pk, "kind": "main", "title": "Mitt avtal", "valid_from": "2024-05-01",
        "valid_until": "2023-01-01"})
    assert response.status_code == 200
    assert "Mitt avtal" in response.content.decode()
    assert not Contract.objects.exists()


def test_contract_create_and_detail(org_a, member, login, it_supplier, supplier_org):
    client = login(member(org_a, "coordinator"))
    response = client.post(reverse("suppliers:contract_create"), {
        "supplier": it_supplier.pk, "kind": "main", "title": "Huvudavtal 2024", "valid_from": "2024-01-01",
        "share_with_supplier": "on"})
    contract = Contract.objects.get()
    assert response.status_code == 302
    assert list(contract.shared_with.all()) == [supplier_org]
    page = client.get(reverse("suppliers:contract_detail", args=[contract.pk]))
    assert "Huvudavtal 2024" in page.content.decode()


def test_checklist_edit_htmx(org_a, member, login, it_supplier, make_contract, areas):
    client = login(member(org_a, "coordinator"))
    contract = make_contract(it_supplier)
    url = reverse("suppliers:assessment_edit", args=[contract.pk, areas[0].pk])
    response = client.post(url, {"status": "covered", "clause": "4.2", "comment": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="area-{areas[0].pk}"' in response.content.decode()
    assert ContractAssessment.objects.get().clause == "4.2"


def test_other_municipality_gets_404_and_supplier_member_reads_only(org_a, org_b, supplier_org, member, login,
                                                                   it_supplier, make_contract, areas, client):
    contract = make_contract(it_supplier)
    contract.shared_with.add(supplier_org)
    url = reverse("suppliers:assessment_edit", args=[contract.pk, areas[0].pk])
    login(member(org_b, "coordinator"))
    assert client.get(reverse("suppliers:contract_detail", args=[contract.pk])).status_code == 404
    assert client.post(url, {"status": "partly"}).status_code == 404
    login(member(supplier_org, "service_manager"))
    assert client.get(reverse("suppliers:contract_detail", args=[contract.pk])).status_code == 200
    assert client.post(url, {"status": "partly"}).status_code == 403
    assert not ContractAssessment.objects.exists()


def test_supplier_page_shows_gaps_and_turns_them_into_actions(org_a, member, login, it_supplier, make_contract, areas):
    client = login(member(org_a, "coordinator"))
    make_contract(it_supplier)
    page = client.get(reverse("suppliers:supplier_detail", args=[it_supplier.pk])).content.decode()
    assert areas[0].title in page
    client.post(reverse("suppliers:supplier_gaps_to_actions", args=[it_supplier.pk]))
    client.post(reverse("suppliers:supplier_gaps_to_actions", args=[it_supplier.pk]))
    from actions.models import Action
    assert Action.objects.count() == len(areas)


def test_api_contract_crud_and_tenancy(org_a, org_b, supplier_org, member, client, api, it_supplier, areas):
    headers = api(member(org_a, "coordinator"))
    body = {"supplier": it_supplier.pk, "title": "API-avtal", "valid_from": "2024-01-01", "shared_with_supplier": True}
    created = client.post("/api/suppliers/contracts", json.dumps(body), content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["shared_with_supplier"] is True
    bad = client.post("/api/suppliers/contracts", json.dumps({**body, "valid_until": "2023-01-01"}),
                      content_type="application/json", **headers)
    assert bad.status_code == 422 and "valid_until" in bad.json()["errors"]
    put = client.put(f"/api/suppliers/contracts/{pk}/assessments/audit", json.dumps({"status": "partly"}),
                     content_type="application/json", **headers)
    assert put.status_code == 200 and put.json()["status"] == "partly"
    assert client.get(f"/api/suppliers/{it_supplier.pk}/gaps", **headers).json()[0]["status"] == "not_assessed"
    other = api(member(org_b, "coordinator"))
    assert client.get(f"/api/suppliers/contracts/{pk}", **other).status_code == 404
    assert client.delete(f"/api/suppliers/contracts/{pk}", **other).status_code == 404
    reader = api(member(supplier_org, "service_manager"))
    assert client.get(f"/api/suppliers/contracts/{pk}", **reader).status_code == 200
    refused = client.put(f"/api/suppliers/contracts/{pk}", json.dumps({**body, "title": "Ändrad"}),
                         content_type="application/json", **reader)
    assert refused.status_code == 403
    assert client.post(f"/api/suppliers/{it_supplier.pk}/gaps/actions", **reader).status_code == 403
    assert Contract.objects.get().title == "API-avtal"
    assert client.delete(f"/api/suppliers/contracts/{pk}", **headers).status_code == 204
    assert not Contract.objects.exists()


def test_api_supplier_crud(org_a, org_b, member, client, api):
    headers = api(member(org_a, "coordinator"))
    made = client.post("/api/suppliers", json.dumps({"name": "Ny AB"}), content_type="application/json", **headers)
    assert made.status_code == 201
    assert client.get("/api/suppliers?q=ny", **headers).json()["count"] == 1
    assert client.get(f"/api/suppliers/{made.json()['id']}", **api(member(org_b, "coordinator"))).status_code == 404
    refused = client.post("/api/suppliers", json.dumps({"name": "X"}), content_type="application/json",
                          **api(member(org_a, "reader")))
    assert refused.status_code == 403


def _count(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx)


def _grow(org, n, start):
    for i in range(start, start + n):
        supplier = SupplierFactory(organisation=org, name=f"Leverantör {i:03d}")
        main = Contract.objects.create(organisation=org, supplier=supplier, title=f"Avtal {i}",
                                       valid_from=datetime.date(2020, 1, 1))
        Contract.objects.create(organisation=org, supplier=supplier, title=f"Del {i}", parent=main, kind="service")


@pytest.mark.parametrize("url", ["/suppliers/contracts/", "/suppliers/gaps/", "/api/suppliers/contracts",
                                 "/api/suppliers"])
def test_list_query_counts_do_not_grow(org_a, member, login, api, client, areas, url):
    user = member(org_a, "coordinator")
    headers = api(user) if url.startswith("/api/") else {}
    if not headers:
        login(user)
    _grow(org_a, 3, 0)
    _count(client, url, **headers)  # warm up: the first request also fills per-process caches
    small = _count(client, url, **headers)
    _grow(org_a, 30, 3)
    assert _count(client, url, **headers) == small
