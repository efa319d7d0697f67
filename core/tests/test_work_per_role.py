"""Each role's start page shows what is theirs to do, and a role with nothing says so in its own words."""

import datetime

import pytest
from django.utils.html import escape
from django.urls import reverse
from django.utils import timezone, translation

from classification.models import Classification, ClassificationStatus
from core.workqueue import nothing_waiting, work_for
from core.tenancy import tenant_for
from meetings.models import Meeting, MeetingKind
from privacy.models import Dpia, DpiaStatus
from risk.models import Risk, RiskStatus
from tests.factories import InformationTypeFactory, SystemFactory

pytestmark = pytest.mark.django_db


def _titles(user, org) -> list[str]:
    with translation.override("en"):
        tenant = tenant_for(user, org.pk)
        return [str(group.title) for group in work_for(tenant=tenant, today=timezone.localdate())]


def _items(user, org, title) -> list[str]:
    with translation.override("en"):
        groups = work_for(tenant=tenant_for(user, org.pk), today=timezone.localdate())
        return [item.title for group in groups if str(group.title) == title for item in group.items]


def _in_review(org, info):
    return Classification.objects.create(organisation=org, information_type=info, status=ClassificationStatus.REVIEW)


def test_a_system_owner_sees_the_approvals_and_acceptances_that_are_theirs(org_a, member):
    owner, other_owner = member(org_a, "system_owner"), member(org_a, "system_owner", email="annan@kommun-a.example")
    mine, theirs = InformationTypeFactory(organisation=org_a, name="Löneuppgifter"), InformationTypeFactory(
        organisation=org_a, name="Bygglovsärenden")
    SystemFactory(organisation=org_a, name="Lönesystem", owner=owner).information_types.add(mine)
    SystemFactory(organisation=org_a, name="Byggsystem", owner=other_owner).information_types.add(theirs)
    _in_review(org_a, mine), _in_review(org_a, theirs)
    Risk.objects.create(organisation=org_a, title="Avbrott i lönekörningen", owner=owner, status=RiskStatus.TREATED)
    Risk.objects.create(organisation=org_a, title="Någon annans risk", owner=other_owner, status=RiskStatus.TREATED)

    assert _items(owner, org_a, "Classifications waiting for your approval") == ["Löneuppgifter"]
    assert _items(owner, org_a, "Risks awaiting your acceptance") == ["Avbrott i lönekörningen"]
    # The coordinator's follow-up is not the system owner's work.
    assert "Systems without a system owner" not in _titles(owner, org_a)


def test_a_coordinator_sees_what_the_register_lacks_and_overdue_reviews(org_a, member):
    coordinator = member(org_a, "coordinator")
    SystemFactory(organisation=org_a, name="Ägarlöst system", owner=None)
    InformationTypeFactory(organisation=org_a, name="Oklassad information")
    stale = InformationTypeFactory(organisation=org_a, name="Gammal klassning")
    Classification.objects.create(organisation=org_a, information_type=stale, status=ClassificationStatus.APPROVED,
                                  review_date=timezone.localdate() - datetime.timedelta(days=3))

    titles = _titles(coordinator, org_a)
    assert {"Systems without a system owner", "Information types not yet classified",
            "Classifications past their review date"} <= set(titles)
    assert _items(coordinator, org_a, "Classifications past their review date") == ["Gammal klassning"]
    # Approving is the owner's: the coordinator is not asked to.
    _in_review(org_a, InformationTypeFactory(organisation=org_a, name="Granskas"))
    assert "Classifications waiting for your approval" not in _titles(coordinator, org_a)


def test_the_dpo_sees_impact_assessments_awaiting_advice(org_a, member):
    dpo = member(org_a, "dpo")
    Dpia.objects.create(organisation=org_a, title="Trygghetskameror", status=DpiaStatus.AWAITING_ADVICE)
    assert _items(dpo, org_a, "DPIAs awaiting your advice") == ["Trygghetskameror"]
    assert "Systems without a system owner" not in _titles(dpo, org_a)


@pytest.mark.parametrize("role", ["reader", "auditor"])
def test_a_role_with_nothing_to_do_gets_its_own_empty_state(org_a, member, login, role):
    user = member(org_a, role)
    SystemFactory(organisation=org_a, name="Ägarlöst system", owner=None)
    now = timezone.now()
    Meeting.objects.create(organisation=org_a, kind=MeetingKind.values[0], title="Säkerhetsrådet", starts_at=now + datetime.timedelta(days=2),
                           ends_at=now + datetime.timedelta(days=2, hours=1))
    body = login(user).get(reverse("core:home")).content.decode()
    work = body[body.index('class="work-queue"'):]
    work = work[:work.index("</section>")]
    with translation.override("sv"):
        expected = nothing_waiting(tenant_for(user, org_a.pk))
        assert expected != translation.gettext("Nothing is waiting for you right now.")
    assert escape(expected) in work and "work-group" not in work
    other = "auditor" if role == "reader" else "reader"
    assert nothing_waiting(tenant_for(member(org_a, other), org_a.pk)) != expected


def test_the_it_companys_staff_see_no_change_decisions_menu_entry(supplier_org, org_a, member, login):
    manager = member(supplier_org, "service_manager")
    body = login(manager).get(reverse("core:home")).content.decode()
    assert reverse("changes:awaiting") not in body
    coordinator_body = login(member(org_a, "coordinator")).get(reverse("core:home")).content.decode()
    assert reverse("changes:awaiting") in coordinator_body
    assert "Systems without a system owner" not in _titles(manager, supplier_org)
