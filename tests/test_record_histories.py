"""Every record page shows its record's history (issue 2: "Each record's page shows its history").

These pages came without one: a requirement status, a row of the statement of applicability, an
own requirement, an own threat, a unit, the risk matrix and the classification settings. Each is
opened by a member who may read the record; the history reads as text for people (labels and
names, not attribute names and ids), and the page's query count stays the same however long the
history grows.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classification.models import ClassificationSettings
from requirements.models import ApplicabilityStatement, Control, Requirement, RequirementStatus
from risk.models import RiskMatrix, Threat
from tests.factories import SystemFactory, UnitFactory
from trail.context import acting_as

pytestmark = pytest.mark.django_db


@dataclass
class RecordPage:
    url: str
    change: Callable[[int], None]  # the i-th audited change of the record
    shows: tuple[str, ...]  # readable history text the page must show after a few changes
    hides: tuple[str, ...]  # raw internals it must not show


def _saved(obj, **values):
    obj = type(obj).objects.get(pk=obj.pk)  # loaded afresh, as a page's save would
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def _control() -> Control:
    return Control.objects.create(number="5.1", theme="organisational", name_en="Policies", name_sv="Policyer")


def requirement_page(org_a, people) -> RecordPage:
    requirement = Requirement.objects.create(organisation=org_a, code="EGEN-01", area="supplier", title="Eget krav",
                                             text_is="Ä", text_shall="S", levels={"K": 1})
    control = _control()

    def change(i):
        _saved(requirement, title=f"Eget krav {i}", withdrawn=bool(i % 2))
        if i == 0:
            requirement.controls.add(control)

    return RecordPage(reverse("requirements:requirement_edit", args=[requirement.pk]), change,
                      shows=("Title (Swedish)</span>: Eget krav → Eget krav 0", "Withdrawn</span>: No → Yes",
                             "Annex A controls</span>: added: 5.1 Policies"),
                      hides=("withdrawn", "title:"))


def status_page(org_a, people) -> RecordPage:
    system = SystemFactory(organisation=org_a, name="Elevregister")
    requirement = Requirement.objects.create(organisation=org_a, code="EGEN-02", area="supplier", title="Krav",
                                             text_is="Ä", text_shall="S", levels={"K": 0})
    status = RequirementStatus.objects.create(organisation=org_a, system=system, requirement=requirement,
                                              status="not_met")

    def change(i):
        _saved(status, status="met" if i % 2 == 0 else "partly_met", assessed_by=people[i % 2],
               version=status.version + i + 1)

    return RecordPage(reverse("requirements:status_edit", args=[system.pk, requirement.pk]), change,
                      shows=("Status</span>: Not met → Met", f"Assessed by</span>: – → {people[0].full_name}",
                             "Requirement</span>: EGEN-02 Krav", "System</span>: Elevregister"),
                      hides=("not_met", "assessed_by", "requirement_id"))


def soa_page(org_a, people) -> RecordPage:
    control = _control()
    statement = ApplicabilityStatement.objects.create(organisation=org_a, control=control, applicable=True)

    def change(i):
        _saved(statement, applicable=bool(i % 2), reason=f"Skäl {i}", implementation="partly")

    return RecordPage(reverse("requirements:soa_edit", args=[control.pk]), change,
                      shows=("Applicable</span>: Yes → No", "Implementation status</span>: Not implemented → Partly",
                             "Control</span>: 5.1 Policies"),
                      hides=("not_implemented", "control_id", "True"))


def threat_page(org_a, people) -> RecordPage:
    threat = Threat.objects.create(organisation=org_a, code="eget-hot", name="Eget hot", category="attack")

    def change(i):
        _saved(threat, name=f"Eget hot {i}", category="human" if i % 2 == 0 else "attack")

    return RecordPage(reverse("risk:threat_edit", args=[threat.pk]), change,
                      shows=("Category</span>: Deliberate attack → Human error or misuse",),
                      hides=("category", "</span>: attack", "→ human"))


def unit_page(org_a, people) -> RecordPage:
    board, other = UnitFactory(organisation=org_a, name="Barn- och utbildningsnämnden"), \
        UnitFactory(organisation=org_a, name="Socialnämnden")
    unit = UnitFactory(organisation=org_a, name="Förvaltningen", kind="administration")

    def change(i):
        _saved(unit, name=f"Förvaltningen {i}", parent=board if i % 2 == 0 else other)

    return RecordPage(reverse("organisations:unit_edit", args=[unit.pk]), change,
                      shows=("Part of</span>: – → Barn- och utbildningsnämnden",
                             "Kind</span>: Administration (förvaltning)"),
                      hides=("parent_id", "administration<"))


def matrix_page(org_a, people) -> RecordPage:
    matrix = RiskMatrix.objects.create(organisation=org_a)

    def change(i):
        _saved(matrix, acceptance_level="high" if i % 2 == 0 else "medium",
               likelihood_labels=["Sällan", f"Ibland {i}", "Ofta", "Mycket ofta"], version=matrix.version + i + 1)

    return RecordPage(reverse("risk:matrix_settings"), change,
                      shows=("Likelihood labels</span>: Sällan, Ibland 0, Ofta, Mycket ofta",
                             "Highest level anyone analysing may accept</span>: Medium → High"),
                      hides=("acceptance_level", "[&#x27;", "['"))


def classification_settings_page(org_a, people) -> RecordPage:
    current = ClassificationSettings.objects.create(organisation=org_a)

    def change(i):
        _saved(current, review_months=12 + i + 1)

    return RecordPage(reverse("classification:settings"), change,
                      shows=("Review interval in months</span>: 12 → 13",), hides=("review_months",))


PAGES = [requirement_page, status_page, soa_page, threat_page, unit_page, matrix_page, classification_settings_page]


@pytest.fixture
def admin(org_a, member, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return member(org_a, "admin")


def _history(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert 'id="history-title"' in page, url
    return page.split('id="history-title"')[1].split("</section>")[0], len(ctx.captured_queries)


@pytest.mark.parametrize("make", PAGES, ids=[p.__name__ for p in PAGES])
def test_the_record_page_shows_a_readable_history_in_constant_queries(make, org_a, member, admin, login):
    people = [member(org_a, "system_owner"), member(org_a, "system_administrator")]
    with acting_as(admin, source="web"):
        record = make(org_a, people)
        for i in range(2):
            record.change(i)
    client = login(admin)
    history, few = _history(client, record.url)
    for text in record.shows:
        assert text in history, f"{text!r} not in {history}"
    for raw in record.hides:
        assert raw not in history, raw
    with acting_as(admin, source="web"):
        for i in range(2, 40):
            record.change(i)
    history, many = _history(client, record.url)
    assert many == few, f"{record.url}: {few} queries with 3 entries, {many} with 40"
    assert history.count("<tr>") > 40  # the header row, the first entries and the 38 new changes


def test_a_supplier_sees_no_history_of_the_organisations_settings(org_a, supplier_org, member, login):
    with acting_as(None, source="system"):
        ClassificationSettings.objects.create(organisation=supplier_org)
    client = login(member(supplier_org, "supplier"))
    page = client.get(reverse("classification:settings")).content.decode()
    assert 'id="history-title"' not in page


def test_a_reader_sees_the_history_of_the_classification_settings(org_a, member, login):
    with acting_as(None, source="system"):
        current = ClassificationSettings.objects.create(organisation=org_a)
        _saved(current, review_months=24)
    page = login(member(org_a, "reader")).get(reverse("classification:settings")).content.decode()
    assert 'id="history-title"' in page
