"""The classification pages: list, questionnaire with live levels, detail, workflow, settings, questions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classification import services
from classification.models import Classification, ClassificationSettings, SupplierQuestion
from classification.tests.conftest import LOWEST
from tests.factories import InformationTypeFactory, SupplierFactory, SystemFactory

pytestmark = pytest.mark.django_db

FAR = datetime.date(2099, 1, 1)  # an answer date far ahead, for questions that are not about dates


def _form_data(answers: dict, **extra) -> dict:
    data = {}
    for key, value in answers.items():
        if isinstance(value, bool):
            data[f"q_{key}"] = "yes" if value else "no"
        else:
            data[f"q_{key}"] = value
    return {**data, **extra}


def test_the_list_shows_every_information_type_with_its_classification(org_a, tenant_of, login, classify, monkeypatch):
    classify(InformationTypeFactory(organisation=org_a, name="Loggar"), impact_trust="significant")
    stale = classify(InformationTypeFactory(organisation=org_a, name="Journaler"), osl_chapters=["25"])
    InformationTypeFactory(organisation=org_a, name="Styrdokument")
    services.classification_submit(tenant=tenant_of("coordinator"), classification=stale)
    monkeypatch.setattr(services, "today", lambda: datetime.date(2020, 1, 1))
    services.classification_approve(tenant=tenant_of("admin"), classification=stale)  # review 2021-01-01
    client = login(tenant_of("reader").user)
    page = client.get(reverse("classification:list")).content.decode()
    assert "2-0-0-0" in page and "3-0-0-0" in page and "Styrdokument" in page
    assert "2021-01-01" in page and "review overdue" in page
    assert page.count("Not classified") == 2  # the filter option and the one row

    def names(**params):
        html = client.get(reverse("classification:list"), params).content.decode()
        return [n for n in ("Loggar", "Journaler", "Styrdokument") if n in html]

    assert names(status="unclassified") == ["Styrdokument"]
    assert names(status="draft") == ["Loggar"]
    assert names(status="approved") == ["Journaler"]
    assert names(stale="on") == ["Journaler"]
    assert names(q="logg") == ["Loggar"]


def test_the_list_answers_htmx_with_the_rows_only(org_a, tenant_of, login):
    InformationTypeFactory(organisation=org_a, name="Loggar")
    response = login(tenant_of("reader").user).get(reverse("classification:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Loggar" in html and "<h1>" not in html


def test_the_questionnaire_creates_a_draft_on_the_first_save(org_a, tenant_of, login, info):
    client = login(tenant_of("dpo").user)
    page = client.get(reverse("classification:classify", args=[info.pk])).content.decode()
    assert "Does it contain sensitive personal data?" in page
    assert "Chapter 26: social services" in page
    data = _form_data({"sensitive_personal_data": True, "osl_chapters": ["26"]},
                      r_osl_chapters="Socialtjänstsekretess, OSL 26 kap. 1 §.", responsible=tenant_of("dpo").user.pk)
    response = client.post(reverse("classification:classify", args=[info.pk]), data)
    c = Classification.objects.get()
    assert response.status_code == 302 and response.url == reverse("classification:detail", args=[c.pk])
    assert (c.status, c.answers, c.reasoning) == (
        "draft", {"sensitive_personal_data": True, "osl_chapters": ["26"]},
        {"osl_chapters": "Socialtjänstsekretess, OSL 26 kap. 1 §."})
    assert c.levels == {"K": 3, "R": None, "T": None, "S": 2}


def test_an_unjustified_override_is_shown_on_the_form_and_nothing_is_saved(tenant_of, login, info, classify):
    c = classify(info)
    client = login(tenant_of("coordinator").user)
    data = _form_data(LOWEST, override_T="3", justification_T="", version=c.version)
    response = client.post(reverse("classification:classify", args=[info.pk]), data)
    assert response.status_code == 200
    assert "Write why availability should be 3 when the answers give 0." in response.content.decode()
    c.refresh_from_db()
    assert (c.availability, c.version) == (0, 1)


def test_a_stale_form_is_refused_and_the_answers_are_kept(tenant_of, login, info, classify):
    c = classify(info)
    services.classification_save(tenant=tenant_of("system_owner"), information_type=info, answers=LOWEST,
                                 reasoning={"personal_data": "Ändrat av någon annan"}, version=c.version)
    client = login(tenant_of("coordinator").user)
    data = _form_data(LOWEST, r_personal_data="Min motivering", version=1)
    response = client.post(reverse("classification:classify", args=[info.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else has changed this classification since you opened it." in html
    assert "Min motivering" in html and 'name="version" value="2"' in html
    assert Classification.objects.get().reasoning == {"personal_data": "Ändrat av någon annan"}


def test_the_levels_are_recomputed_live_without_saving(tenant_of, login, info):
    client = login(tenant_of("coordinator").user)
    data = _form_data({"impact_life_health": "serious", "outage_tolerance": "hours"})
    response = client.post(reverse("classification:preview", args=[info.pk]), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>" not in html
    assert html.count('<span class="level-value level-3">3</span> Serious') == 2  # integrity and availability
    assert html.count("not yet decided") == 2  # confidentiality and traceability
    assert Classification.objects.count() == 0


def test_the_detail_page_explains_the_levels(org_a, tenant_of, login, info, classify):
    c = classify(info, osl_chapters=["26"], outage_tolerance="hours",
                 overrides={"R": {"level": 2, "justification": "Akterna rättas dagligen."}})
    services.classification_save(tenant=tenant_of("coordinator"), information_type=info, version=c.version,
                                 answers={**LOWEST, "osl_chapters": ["26"], "outage_tolerance": "hours"},
                                 reasoning={"outage_tolerance": "Socialjouren behöver akterna inom timmar."})
    services.supplier_question_create(tenant=tenant_of("coordinator"), classification=c,
                                      supplier=SupplierFactory(organisation=org_a, name="Mellanskogs IT AB"),
                                      question="Hur länge sparas loggarna?", due_date=FAR)
    html = login(tenant_of("reader").user).get(c.get_absolute_url()).content.decode()
    assert "3-2-3-0" in html
    assert "Strong secrecy under OSL: Chapter 26: social services." in html
    assert "OSL (2009:400) chapters 21, 23, 25 and 26" in html
    assert "Tolerable outage: A few hours." in html
    assert "Akterna rättas dagligen." in html
    assert "Socialjouren behöver akterna inom timmar." in html
    assert "Hur länge sparas loggarna?" in html and "Mellanskogs IT AB" in html
    assert "1 question to a supplier is still open" in html
    assert "History" in html
    # A reader sees no workflow buttons.
    assert "Submit for review" not in html and "Reopen" not in html


def test_the_workflow_through_the_pages(tenant_of, login, info, classify, client):
    c = classify(info)
    login(tenant_of("system_administrator").user)
    assert client.post(reverse("classification:submit", args=[c.pk])).status_code == 302
    c.refresh_from_db()
    assert c.status == "review"
    # The system administrator may classify but not approve.
    assert client.post(reverse("classification:approve", args=[c.pk])).status_code == 403
    c.refresh_from_db()
    assert (c.status, c.approved_by, c.review_date, c.version) == ("review", None, None, 2)
    login(tenant_of("system_owner").user)
    page = client.get(c.get_absolute_url()).content.decode()
    assert "Approve" in page
    assert client.post(reverse("classification:approve", args=[c.pk])).status_code == 302
    c.refresh_from_db()
    assert (c.status, c.approved_by) == ("approved", tenant_of("system_owner").user)
    # Once approved the questionnaire sends you back to the page with Reopen.
    response = client.get(reverse("classification:classify", args=[info.pk]))
    assert response.status_code == 302 and response.url == c.get_absolute_url()
    client.post(reverse("classification:reopen", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == "draft"


def test_a_refused_step_is_explained(tenant_of, login, info, client):
    c = services.classification_save(tenant=tenant_of("coordinator"), information_type=info,
                                     answers={"personal_data": True}, reasoning={})
    login(tenant_of("coordinator").user)
    response = client.post(reverse("classification:submit", args=[c.pk]), follow=True)
    assert "Answer every question before submitting; 13 remain." in response.content.decode()
    c.refresh_from_db()
    assert c.status == "draft"


def test_readers_cannot_classify(tenant_of, login, info, classify, client):
    login(tenant_of("reader").user)
    assert client.get(reverse("classification:classify", args=[info.pk])).status_code == 403
    assert client.post(reverse("classification:classify", args=[info.pk]), _form_data(LOWEST)).status_code == 403
    assert client.post(reverse("classification:preview", args=[info.pk]), _form_data(LOWEST)).status_code == 403
    assert Classification.objects.count() == 0
    c = classify(info)
    assert client.post(reverse("classification:submit", args=[c.pk])).status_code == 403
    assert client.post(reverse("classification:reopen", args=[c.pk])).status_code == 403
    c.refresh_from_db()
    assert (c.status, c.version) == ("draft", 1)


def test_another_organisations_classification_is_not_found(org_b, member, login, info, classify):
    c = classify(info)
    client = login(member(org_b, "admin"))
    assert client.get(c.get_absolute_url()).status_code == 404
    assert client.get(reverse("classification:classify", args=[info.pk])).status_code == 404
    assert client.post(reverse("classification:approve", args=[c.pk])).status_code == 404
    c.refresh_from_db()
    assert c.status == "draft"


def test_the_settings_page(org_a, tenant_of, login, client):
    login(tenant_of("reader").user)
    page = client.get(reverse("classification:settings")).content.decode()
    assert "Exceptionally serious" in page and "12 months" in page and 'name="scheme"' not in page
    assert client.post(reverse("classification:settings"), {"scheme": "msb", "review_months": 6}).status_code == 403
    assert ClassificationSettings.objects.count() == 0
    login(tenant_of("coordinator").user)
    assert client.post(reverse("classification:settings"), {"scheme": "msb", "review_months": 6}).status_code == 302
    settings = ClassificationSettings.objects.get()
    assert (settings.organisation, settings.scheme, settings.review_months) == (org_a, "msb", 6)


def test_the_settings_page_explains_why_the_model_cannot_change(tenant_of, login, info, classify, client):
    classify(info)
    login(tenant_of("admin").user)
    response = client.post(reverse("classification:settings"), {"scheme": "msb", "review_months": 12})
    assert response.status_code == 200
    assert "The model cannot be changed once information has been classified" in response.content.decode()
    assert ClassificationSettings.objects.count() == 0


def test_supplier_questions_asked_and_answered_on_the_pages(org_a, tenant_of, login, info, classify, client):
    c = classify(info)
    supplier = SupplierFactory(organisation=org_a, name="Mellanskogs IT AB")
    login(tenant_of("coordinator").user)
    client.post(reverse("classification:question_create", args=[c.pk]),
                {"supplier": supplier.pk, "question": "Var lagras säkerhetskopiorna?", "due_date": "2020-01-01"})
    # A due date before today is refused.
    assert SupplierQuestion.objects.count() == 0
    due = (services.today() + datetime.timedelta(days=10)).isoformat()
    client.post(reverse("classification:question_create", args=[c.pk]),
                {"supplier": supplier.pk, "question": "Var lagras säkerhetskopiorna?", "due_date": due})
    question = SupplierQuestion.objects.get()
    listing = client.get(reverse("classification:questions")).content.decode()
    assert "Var lagras säkerhetskopiorna?" in listing and "Socialtjänstakter" in listing
    response = client.post(reverse("classification:question_answer", args=[question.pk]),
                           {"answer": "I Sverige, i två datahallar.", "next": "list"})
    assert response.url == reverse("classification:questions")
    question.refresh_from_db()
    assert (question.answer, question.answered_on) == ("I Sverige, i två datahallar.", services.today())
    assert "Var lagras" not in client.get(reverse("classification:questions")).content.decode()
    assert "Var lagras" in client.get(reverse("classification:questions"), {"view": "answered"}).content.decode()


def test_the_system_pages_show_the_protection_need(org_a, tenant_of, login, info, classify):
    classify(info, osl_chapters=["26"], impact_life_health="serious", traceability_consequence="serious")
    system = SystemFactory(organisation=org_a, name="Verksamhetssystem IFO")
    system.information_types.set([info])
    client = login(tenant_of("reader").user)
    detail = client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    assert "Protection need" in detail and '<span class="tuple">3-3-3-3</span>' in detail
    listing = client.get(reverse("inventory:system_list")).content.decode()
    assert '<td class="tuple">3-3-3-3</td>' in listing


# --- Query counts: the same with 3 and with 30 classified information types --------------------------

@pytest.fixture
def grow(org_a, tenant_of, classify):
    """grow(n) adds n information types, each classified, with an open supplier question and a system."""
    supplier = SupplierFactory(organisation=org_a, name="Mellanskogs IT AB")
    made = [0]

    def add(n):
        for _ in range(n):
            i = made[0]
            made[0] += 1
            info = InformationTypeFactory(organisation=org_a, name=f"Informationstyp {i:03d}")
            c = classify(info, personal_data=True, tenant=tenant_of("coordinator" if i % 2 else "dpo"))
            services.supplier_question_create(tenant=tenant_of("coordinator"), classification=c, supplier=supplier,
                                              question=f"Fråga {i:03d}", due_date=FAR)
            system = SystemFactory(organisation=org_a, name=f"System {i:03d}")
            system.information_types.set([info])

    return add


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name, expected",
    [
        # request (3: session, user, memberships), COUNT for the paginator, one page of information
        # types joined with classification and responsible, with the open-question EXISTS.
        ("classification:list", 5),
        # request (3), the suppliers of the filter, COUNT for the paginator, one page of questions
        # joined with supplier, subjects and the people who asked and answered.
        ("classification:questions", 6),
        # request (3), COUNT for the paginator, one page of systems, the protection need of that page.
        ("inventory:system_list", 6),
    ],
)
def test_list_pages_run_a_constant_number_of_queries(grow, tenant_of, login, url_name, expected):
    client = login(tenant_of("reader").user)
    grow(3)
    client.get(reverse(url_name))  # the first request of a session may set it up
    small = _count(client, reverse(url_name))
    grow(27)
    assert "029" in client.get(reverse(url_name)).content.decode()
    assert _count(client, reverse(url_name)) == small == expected
