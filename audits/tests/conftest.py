"""Fixtures of the audits tests: Kommun A with a coordinator and an auditor, Kommun B outside."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Action
from audits import services
from audits.frameworks import load_frameworks
from audits.models import Framework


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def today():
    """The pages compute the findings for today."""
    return timezone.localdate()



@pytest.fixture
def tenant_a(org_a, as_member):
    return as_member(org_a, "coordinator")[1]


@pytest.fixture
def auditor_a(org_a, as_member):
    return as_member(org_a, "auditor")[1]


@pytest.fixture
def frameworks(db):
    load_frameworks()
    return list(Framework.objects.filter(organisation__isnull=True, key__in=["msb-lis", "iso27001-2022"]))


@pytest.fixture
def overdue(org_a, today):
    """overdue(title, days) → an open action of Kommun A, `days` past its due date."""

    def make(title, days=10, org=None):
        action = Action(organisation=org or org_a, title=title, due_date=today - datetime.timedelta(days=days))
        action.save()
        return action

    return make


@pytest.fixture
def audit_a(auditor_a, frameworks, today):
    """An audit of Kommun A carried out by its auditor."""
    return services.audit_save(tenant=auditor_a, audit=None, data={
        "title": "Granskning av informationssäkerheten", "reference": "KS 2026/7",
        "purpose": "Att bedöma den interna kontrollen.", "criteria": "MSB/MCF:s metodstöd för LIS.",
        "questions": "Styrs säkerheten enligt god praxis?\nFöljs leverantören upp?",
        "answers": "Delvis.\nNej.", "scope": "Kommunens IT-drift.", "method": "Dokumentstudier och intervjuer.",
        "period_start": today - datetime.timedelta(days=30), "period_end": today, "frameworks": frameworks})


@pytest.fixture
def api():
    """api(user, org) → the headers of an API call as that user in that organisation."""
    from accounts.models import ApiToken

    def make(user, org=None):
        _token, raw = ApiToken.issue(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if org is not None:
            headers["HTTP_X_ORGANISATION"] = org.slug
        return headers

    return make
