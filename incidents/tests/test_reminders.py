"""Deadline e-mails to the incident manager: ahead of the deadline and when it is missed, once each."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from actions import reminders
from core.tenancy import tenant_for
from incidents import services

pytestmark = pytest.mark.django_db


def test_warned_once_ahead_and_once_when_missed(org_a, member, monkeypatch):
    manager = member(org_a, "coordinator")
    tenant = tenant_for(manager, org_a.pk)
    aware = timezone.now() - datetime.timedelta(hours=2)
    case = services.incident_report(tenant=tenant, data={"title": "Skadekod", "description": "Klient smittad.",
                                                         "detected_at": aware})
    services.case_assess(tenant=tenant, case=case, data={"manager": manager, "significant": True,
                                                         "significance_reason": "Allvarlig.", "breach": False})
    today = timezone.localdate()
    reminders.send_due(today=today)
    assert len(mail.outbox) == 1
    assert "Tidig varning" in mail.outbox[0].body or "Early warning" in mail.outbox[0].body
    reminders.send_due(today=today + datetime.timedelta(days=1))
    assert len(mail.outbox) == 1  # the warning ahead went once
    later = timezone.now() + datetime.timedelta(hours=23)
    monkeypatch.setattr(timezone, "now", lambda: later)
    reminders.send_due(today=today + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2  # missed: told once more
    reminders.send_due(today=today + datetime.timedelta(days=2))
    assert len(mail.outbox) == 2
