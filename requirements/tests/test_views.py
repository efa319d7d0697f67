"""Pages: the catalogue, a system's requirement list with inline assessment, the SoA, own requirements."""

import pytest
from django.urls import reverse
from django.utils import translation

from requirements import services
from requirements.models import ApplicabilityStatement, Control, Requirement, RequirementStatus
from tests.factories import SystemFactory
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_catalogue_filters_by_area_control_nis2_and_attribute(login, editor, catalogue):
    client = login(editor)
    url = reverse("requirements:catalogue")
    page = client.get(url).content.decode()
    assert "ÅS-03" in page and "Tvåfaktorsautentisering för fjärråtkomst och administratörer" not in page  # English titles
    assert "Two-factor authentication for remote access and administrators" in page
    backup = client.get(url, {"area": "backup"}).content.decode()
    assert "SK-01" in backup and "ÅS-03" not in backup
    by_control = client.get(url, {"control": "8.13"}).content.decode()
    assert "SK-01" in by_control and "KR-01" not in by_control
    by_nis2 = client.get(url, {"nis2": "j"}).content.decode()
    assert "ÅS-03" in by_nis2 and "SK-01" not in by_nis2
    corrective = client.get(url, {"attribute": "control_types:corrective"}).content.decode()
    assert "SK-01" in corrective and "ÅS-03" not in corrective  # 8.13 is corrective; 8.5, 5.17, 8.2 are not


def test_the_catalogue_pages_by_50(login, editor, catalogue):
    client = login(editor)
    response = client.get(reverse("requirements:catalogue"), {"page": 3})
    total = Requirement.objects.count()
    assert response.context["page"].paginator.count == total
    assert len(response.context["page"].object_list) == total - 100


def test_the_catalogue_htmx_gives_the_rows_only(login, editor, catalogue):
    response = login(editor).get(reverse("requirements:catalogue"), {"q": "SK-0"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "SK-01" in content and "<html" not in content and 'class="filters"' not in content


def test_a_system_list_derives_from_the_classification(login, editor, system, classify, catalogue):
    classify(system, K=2, R=1, T=1, S=1)
    response = login(editor).get(reverse("requirements:system_requirements", args=[system.pk]))
    content = response.content.decode()
    codes = {row.requirement.code for row in response.context["report"].rows}
    assert "ÅS-03" in codes and "ÅS-04" not in codes  # K ≥ 2 yes, K ≥ 3 no
    assert "2-1-1-1" in content
    assert "Tvåfaktorsautentisering krävs för fjärråtkomst och för administratörskonton." in content  # ÄR by default
    shall = login(editor).get(reverse("requirements:system_requirements", args=[system.pk]), {"form": "shall"})
    assert "Systemet ska kräva tvåfaktorsautentisering för administratörer" in shall.content.decode()


def test_an_unclassified_system_derives_nothing_and_says_why(login, editor, system, catalogue):
    content = login(editor).get(reverse("requirements:system_requirements", args=[system.pk])).content.decode()
    assert "so no requirements can be derived" in content
    assert "No requirements apply to this system." in content


def test_level_4_is_shown_as_needing_a_protection_analysis(login, editor, system, classify, catalogue):
    classify(system, K=4, R=1, T=1, S=1)
    response = login(editor).get(reverse("requirements:system_requirements", args=[system.pk]))
    content = response.content.decode()
    assert "Confidentiality is at level 4" in content and "separate protection analysis" in content
    codes = {row.requirement.code for row in response.context["report"].rows}
    assert "KR-02" not in codes  # {"K": 2}: nothing derived through K at level 4
    assert "DR-01" in codes  # {"K": 1, "R": 1, "T": 1}: still applies through R and T


def test_the_list_filters_by_status_area_and_attribute(login, editor, tenant, system, classify, catalogue):
    classify(system, K=2, R=2, T=2, S=2)
    services.requirement_status_set(tenant=tenant, system=system, requirement=Requirement.objects.get(code="SK-01"),
                                    data={"status": "not_met"})
    client = login(editor)
    url = reverse("requirements:system_requirements", args=[system.pk])
    shown = lambda **q: [row.requirement.code for row in client.get(url, q).context["report"].shown]  # noqa: E731
    # Besides SK-01, the requirements answered from data that the data does not meet (no owner, no risks …).
    assert shown(status="not_met") == ["ST-01", "ST-02", "ST-03", "SK-01"]
    assert "SK-01" not in shown(status="unassessed")
    assert set(shown(area="backup")) == {"SK-01", "SK-02", "SK-03", "SK-04"}
    assert "SK-01" in shown(attribute="capabilities:continuity") and "ÅS-03" not in shown(attribute="capabilities:continuity")


def test_inline_assessment_with_htmx(login, editor, system, classify, catalogue):
    classify(system, K=2)
    requirement = Requirement.objects.get(code="ÅS-03")
    client = login(editor)
    url = reverse("requirements:status_edit", args=[system.pk, requirement.pk])
    form = client.get(url, {"form": "shall"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'id="req-{requirement.pk}"' in form and 'name="status"' in form and "<html" not in form
    response = client.post(url, {"status": "partly_met", "evidence": "Admin har MFA", "form": "shall"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "requirements-changed"
    assert "Partly met" in response.content.decode() and "Admin har MFA" in response.content.decode()
    status = RequirementStatus.objects.get()
    assert (status.status, status.evidence, status.assessed_by) == ("partly_met", "Admin har MFA", editor)
    summary = client.get(reverse("requirements:system_requirements", args=[system.pk]), {"part": "summary"},
                         HTTP_HX_REQUEST="true")
    assert summary.context["report"].summary["partly_met"] == 1
    assert 'id="summary"' in summary.content.decode() and "<table class=\"list" not in summary.content.decode()


def test_the_assessment_form_shows_errors_in_the_row(login, editor, system, classify, catalogue):
    classify(system, K=2)
    requirement = Requirement.objects.get(code="ÅS-03")
    response = login(editor).post(reverse("requirements:status_edit", args=[system.pk, requirement.pk]),
                                  {"status": "not_applicable", "reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Give the reason the requirement does not apply to this system." in response.content.decode()
    assert RequirementStatus.objects.count() == 0


def test_the_assessment_page_without_javascript(login, editor, system, classify, catalogue):
    classify(system, K=2)
    requirement = Requirement.objects.get(code="ÅS-03")
    client = login(editor)
    url = reverse("requirements:status_edit", args=[system.pk, requirement.pk])
    assert "<html" in client.get(url).content.decode()
    response = client.post(url, {"status": "met", "form": "is"})
    assert response.status_code == 302
    assert response["Location"] == reverse("requirements:system_requirements", args=[system.pk]) + "?form=is"


def test_an_edit_against_a_stale_version_keeps_the_entries(login, editor, tenant, system, classify, catalogue):
    classify(system, K=2)
    requirement = Requirement.objects.get(code="ÅS-03")
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "met"})
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "not_met"})
    response = login(editor).post(reverse("requirements:status_edit", args=[system.pk, requirement.pk]),
                                  {"status": "partly_met", "evidence": "Mitt utkast", "version": "1"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "Someone else has changed this assessment" in content and "Mitt utkast" in content
    assert RequirementStatus.objects.get().status == "not_met"


def test_a_reader_sees_the_list_but_cannot_assess(login, org_a, member, tenant, system, classify, catalogue):
    classify(system, K=2)
    requirement = Requirement.objects.get(code="ÅS-03")
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "met"})
    reader = member(org_a, "reader")
    entries = AuditEntry.objects.count()
    client = login(reader)
    page = client.get(reverse("requirements:system_requirements", args=[system.pk])).content.decode()
    assert "ÅS-03" in page and reverse("requirements:status_edit", args=[system.pk, requirement.pk]) not in page
    url = reverse("requirements:status_edit", args=[system.pk, requirement.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"status": "not_met"}).status_code == 403
    assert RequirementStatus.objects.get().status == "met"
    assert AuditEntry.objects.count() == entries


def test_other_organisations_and_suppliers_get_404(login, member, org_b, supplier_org, org_a, system, catalogue):
    system.shared_with.add(supplier_org)
    requirement = Requirement.objects.get(code="ÅS-03")
    foreign = member(org_b)
    for user in (foreign, member(supplier_org, "supplier")):
        client = login(user)
        assert client.get(reverse("requirements:system_requirements", args=[system.pk])).status_code == 404
        assert client.get(reverse("requirements:system_export_docx", args=[system.pk])).status_code == 404
    client = login(foreign)
    assert client.post(reverse("requirements:status_edit", args=[system.pk, requirement.pk]),
                       {"status": "met"}).status_code == 404
    assert RequirementStatus.objects.count() == 0


def test_the_system_page_links_to_its_requirements(login, editor, system):
    content = login(editor).get(reverse("inventory:system_detail", args=[system.pk])).content.decode()
    assert reverse("requirements:system_requirements", args=[system.pk]) in content


def test_adding_and_editing_an_own_requirement(login, org_a, member, catalogue):
    client = login(member(org_a, "coordinator"))
    controls = Control.objects.filter(number__in=["5.20", "8.13"])
    data = {"code": "EGEN-01", "area": "backup", "title": "Kopior i kommunens eget valv", "title_en": "Copies in our vault",
            "text_is": "En kopia förvaras i kommunens valv.", "text_shall": "Leverantören ska lämna en kopia varje månad.",
            "level_t": "2", "controls": [c.pk for c in controls], "nis2": ["c", "d"]}
    response = client.post(reverse("requirements:requirement_create"), data)
    assert response.status_code == 302
    own = Requirement.objects.get(code="EGEN-01")
    assert (own.organisation, own.levels, own.nis2) == (org_a, {"T": 2}, ["c", "d"])
    assert sorted(c.number for c in own.controls.all()) == ["5.20", "8.13"]
    response = client.post(reverse("requirements:requirement_edit", args=[own.pk]), {**data, "title": "Nytt", "level_t": "",
                                                                                    "level_k": "1"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.title, own.levels) == ("Nytt", {"K": 1})
    assert "EGEN-01" in client.get(reverse("requirements:catalogue"), {"origin": "own"}).content.decode()


def test_an_own_requirement_needs_a_level(login, editor, catalogue):
    response = login(editor).post(reverse("requirements:requirement_create"), {
        "code": "EGEN-02", "area": "backup", "title": "T", "text_is": "Ä", "text_shall": "S",
        "controls": [Control.objects.first().pk], "nis2": ["c"]})
    assert response.status_code == 200
    assert "Choose from which level the requirement applies" in response.content.decode()
    assert not Requirement.objects.filter(code="EGEN-02").exists()


def test_the_catalogue_cannot_be_edited_and_readers_add_nothing(login, org_a, member, editor, catalogue):
    requirement = Requirement.objects.get(code="ÅS-03")
    assert login(editor).get(reverse("requirements:requirement_edit", args=[requirement.pk])).status_code == 404
    reader = login(member(org_a, "reader"))
    assert reader.post(reverse("requirements:requirement_create"), {"code": "X-01"}).status_code == 403
    assert Requirement.objects.filter(organisation__isnull=False).count() == 0


def test_the_soa_page_generation_filters_and_inline_decision(login, org_a, member, editor, system, classify, catalogue):
    classify(system, K=2, R=1, T=1, S=1)
    client = login(editor)
    page = client.get(reverse("requirements:soa"))
    assert page.context["counts"]["undecided"] == 93 and len(page.context["rows"]) == 93
    # An empty POST creates nothing; the form's confirmation does.
    client.post(reverse("requirements:soa_generate"), {})
    assert ApplicabilityStatement.objects.count() == 0
    client.post(reverse("requirements:soa_generate"), {"confirm": "True"})
    assert ApplicabilityStatement.objects.count() == 93
    page = client.get(reverse("requirements:soa"))
    counts = page.context["counts"]
    assert counts["applicable"] + counts["not_applicable"] == 93 and counts["reason_pending"] == counts["not_applicable"]
    pending = client.get(reverse("requirements:soa"), {"applicability": "reason_pending"}).context["rows"]
    assert all(not row.statement.applicable for row in pending) and len(pending) == counts["not_applicable"]
    detective = client.get(reverse("requirements:soa"), {"attribute": "control_types:detective"}).context["rows"]
    assert {row.control.number for row in detective} >= {"8.15", "8.16", "5.25", "6.8"}
    assert all("detective" in row.control.attribute_values("control_types") for row in detective)
    control = Control.objects.get(number="8.4")
    url = reverse("requirements:soa_edit", args=[control.pk])
    assert 'name="implementation"' in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    response = client.post(url, {"reason": "Ingen egen utveckling", "implementation": "not_implemented"},
                           HTTP_HX_REQUEST="true")
    assert "Ingen egen utveckling" in response.content.decode()
    statement = ApplicabilityStatement.objects.get(control=control)
    assert (statement.applicable, statement.reason) == (False, "Ingen egen utveckling")


def test_the_soa_by_attribute_summary(login, editor, catalogue):
    page = login(editor).get(reverse("requirements:soa"))
    by_attribute = {str(label): {value: c for value, _text, c in values} for label, values in page.context["by_attribute"]}
    assert by_attribute["Control type"]["corrective"]["controls"] == 14
    assert by_attribute["Security domain"]["resilience"]["controls"] == 8
    assert sum(c["controls"] for c in by_attribute["Operational capability"].values()) >= 93


def test_a_reader_cannot_decide_the_soa(login, org_a, member, catalogue):
    client = login(member(org_a, "reader"))
    control = Control.objects.get(number="8.4")
    assert client.post(reverse("requirements:soa_generate"), {"confirm": "True"}).status_code == 403
    assert client.post(reverse("requirements:soa_edit", args=[control.pk]),
                       {"applicable": "on", "implementation": "implemented"}).status_code == 403
    page = client.get(reverse("requirements:soa")).content.decode()
    assert reverse("requirements:soa_generate") not in page
    assert ApplicabilityStatement.objects.count() == 0


def test_another_organisations_soa_is_not_shown(login, member, org_b, editor, tenant, catalogue):
    services.applicability_generate(tenant=tenant)
    page = login(member(org_b)).get(reverse("requirements:soa"))
    assert page.context["counts"]["undecided"] == 93


def test_unknown_ids_are_404(login, editor, system, catalogue):
    client = login(editor)
    assert client.get(reverse("requirements:status_edit", args=[system.pk, 999999])).status_code == 404
    assert client.get(reverse("requirements:soa_edit", args=[999999])).status_code == 404
    assert client.get(reverse("requirements:evidence_file", args=[999999])).status_code == 404
    other = SystemFactory()
    assert client.get(reverse("requirements:system_requirements", args=[other.pk])).status_code == 404


def test_the_page_in_shall_form_titles_the_requirements_in_shall_form(login, editor, system, classify, catalogue,
                                                                      settings):
    classify(system, K=2, R=1, T=1, S=1)
    client = login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    url = reverse("requirements:system_requirements", args=[system.pk])
    with translation.override("sv"):
        shall = client.get(url, {"form": "shall"}).content.decode()
        present = client.get(url, {"form": "is"}).content.decode()
    assert "<strong>Systemet ska kräva tvåfaktorsautentisering för fjärråtkomst och administratörer</strong>" in shall
    assert "<strong>Tvåfaktorsautentisering för fjärråtkomst och administratörer</strong>" in present
    assert "Systemet ska kräva tvåfaktorsautentisering för fjärråtkomst" not in present
