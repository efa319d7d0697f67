"""The DPO's overview across organisations: built from a Tenant per membership, nothing else."""

import datetime

import pytest
from django.urls import reverse

from actions.models import Action
from core.tenancy import tenant_for
from organisations.models import Unit
from privacy import overview, services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)
CALLS = []


def fake_breaches(*, tenants, today):
    CALLS.append(sorted(t.organisation.slug for t in tenants))
    return [{"organisation": t.organisation.name, "title": f"Felskickad e-post {t.organisation.slug}",
             "url": "/incidents/1/", "status": "Bedöms", "deadline": datetime.datetime(2026, 3, 2, 12, 0),
             "overdue": False} for t in tenants]


def _org_with_transfer(slug, coordinator_email):
    org = OrganisationFactory(name=f"Kommun {slug}", slug=slug)
    user = UserFactory(email=coordinator_email)
    MembershipFactory(user=user, organisation=org, role="coordinator")
    tenant = tenant_for(user, org.pk)
    unit = Unit.objects.create(organisation=org, name="Socialnämnden", kind="board")
    activity = services.activity_save(tenant=tenant, activity=None, data={
        "name": f"Behandling i {slug}", "controllers": [unit], "legal_basis": "e",
        "review_date": TODAY + datetime.timedelta(days=5)})
    services.transfer_add(tenant=tenant, activity=activity, data={"country": "US", "recipient": f"Moln {slug}"})
    return org


@pytest.fixture
def dpo_world(monkeypatch):
    monkeypatch.setattr(overview, "BREACH_HOOKS", ["privacy.tests.test_overview.fake_breaches"])
    CALLS.clear()
    dpo = UserFactory(email="dataskyddsombud@samverkan.example")
    orgs = {slug: _org_with_transfer(slug, f"samordnare@{slug}.example") for slug in ("alfa", "beta", "gamma", "delta")}
    MembershipFactory(user=dpo, organisation=orgs["alfa"], role="dpo")
    MembershipFactory(user=dpo, organisation=orgs["beta"], role="dpo")
    MembershipFactory(user=dpo, organisation=orgs["gamma"], role="reader")  # may read, keeps no record
    # delta: not a member at all
    return dpo, orgs


def test_the_overview_shows_each_dpo_membership_labelled_and_nothing_else(dpo_world):
    dpo, orgs = dpo_world
    data = overview.build(user=dpo, today=TODAY)
    assert [p.organisation.slug for p in data.parts] == ["alfa", "beta"]
    assert [(p.organisation.slug, t.label) for p, t in data.transfers] == [
        ("alfa", "Behandling i alfa"), ("beta", "Behandling i beta")]
    assert [(p.organisation.slug, p.reviews_total) for p in data.parts] == [("alfa", 1), ("beta", 1)]
    assert CALLS == [["alfa", "beta"]]
    assert [b["title"] for b in data.breaches] == ["Felskickad e-post alfa", "Felskickad e-post beta"]


def test_the_overview_page_labels_rows_and_hides_other_organisations(dpo_world, client):
    dpo, orgs = dpo_world
    client.force_login(dpo)
    page = client.get(reverse("privacy:overview")).content.decode()
    assert "Behandling i alfa" in page and "Behandling i beta" in page and "Kommun alfa" in page
    assert "Behandling i gamma" not in page and "Behandling i delta" not in page
    assert "Felskickad e-post gamma" not in page
    assert "Felskickad e-post beta" in page


def test_without_the_breach_hook_the_page_still_works(dpo_world, client, monkeypatch):
    monkeypatch.setattr(overview, "BREACH_HOOKS", ["incidents_absent.overview.breaches"])
    dpo, _orgs = dpo_world
    client.force_login(dpo)
    response = client.get(reverse("privacy:overview"))
    assert response.status_code == 200 and b"The breach log is not installed." in response.content


def test_an_action_from_the_overview_lands_in_that_organisation_only_where_the_dpo_keeps_the_record(dpo_world, client):
    dpo, orgs = dpo_world
    client.force_login(dpo)
    beta = overview.tenant_of(user=dpo, organisation_id=orgs["beta"].pk)
    row = overview.part_for(beta, TODAY).transfers[0]
    response = client.post(reverse("privacy:overview_action"),
                           {"organisation": orgs["beta"].pk, "kind": "transfer-activity", "pk": row.pk})
    assert response.status_code == 302
    assert list(Action.objects.values_list("organisation__slug", flat=True)) == ["beta"]
    gamma_tenant = tenant_for(UserFactory(email="x@gamma.example"), orgs["gamma"].pk)
    assert gamma_tenant is None
    for org in ("gamma", "delta"):
        response = client.post(reverse("privacy:overview_action"),
                               {"organisation": orgs[org].pk, "kind": "transfer-activity", "pk": row.pk})
        assert response.status_code == 404
    assert Action.objects.count() == 1


def test_rows_of_another_organisation_open_there_and_the_active_ones_are_plain_links(dpo_world, client):
    from core.middleware import SESSION_ORG_KEY
    from privacy.models import ProcessingActivity

    dpo, orgs = dpo_world
    client.force_login(dpo)
    session = client.session
    session[SESSION_ORG_KEY] = orgs["alfa"].pk
    session.save()
    page = client.get(reverse("privacy:overview")).content.decode()
    alfa = ProcessingActivity.objects.get(organisation=orgs["alfa"])
    beta = ProcessingActivity.objects.get(organisation=orgs["beta"])
    assert f'<a href="{alfa.get_absolute_url()}">Behandling i alfa</a>' in page
    assert f'<input type="hidden" name="organisation" value="{orgs["beta"].pk}"><input type="hidden" name="next" ' \
           f'value="{beta.get_absolute_url()}"><input type="hidden" name="open" value="record">' in page
    assert f'<a href="{beta.get_absolute_url()}">' not in page
