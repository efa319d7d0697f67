"""Placement pages: the coordinator's flow, read-only roles, other organisations, query counts."""

import datetime
import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from classification.models import Classification
from placement import services
from placement.models import Alternative, Assessment, CostItem, CostKind, Decision, Mitigation, Verdict
from tests.factories import OrganisationFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    # The messages below are the English msgids; the pages follow the browser's language.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _form(response) -> dict:
    """The initial values of the response's form fields, as a browser would post them back."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return {f"{form.prefix}-{k}" if form.prefix else k: v for k, v in data.items()}


def test_a_coordinator_goes_from_template_to_decision(login, coordinator, email_system, email_info):
    client = login(coordinator)
    page = client.get(reverse("placement:create") + "?template=cloud_service")
    assert page.context["form"]["template"].value() == "cloud_service"
    response = client.post(reverse("placement:create"), {
        "template": "cloud_service", "title": "E-post i molnet", "service": "e-post", "assessment_date": "2026-02-01",
        "systems": [email_system.pk], "information_types": [email_info.pk], "deciding_body": "kommunfullmaktige",
        "years": "3", "discount_rate": "0", "responsible": coordinator.pk,
    })
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("placement:detail", args=[assessment.pk])
    own, cloud = assessment.alternatives.order_by("position")

    # Fill in the cloud alternative and one cost row.
    page = client.get(reverse("placement:alternative_edit", args=[cloud.pk]))
    data = {**_form(page), "alt-provider": "Microsoft", "alt-storage_countries": ["IE", "SE"],
            "alt-access_countries": ["IE", "SE", "US"], "alt-provider_jurisdiction": "US", "alt-sla_percent": "99.9",
            "alt-dpf_certified": "on", "alt-recovery_site": "Irland",
            "costs-TOTAL_FORMS": "1", "costs-INITIAL_FORMS": "0", "costs-MIN_NUM_FORMS": "0", "costs-MAX_NUM_FORMS": "1000",
            "costs-0-description": "Migrering", "costs-0-category": "consultants", "costs-0-kind": "one_off",
            "costs-0-amount": "50000", "costs-0-year": "1"}
    assert client.post(reverse("placement:alternative_edit", args=[cloud.pk]), data).status_code == 302
    cloud.refresh_from_db()
    assert (cloud.provider_jurisdiction, cloud.access_countries, cloud.costs.get().amount) == ("US", ["IE", "SE", "US"],
                                                                                              50_000)
    for name in ("security", "law", "technology", "economy", "combined", "questions"):
        assert client.get(reverse(f"placement:{name}", args=[assessment.pk])).status_code == 200
    # The four perspectives and the combined table are computed for the two alternatives.
    combined = client.get(reverse("placement:combined", args=[assessment.pk]))
    assert combined.context["result"].combined.can_combine is True
    response = client.post(reverse("placement:decision", args=[assessment.pk]), {
        "body": "kommunfullmaktige", "registration_number": "KS 2026/12", "decided_on": "2026-03-01",
        "alternative": cloud.pk, "decision": "E-posten flyttas till molnet.", "follow_up_date": "2027-03-01"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_locked and assessment.decision.alternative == cloud
    pdf = client.get(reverse("placement:document_pdf", args=[assessment.pk]))
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")
    word = client.get(reverse("placement:document_docx", args=[assessment.pk]))
    assert docx.Document(io.BytesIO(word.content)).paragraphs[0].text == "E-post i molnet"
    # A Swedish file name without internal ids.
    assert word["Content-Disposition"] == "attachment; filename*=utf-8''Tj%C3%A4nsteskrivelse%20E-post%20i%20molnet%20version%201.docx"


def test_the_edit_pages_show_the_records_history(login, coordinator, make_assessment, tenant):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    services.alternative_update(tenant=tenant, alternative=cloud, data={"sla_percent": "99.95"},
                                revision=cloud.revision)
    client = login(coordinator)
    response = client.get(reverse("placement:alternative_edit", args=[cloud.pk]))
    history = list(response.context["history"])
    assert [(e.model, e.object_id, e.action) for e in history] == [
        ("placement.alternative", str(cloud.pk), "update"), ("placement.alternative", str(cloud.pk), "create")]
    assert "99.95" in str(history[0].changes)
    page = response.content.decode()
    assert 'id="history-title"' in page and history[0].actor_label in page
    # A new alternative has no history yet.
    new = client.get(reverse("placement:alternative_create", args=[assessment.pk]))
    assert new.context["history"] is None and 'id="history-title"' not in new.content.decode()
    edit = client.get(reverse("placement:edit", args=[assessment.pk]))
    assert [e.object_id for e in edit.context["history"]] == [str(assessment.pk)] * len(edit.context["history"])
    assert edit.context["history"] and 'id="history-title"' in edit.content.decode()


def test_a_negative_cost_is_shown_on_the_form_and_nothing_saved(login, coordinator, make_assessment):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    client = login(coordinator)
    data = {**_form(client.get(reverse("placement:alternative_edit", args=[cloud.pk]))),
            "costs-TOTAL_FORMS": "1", "costs-INITIAL_FORMS": "0", "costs-MIN_NUM_FORMS": "0",
            "costs-MAX_NUM_FORMS": "1000", "costs-0-category": "licences", "costs-0-kind": "recurring",
            "costs-0-amount": "-5", "costs-0-year": "1"}
    response = client.post(reverse("placement:alternative_edit", args=[cloud.pk]), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {"amount": ["Ensure this value is greater than or equal to 0."]}
    assert list(CostItem.objects.filter(alternative=cloud).values_list("amount", flat=True)) == [50_000]


def test_an_unknown_country_code_is_shown_on_the_form(login, coordinator, make_assessment):
    cloud = make_assessment().alternatives.get(name="Exchange Online")
    client = login(coordinator)
    data = {**_form(client.get(reverse("placement:alternative_edit", args=[cloud.pk]))), "alt-storage_countries": ["SE", "QQ"],
            "costs-TOTAL_FORMS": "0", "costs-INITIAL_FORMS": "0", "costs-MIN_NUM_FORMS": "0", "costs-MAX_NUM_FORMS": "1000"}
    response = client.post(reverse("placement:alternative_edit", args=[cloud.pk]), data)
    assert response.context["form"].errors == {
        "storage_countries": ["QQ is not a country in the list: choose the country by its name."]}
    assert Alternative.objects.get(pk=cloud.pk).storage_countries == ["IE", "SE"]


def test_one_alternative_shows_the_message_instead_of_a_combined_table(login, coordinator, make_assessment):
    assessment = make_assessment(alternatives=1)
    response = login(coordinator).get(reverse("placement:combined", args=[assessment.pk]))
    assert "Add at least two alternatives: an assessment with one alternative cannot be combined." in \
        response.content.decode()
    assert "combined-table" not in response.content.decode()


def test_the_verdict_form_saves_the_assessors_judgement(login, coordinator, make_assessment):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    response = login(coordinator).post(reverse("placement:verdict_save", args=[cloud.pk]), {
        f"v{cloud.pk}-perspective": "legal", f"v{cloud.pk}-verdict": "neutral",
        f"v{cloud.pk}-rationale": "Riktlinjer finns.", f"v{cloud.pk}-residual_risk": "medium"})
    assert response["Location"] == reverse("placement:law", args=[assessment.pk]) + f"#alternative-{cloud.pk}"
    assert list(Verdict.objects.values_list("perspective", "verdict", "rationale", "residual_risk")) == [
        ("legal", "neutral", "Riktlinjer finns.", "medium")]


def test_the_perspective_page_names_verdicts_and_severities_in_words(login, coordinator, make_assessment):
    assessment = make_assessment()
    client = login(coordinator)
    page = client.get(reverse("placement:technology", args=[assessment.pk])).content.decode()
    # Exchange Online meets the availability (favours); the local data centre is at its end of life (against).
    assert "Computed: Favours" in page and "Computed: Against" in page
    assert '<span class="visually-hidden">Information: </span>' in page
    assert '<span class="visually-hidden">Major issue: </span>' in page
    assert '<span class="visually-hidden">Minor issue: </span>' in page
    for raw in ("Computed: favours", "Computed: against", "Computed: neutral", ">info: <", ">major: <", ">minor: <"):
        assert raw not in page
    swedish = client.get(reverse("placement:technology", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    text = swedish.content.decode()
    assert "Beräknat: Talar för" in text and "Beräknat: Talar emot" in text
    assert "Beräknat: favours" not in text and "Beräknat: against" not in text


def test_a_locked_assessment_refuses_edits_from_its_pages(login, coordinator, make_assessment, tenant):
    from placement import services

    assessment = make_assessment()
    services.decision_record(tenant=tenant, assessment=assessment, data={
        "body": "kommunstyrelse", "registration_number": "KS 1", "decided_on": datetime.date(2021, 5, 1),
        "decision": "Molnet."})
    client = login(coordinator)
    response = client.get(reverse("placement:edit", args=[assessment.pk]))
    assert response.status_code == 302
    cloud = assessment.alternatives.get(name="Exchange Online")
    before = AuditEntry.objects.count()
    client.post(reverse("placement:verdict_save", args=[cloud.pk]), {
        f"v{cloud.pk}-perspective": "legal", f"v{cloud.pk}-verdict": "favours"})
    client.post(reverse("placement:mitigation_add", args=[assessment.pk]), {"text": "Regel"})
    assert (Verdict.objects.count(), Mitigation.objects.count(), AuditEntry.objects.count()) == (0, 0, before)
    detail = client.get(reverse("placement:detail", args=[assessment.pk])).content.decode()
    assert reverse("placement:new_version", args=[assessment.pk]) in detail
    assert reverse("placement:edit", args=[assessment.pk]) not in detail


@pytest.mark.parametrize("role", ["reader", "auditor", "dpo"])
def test_read_only_roles_read_but_cannot_change(login, member, org_a, make_assessment, role):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    client = login(member(org_a, role))
    for name in ("detail", "security", "law", "technology", "economy", "combined", "document_pdf"):
        assert client.get(reverse(f"placement:{name}", args=[assessment.pk])).status_code == 200
    assert "Save the verdict" not in client.get(reverse("placement:law", args=[assessment.pk])).content.decode()
    before = AuditEntry.objects.count()
    posts = [(reverse("placement:verdict_save", args=[cloud.pk]), {f"v{cloud.pk}-perspective": "legal",
                                                                  f"v{cloud.pk}-verdict": "favours"}),
             (reverse("placement:decision", args=[assessment.pk]), {"body": "namnd", "registration_number": "1",
                                                                   "decided_on": "2026-01-01", "decision": "x",
                                                                   "alternative": cloud.pk}),
             (reverse("placement:combined", args=[assessment.pk]), {"revision": assessment.revision}),
             (reverse("placement:create"), {"title": "X", "service": "Y", "assessment_date": "2026-01-01"}),
             (reverse("placement:alternative_delete", args=[cloud.pk]), {})]
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    assert (AuditEntry.objects.count(), Decision.objects.count(), Alternative.objects.count()) == (before, 0, 2)


def test_the_decided_assessments_pages_keep_the_decision_and_warn(make_assessment, tenant, email_info, coordinator,
                                                                   login):
    assessment = make_assessment()
    services.decision_record(tenant=tenant, assessment=assessment, data={
        "body": "kommunfullmaktige", "registration_number": "KS 2021/0123", "decided_on": datetime.date(2021, 5, 20),
        "decision": "E-posten ligger kvar i Exchange Online."})
    classification = Classification.objects.get(information_type=email_info)
    classification.availability = 1
    classification.save()
    client = login(coordinator)
    warning = "E-post och kalender: 2-1-2-2 at the decision, 2-1-1-2 now"
    for name in ("placement:detail", "placement:technology", "placement:security", "placement:combined"):
        response = client.get(reverse(name, args=[assessment.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert warning in page, name
    # The technology perspective still requires what availability level 2 required.
    facts = dict(client.get(reverse("placement:technology", args=[assessment.pk])).context["view"].facts)
    assert (facts["Availability level (T)"], facts["Required availability"]) == ("2", "99.0\xa0%")


def test_another_organisations_assessment_is_not_found(login, org_b, member, make_assessment):
    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    client = login(member(org_b, "coordinator"))
    for name in ("detail", "edit", "law", "combined", "decision", "document_docx", "document_pdf"):
        assert client.get(reverse(f"placement:{name}", args=[assessment.pk])).status_code == 404
    before = AuditEntry.objects.count()
    assert client.post(reverse("placement:alternative_delete", args=[cloud.pk])).status_code == 404
    assert client.post(reverse("placement:new_version", args=[assessment.pk])).status_code == 404
    assert (Alternative.objects.count(), Assessment.objects.count(), AuditEntry.objects.count()) == (2, 1, before)


def _list_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_list_page_queries_do_not_grow_with_the_data(login, coordinator, make_assessment, tenant):
    from placement import services

    client = login(coordinator)
    make_assessment()
    small = _list_queries(client, reverse("placement:list"))
    for i in range(6):
        a = make_assessment(title=f"Bedömning {i}")
        if i % 2:
            services.decision_record(tenant=tenant, assessment=a, data={
                "body": "namnd", "registration_number": f"N {i}", "decided_on": datetime.date(2026, 1, 1),
                "decision": "Beslut"})
    large = _list_queries(client, reverse("placement:list"))
    # 1 session, 2 user, 3 memberships (the tenant), 4 the paginator's count, 5 the page's rows
    # with the responsible person and the decision joined and the alternatives counted.
    assert len(small) == len(large) == 5
    assert '"placement_decision"' in large[4] and 'FROM "placement_alternative"' in large[4]
    # The alternatives are counted per row of the page, not by grouping all assessments; the
    # count of the paginator needs neither.
    assert "GROUP BY" not in large[4].split("LEFT OUTER JOIN")[-1] and "placement_alternative" not in large[3]


def test_the_list_filters_by_status(login, coordinator, make_assessment, tenant):
    from placement import services

    make_assessment(title="Utkast")
    decided = make_assessment(title="Beslutad")
    services.decision_record(tenant=tenant, assessment=decided, data={
        "body": "namnd", "registration_number": "N 1", "decided_on": datetime.date(2026, 1, 1), "decision": "B"})
    page = login(coordinator).get(reverse("placement:list") + "?status=decided")
    assert [a.title for a in page.context["page"]] == ["Beslutad"]


def test_the_detail_page_queries_do_not_grow_with_alternatives(login, coordinator, make_assessment, tenant):
    from placement import services
    from placement.tests.conftest import cloud_data, cost

    assessment = make_assessment()
    client = login(coordinator)
    url = reverse("placement:detail", args=[assessment.pk])
    small = _list_queries(client, url)
    for i in range(3):
        services.alternative_create(tenant=tenant, assessment=assessment, data=cloud_data(name=f"Moln {i}"),
                                    costs=[cost(10), cost(20)])
    assert len(_list_queries(client, url)) == len(small)


def test_an_organisation_without_assessments_sees_an_empty_list(login, member):
    org = OrganisationFactory(slug="tom-kommun")
    response = login(member(org, "reader")).get(reverse("placement:list"))
    assert "No assessments yet." in response.content.decode()


def test_the_economy_page_gives_amounts_to_the_ore(login, coordinator, make_assessment, tenant):
    from placement.tests.conftest import cost

    assessment = make_assessment()
    cloud = assessment.alternatives.get(name="Exchange Online")
    services.alternative_update(tenant=tenant, alternative=cloud, data={}, revision=cloud.revision,
                                costs=[cost("12345.50"), cost("1234567.25", kind=CostKind.RECURRING)])
    html = login(coordinator).get(reverse("placement:economy", args=[assessment.pk]),
                                  HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Each cost as entered, and the totals exactly (3 years: 12 345.50 + 3 × 1 234 567.25), not in thousands.
    assert "12,345.50\xa0SEK" in html and "1,234,567.25\xa0SEK" in html
    import re

    tables = "".join(re.findall(r"<table.*?</table>", html, re.S))
    assert "3,716,047.25\xa0SEK" in tables
    # Only the chart's axis rounds; no table does.
    assert "kSEK" not in tables and "MSEK" not in tables


def test_the_memorandums_sender_and_recipients_are_edited_and_shown(login, coordinator, member, org_a,
                                                                    make_assessment):
    assessment = make_assessment()
    client = login(coordinator)
    data = {**_form(client.get(reverse("placement:edit", args=[assessment.pk]))),
            "department": "Kommunledningsförvaltningen", "case_officer": str(coordinator.pk),
            "case_officer_title": "Informationssäkerhetssamordnare",
            "recipients": "Kommunstyrelsen\nIT-enheten"}
    response = client.post(reverse("placement:edit", args=[assessment.pk]), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.department, assessment.case_officer, assessment.case_officer_title, assessment.recipients) == (
        "Kommunledningsförvaltningen", coordinator, "Informationssäkerhetssamordnare", "Kommunstyrelsen\nIT-enheten")
    page = client.get(reverse("placement:detail", args=[assessment.pk])).content.decode()
    assert "Kommunledningsförvaltningen" in page and f"Informationssäkerhetssamordnare, {coordinator.email}" in page
    assert "Kommunstyrelsen<br>IT-enheten" in page
    # Only a member of the organisation can be the case officer: the form says so and keeps what was typed.
    stranger = member(OrganisationFactory(slug="annan-kommun"), "coordinator")
    data = {**_form(client.get(reverse("placement:edit", args=[assessment.pk]))), "case_officer": str(stranger.pk),
            "department": "Socialförvaltningen"}
    response = client.post(reverse("placement:edit", args=[assessment.pk]), data)
    assert response.status_code == 200 and "case_officer" in response.context["form"].errors
    assert 'value="Socialförvaltningen"' in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.department, assessment.case_officer) == ("Kommunledningsförvaltningen", coordinator)


def test_the_economy_page_states_the_upper_estimate_apart(login, coordinator, make_assessment, tenant):
    from placement.tests.conftest import cost

    assessment = make_assessment()
    local = assessment.alternatives.exclude(name="Exchange Online").get()
    services.alternative_update(tenant=tenant, alternative=local, data={}, revision=local.revision, costs=[
        cost(2_000_000), cost(200_000, kind=CostKind.RECURRING, upper_estimate=True)])
    html = login(coordinator).get(reverse("placement:economy", args=[assessment.pk])).content.decode()
    import re

    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert "Total, base estimate" in table and "Upper estimates, up to" in table
    assert "2,000,000.00\xa0SEK" in table and "600,000.00\xa0SEK" in table
    assert "2,600,000" not in table and "of which" not in table


def test_the_combined_page_says_in_words_why_the_recommendation_follows(login, coordinator, make_assessment):
    from placement import documents, selectors
    from placement.analysis import signed_score

    assessment = make_assessment()
    response = login(coordinator).get(reverse("placement:combined", args=[assessment.pk]))
    body = response.content.decode()
    result = selectors.assessment_analysis(tenant=response.wsgi_request.tenant, assessment=assessment)
    reasons = documents.recommendation_reasons(result)
    assert reasons and all(escape(sentence) in body for sentence in reasons)
    # No internal score: neither the figures nor the formula behind them.
    assert "Score" not in body and "score" not in body
    assert not any(f">{signed_score(s)}<" in body or f">{signed_score(s)} " in body
                   for s in result.combined.scores.values() if s)
