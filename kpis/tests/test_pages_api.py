import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis import importexport, services
from kpis.models import KpiCorrection, KpiDefinition, KpiReport, KpiValue, KpiVerdict
from kpis.tests.conftest import TODAY


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _csv(text, name="v.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_pages_for_the_supplier_and_a_municipality(world, make_definition, report, login, client):
    d = make_definition()
    r = report(d, "99.1")
    login(world["people"]["manager"])
    for url in ("/kpis/", f"/kpis/{d.pk}/", "/kpis/reports/", f"/kpis/reports/{r.pk}/", "/kpis/reports/new/",
                "/kpis/reports/import/", "/kpis/new/", f"/kpis/{d.pk}/edit/"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/kpis/{d.pk}/").content.decode()
    assert "<svg" in page and "Kommun A" in page
    assert client.get(f"/kpis/{d.pk}/export/")["Content-Type"].startswith("application/vnd.openxmlformats")
    login(world["people"]["coord_a"])
    for url in ("/kpis/", f"/kpis/{d.pk}/", "/kpis/reports/", "/kpis/reports/?awaiting=1", f"/kpis/reports/{r.pk}/",
                "/kpis/follow-up/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/kpis/reports/new/").status_code == 403


def test_verdict_form_and_action(world, make_definition, report, login, client):
    r = report(make_definition(), "99")
    login(world["people"]["coord_a"])
    response = client.post(f"/kpis/reports/{r.pk}/verdict/", {"verdict": "remarks", "comment": ""})
    assert response.status_code == 422 and KpiVerdict.objects.count() == 0
    client.post(f"/kpis/reports/{r.pk}/verdict/", {"verdict": "remarks", "comment": "Saknar orsak"})
    verdict = KpiVerdict.objects.get()
    assert verdict.organisation == world["a"]
    client.post(f"/kpis/verdicts/{verdict.pk}/action/")
    client.post(f"/kpis/verdicts/{verdict.pk}/action/")
    verdict.refresh_from_db()
    assert verdict.action is not None
    from actions.models import Action
    assert Action.objects.count() == 1


def test_page_tenancy(world, make_definition, report, login, client, member):
    r = report(make_definition(), "99", to=[world["a"]])
    login(world["people"]["coord_b"])
    assert client.get(f"/kpis/reports/{r.pk}/").status_code == 404
    assert client.post(f"/kpis/reports/{r.pk}/verdict/", {"verdict": "approved"}).status_code == 404
    login(world["people"]["manager"])
    assert client.post(f"/kpis/reports/{r.pk}/verdict/", {"verdict": "approved"}).status_code == 403
    assert KpiVerdict.objects.count() == 0


def test_report_form_enters_all_values_at_once(world, make_definition, login, client):
    d1 = make_definition()
    d2 = make_definition(name="Incidenter", unit="count", target=2, direction="lower")
    login(world["people"]["manager"])
    response = client.post("/kpis/reports/new/", {
        "period_kind": "month", "period_start": "2025-11-01", "customers": [world["a"].pk, world["b"].pk],
        f"value_{d1.pk}": "99,7", f"value_{d2.pk}": "1", "comment": ""})
    assert response.status_code == 302
    assert KpiValue.objects.count() == 2
    response = client.post("/kpis/reports/new/", {
        "period_kind": "month", "period_start": "2025-11-01", "customers": [world["a"].pk],
        f"value_{d1.pk}": "101"})
    assert response.status_code == 200 and KpiReport.objects.count() == 1


def test_import_groups_rows_and_reports_errors_per_row(world, make_definition, login, client):
    d = make_definition(name="Tillgänglighet")
    make_definition(name="Incidenter", unit="count", target=2, direction="lower")
    bad = _csv("Period;KPI;Customer;Value;Comment\n2026-10;Tillgänglighet;;99,6;\n2026-13;Okänd;annan;x;\n"
               "2026-10;Incidenter;kommun-a;-1;\n")
    result = importexport.values_import(tenant=world["t"]["supplier"], file=bad, today=TODAY)
    assert {(e.row, e.column) for e in result.errors} == {(3, "Period"), (3, "KPI"), (3, "Customer"), (3, "Value"),
                                                          (4, "Value")}
    assert KpiReport.objects.count() == 0
    good = _csv("Period;KPI;Customer;Value;Comment\n2026-10;Tillgänglighet;;99,6;\n2026-10;Incidenter;kommun-a;1;\n"
                "2026-10;Tillgänglighet;Kommun B;99,9;Rättat\n")
    result = importexport.values_import(tenant=world["t"]["supplier"], file=good, today=TODAY)
    assert result.errors == [] and (result.reports, result.values) == (3, 3)
    # Kommun B's Tillgänglighet is corrected; the first report stays current for Kommun A.
    assert KpiReport.objects.filter(superseded_by__isnull=False).count() == 0
    assert list(KpiCorrection.objects.values_list("customer__slug", "definition__name")) == [
        ("kommun-b", "Tillgänglighet")]
    assert d.values.count() == 2


def test_import_of_10000_rows(world, make_definition):
    definitions = [make_definition(name=f"KPI {i}", reported_from=datetime.date(2020, 1, 1)) for i in range(50)]
    lines = ["Period;KPI;Customer;Value;Comment"]
    month = datetime.date(2018, 1, 1)
    for m in range(100):
        label = f"{2018 + m // 12}-{m % 12 + 1:02d}"
        for customer in ("kommun-a", "kommun-b"):
            for d in definitions:
                lines.append(f"{label};{d.name};{customer};99,{m % 10};")
    assert len(lines) == 10_001
    result = importexport.values_import(tenant=world["t"]["supplier"], file=_csv("\n".join(lines)), today=TODAY)
    assert result.errors == []
    assert (result.reports, result.values) == (200, 10_000)
    assert KpiValue.objects.count() == 10_000


def test_api_end_to_end(world, api, make_definition):
    supplier = api("manager", world["s"])
    created = supplier("post", "/definitions", {
        "name": "Tillgänglighet", "service": "Nät", "unit": "percent", "direction": "higher", "target": "99.5",
        "period": "month", "reported_from": "2026-01-01", "addressed_to": ["kommun-a", "kommun-b"]})
    assert created.status_code == 201, created.content
    did = created.json()["id"]
    assert supplier("post", "/definitions", {
        "name": "X", "service": "Nät", "target": "101", "reported_from": "2026-01-01",
        "addressed_to": ["kommun-a"]}).status_code == 422
    body = {"period_start": "2026-10-01", "addressed_to": ["kommun-a", "kommun-b"],
            "values": [{"definition_id": did, "value": "99.1"}]}
    first = supplier("post", "/reports", body)
    assert first.status_code == 201 and first.json()["values"][0]["met"] is False
    second = supplier("post", "/reports", {**body, "addressed_to": ["kommun-a"],
                                           "values": [{"definition_id": did, "value": "99.6"}]})
    rid = second.json()["id"]
    # Corrected for Kommun A only: the first report is still current for Kommun B.
    assert supplier("get", f"/reports/{first.json()['id']}").json()["superseded_by_id"] is None
    assert KpiCorrection.objects.get().report_id == rid
    assert supplier("post", "/reports", {**body, "addressed_to": ["annan"]}).status_code == 422
    assert supplier("post", "/reports", {**body, "period_start": "2026-12-01"}).status_code == 422
    a, b = api("coord_a", world["a"]), api("coord_b", world["b"])
    assert a("put", f"/reports/{rid}/verdict", {"verdict": "remarks", "comment": "Förklara"}).status_code == 200
    assert b("put", f"/reports/{rid}/verdict", {"verdict": "approved"}).status_code == 404  # not addressed to B
    fid = first.json()["id"]
    assert b("put", f"/reports/{fid}/verdict", {"verdict": "approved"}).status_code == 200
    assert [v["organisation"] for v in a("get", f"/reports/{fid}/verdicts").json()] == []
    assert {v["organisation"] for v in supplier("get", f"/reports/{fid}/verdicts").json()} == {"kommun-b"}
    assert a("get", f"/reports/{fid}").json()["addressed_to"] == ["kommun-a"]
    before = KpiVerdict.objects.count()
    assert supplier("put", f"/reports/{rid}/verdict", {"verdict": "approved"}).status_code == 403
    assert KpiVerdict.objects.count() == before
    conflict = a("put", f"/reports/{rid}/verdict", {"verdict": "approved", "version": 7})
    assert conflict.status_code == 409
    verdict_id = KpiVerdict.objects.get(organisation=world["a"]).pk
    assert a("post", f"/verdicts/{verdict_id}/action").status_code == 201
    assert a("post", f"/verdicts/{verdict_id}/action").status_code == 422
    assert b("post", f"/verdicts/{verdict_id}/action").status_code == 404
    trend = a("get", f"/definitions/{did}/trend").json()
    assert [(p["organisation"], p["value"]) for p in trend] == [("kommun-a", "99.600")]


def test_api_import(world, api, make_definition, client):
    make_definition(name="Tillgänglighet")
    supplier = api("manager", world["s"])
    bad = supplier("post", "/import", data={"file": _csv("Period;KPI;Customer;Value\n2026-10;Okänd;;1\n")})
    assert bad.status_code == 422 and bad.json()["errors"][0]["row"] == 2
    ok = supplier("post", "/import", data={"file": _csv("Period;KPI;Customer;Value\n2026-10;Tillgänglighet;;99,9\n")})
    assert ok.status_code == 200 and ok.json() == {"reports": 1, "values": 1}
    municipality = api("coord_a", world["a"])
    assert municipality("post", "/import", data={"file": _csv("Period;KPI;Customer;Value\n2026-10;Tillgänglighet;;99\n")}
                        ).status_code == 403


def _grow(world, make_definition, n, offset):
    for i in range(n):
        d = make_definition(name=f"K{offset + i}")
        r = services.report_create(tenant=world["t"]["supplier"], period_kind="month",
                                   period_start=datetime.date(2025, 1 + (offset + i) % 12, 1),
                                   customers=[world["a"], world["b"]], values=[services.ValueIn(d, Decimal(99))],
                                   today=TODAY)
        services.verdict_set(tenant=world["t"]["a"], report=r, verdict="approved")
        services.verdict_set(tenant=world["t"]["b"], report=r, verdict="approved")


@pytest.mark.parametrize("who, url", [
    ("manager", "/kpis/"), ("manager", "/kpis/reports/"), ("coord_a", "/kpis/"), ("coord_a", "/kpis/reports/"),
    ("coord_a", "/kpis/reports/?awaiting=1"),
])
def test_list_pages_query_count_is_constant(world, make_definition, login, client, who, url):
    login(world["people"][who])
    _grow(world, make_definition, 2, 0)
    _count(client, url)  # the first request of a session loads more (session, memberships)
    small = _count(client, url)
    _grow(world, make_definition, 6, 2)
    assert _count(client, url) == small


@pytest.mark.parametrize("who, org, path", [
    ("manager", "s", "/definitions"), ("manager", "s", "/reports"), ("coord_a", "a", "/definitions"),
    ("coord_a", "a", "/reports"),
])
def test_list_endpoints_query_count_is_constant(world, make_definition, api, who, org, path):
    call = api(who, world[org])
    _grow(world, make_definition, 2, 0)
    call("get", path)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as small:
        assert call("get", path).status_code == 200
    _grow(world, make_definition, 6, 2)
    with CaptureQueriesContext(connection) as large:
        response = call("get", path)
    assert response.json()["count"] == 8
    assert len(large.captured_queries) == len(small.captured_queries)
