"""Services: assessing requirements, the statement of applicability and own requirements."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from classification.models import ClassificationSettings
from core.tenancy import tenant_for
from requirements import selectors, services
from requirements.models import ApplicabilityStatement, Control, Requirement, RequirementStatus
from tests.factories import SystemFactory
from trail.context import acting_as
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_first_assessment_creates_and_a_second_updates(tenant, system, requirement, editor):
    first = services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                            data={"status": "partly_met", "evidence": "Bara admin"})
    second = services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                             data={"status": "met", "evidence": "Alla", "link": "https://x.example/a"},
                                             version=first.version)
    assert first.pk == second.pk
    assert (second.status, second.evidence, second.link, second.version) == ("met", "Alla", "https://x.example/a", 2)
    assert (second.assessed_by, second.assessed_at is not None) == (editor, True)
    assert RequirementStatus.objects.count() == 1


def test_assessments_are_audited(tenant, system, requirement, editor):
    with acting_as(editor, source="web"):
        status = services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                                 data={"status": "not_met"})
        services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "met"})
    entries = list(AuditEntry.objects.filter(model="requirements.requirementstatus", object_id=str(status.pk)))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["status"] == ["not_met", "met"]
    assert entries[1].actor_id == editor.pk
    assert entries[0].object_repr == "ÅS-03 – Elevregister: not_met"


def test_not_applicable_needs_a_reason_and_other_statuses_drop_it(tenant, system, requirement):
    with pytest.raises(ValidationError) as exc:
        services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                        data={"status": "not_applicable", "reason": "  "})
    assert "reason" in exc.value.message_dict
    assert RequirementStatus.objects.count() == 0
    status = services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                             data={"status": "not_applicable", "reason": "Ingen fjärråtkomst"})
    assert status.reason == "Ingen fjärråtkomst"
    status = services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                             data={"status": "met", "reason": "kvar?"})
    assert status.reason == ""


def test_a_stale_version_is_a_conflict_and_changes_nothing(tenant, system, requirement):
    status = services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "met"})
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "not_met"},
                                    version=status.version)
    with pytest.raises(services.VersionConflict) as exc:
        services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                        data={"status": "partly_met"}, version=status.version)
    assert exc.value.current.version == 2
    assert RequirementStatus.objects.get().status == "not_met"


def test_a_reader_cannot_assess_and_nothing_changes(org_a, member, system, requirement, tenant):
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "met"})
    reader = tenant_for(member(org_a, "reader"), org_a.pk)
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.requirement_status_set(tenant=reader, system=system, requirement=requirement, data={"status": "not_met"})
    assert RequirementStatus.objects.get().status == "met"
    assert AuditEntry.objects.count() == entries


def test_another_organisations_system_cannot_be_assessed(tenant, org_b, requirement):
    foreign = SystemFactory(organisation=org_b)
    with pytest.raises(PermissionDenied):
        services.requirement_status_set(tenant=tenant, system=foreign, requirement=requirement, data={"status": "met"})
    assert RequirementStatus.objects.count() == 0


def test_another_organisations_own_requirement_cannot_be_used(tenant, system, org_b, catalogue):
    foreign = Requirement.objects.create(organisation=org_b, code="B-01", area="access", title="B", text_is="Ä",
                                         text_shall="S", levels={"K": 1})
    with pytest.raises(ValidationError):
        services.requirement_status_set(tenant=tenant, system=system, requirement=foreign, data={"status": "met"})
    assert RequirementStatus.objects.count() == 0


def test_a_withdrawn_requirement_cannot_be_assessed(tenant, system, requirement):
    requirement.withdrawn = True
    requirement.save()
    with pytest.raises(ValidationError):
        services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "met"})


def test_the_soa_proposes_applicability_from_the_systems(tenant, system, classify, catalogue, org_a):
    classify(system, K=2, R=1, T=1, S=1)
    created = services.applicability_generate(tenant=tenant)
    assert created == 93
    rows = {s.control.number: s for s in ApplicabilityStatement.objects.select_related("control")}
    assert len(rows) == 93
    # 8.5 is linked to ÅS-03 (K ≥ 2): applicable. 8.4 (source code) only to UT-10 (R ≥ 3): not, reason pending.
    assert rows["8.5"].applicable is True
    assert (rows["8.4"].applicable, rows["8.4"].reason, rows["8.4"].reason_pending) == (False, "", True)
    assert services.applicability_generate(tenant=tenant) == 0  # decisions already taken stay


def test_the_soa_ignores_archived_and_other_organisations_systems(tenant, org_b, classify, catalogue, org_a):
    from django.utils import timezone

    classify(SystemFactory(organisation=org_b), K=3, R=3, T=3, S=3)
    classify(SystemFactory(organisation=org_a, archived_at=timezone.now()), K=3, R=3, T=3, S=3)
    services.applicability_generate(tenant=tenant)
    assert ApplicabilityStatement.objects.filter(applicable=True).count() == 0


def test_msb_organisations_get_requirements_on_traceability_through_integrity(tenant, system, classify, catalogue, org_a):
    ClassificationSettings.objects.create(organisation=org_a, scheme="msb")
    classify(system, K=1, R=2, T=1, scheme="msb")
    report = selectors.system_requirements(tenant=tenant, system=system)
    codes = {row.requirement.code for row in report.rows}
    assert "LO-06" in codes  # clocks synchronised: {"S": 2}
    assert report.need == {"K": 1, "R": 2, "T": 1, "S": 2}


def test_deciding_a_control_needs_a_reason_when_not_applicable(tenant, catalogue):
    control = Control.objects.get(number="7.6")
    with pytest.raises(ValidationError):
        services.applicability_set(tenant=tenant, control=control, data={"applicable": False, "reason": ""})
    statement = services.applicability_set(tenant=tenant, control=control, data={
        "applicable": False, "reason": "Inga skyddade utrymmen", "implementation": "not_implemented", "note": "N"})
    statement = services.applicability_set(tenant=tenant, control=control, data={
        "applicable": True, "implementation": "partly", "reason": "", "note": ""})
    assert ApplicabilityStatement.objects.count() == 1
    assert (statement.applicable, statement.implementation, statement.reason) == (True, "partly", "")


def test_a_reader_cannot_generate_or_decide_the_soa(org_a, member, catalogue):
    reader = tenant_for(member(org_a, "reader"), org_a.pk)
    with pytest.raises(PermissionDenied):
        services.applicability_generate(tenant=reader)
    with pytest.raises(PermissionDenied):
        services.applicability_set(tenant=reader, control=Control.objects.first(), data={"applicable": True})
    assert ApplicabilityStatement.objects.count() == 0


def _own(**extra):
    data = {"code": "EGEN-01", "area": "supplier", "title": "Leverantören har svensk support",
            "title_en": "Swedish support", "text_is": "Support ges på svenska.", "text_shall": "Leverantören ska ge support på svenska.",
            "levels": {"T": 2}, "nis2": ["d"], "controls": list(Control.objects.filter(number__in=["5.20", "5.22"]))}
    data.update(extra)
    return data


def test_an_organisation_adds_and_changes_its_own_requirement(tenant, system, classify, org_a, catalogue):
    requirement = services.requirement_create(tenant=tenant, data=_own())
    assert (requirement.organisation, requirement.nis2, sorted(c.number for c in requirement.controls.all())) == (
        org_a, ["d"], ["5.20", "5.22"])
    classify(system, T=2)
    codes = [row.requirement.code for row in selectors.system_requirements(tenant=tenant, system=system).rows]
    assert "EGEN-01" in codes
    changed = services.requirement_update(tenant=tenant, requirement=requirement, data=_own(title="Ny titel", levels={"T": 3}))
    assert (changed.title, changed.levels) == ("Ny titel", {"T": 3})
    codes = [row.requirement.code for row in selectors.system_requirements(tenant=tenant, system=system).rows]
    assert "EGEN-01" not in codes


def test_own_codes_cannot_repeat_the_catalogues(tenant, catalogue):
    with pytest.raises(ValidationError) as exc:
        services.requirement_create(tenant=tenant, data=_own(code="åS-03"))
    assert "code" in exc.value.message_dict
    assert Requirement.objects.filter(organisation__isnull=False).count() == 0


def test_the_catalogue_itself_cannot_be_changed_through_the_service(tenant, requirement):
    from django.http import Http404

    with pytest.raises(Http404):
        services.requirement_update(tenant=tenant, requirement=requirement, data=_own(code="ÅS-03b"))
    assert Requirement.objects.get(pk=requirement.pk).code == "ÅS-03"


def test_another_organisation_sees_neither_own_requirements_nor_assessments(tenant, system, requirement, org_b, member):
    services.requirement_create(tenant=tenant, data=_own())
    services.requirement_status_set(tenant=tenant, system=system, requirement=requirement, data={"status": "met"})
    other = tenant_for(member(org_b), org_b.pk)
    assert not other.scope(Requirement).filter(code="EGEN-01").exists()
    assert other.scope(Requirement).filter(code="ÅS-03").exists()
    assert other.scope(RequirementStatus).count() == 0
