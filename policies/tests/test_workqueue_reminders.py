import datetime

import pytest
from django.utils import timezone

from core.tenancy import tenant_for
from policies import reminders, workqueue

pytestmark = pytest.mark.django_db


def test_work_queue_owner_and_editor_groups(tenant_a, make_doc, org_a, member, django_assert_num_queries):
    today = timezone.localdate()
    make_doc(tenant_a, "Sen", adopted_on=datetime.date(2006, 4, 24), owner=tenant_a.user)
    make_doc(tenant_a, "Snart", next_review=today + datetime.timedelta(days=10), owner=tenant_a.user)
    make_doc(tenant_a, "Långt bort", next_review=today + datetime.timedelta(days=300), owner=tenant_a.user)
    make_doc(tenant_a, "Ingen ägare", adopted_on=datetime.date(2010, 1, 1))
    with django_assert_num_queries(4):
        groups = workqueue.items(tenant=tenant_a, today=today)
    assert [(g.total, [i.title for i in g.items]) for g in groups] == [
        (2, ["Sen", "Snart"]), (2, ["Sen", "Ingen ägare"])]
    assert groups[0].items[0].overdue and groups[0].items[0].note.startswith("Review overdue by ")
    reader = tenant_for(member(org_a, "reader"), org_a.pk)
    assert workqueue.items(tenant=reader, today=today) == []


def test_reminders_to_the_owner(tenant_a, make_doc):
    today = timezone.localdate()
    late = make_doc(tenant_a, "Sen", adopted_on=datetime.date(2006, 4, 24), owner=tenant_a.user)
    make_doc(tenant_a, "Utkast", adopted_on=datetime.date(2006, 4, 24), owner=tenant_a.user, status="draft")
    make_doc(tenant_a, "Långt bort", next_review=today + datetime.timedelta(days=300), owner=tenant_a.user)
    due = list(reminders.reviews_due(today=today, horizon=today + datetime.timedelta(days=7)))
    assert [(r.key, r.recipient_id, r.due) for r in due] == [(f"policy-review:{late.pk}", tenant_a.user.pk,
                                                             datetime.date(2008, 4, 24))]
    assert due[0].title == "Review the governing document: Sen"
    assert list(reminders.reviews_due(today=today, horizon=today, user=late.owner, organisation=None))
