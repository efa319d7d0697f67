"""The demo as `make run` loads it, loaded once for this module: what each module's demo holds and the
two reference cases (reference case 1 in Björkvik's placement assessments; reference case 2, Lindö kommun's
supplier audit), and that loading it again changes nothing.

Loading the demo is the slowest step of the suite, so it is done once here, in a transaction that
every test's own transaction nests in (a savepoint, rolled back after the test), and rolled back
at the end. The module's tests run on one worker (xdist group "demo").
"""

import datetime
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User
from actions.models import Action
from audits import demo as audits_demo
from audits import documents as audits_documents
from audits import engine as audits_engine
from audits import selectors as audits_selectors
from audits import services as audits_services
from audits.models import Audit, FindingRecord, Observation
from audits.tests.test_documents import SECTIONS, docx_text, pdf_text, sv, text_of
from core.findings import LONG, MEDIUM, PRIORITIES, SHORT
from core.loading import optional_hooks
from core.tenancy import Tenant, organisation_reader, tenant_for
from incidents import findings as incident_findings
from incidents.models import Incident, IncidentCase, Lesson
from organisations.models import Membership, Organisation
from placement import demo as placement_demo
from placement import selectors as placement_selectors
from placement.models import Assessment as PlacementAssessment
from privacy import findings as privacy_findings
from privacy import selectors as privacy_selectors
from privacy.models import Dpia, ProcessingActivity, ProcessorAgreement, ProcessorRecord
from suppliers.models import ChecklistArea, Contract, ContractAssessment, CoverageStatus

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The demo in an outer transaction for the whole module, rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if not m._meta.proxy}


def test_loading_again_changes_nothing():
    """load_demo is idempotent for every module: the same rows in every table (the trail aside,
    which records nothing when nothing changes)."""
    before = _row_counts()
    call_command("load_demo", stdout=io.StringIO())
    after = _row_counts()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed == {}


# Reference case 1 and the placement demo ---------------------------------------------------------

def test_load_demo_builds_the_reference_cases_in_bjorkvik():
    assert sorted(PlacementAssessment.objects.values_list("organisation__slug", "title", "status")) == [
        ("bjorkvik", placement_demo.SOCIAL_TITLE, "decided"), ("bjorkvik", placement_demo.EMAIL_TITLE, "draft")]
    user = User.objects.get(email="samordnare@bjorkvik.example")
    email = PlacementAssessment.objects.get(title=placement_demo.EMAIL_TITLE)
    assert [s.name for s in email.systems.all()] == ["E-post (Exchange Online)"]
    assert [i.name for i in email.information_types.all()] == ["E-post och kalender"]
    # The memorandum's sender: the förvaltning and the coordinator by role title, no invented names.
    assert (email.department, email.case_officer, email.case_officer_title) == (
        "Kommunledningsförvaltningen", user, "Informationssäkerhetssamordnare")
    assert email.recipients.splitlines() == ["Kommunstyrelsen", "Kommundirektören", "IT-enheten", "Dataskyddsombudet"]
    assert user.full_name.startswith("Informationssäkerhetssamordnare, ")
    result = placement_selectors.assessment_analysis(tenant=tenant_for(user, email.organisation_id), assessment=email)
    assert result.recommended.name == "Exchange Online (molntjänst)"
    cells = [p.cells[result.recommended.pk] for p in result.perspectives.values()]
    assert [c.computed_verdict for c in cells] == ["favours", "against", "favours", "favours"]
    assert [c.verdict for c in cells] == ["favours", "against", "favours", "favours"]
    assert not any(c.judged for c in cells)
    # As the seed concludes, the law speaks against the cloud service: in April 2021 the US had no
    # adequacy decision and the clauses had no transfer impact assessment. Local operation is lawful.
    outcomes = {alt.name: la.outcome.outcome for alt in result.alternatives
                for la in [result.perspectives["legal"].details["alternatives"][alt.pk]]}
    assert outcomes == {"Exchange Online (molntjänst)": "not_lawful", "Lokal drift i kommunens datacenter": "lawful"}
    # The requirements are assessed per alternative against the catalogue the demo loads.
    security = result.perspectives["security"].details
    assert len(security["requirements"]) == 88
    assert {alt.name: (len(security["assessed"][alt.pk]), len(security["unmet"][alt.pk]))
            for alt in result.alternatives} == {"Exchange Online (molntjänst)": (85, 0),
                                                "Lokal drift i kommunens datacenter": (85, 10)}




# Incidents -------------------------------------------------------------------------------------

def test_incidents_the_seeds_year_of_incidents():
    it = Organisation.objects.get(slug="mellanskog-it")
    ransomware = Incident.objects.get(organisation=it, title__startswith="Ransomware")
    cases = IncidentCase.objects.filter(incident=ransomware).exclude(organisation=it)
    assert cases.count() == 4 and all(c.significant for c in cases)
    for case in cases:
        stages = {s.stage: s for s in case.submissions.all()}
        assert {"early_warning", "notification", "final"} <= set(stages)
        assert not any(s.late_reason for s in stages.values())  # on time
    reviewed = cases.get(review__completed_at__isnull=False)
    lessons = Lesson.objects.filter(review__case=reviewed)
    assert lessons.count() == 2 and all(Action.objects.filter(pk=l.action_id).exists() for l in lessons)
    assert IncidentCase.objects.filter(closed_without_review=True).count() >= 4
    assert IncidentCase.objects.filter(breach=True, submissions__stage="imy").exists()
    today = timezone.localdate()
    lindo = organisation_reader(Organisation.objects.get(slug="lindo"))
    assert "incidents.closed_without_review" in [r.key for r in incident_findings.RULES if r.check(lindo, today=today)]




# Data protection -------------------------------------------------------------------------------

def test_privacy_bjorkviks_transfer_without_basis_and_lindo_free_of_privacy_findings():
    today = timezone.localdate()
    for slug in ("bjorkvik", "ekholma", "granas", "lindo"):
        org = Organisation.objects.get(slug=slug)
        reader = organisation_reader(org)
        assert reader.scope(ProcessingActivity).count() == 6
        assert reader.scope(Dpia).filter(status="decided").count() == 1
        without = privacy_selectors.transfers_without_basis(tenant=reader, today=today)
        assert [(t.label, t.country) for t in without] == (
            [("Elevdokumentation och lärplattform", "US")] if slug == "bjorkvik" else [])
        assert privacy_selectors.missing_agreements(tenant=reader) == []
        # A municipality reads the three entries of the IT company's record that concern it.
        assert reader.scope(ProcessorRecord).count() == 3
    lindo = organisation_reader(Organisation.objects.get(slug="lindo"))
    assert [rule.key for rule in privacy_findings.RULES if rule.check(lindo, today=today)] == []
    dpa = lindo.scope(ProcessorAgreement).get(supplier__name="Mellanskogs IT AB")
    assert (dpa.signed_on.year, dpa.signed_on.month, dpa.audits.count()) == (2019, 11, 0)
    bjorkvik = organisation_reader(Organisation.objects.get(slug="bjorkvik"))
    assert [rule.key for rule in privacy_findings.RULES if rule.check(bjorkvik, today=today)] == [
        "privacy.transfer_without_basis"]




# Reference case 2: Lindö's automatic findings are the second seed's observations ------------------

def _installed(module: str) -> bool:
    return bool(list(optional_hooks([f"{module}.findings.RULES"])))


def _expected() -> dict[str, str]:
    expected = {"contract_requirements": SHORT, "needs_based_requirements": SHORT, "delivery_follow_up": MEDIUM}
    if _installed("incidents"):
        expected["incident_evaluation"] = LONG
    if _installed("changes"):
        expected["change_involvement"] = LONG
    return expected


def test_lindo_gives_the_seeds_observations_and_fixing_the_contract_removes_only_4_1():
    lindo = Organisation.objects.get(slug="lindo")
    today = timezone.localdate()
    groups = audits_engine.evaluate(lindo, today=today)
    assert {g.key: g.priority for g in groups} == _expected()

    # The demo audit adopted them: one observation per theme, recommendations as actions in the plan.
    audit = Audit.objects.get(organisation=lindo, title=audits_demo.LINDO_TITLE)
    observations = list(Observation.objects.filter(audit=audit).order_by("number"))
    assert [(o.theme, o.priority) for o in observations] == list(_expected().items())
    actions = Action.objects.filter(organisation=lindo, source_label__contains="Rekommendation") | \
        Action.objects.filter(organisation=lindo, source_label__contains="Recommendation")
    assert actions.count() == sum(o.recommendations.count() for o in observations) > 0
    assert not actions.filter(due_date__lte=today).exists()

    before = {g.key: {e.key for e in g.evidence} for g in audits_engine.evaluate_and_record(lindo, today=today)}
    contract = Contract.objects.get(organisation=lindo, title__startswith="Avtal mellan Mellanskogs IT AB")
    for area in ChecklistArea.objects.filter(withdrawn=False):
        row = ContractAssessment.objects.filter(contract=contract, area=area).first() or ContractAssessment(
            organisation=lindo, contract=contract, area=area)
        row.status = CoverageStatus.COVERED
        row.save()
    after_groups = audits_engine.evaluate_and_record(lindo, today=today + datetime.timedelta(days=1))
    after = {g.key: {e.key for e in g.evidence} for g in after_groups}
    assert "contract_requirements" not in after
    assert after == {k: v for k, v in before.items() if k != "contract_requirements"}
    gone = FindingRecord.objects.get(organisation=lindo, evidence_key=f"suppliers.contract:{contract.pk}")
    assert gone.resolved_on == today + datetime.timedelta(days=1)
    assert not FindingRecord.objects.filter(organisation=lindo, resolved_on__isnull=False).exclude(pk=gone.pk).exists()


def test_bad_input_is_refused_with_nothing_saved():
    lindo = Organisation.objects.get(slug="lindo")
    tenant = Tenant(Membership.objects.select_related("user", "organisation").get(
        organisation=lindo, role="coordinator"))
    audit = Audit.objects.get(organisation=lindo, title=audits_demo.LINDO_TITLE)
    count = Observation.objects.count()
    with pytest.raises(ValidationError) as exc:
        audits_services.observation_save(tenant=tenant, audit=audit, observation=None,
                                  data={"title": "Utan prioritet", "description": "x", "priority": ""})
    assert "priority" in exc.value.message_dict
    assert Observation.objects.count() == count
    rec = Observation.objects.filter(audit=audit).first().recommendations.first()
    rec.action = None
    rec.save()
    with pytest.raises(ValidationError) as exc:
        audits_services.recommendation_to_action(tenant=tenant, recommendation=rec, owner=None, due_date=None)
    assert {"owner", "due_date"} <= set(exc.value.message_dict)
    from audits.models import FrameworkRequirement

    requirement = FrameworkRequirement.objects.filter(framework__in=audit.frameworks.all()).first()
    with pytest.raises(ValidationError) as exc:
        audits_services.assessment_save(tenant=tenant, audit=audit, requirement=requirement, level=7)
    assert "level" in exc.value.message_dict
    # An auditor of another organisation cannot write in Lindö's audit.
    other = Membership.objects.select_related("user", "organisation").filter(
        organisation__slug="ekholma", role="coordinator").first()
    with pytest.raises(Exception) as exc:
        audits_services.observation_save(tenant=Tenant(other), audit=audit, observation=None,
                                  data={"title": "x", "description": "x", "priority": SHORT})
    assert exc.type.__name__ in ("Http404", "PermissionDenied")
    assert Observation.objects.count() == count




def test_the_reference_cases_report_reads_like_the_seed():
    """Lindö's audit report: the seed's observations 4.1–4.5 in order with their priorities, each with its
    recommendations in the action plan, and the maturity per MSB/MCF method step."""
    audit = Audit.objects.get(title=audits_demo.LINDO_TITLE)
    tenant = Tenant(Membership.objects.select_related("user", "organisation").get(
        organisation=audit.organisation, role="coordinator"))
    doc = audits_documents.report(tenant=tenant, audit=audits_selectors.audit_detail(tenant=tenant, pk=audit.pk))
    headings, text, header, word = docx_text(doc.render_docx())
    observations = list(audit.observations.order_by("number"))
    assert len(observations) >= 3
    with translation.override("sv"):
        priorities = [text_of(str(PRIORITIES[o.priority])) for o in observations]
    # The observations are the findings' themes (their titles as adopted), 4.1–4.5 in the seed's order.
    assert [o.theme for o in observations][:3] == ["contract_requirements", "needs_based_requirements",
                                                   "delivery_follow_up"]
    assert [h for h in headings if h.startswith("4.") and h[2:3].isdigit()] == [
        f"4.{o.number}. {o.title}" for o in observations]
    assert priorities[:3] == [sv("Short term"), sv("Short term"), sv("Medium term")]
    for o in observations:
        for r in o.recommendations.all():
            assert r.action_id and r.text in text
    assert "Steg 1 Identifiera och analysera" in text and "Steg 4 Följa upp och förbättra" in text
    assert "Avtal mellan Mellanskogs IT AB och Lindö kommun (2016)" in text
    assert "KS 2026/118" in header and sv("DRAFT") in header
    pdf = pdf_text(doc.render_pdf())
    for section in SECTIONS:
        assert sv(section) in pdf
    assert "Mellanskogs IT AB" in pdf
