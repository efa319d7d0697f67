"""The demo's risks for a municipality, the threat catalogue command, and the generated data set."""

import io
import random

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from actions.models import Action
from demo import data
from demo.management.commands.load_demo import _inventory, _member, _user
from organisations.models import Organisation
from risk import demo, generate
from risk.models import Risk, RiskMatrix, RiskSession, RiskStatus, RiskSystem, Threat, Treatment
from trail.chain import verify
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_load_threats_is_idempotent():
    out = io.StringIO()
    call_command("load_threats", stdout=out)
    assert "35 created, 0 updated" in out.getvalue()
    entries = AuditEntry.objects.count()
    call_command("load_threats", stdout=(out := io.StringIO()))
    assert "0 created, 0 updated" in out.getvalue()
    assert AuditEntry.objects.count() == entries
    assert Threat.objects.filter(organisation__isnull=True).count() == 35
    codes = set(Threat.objects.values_list("code", flat=True))
    assert {"ransomware", "phishing", "supplier-outage", "insider-misuse", "lost-device", "misconfiguration",
            "power-failure", "unpatched-vulnerability", "cloud-act"} <= codes


def _municipality(spec: dict) -> tuple[Organisation, dict]:
    it_company = Organisation.objects.get_or_create(slug="mellanskog-it", defaults={
        "name": "Mellanskogs IT AB", "kind": "supplier"})[0]
    org = Organisation.objects.create(slug=spec["slug"], name=spec["name"], kind="municipality")
    users = {}
    for local, role, title in data.MUNICIPAL_USERS:
        users[role] = _user(f"{local}@{spec['slug']}.example", title)
        _member(users[role], org, role)
    _inventory(org, it_company, users)
    return org, users


def test_the_demo_gives_a_municipality_realistic_risks_treatments_and_a_session():
    org, users = _municipality(data.MUNICIPALITIES[0])  # bjorkvik holds a session
    demo.load(organisation=org, users=users)
    risks = Risk.objects.filter(organisation=org)
    assert risks.count() == len(demo.RISKS) == 37
    ransomware = risks.get(title="Ransomware slår ut verksamhetssystemet för socialtjänsten")
    assert [link.system_name for link in ransomware.system_links.all()] == ["Verksamhetssystem för socialtjänst"]
    assert ransomware.threat.code == "ransomware"
    # Every treatment is an action of the plan; some are overdue.
    treatments = Treatment.objects.filter(organisation=org)
    assert treatments.count() == sum(len(spec.treatments) for spec in demo.RISKS)
    assert Action.objects.filter(organisation=org, source_id__in=[str(t.pk) for t in treatments]).count() == \
        treatments.count()
    today = timezone.localdate()
    assert treatments.filter(due_date__lt=today, status__in=["open", "in_progress"]).count() >= 8
    # Accepted residual risks carry who and why; the system owner accepted them.
    accepted = risks.filter(status=RiskStatus.ACCEPTED)
    assert accepted.count() == 6
    assert set(accepted.values_list("accepted_by", flat=True)) == {users["system_owner"].pk}
    assert all(r.acceptance_justification for r in accepted)
    # A spread over the matrix: at least eight different residual cells.
    assert len(set(risks.exclude(residual_score=None).values_list("residual_likelihood", "residual_consequence"))) >= 8
    session = RiskSession.objects.get(organisation=org)
    assert set(session.participants.all()) == {users["coordinator"], users["system_owner"],
                                               users["system_administrator"]}
    assert session.risks.count() >= 4 and "Mellanskogs IT AB" in session.external_participants
    assert RiskMatrix.objects.filter(organisation=org).count() == 1
    assert verify().ok


def test_the_demo_is_loaded_once_and_only_two_municipalities_hold_sessions():
    loaded = []
    for spec in data.MUNICIPALITIES:
        org, users = _municipality(spec)
        demo.load(organisation=org, users=users)
        loaded.append((org, users))
    org, users = loaded[0]
    demo.load(organisation=org, users=users)  # a second run adds nothing
    assert Risk.objects.count() == 4 * 37
    assert sorted(RiskSession.objects.values_list("organisation__slug", flat=True)) == ["bjorkvik", "ekholma"]
    # The municipalities' maps differ: the variation is seeded per municipality.
    cells = [sorted(Risk.objects.filter(organisation=o).values_list("inherent_likelihood", flat=True)) for o, _u in loaded]
    assert len({tuple(c) for c in cells}) > 1


def test_generate_spreads_risks_over_the_generated_municipalities_with_an_intact_trail():
    from demo.generated import Generator, Plan, generated_organisations

    Generator(Plan(0.002), 7).run()
    # generate_data may already call this module (demo.generated.MODULE_GENERATORS): count what this call adds.
    RiskMatrix.objects.all().delete()
    before = {model: model.objects.count() for model in (Risk, RiskSystem, Treatment, Action)}
    entries = AuditEntry.objects.filter(model="risk.risk").count()
    counts = generate.generate(organisations=generated_organisations(), rng=random.Random(3), scale=0.002)
    added = {model: model.objects.count() - n for model, n in before.items()}
    assert counts["risk.Risk"] == 100 == added[Risk]
    assert counts["risk.RiskSystem"] == 100 == added[RiskSystem]
    assert counts["risk.Treatment"] == added[Treatment] == added[Action] == counts["actions.Action"]
    assert 15 <= counts["risk.Treatment"] <= 55
    assert counts["risk.RiskMatrix"] == Organisation.objects.filter(kind="municipality").count()
    # Every link stays in the risk's organisation, and the scores were kept on insert.
    assert RiskSystem.objects.exclude(system__organisation_id=F("organisation_id")).count() == 0
    assert Risk.objects.filter(inherent_score=None).count() == 0
    assert AuditEntry.objects.filter(model="risk.risk").count() - entries == 100
    assert verify().ok
