"""Systems and classifications lead to each other (issue 12.4): the system page shows the
classifications behind its protection need and starts the missing ones, a classification lists
the systems it drives, the information-type list shows the levels."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classification import services
from classification.models import Classification
from inventory.models import InformationType, System
from privacy.models import ProcessingActivity
from tests.factories import InformationTypeFactory, SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def system(org_a, tenant_of, classify):
    """A system holding three information types: two classified (journals K3, logs lower), one not."""
    system = SystemFactory(organisation=org_a, name="Journalsystem", owner=tenant_of("system_owner").user)
    journals = InformationTypeFactory(organisation=org_a, name="Journaler", personal_data=True)
    logs = InformationTypeFactory(organisation=org_a, name="Loggar")
    new = InformationTypeFactory(organisation=org_a, name="Kallelser")
    system.information_types.set([journals, logs, new])
    classify(journals, osl_chapters=["25"])  # K 3, the rest 0
    classify(logs, integrity_consequence="significant")  # R 2
    return system


def _start_forms(html: str) -> list[str]:
    return [pk for pk in InformationType.objects.values_list("pk", flat=True)
            if f'action="{reverse("classification:start", args=[pk])}"' in html]


def _answered_yes(questionnaire: str, question: str) -> bool:
    """Whether the questionnaire's "yes" option of the question is ticked."""
    tag = questionnaire.split(f'name="q_{question}" value="yes"')[1].split(">")[0]
    return "checked" in tag


def test_the_system_page_shows_the_classifications_behind_its_need_and_starts_the_missing_one(
        system, tenant_of, login):
    journals, logs, new = (InformationType.objects.get(name=n) for n in ("Journaler", "Loggar", "Kallelser"))
    client = login(tenant_of("coordinator").user)
    html = client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    for info in (journals, logs):
        assert reverse("classification:detail", args=[info.classification.pk]) in html
    # The need 3-2-0-0, each level named with the information type that sets it.
    assert "3-2-0-0" in html
    for level, info in (("3", journals), ("2", logs)):
        link = f'<a href="{reverse("classification:detail", args=[info.classification.pk])}">{info.name}</a>'
        assert f"{level}</span>\n    set by {link}</dd>" in html
    assert "1 information type is not classified yet" in html
    assert _start_forms(html) == [new.pk]

    response = client.post(reverse("classification:start", args=[new.pk]), {"system": system.pk})
    assert response.status_code == 302 and response.url == reverse("classification:classify", args=[new.pk])
    started = Classification.objects.get(information_type=new)
    assert (started.status, started.answers) == ("draft", {})
    assert client.get(response.url).status_code == 200
    # Started, it is no longer offered; a second start changes nothing and opens the same draft.
    assert _start_forms(client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()) == []
    again = client.post(reverse("classification:start", args=[new.pk]), {"system": system.pk})
    assert again.url == response.url and Classification.objects.filter(information_type=new).count() == 1
    assert Classification.objects.get(pk=started.pk).version == started.version


def test_starting_from_a_system_that_processes_personal_data_prefills_the_answer(org_a, tenant_of, login):
    system = SystemFactory(organisation=org_a, name="Bokning", personal_data=True)
    info = InformationTypeFactory(organisation=org_a, name="Bokningar", personal_data=False)
    system.information_types.add(info)
    client = login(tenant_of("coordinator").user)
    client.post(reverse("classification:start", args=[info.pk]), {"system": system.pk})
    c = Classification.objects.get(information_type=info)
    assert c.answers == {"personal_data": True}
    assert c.reasoning == {"personal_data": "The system Bokning is recorded as processing personal data."}
    assert c.levels["K"] == 1  # the personal-data rule already counts
    page = client.get(reverse("classification:classify", args=[info.pk])).content.decode()
    assert _answered_yes(page, "personal_data") and not _answered_yes(page, "sensitive_personal_data")


def test_the_record_of_processing_carries_sensitive_data_into_the_questionnaire(org_a, tenant_of, login):
    info = InformationTypeFactory(organisation=org_a, name="Hälsouppgifter", personal_data=True)
    activity = ProcessingActivity.objects.create(organisation=org_a, name="Hemsjukvård",
                                                 data_categories=["identity", "health"])
    activity.information_types.add(info)
    login(tenant_of("coordinator").user).post(reverse("classification:start", args=[info.pk]))
    c = Classification.objects.get(information_type=info)
    assert c.answers == {"personal_data": True, "sensitive_personal_data": True, "national_id": True}
    assert c.reasoning["sensitive_personal_data"] == (
        "The record of processing lists special categories of personal data in: Hemsjukvård.")
    assert c.reasoning["personal_data"] == (
        "The inventory records the information type as containing personal data. "
        "The record of processing lists it in: Hemsjukvård.")


def test_a_new_information_type_from_the_system_page_is_linked_classified_and_prefilled(org_a, tenant_of, login):
    system = SystemFactory(organisation=org_a, name="Elevhälsa", personal_data=True)
    client = login(tenant_of("coordinator").user)
    # 1: the system page offers it; 2: the form, personal data ticked as the system says.
    page = client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    new_url = reverse("classification:new_for_system", args=[system.pk])
    assert f'href="{new_url}"' in page
    form = client.get(new_url).content.decode()
    assert 'name="personal_data" id="id_personal_data" checked' in form
    # 3: posted, it lands in the questionnaire with the answers filled in.
    response = client.post(new_url, {"name": " Skolsköterskans anteckningar ", "description": "Hälsobesök",
                                      "personal_data": "on", "sensitive_personal_data": "on"})
    info = InformationType.objects.get(name="Skolsköterskans anteckningar")
    assert response.status_code == 302 and response.url == reverse("classification:classify", args=[info.pk])
    assert (info.organisation, info.description, info.personal_data) == (org_a, "Hälsobesök", True)
    assert list(system.information_types.all()) == [info]
    assert System.objects.get(pk=system.pk).version == system.version + 1
    c = Classification.objects.get(information_type=info)
    assert (c.status, c.answers) == ("draft", {"personal_data": True, "sensitive_personal_data": True})
    assert (c.confidentiality, c.traceability) == (2, 2)
    questionnaire = client.get(response.url).content.decode()
    assert _answered_yes(questionnaire, "personal_data") and _answered_yes(questionnaire, "sensitive_personal_data")
    assert not _answered_yes(questionnaire, "national_id")
    assert "Stated when the information type was recorded from the system Elevhälsa." in questionnaire


def test_a_new_information_type_with_a_taken_name_is_refused_on_the_form(org_a, tenant_of, login):
    system = SystemFactory(organisation=org_a, name="Elevhälsa")
    InformationTypeFactory(organisation=org_a, name="Journaler")
    response = login(tenant_of("coordinator").user).post(
        reverse("classification:new_for_system", args=[system.pk]), {"name": "journaler", "description": "Mitt"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "already has an information type named “journaler”" in html and ">\nMitt</textarea>" in html
    assert InformationType.objects.count() == 1 and not system.information_types.exists()
    assert Classification.objects.count() == 0


def test_a_reader_sees_no_classify_action_and_is_refused(system, tenant_of, login):
    new = InformationType.objects.get(name="Kallelser")
    client = login(tenant_of("reader").user)
    html = client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    assert "Not classified" in html and _start_forms(html) == []
    assert reverse("classification:new_for_system", args=[system.pk]) not in html
    before = (Classification.objects.count(), InformationType.objects.count(), System.objects.get(pk=system.pk).version)
    assert client.post(reverse("classification:start", args=[new.pk]), {"system": system.pk}).status_code == 403
    assert client.get(reverse("classification:new_for_system", args=[system.pk])).status_code == 403
    assert client.post(reverse("classification:new_for_system", args=[system.pk]),
                       {"name": "Intrång"}).status_code == 403
    after = (Classification.objects.count(), InformationType.objects.count(), System.objects.get(pk=system.pk).version)
    assert after == before


def test_the_dpo_classifies_but_does_not_add_to_the_inventory(system, tenant_of, login):
    client = login(tenant_of("dpo").user)
    html = client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    assert _start_forms(html) == [InformationType.objects.get(name="Kallelser").pk]
    assert reverse("classification:new_for_system", args=[system.pk]) not in html
    assert client.post(reverse("classification:new_for_system", args=[system.pk]), {"name": "X"}).status_code == 403
    assert not InformationType.objects.filter(name="X").exists()


def test_another_organisations_system_and_information_are_not_reached(system, org_b, tenant_of, login):
    theirs = SystemFactory(organisation=org_b, name="Deras")
    their_info = InformationTypeFactory(organisation=org_b, name="Deras info")
    theirs.information_types.add(their_info)
    client = login(tenant_of("coordinator").user)
    assert client.post(reverse("classification:start", args=[their_info.pk])).status_code == 404
    assert client.get(reverse("classification:new_for_system", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("classification:new_for_system", args=[theirs.pk]), {"name": "X"}).status_code == 404
    # A foreign system named in the start form is ignored: nothing of it is read into the answers.
    theirs.personal_data = True
    theirs.save()
    own = InformationType.objects.get(name="Kallelser")
    client.post(reverse("classification:start", args=[own.pk]), {"system": theirs.pk})
    assert Classification.objects.get(information_type=own).answers == {}
    assert not their_info.systems.exclude(pk=theirs.pk).exists() and not Classification.objects.filter(
        organisation=org_b).exists()


def test_starting_an_approved_classification_leads_to_it(system, tenant_of, login):
    journals = InformationType.objects.get(name="Journaler")
    c = journals.classification
    services.classification_submit(tenant=tenant_of("coordinator"), classification=c)
    services.classification_approve(tenant=tenant_of("admin"), classification=c)
    response = login(tenant_of("coordinator").user).post(reverse("classification:start", args=[journals.pk]))
    assert response.url == reverse("classification:detail", args=[c.pk])
    assert Classification.objects.get(pk=c.pk).status == "approved"


def test_the_classification_page_lists_the_systems_it_drives(system, org_a, tenant_of, login, classify):
    journals = InformationType.objects.get(name="Journaler")
    other = SystemFactory(organisation=org_a, name="Arkiv")
    other.information_types.add(journals)
    archived = SystemFactory(organisation=org_a, name="Gammalt",
                             archived_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    archived.information_types.add(journals)
    SystemFactory(organisation=org_a, name="Orelaterat")
    html = login(tenant_of("reader").user).get(
        reverse("classification:detail", args=[journals.classification.pk])).content.decode()
    section = html.split('id="systems-title"')[1].split("</section>")[0]
    assert f'<a href="{reverse("inventory:system_detail", args=[other.pk])}">Arkiv</a>' in section
    assert f'<a href="{reverse("inventory:system_detail", args=[system.pk])}">Journalsystem</a>' in section
    assert "Gammalt" not in section and "Orelaterat" not in section
    # Journaler sets K (3) of both; the zeros of R it shares with Arkiv only (Loggar gives Journalsystem R 2).
    assert section.index("Arkiv") < section.index("Journalsystem")
    rows = section.split("<tr>")[2:]
    assert "<td>K, R, T, S</td>" in rows[0] and "<td>K, T, S</td>" in rows[1]


def test_the_information_type_list_shows_levels_and_status(system, tenant_of, login):
    journals = InformationType.objects.get(name="Journaler")
    client = login(tenant_of("coordinator").user)
    html = client.get(reverse("inventory:infotype_list")).content.decode()
    assert '<abbr title="Confidentiality">K</abbr>' in html and '<abbr title="Traceability">S</abbr>' in html
    row = html.split("<td>Journaler</td>")[1].split("</tr>")[0]
    levels = [cell.split(">")[-1] for cell in row.split("</span></td>")[:-1]]
    assert levels == ["3", "0", "0", "0"]
    assert reverse("classification:detail", args=[journals.classification.pk]) in row and "Draft" in row
    unclassified = html.split("<td>Kallelser</td>")[1].split("</tr>")[0]
    assert unclassified.count("–") == 4 and "Not classified" in unclassified
    assert _start_forms(unclassified) == [InformationType.objects.get(name="Kallelser").pk]
    assert _start_forms(login(tenant_of("reader").user).get(reverse("inventory:infotype_list")).content.decode()) == []


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_classifications(org_a, tenant_of, login, classify):
    system = SystemFactory(organisation=org_a, name="Nav")
    hub = InformationTypeFactory(organisation=org_a, name="Nav-info")
    system.information_types.add(hub)
    c = classify(hub)
    client = login(tenant_of("coordinator").user)
    urls = [reverse("inventory:system_detail", args=[system.pk]), reverse("inventory:infotype_list"),
            reverse("classification:detail", args=[c.pk])]

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            info = InformationTypeFactory(organisation=org_a, name=f"Typ {i:02d}")
            system.information_types.add(info)
            if i % 2:
                classify(info, impact_trust="significant")
            holder = SystemFactory(organisation=org_a, name=f"Hållare {i:02d}", owner=tenant_of("system_owner").user)
            holder.information_types.add(hub, info)

    grow(3, 0)
    for url in urls:  # a first request fills per-process caches (content types); not measured
        client.get(url)
    small = [_count(client, url) for url in urls]
    grow(12, 3)
    assert "Typ 14" in client.get(urls[0]).content.decode()
    assert "Hållare 14" in client.get(urls[2]).content.decode()
    # The system page: request (3), the system, its information types with their classifications,
    # its shares, dependencies both ways, history and the names it links (10). The list: request
    # (3), COUNT, the page with classifications, the classification model (6). The classification:
    # request (3), it, its supplier questions, protection-analysis actions, the systems it drives
    # and their need, the suppliers to ask, history and names (11).
    assert [_count(client, url) for url in urls] == small == [10, 6, 11]


def test_bjorkvik_demo_has_an_unclassified_information_type_to_classify_from_its_system(client):
    from classification import demo
    from demo import data
    from demo.management.commands.load_demo import _inventory, _member, _user
    from organisations.models import Organisation
    from trail.context import acting_as

    it_company = Organisation.objects.create(slug="mellanskog-it", name="Mellanskogs IT AB", kind="supplier")
    org = Organisation.objects.create(slug="bjorkvik", name="Björkviks kommun", kind="municipality")
    users = {}
    for local, role, title in data.MUNICIPAL_USERS:
        users[role] = _user(f"{local}@bjorkvik.example", title)
        _member(users[role], org, role)
    with acting_as(None, source="cli"):
        _inventory(org, it_company, users)
        demo.load(organisation=org, users=users)
    info = InformationType.objects.get(organisation=org, classification__isnull=True)
    assert (info.name, info.personal_data) == ("Lokalbokningar", True)
    system = System.objects.get(organisation=org, information_types=info)
    assert system.name == "Bokningssystem för lokaler"
    client.force_login(users["coordinator"])
    html = client.get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    assert _start_forms(html) == [info.pk]
    assert Classification.objects.filter(organisation=org).count() == len(data.INFORMATION_TYPES)
