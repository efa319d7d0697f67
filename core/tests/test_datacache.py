"""Figures kept until the data changes (core.datacache): computed again after any write the
organisation reads, kept otherwise."""

import datetime

import pytest
from django.utils import timezone, translation

from core import datacache
from tests.factories import OrganisationFactory, SystemFactory, UserFactory


@pytest.fixture
def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def _read(org, compute, *parts):
    return datacache.remembered("test", org, *parts, compute=compute)


def test_kept_while_nothing_changes(org_a, counter):
    calls, compute = counter
    SystemFactory(organisation=org_a)
    assert _read(org_a, compute) == 1
    assert _read(org_a, compute) == 1
    assert len(calls) == 1


def test_a_write_in_the_organisation_computes_afresh(org_a, counter):
    calls, compute = counter
    system = SystemFactory(organisation=org_a)
    _read(org_a, compute)
    system.name = "Nytt namn"
    system.save()
    assert _read(org_a, compute) == 2


def test_a_write_by_its_supplier_computes_afresh(org_a, supplier_org, counter):
    # The supplier's records addressed to the municipality are part of what it reads.
    calls, compute = counter
    _read(org_a, compute)
    SystemFactory(organisation=supplier_org)
    assert _read(org_a, compute) == 2


def test_a_write_to_a_person_computes_afresh(org_a, counter):
    calls, compute = counter
    user = UserFactory()
    _read(org_a, compute)
    user.full_name = "Ny handläggare"
    user.save()
    assert _read(org_a, compute) == 2


def test_a_write_in_another_organisation_keeps_it(org_a, org_b, counter):
    calls, compute = counter
    SystemFactory(organisation=org_a)
    _read(org_a, compute)
    SystemFactory(organisation=org_b)
    assert _read(org_a, compute) == 1


def test_each_organisation_part_and_language_has_its_own(org_a, counter):
    calls, compute = counter
    other = OrganisationFactory()
    _read(org_a, compute, "2026-12-03")
    _read(other, compute, "2026-12-03")
    _read(org_a, compute, "2026-12-04")
    with translation.override("en"):
        _read(org_a, compute, "2026-12-03")
    assert len(calls) == 4


def test_the_next_minute_computes_afresh(org_a, counter, monkeypatch):
    # Clock-driven findings (an incident's deadlines) are at most a minute late.
    calls, compute = counter
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    _read(org_a, compute)
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(minutes=1))
    assert _read(org_a, compute) == 2
