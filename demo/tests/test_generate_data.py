import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from accounts.models import User
from demo.data import DEMO_PASSWORD
from demo.generated import Plan
from inventory.models import InformationType, System, SystemDependency
from organisations.models import Membership, Organisation, Unit
from suppliers.models import Supplier
from trail.chain import verify
from trail.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

SCALE = 0.01


def _generate(**options):
    call_command("generate_data", scale=SCALE, seed=7, stdout=io.StringIO(), **options)


def test_it_generates_counts_proportional_to_the_scale():
    _generate()
    # Scale 1 has 10 000 systems and ~1.5 dependencies each; 0.01 is a hundredth of that.
    assert (Plan(1).organisations, Plan(1).systems, Plan(1).suppliers_per_municipality) == (20, 10_000, 50)
    assert System.objects.count() == 100
    assert SystemDependency.objects.count() == 150
    assert Organisation.objects.filter(kind="municipality").count() == 2
    assert Organisation.objects.filter(kind="supplier").count() == 1
    assert Supplier.objects.count() == 2 * 5
    assert InformationType.objects.count() == 2 * 5
    assert Unit.objects.count() == 2 * 8
    # One member per role: seven municipal roles in each municipality, six in the IT company
    # (administrator, coordinator, read-only supplier, service manager, security lead, reader).
    assert Membership.objects.count() == 2 * 7 + 6
    links = System.information_types.through.objects.count()
    assert 100 <= links <= 300
    # Three audits per municipality, and the findings' history written by the engine itself.
    from audits.models import Assessment, Audit, FindingRecord, Observation

    assert Audit.objects.count() == 2 * 3
    assert Assessment.objects.exists() and Observation.objects.filter(recommendations__isnull=False).exists()
    assert FindingRecord.objects.filter(resolved_on__isnull=True).exists()
    shared = System.shared_with.through.objects.count()
    assert 0 < shared < 100


def test_it_keeps_the_audit_trail_intact_with_one_create_entry_per_row():
    _generate()
    assert verify().ok
    call_command("verify_audit", stdout=io.StringIO())
    creates = AuditEntry.objects.filter(action=Action.CREATE, source="cli")
    assert creates.filter(model="inventory.system").count() == 100
    assert creates.filter(model="inventory.systemdependency").count() == 150
    assert creates.filter(model="accounts.user").count() == User.objects.count()
    assert creates.filter(model="organisations.membership").count() == Membership.objects.count() == 20
    assert creates.count() == AuditEntry.objects.count()


def test_every_link_stays_inside_the_systems_organisation():
    _generate()
    systems = System.objects.all()
    assert systems.exclude(unit__organisation=F("organisation")).exclude(unit=None).count() == 0
    assert systems.exclude(supplier__organisation=F("organisation")).exclude(supplier=None).count() == 0
    assert systems.filter(information_types__isnull=False).exclude(
        information_types__organisation=F("organisation")).count() == 0
    deps = SystemDependency.objects.all()
    assert deps.exclude(system__organisation=F("organisation")).count() == 0
    assert deps.exclude(depends_on__organisation=F("organisation")).count() == 0
    assert deps.filter(system=F("depends_on")).count() == 0
    # Owners and administrators are members of the system's own organisation.
    owned = systems.filter(owner__isnull=False)
    assert owned.count() > 0
    for system in owned.select_related("owner"):
        assert Membership.objects.filter(user=system.owner, organisation_id=system.organisation_id).exists()
    # Systems are shared only with the IT company that serves their municipality.
    for system in systems.filter(shared_with__isnull=False).prefetch_related("shared_with"):
        for org in system.shared_with.all():
            assert org.customers.filter(pk=system.organisation_id).exists()


def test_the_generated_users_sign_in_with_the_demo_password(client):
    _generate()
    user = User.objects.get(email="coordinator@gen-org-01.example")
    assert user.check_password(DEMO_PASSWORD)
    assert Membership.objects.get(user=user).role == "coordinator"
    assert client.login(email="coordinator@gen-org-01.example", password=DEMO_PASSWORD)


def test_it_refuses_to_generate_twice_and_changes_nothing():
    _generate()
    entries = AuditEntry.objects.count()
    system_ids = set(System.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError, match="already exist"):
        _generate()
    assert AuditEntry.objects.count() == entries
    assert set(System.objects.values_list("pk", flat=True)) == system_ids


def test_replace_deletes_the_old_set_and_audits_the_deletions():
    _generate()
    old_ids = set(System.objects.values_list("pk", flat=True))
    _generate(replace=True)
    assert System.objects.count() == 100
    assert not old_ids & set(System.objects.values_list("pk", flat=True))
    assert Organisation.objects.count() == 3
    deletes = AuditEntry.objects.filter(action=Action.DELETE, model="inventory.system")
    assert set(deletes.values_list("object_id", flat=True)) == {str(pk) for pk in old_ids}
    assert verify().ok


def test_it_leaves_other_organisations_alone(org_a):
    _generate()
    _generate(replace=True)
    assert Organisation.objects.filter(pk=org_a.pk).exists()
    assert Organisation.objects.filter(Q(slug__startswith="gen-org-") | Q(pk=org_a.pk)).count() == 4
    assert System.objects.values("organisation").annotate(n=Count("pk")).count() == 2
