"""The demo: records for every municipality, Björkvik's transfer without basis, Lindö clean; generated data."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.tenancy import organisation_reader
from demo.generated import Plan
from organisations.models import Organisation
from privacy import findings, selectors
from privacy.generate import activity_count
from privacy.models import ActivityTransfer, Dpia, ProcessingActivity, ProcessorAgreement, ProcessorRecord

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(m.objects.count() for m in (ProcessingActivity, ActivityTransfer, ProcessorAgreement, Dpia,
                                             ProcessorRecord))


def test_demo_loads_once_with_bjorkviks_transfer_and_lindo_free_of_privacy_findings():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert _counts() == counts
    today = timezone.localdate()
    for slug in ("bjorkvik", "ekholma", "granas", "lindo"):
        org = Organisation.objects.get(slug=slug)
        reader = organisation_reader(org)
        assert reader.scope(ProcessingActivity).count() == 6
        assert reader.scope(Dpia).filter(status="decided").count() == 1
        without = selectors.transfers_without_basis(tenant=reader, today=today)
        assert [(t.label, t.country) for t in without] == (
            [("Elevdokumentation och lärplattform", "US")] if slug == "bjorkvik" else [])
        assert selectors.missing_agreements(tenant=reader) == []
        # A municipality reads the three entries of the IT company's record that concern it.
        assert reader.scope(ProcessorRecord).count() == 3
    lindo = organisation_reader(Organisation.objects.get(slug="lindo"))
    assert [rule.key for rule in findings.RULES if rule.check(lindo, today=today)] == []
    dpa = lindo.scope(ProcessorAgreement).get(supplier__name="Mellanskogs IT AB")
    assert (dpa.signed_on.year, dpa.signed_on.month, dpa.audits.count()) == (2019, 11, 0)
    bjorkvik = organisation_reader(Organisation.objects.get(slug="bjorkvik"))
    assert [rule.key for rule in findings.RULES if rule.check(bjorkvik, today=today)] == [
        "privacy.transfer_without_basis"]


def test_generated_activities_follow_the_scale():
    call_command("generate_data", "--scale", "0.02", stdout=open("/dev/null", "w"))
    assert ProcessingActivity.objects.filter(organisation__slug__startswith="gen-org-").count() == pytest.approx(
        activity_count(0.02), abs=Plan(0.02).municipalities)
    assert activity_count(1) == 20_000
