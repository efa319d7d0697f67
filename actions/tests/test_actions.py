import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from actions import reminders, services
from actions.models import Action, ReminderLog
from core.tenancy import tenant_for
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(org_a, member):
    return member(org_a, "system_owner")


@pytest.fixture
def tenant(org_a, owner):
    return tenant_for(owner, org_a.pk)


def test_an_action_remembers_its_source(tenant, org_a):
    system = SystemFactory(organisation=org_a, name="Lönesystem")
    action = services.action_create(tenant=tenant, title="Inför loggning", source=system)
    assert (action.source, action.source_label) == (system, "Lönesystem")
    assert services.actions_for_source(system) == [action]


def test_done_sets_and_reopening_clears_the_completion_time(tenant):
    action = services.action_create(tenant=tenant, title="X")
    action = services.action_update(tenant=tenant, action=action, data={"status": "done"})
    assert action.completed_at is not None
    action = services.action_update(tenant=tenant, action=action, data={"status": "in_progress"})
    assert action.completed_at is None


def test_sync_keeps_one_open_action_per_source(tenant, org_a, owner):
    system = SystemFactory(organisation=org_a)
    first = services.action_sync_for_source(tenant=tenant, source=system, title="A", owner=owner)
    second = services.action_sync_for_source(tenant=tenant, source=system, title="B", owner=owner)
    assert first.pk == second.pk and second.title == "B"
    assert Action.objects.count() == 1


def test_an_owner_must_be_a_member(tenant, org_b, member):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.action_create(tenant=tenant, title="X", owner=member(org_b))
    assert Action.objects.count() == 0


@pytest.mark.parametrize(
    "due_offset, reminded_case",
    [(-30, True), (0, True), (7, True), (8, False)],
    ids=["overdue", "today", "in-a-week", "beyond-a-week"],
)
def test_reminders_cover_overdue_and_the_coming_week(tenant, owner, due_offset, reminded_case):
    today = datetime.date(2026, 12, 28)
    services.action_create(tenant=tenant, title="X", owner=owner, due_date=today + datetime.timedelta(days=due_offset))
    assert bool(reminders.collect(today=today)) is reminded_case


def test_reminders_across_the_year_end(tenant, owner):
    # 2026-12-30 + 7 days reaches into 2027.
    services.action_create(tenant=tenant, title="Nyår", owner=owner, due_date=datetime.date(2027, 1, 6))
    with translation.override("en"):
        assert [r.title for r in reminders.collect(today=datetime.date(2026, 12, 30))] == ["Action: Nyår"]


def test_each_item_is_mailed_once_a_day_however_often_it_runs(tenant, owner):
    services.action_create(tenant=tenant, title="Granska avtal", owner=owner, due_date=datetime.date(2026, 3, 30))
    day = datetime.date(2026, 3, 29)  # the night Sweden moves to summer time
    assert reminders.send_due(today=day) == reminders.Sent(1, 1)
    assert reminders.send_due(today=day) == reminders.Sent(0, 0)
    assert reminders.send_due(today=day + datetime.timedelta(days=1)) == reminders.Sent(1, 1)
    assert len(mail.outbox) == 2
    assert "Granska avtal" in mail.outbox[0].body and mail.outbox[0].to == [owner.email]
    assert ReminderLog.objects.count() == 2


def test_a_refused_e_mail_is_sent_again_on_the_next_run(tenant, owner, org_a, member, monkeypatch):
    other = member(org_a, "system_administrator", email="annan@kommun-a.example")
    services.action_create(tenant=tenant, title="Granska avtal", owner=owner, due_date=datetime.date(2026, 3, 30))
    services.action_create(tenant=tenant, title="Byt lösenord", owner=other, due_date=datetime.date(2026, 3, 30))
    day = datetime.date(2026, 3, 29)
    real_send = reminders.send_mail

    def refuse_for_owner(subject, body, sender, recipients):
        if recipients == [owner.email]:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(subject, body, sender, recipients)

    monkeypatch.setattr(reminders, "send_mail", refuse_for_owner)
    assert reminders.send_due(today=day) == reminders.Sent(1, 1, [owner.email])
    assert [m.to for m in mail.outbox] == [[other.email]]  # the other recipient was not held up
    with pytest.raises(CommandError, match=owner.email):
        call_command("send_reminders", stdout=io.StringIO())
    monkeypatch.setattr(reminders, "send_mail", real_send)
    # The refused item was not marked as sent: the next run the same day sends it, once.
    assert reminders.send_due(today=day) == reminders.Sent(1, 1)
    assert reminders.send_due(today=day) == reminders.Sent(0, 0)
    assert mail.outbox[-1].to == [owner.email] and "Granska avtal" in mail.outbox[-1].body


def test_the_command_uses_the_stockholm_date(tenant, owner, settings, monkeypatch):
    import django.utils.timezone as tz

    # 23:30 UTC on 28 March is already 29 March in Stockholm (00:30 CET, the DST night).
    monkeypatch.setattr(tz, "now", lambda: datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.timezone.utc))
    services.action_create(tenant=tenant, title="X", owner=owner, due_date=datetime.date(2026, 4, 5))
    call_command("send_reminders")
    assert ReminderLog.objects.get().day == datetime.date(2026, 3, 29)


def test_the_plan_pages(org_a, owner, login, tenant):
    services.action_create(tenant=tenant, title="Förfallen", owner=owner, due_date=datetime.date(2020, 1, 1))
    services.action_create(tenant=tenant, title="Senare", owner=owner, due_date=datetime.date(2099, 1, 1))
    client = login(owner)
    overdue = client.get(reverse("actions:action_list"), {"view": "overdue"}).content.decode()
    assert "Förfallen" in overdue and "Senare" not in overdue
    mine = client.get(reverse("actions:reminders")).content.decode()
    assert "Förfallen" in mine and "Senare" not in mine
    response = client.post(reverse("actions:action_create"), {"title": "Ny", "status": "open", "owner": owner.pk,
                                                              "due_date": "2026-12-31"})
    assert response.status_code == 302
    assert Action.objects.get(title="Ny").due_date == datetime.date(2026, 12, 31)


def test_readers_cannot_change_the_plan(org_a, member, login, tenant):
    action = services.action_create(tenant=tenant, title="Orörd")
    client = login(member(org_a, "reader"))
    assert client.post(reverse("actions:action_edit", args=[action.pk]), {"title": "Ändrad", "status": "done"}).status_code == 403
    assert Action.objects.get(pk=action.pk).title == "Orörd"
