"""Risk pages: who may do what, what they show, and query counts that do not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from actions.models import Action
from core.tenancy import tenant_for
from risk import services
from risk.catalogue import load_threats
from risk.models import Risk, RiskMatrix, RiskSession, RiskStatus, Threat, Treatment
from tests.factories import InformationTypeFactory, SupplierFactory, SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- permissions and flows ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["risk:risk_list", "risk:overview", "risk:session_list", "risk:threat_list"])
def test_every_member_reads_the_pages(name, people, login):
    assert login(people["reader"]).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["risk:risk_create", "risk:risk_import", "risk:session_create", "risk:threat_create",
                                  "risk:matrix_settings"])
def test_a_reader_may_not_open_the_forms(name, people, login):
    assert login(people["reader"]).get(reverse(name)).status_code == 403


def test_a_reader_cannot_create_a_risk_by_posting(people, login):
    response = login(people["reader"]).post(reverse("risk:risk_create"), {"title": "Intrång"})
    assert response.status_code == 403
    assert (Risk.objects.count(), RiskMatrix.objects.count()) == (0, 0)


def test_a_coordinator_adds_a_risk_with_links_and_levels(people, login, org_a, system_a):
    info = InformationTypeFactory(organisation=org_a, name="Socialtjänstakter")
    load_threats()
    threat = Threat.objects.get(code="ransomware")
    response = login(people["coordinator"]).post(reverse("risk:risk_create"), {
        "title": "Ransomware i IFO-systemet", "threat": threat.pk, "systems": [system_a.pk],
        "information_types": [info.pk], "inherent_likelihood": "3", "inherent_consequence": "4",
        "residual_likelihood": "2", "residual_consequence": "4", "owner": people["system_owner"].pk,
        "strategy": "reduce", "status": "identified", "review_date": "2027-01-31",
    })
    risk = Risk.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("risk:risk_detail", args=[risk.pk])
    assert (risk.threat, risk.inherent_score, risk.residual_score, risk.status, risk.owner) == (
        threat, 12, 8, RiskStatus.ASSESSED, people["system_owner"])
    assert [link.system for link in risk.system_links.all()] == [system_a]


def test_a_foreign_system_is_not_offered_and_not_accepted(people, login, org_b):
    foreign = SystemFactory(organisation=org_b, name="Främmande")
    client = login(people["coordinator"])
    assert "Främmande" not in client.get(reverse("risk:risk_create")).content.decode()
    response = client.post(reverse("risk:risk_create"), {"title": "X", "systems": [foreign.pk], "status": "identified"})
    assert response.status_code == 200
    assert Risk.objects.count() == 0


def test_the_edit_form_reports_a_version_conflict_and_keeps_the_saved_version(make_risk, as_role, people, login):
    risk = make_risk("Original")
    services.risk_update(tenant=as_role("system_owner"), risk=risk, data={"title": "Någon annans"}, version=1)
    response = login(people["coordinator"]).post(reverse("risk:risk_edit", args=[risk.pk]),
                                                  {"title": "Min", "status": "identified", "version": "1"}, **EN)
    assert response.status_code == 200
    assert "Someone else has changed this record since you opened it." in response.content.decode()
    assert Risk.objects.get().title == "Någon annans"


def test_a_coordinator_may_not_accept_above_the_threshold_on_the_page(make_risk, people, login):
    risk = make_risk("Ransomware", residual=(3, 4))
    client = login(people["coordinator"])
    assert client.get(reverse("risk:risk_accept", args=[risk.pk])).status_code == 403
    entries = AuditEntry.objects.count()
    response = client.post(reverse("risk:risk_accept", args=[risk.pk]), {"justification": "Ok", "version": "1"})
    assert response.status_code == 403
    risk.refresh_from_db()
    assert (risk.status, risk.accepted_at, risk.version) == (RiskStatus.ASSESSED, None, 1)
    assert AuditEntry.objects.count() == entries
    assert "Accept residual risk" not in client.get(reverse("risk:risk_detail", args=[risk.pk]), **EN).content.decode()


def test_the_system_owner_accepts_on_the_page_and_the_page_shows_who_and_why(make_risk, people, login):
    risk = make_risk("Ransomware", residual=(3, 4), owner=people["system_owner"])
    client = login(people["system_owner"])
    until = (datetime.date.today() + datetime.timedelta(days=200)).isoformat()
    assert client.post(reverse("risk:risk_accept", args=[risk.pk]),
                       {"justification": "", "version": "1", "accepted_until": until}).status_code == 200
    assert Risk.objects.get().accepted_at is None
    response = client.post(reverse("risk:risk_accept", args=[risk.pk]),
                           {"justification": "Beslut i kommunstyrelsen.", "version": "1", "accepted_until": until})
    assert response.status_code == 302
    html = client.get(reverse("risk:risk_detail", args=[risk.pk]), **EN).content.decode()
    assert "Beslut i kommunstyrelsen." in html and people["system_owner"].email in html


def test_a_treatment_added_on_the_page_shows_with_its_action(make_risk, people, login):
    risk = make_risk("Nätfiske", residual=(2, 3))
    client = login(people["coordinator"])
    response = client.post(reverse("risk:treatment_create", args=[risk.pk]), {
        "description": "Inför tvåfaktorsinloggning", "owner": people["system_administrator"].pk,
        "due_date": "2026-06-30", "status": "open"})
    assert response.status_code == 302
    treatment = Treatment.objects.get()
    action = Action.objects.get()
    assert (action.source, action.owner, action.due_date) == (treatment, people["system_administrator"],
                                                              datetime.date(2026, 6, 30))
    client.post(reverse("risk:treatment_edit", args=[treatment.pk]), {
        "description": "Inför tvåfaktorsinloggning", "owner": people["system_administrator"].pk,
        "due_date": "2026-06-30", "status": "done"})
    action.refresh_from_db()
    assert action.status == "done"
    html = client.get(reverse("risk:risk_detail", args=[risk.pk]), **EN).content.decode()
    assert f'href="{reverse("actions:action_edit", args=[action.pk])}">Done' in html


def test_an_orphaned_risk_says_which_system_was_deleted(make_risk, as_role, people, login, system_a):
    from inventory import services as inventory_services

    risk = make_risk("Ransomware", systems=[system_a])
    inventory_services.system_delete(tenant=as_role("coordinator"), system=system_a)
    client = login(people["reader"])
    detail = client.get(reverse("risk:risk_detail", args=[risk.pk]), **EN).content.decode()
    assert "linked system was deleted: Verksamhetssystem IFO" in detail
    register = client.get(reverse("risk:risk_list") + "?orphaned=on", **EN).content.decode()
    assert "linked system was deleted: Verksamhetssystem IFO" in register and "1 risk" in register


def test_the_matrix_size_change_goes_through_the_mapping_page(make_risk, people, login):
    make_risk("A", inherent=(4, 4), residual=(3, 3))
    client = login(people["coordinator"])
    settings = {"version": "1", "likelihood_size": "5", "consequence_size": "4", "medium_from": "4",
                "high_from": "8", "very_high_from": "12", "acceptance_level": "medium"}
    page = client.post(reverse("risk:matrix_settings"), settings, **EN)
    html = page.content.decode()
    assert page.status_code == 200 and "Confirm how the levels carry over" in html
    # Pre-filled with the proportional suggestion: old 3 → new 4.
    assert '<option value="4" selected>4 – Likely</option>' in html
    assert (RiskMatrix.objects.get().likelihood_size, Risk.objects.get().inherent_likelihood) == (4, 4)
    confirm = {**settings, "confirm_mapping": "1", "likelihood_map_1": "1", "likelihood_map_2": "2",
               "likelihood_map_3": "4", "likelihood_map_4": "5"}
    assert client.post(reverse("risk:matrix_settings"), confirm).status_code == 302
    risk = Risk.objects.get()
    assert (risk.inherent_likelihood, risk.residual_likelihood, risk.inherent_consequence) == (5, 4, 4)
    assert RiskMatrix.objects.get().likelihood_size == 5


def test_a_decreasing_mapping_is_shown_again_with_the_error(make_risk, people, login):
    make_risk("A", inherent=(4, 4))
    client = login(people["coordinator"])
    data = {"version": "1", "likelihood_size": "5", "consequence_size": "4", "medium_from": "4", "high_from": "8",
            "very_high_from": "12", "acceptance_level": "medium", "confirm_mapping": "1", "likelihood_map_1": "3",
            "likelihood_map_2": "2", "likelihood_map_3": "4", "likelihood_map_4": "5"}
    html = client.post(reverse("risk:matrix_settings"), data, **EN).content.decode()
    assert "A higher old level cannot map to a lower new level." in html
    assert (RiskMatrix.objects.get().likelihood_size, Risk.objects.get().inherent_likelihood) == (4, 4)


def test_sessions_are_recorded_with_participants_and_their_risks(people, login):
    client = login(people["coordinator"])
    response = client.post(reverse("risk:session_create"), {
        "title": "Riskanalys e-post", "date": "2026-03-10", "scope": "E-post i molnet",
        "participants": [people["coordinator"].pk, people["system_owner"].pk],
        "external_participants": "Driftansvarig, IT-bolaget"})
    session = RiskSession.objects.get()
    assert response.status_code == 302
    assert set(session.participants.all()) == {people["coordinator"], people["system_owner"]}
    client.post(reverse("risk:risk_create"), {"title": "CLOUD Act", "session": session.pk, "status": "identified"})
    html = client.get(reverse("risk:session_detail", args=[session.pk]), **EN).content.decode()
    assert "CLOUD Act" in html and "Driftansvarig, IT-bolaget" in html


def test_only_own_threats_are_editable_the_catalogue_is_not(people, login):
    load_threats()
    catalogue = Threat.objects.get(code="ransomware")
    client = login(people["coordinator"])
    assert client.get(reverse("risk:threat_edit", args=[catalogue.pk])).status_code == 404
    client.post(reverse("risk:threat_create"), {"name": "Stöld av passerkort", "code": "passerkort",
                                                "category": "physical"})
    own = Threat.objects.get(code="passerkort")
    assert own.organisation_id == people["coordinator"].memberships.get().organisation_id


def test_the_register_export_downloads_a_workbook(make_risk, people, login):
    make_risk("Ransomware", residual=(2, 2))
    response = login(people["reader"]).get(reverse("risk:risk_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"


# --- query counts --------------------------------------------------------------------------------

SMALL, LARGE = 3, 12


@pytest.fixture
def world(org_a, people, make_risk, as_role):
    """grow(n) adds n risks to Kommun A, each with two systems (one later deleted), an information
    type, a supplier, a threat, an owner, a session, two treatments with their actions; the first
    risk gains links and treatments on every round, so its page grows too."""
    load_threats()
    threats = list(Threat.objects.all()[:5])
    tenant = as_role("coordinator")
    session = services.session_create(tenant=tenant, data={"title": "Workshop", "date": datetime.date(2026, 3, 1),
                                                            "participants": [people["coordinator"]]})
    made, first = [0], []

    def grow(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            systems = [SystemFactory(organisation=org_a, name=f"System {i:03d}-{k}") for k in range(2)]
            risk = make_risk(
                f"Risk {i:03d}", inherent=(4, 1 + i % 4), residual=(1 + i % 4, 2), systems=systems,
                threat=threats[i % 5], owner=people["system_owner"], session=session,
                information_types=[InformationTypeFactory(organisation=org_a, name=f"Info {i:03d}")],
                suppliers=[SupplierFactory(organisation=org_a, name=f"Leverantör {i:03d}")],
                review_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            )
            for k in range(2):
                services.treatment_add(tenant=tenant, risk=risk, data={
                    "description": f"Åtgärd {i:03d}-{k}", "owner": people["system_administrator"],
                    "due_date": datetime.date(2026, 5, 1)})
            systems[1].delete()  # an orphaned link on every risk
            services.session_save(tenant=tenant, session=session, data={"participants": list(
                set(session.participants.all()) | {people[("reader", "auditor", "admin")[i % 3]]})})
            if not first:
                first.append(risk)
                continue
            hub = first[0]
            hub = Risk.objects.get(pk=hub.pk)
            services.risk_update(tenant=tenant, risk=hub, version=hub.version, data={
                "systems": [link.system for link in hub.system_links.all() if link.system] + [systems[0]],
                "information_types": list(hub.information_types.all()) + list(risk.information_types.all())})
            services.treatment_add(tenant=tenant, risk=hub, data={"description": f"Fler {i:03d}"})

    grow.first = first
    grow.session = session
    return grow


def _count(client, url, **headers) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:400]
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def _same_count(world, client, url, expected: int, must_show: str, **headers) -> None:
    world(SMALL)
    client.get(url, **headers)  # warms the content-type cache, which a long-running process has warm
    small, _ = _count(client, url, **headers)
    world(LARGE - SMALL)
    assert must_show in client.get(url, **headers).content.decode()
    large, queries = _count(client, url, **headers)
    assert large == small, "\n".join(queries)
    assert large == expected, "\n".join(queries)


def test_register(world, people, login):
    # request (3), the matrix, the members for the owner filter, COUNT for the paginator, one
    # page of risks with owner and threat, their system links. (Systems are filtered by name.)
    _same_count(world, login(people["coordinator"]), reverse("risk:risk_list"), 8, must_show="Risk 011")


def test_register_filtered_by_cell_level_owner_and_orphaned(world, people, login):
    # The same eight queries with every filter and another sort order.
    url = reverse("risk:risk_list") + "?kind=inherent&l=4&level=very_high&status=assessed&strategy=&orphaned=on" \
        f"&owner={people['system_owner'].pk}&sort=-title&q=Risk&system_name=System"
    # Risk 011 is assessed 4 × 4 before treatment (very high); Risk 010 (4 × 3, high) is not.
    _same_count(world, login(people["coordinator"]), url, 8, must_show="Risk 011")


def test_register_htmx_rows(world, people, login):
    # The htmx partial: the same eight queries as the full page.
    _same_count(world, login(people["coordinator"]), reverse("risk:risk_list") + "?sort=review", 8,
                must_show="Risk 011", HTTP_HX_REQUEST="true")


def test_overview(world, people, login):
    # request (3), the matrix, the inherent counts per cell, the residual counts, the figures.
    _same_count(world, login(people["reader"]), reverse("risk:overview"), 7, must_show="heatmap-svg")


def test_risk_detail(world, people, login):
    # request (3), the risk with owner, threat, acceptor and session, its system links with their
    # systems, information types, suppliers, treatments with owners, the matrix, the treatments'
    # actions, the history, the names its history links to.
    world(SMALL)
    client = login(people["coordinator"])
    url = reverse("risk:risk_detail", args=[world.first[0].pk])
    client.get(url)
    small, _ = _count(client, url)
    world(LARGE - SMALL)
    assert "System 011-0" in client.get(url).content.decode()
    large, queries = _count(client, url)
    assert large == small == 12, "\n".join(queries)


def test_session_list(world, people, login):
    # request (3), COUNT for the paginator, one page of sessions with their counts.
    _same_count(world, login(people["reader"]), reverse("risk:session_list"), 5, must_show="Workshop")


def test_session_detail(world, people, login):
    # request (3), the session, its participants, its risks with owners, the matrix, the history,
    # the names its history links to.
    client = login(people["reader"])
    world(SMALL)
    url = reverse("risk:session_detail", args=[world.session.pk])
    small, _ = _count(client, url)
    world(LARGE - SMALL)
    assert "Risk 011" in client.get(url).content.decode()
    large, queries = _count(client, url)
    assert large == small == 9, "\n".join(queries)


def test_threat_list(world, people, login):
    # request (3), COUNT for the paginator, one page of threats, the organisation's use of each.
    _same_count(world, login(people["reader"]), reverse("risk:threat_list"), 6, must_show="Ransomware")


def test_the_threat_list_counts_only_the_organisations_own_risks(make_risk, people, login, org_b, member):
    load_threats()
    ransomware = Threat.objects.get(code="ransomware", organisation__isnull=True)
    make_risk("A", threat=ransomware)
    make_risk("B", threat=ransomware)
    other = tenant_for(member(org_b, "coordinator"), org_b.pk)
    services.risk_create(tenant=other, data={"title": "C", "threat": ransomware})
    html = login(people["reader"]).get(reverse("risk:threat_list")).content.decode()
    row = html.split(escape(ransomware.name))[1].split("</tr>")[0]
    assert row.rstrip().endswith('<td class="num">2</td>')


def test_start_page_heat_map(world, people, login):
    # The start page shows the residual heat map with two queries of its own (the matrix and
    # the counts per cell), whatever the number of risks.
    client = login(people["reader"])
    world(SMALL)
    url = reverse("core:home")
    small, _ = _count(client, url)
    world(LARGE - SMALL)
    html = client.get(url, **EN).content.decode()
    assert f"Residual risk heat map, 4 × 4: {LARGE} risks." in html
    large, queries = _count(client, url)
    assert large == small, "\n".join(queries)
    # The work queue above it counts the member's own risks past review (one query more).
    heat_map = [q.split(" FROM ", 1)[1].split()[0] for q in queries
                if ' FROM "risk_' in q and not q.startswith("SELECT COUNT(*)")]
    assert heat_map == ['"risk_riskmatrix"', '"risk_risk"'], "\n".join(queries)


def test_the_register_filters_by_part_of_a_system_name_and_by_a_system_linked_from_its_page(make_risk, people, login,
                                                                                          org_a):
    payroll = SystemFactory(organisation=org_a, name="Lönesystem Heroma")
    school = SystemFactory(organisation=org_a, name="Skolplattform")
    make_risk("Felaktig lön", systems=[payroll])
    make_risk("Elevdata läcker", systems=[school])
    client = login(people["reader"])
    by_name = client.get(reverse("risk:risk_list"), {"system_name": "heroma"}).content.decode()
    assert "Felaktig lön" in by_name and "Elevdata läcker" not in by_name
    # The system page links to the register filtered by the system's id, and the page names it.
    detail = client.get(reverse("inventory:system_detail", args=[school.pk])).content.decode()
    link = f'{reverse("risk:risk_list")}?system={school.pk}'
    assert link in detail
    by_id = client.get(link).content.decode()
    assert "Elevdata läcker" in by_id and "Felaktig lön" not in by_id
    assert "Skolplattform" in by_id.split('id="results"')[1].split("<table")[0]


def test_a_system_owner_who_does_not_own_the_risk_gets_403_on_the_page(make_risk, people, login, member, org_a):
    risk = make_risk("Ransomware", residual=(3, 4), owner=member(org_a, "system_owner", email="other-owner@kommun-a.example"))
    client = login(people["system_owner"])
    until = (datetime.date.today() + datetime.timedelta(days=200)).isoformat()
    response = client.post(reverse("risk:risk_accept", args=[risk.pk]),
                           {"justification": "Ok", "version": "1", "accepted_until": until})
    assert response.status_code == 403
    assert Risk.objects.get().accepted_at is None
    page = client.get(reverse("risk:risk_detail", args=[risk.pk]), **EN).content.decode()
    assert reverse("risk:risk_accept", args=[risk.pk]) not in page


def test_the_page_asks_to_confirm_when_treatments_have_not_started(make_risk, people, login, as_role):
    risk = make_risk("Ransomware", residual=(3, 4), owner=people["system_owner"])
    services.treatment_add(tenant=as_role("coordinator"), risk=risk, data={"description": "Kryptera diskarna"})
    client = login(people["system_owner"])
    url = reverse("risk:risk_accept", args=[risk.pk])
    until = (datetime.date.today() + datetime.timedelta(days=200)).isoformat()
    data = {"justification": "Ok", "version": "1", "accepted_until": until}
    warned = client.post(url, data, **EN)
    assert warned.status_code == 200
    assert "Kryptera diskarna" in warned.content.decode() and 'name="confirm"' in warned.content.decode()
    assert Risk.objects.get().accepted_at is None
    assert client.post(url, {**data, "confirm": "on"}).status_code == 302
    assert Risk.objects.get().accepted_until == datetime.date.fromisoformat(until)
