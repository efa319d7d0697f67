import pytest
from django.core.management import CommandError, call_command

from tests.factories import SystemFactory
from trail.tests import attack
from trail.chain import verify
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org_a):
    for i in range(5):
        SystemFactory(organisation=org_a, name=f"System {i}")
    return list(AuditEntry.objects.order_by("seq"))


def _sql(statement, params):
    # Tampering happens below the ORM, as an attacker with database access would do it.
    attack.sql(statement, params)


def test_an_intact_chain_verifies(chain, capsys):
    call_command("verify_audit")
    assert f"{len(chain)} entries intact" in capsys.readouterr().out
    assert verify().ok


def test_an_altered_entry_is_named(chain):
    victim = chain[2]
    _sql("UPDATE trail_auditentry SET object_repr = %s WHERE seq = %s", ["forged", victim.seq])
    result = verify()
    assert (result.ok, result.broken_seq) == (False, victim.seq)
    with pytest.raises(CommandError, match=f"entry #{victim.seq} was altered"):
        call_command("verify_audit")


def test_an_altered_change_value_is_detected(chain):
    victim = chain[1]
    _sql("UPDATE trail_auditentry SET changes = %s WHERE seq = %s", ['{"name": [null, "x"]}', victim.seq])
    assert verify().broken_seq == victim.seq


def test_a_removed_entry_is_named(chain):
    victim = chain[3]
    _sql("DELETE FROM trail_auditentry WHERE seq = %s", [victim.seq])
    result = verify()
    assert (result.ok, result.broken_seq) == (False, victim.seq)
    assert "missing" in result.message


def test_reordered_entries_are_detected(chain):
    a, b = chain[1], chain[2]
    _sql("UPDATE trail_auditentry SET seq = %s WHERE seq = %s", [10_000, a.seq])
    _sql("UPDATE trail_auditentry SET seq = %s WHERE seq = %s", [a.seq, b.seq])
    _sql("UPDATE trail_auditentry SET seq = %s WHERE seq = %s", [b.seq, 10_000])
    result = verify()
    assert (result.ok, result.broken_seq) == (False, a.seq)


def test_removing_the_newest_entries_is_detected(chain):
    _sql("DELETE FROM trail_auditentry WHERE seq = %s", [chain[-1].seq])
    result = verify()
    assert (result.ok, result.broken_seq) == (False, chain[-1].seq)
    assert "removed" in result.message
