"""Reference case 2: Lindö kommun's automatic findings are the second seed's observations, and
fixing one cause removes only its own findings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from actions.models import Action
from audits import demo, engine, services
from audits.models import Audit, FindingRecord, Observation
from core.findings import LONG, MEDIUM, SHORT
from core.loading import optional_hooks
from core.tenancy import Tenant
from organisations.models import Membership, Organisation
from suppliers.models import ChecklistArea, Contract, ContractAssessment, CoverageStatus

pytestmark = pytest.mark.django_db


def _installed(module: str) -> bool:
    return bool(list(optional_hooks([f"{module}.findings.RULES"])))


def _expected() -> dict[str, str]:
    expected = {"contract_requirements": SHORT, "needs_based_requirements": SHORT, "delivery_follow_up": MEDIUM}
    if _installed("incidents"):
        expected["incident_evaluation"] = LONG
    if _installed("changes"):
        expected["change_involvement"] = LONG
    return expected


def test_lindo_gives_the_seeds_observations_and_fixing_the_contract_removes_only_4_1(capsys):
    call_command("load_demo")
    lindo = Organisation.objects.get(slug="lindo")
    today = timezone.localdate()
    groups = engine.evaluate(lindo, today=today)
    assert {g.key: g.priority for g in groups} == _expected()

    # The demo audit adopted them: one observation per theme, recommendations as actions in the plan.
    audit = Audit.objects.get(organisation=lindo, title=demo.LINDO_TITLE)
    observations = list(Observation.objects.filter(audit=audit).order_by("number"))
    assert [(o.theme, o.priority) for o in observations] == list(_expected().items())
    actions = Action.objects.filter(organisation=lindo, source_label__contains="Rekommendation") | \
        Action.objects.filter(organisation=lindo, source_label__contains="Recommendation")
    assert actions.count() == sum(o.recommendations.count() for o in observations) > 0
    assert not actions.filter(due_date__lte=today).exists()

    before = {g.key: {e.key for e in g.evidence} for g in engine.evaluate_and_record(lindo, today=today)}
    contract = Contract.objects.get(organisation=lindo, title__startswith="Avtal mellan Mellanskogs IT AB")
    for area in ChecklistArea.objects.filter(withdrawn=False):
        row = ContractAssessment.objects.filter(contract=contract, area=area).first() or ContractAssessment(
            organisation=lindo, contract=contract, area=area)
        row.status = CoverageStatus.COVERED
        row.save()
    after_groups = engine.evaluate_and_record(lindo, today=today + datetime.timedelta(days=1))
    after = {g.key: {e.key for e in g.evidence} for g in after_groups}
    assert "contract_requirements" not in after
    assert after == {k: v for k, v in before.items() if k != "contract_requirements"}
    gone = FindingRecord.objects.get(organisation=lindo, evidence_key=f"suppliers.contract:{contract.pk}")
    assert gone.resolved_on == today + datetime.timedelta(days=1)
    assert not FindingRecord.objects.filter(organisation=lindo, resolved_on__isnull=False).exclude(pk=gone.pk).exists()


def test_bad_input_is_refused_with_nothing_saved(capsys):
    call_command("load_demo")
    lindo = Organisation.objects.get(slug="lindo")
    tenant = Tenant(Membership.objects.select_related("user", "organisation").get(
        organisation=lindo, role="coordinator"))
    audit = Audit.objects.get(organisation=lindo, title=demo.LINDO_TITLE)
    count = Observation.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.observation_save(tenant=tenant, audit=audit, observation=None,
                                  data={"title": "Utan prioritet", "description": "x", "priority": ""})
    assert "priority" in exc.value.message_dict
    assert Observation.objects.count() == count
    rec = Observation.objects.filter(audit=audit).first().recommendations.first()
    rec.action = None
    rec.save()
    with pytest.raises(ValidationError) as exc:
        services.recommendation_to_action(tenant=tenant, recommendation=rec, owner=None, due_date=None)
    assert {"owner", "due_date"} <= set(exc.value.message_dict)
    from audits.models import FrameworkRequirement

    requirement = FrameworkRequirement.objects.filter(framework__in=audit.frameworks.all()).first()
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(tenant=tenant, audit=audit, requirement=requirement, level=7)
    assert "level" in exc.value.message_dict
    # An auditor of another organisation cannot write in Lindö's audit.
    other = Membership.objects.select_related("user", "organisation").filter(
        organisation__slug="ekholma", role="coordinator").first()
    with pytest.raises(Exception) as exc:
        services.observation_save(tenant=Tenant(other), audit=audit, observation=None,
                                  data={"title": "x", "description": "x", "priority": SHORT})
    assert exc.type.__name__ in ("Http404", "PermissionDenied")
    assert Observation.objects.count() == count
