import json

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.factories import SystemFactory
from trail import checkpoints
from trail.chain import verify, verify_against_checkpoints
from trail.models import AuditEntry, ChainHead, Checkpoint
from trail.tests import attack

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org_a):
    for i in range(6):
        SystemFactory(organisation=org_a, name=f"System {i}")
    return list(AuditEntry.objects.order_by("seq"))


@pytest.fixture
def checkpointed(chain, org_a):
    """Six entries, a checkpoint at #6, then two entries more."""
    checkpoint = checkpoints.make_checkpoint()
    SystemFactory(organisation=org_a, name="Later 1")
    SystemFactory(organisation=org_a, name="Later 2")
    return checkpoint


def test_a_checkpoint_is_signed_stored_outside_the_database_and_emailed(chain, settings):
    settings.TILLIT_AUDIT_CHECKPOINT_RECIPIENTS = ["revisor@kommun-a.example", "dso@kommun-a.example"]
    made = checkpoints.make_checkpoint()
    head = ChainHead.objects.get(pk=1)
    assert (made.seq, made.head_hash) == (head.seq, head.hash) == (chain[-1].seq, chain[-1].hash)
    document = json.loads(made.document)
    assert (document["seq"], document["head_hash"]) == (made.seq, made.head_hash)
    with default_storage.open(f"audit-checkpoints/{checkpoints.file_name(made)}") as stored:
        assert stored.read().decode() == made.document
    assert mail.outbox[0].to == ["revisor@kommun-a.example", "dso@kommun-a.example"]
    assert mail.outbox[0].attachments[0][1] == made.document
    assert checkpoints.parse(made.document, origin="test").seq == made.seq


def test_a_forged_checkpoint_is_refused(chain):
    document = json.loads(checkpoints.make_checkpoint().document)
    document["seq"] = 1
    with pytest.raises(checkpoints.CheckpointError, match="signature"):
        checkpoints.parse(json.dumps(document), origin="forged.json")


def test_production_refuses_to_sign_without_a_key(chain, settings):
    settings.TILLIT_AUDIT_KEY, settings.DEBUG = "", False
    with pytest.raises(ImproperlyConfigured):
        checkpoints.make_checkpoint()
    with pytest.raises(CommandError, match="TILLIT_AUDIT_KEY"):
        call_command("audit_checkpoint")
    assert not Checkpoint.objects.exists()


def test_the_command_makes_a_checkpoint(chain, capsys):
    call_command("audit_checkpoint")
    assert Checkpoint.objects.get().seq == chain[-1].seq
    assert f"entry #{chain[-1].seq}" in capsys.readouterr().out


def test_an_intact_chain_verifies_against_its_checkpoints(checkpointed, capsys):
    result = verify_against_checkpoints()
    assert result.ok and result.checkpoints == 1  # the database's and the storage's copy are one
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"{checkpointed.seq + 2} entries intact" in out and f"the newest at entry #{checkpointed.seq}" in out


def test_a_rewrite_with_every_later_hash_and_the_head_recomputed_is_detected(checkpointed):
    attack.sql("UPDATE trail_auditentry SET object_repr = %s WHERE seq = 3", ["forged"])
    attack.rehash_from(3)
    result = verify_against_checkpoints()
    assert (result.ok, result.problem, result.broken_seq) == (False, "checkpoint_rewritten", 1)
    assert f"entry #{checkpointed.seq} no longer matches" in result.message
    with pytest.raises(CommandError, match=f"rewritten between entries #1 and #{checkpointed.seq}"):
        call_command("verify_audit")


def test_an_earlier_matching_checkpoint_narrows_the_rewrite(chain, org_a):
    first = checkpoints.make_checkpoint()
    SystemFactory(organisation=org_a, name="Later")
    attack.sql("UPDATE trail_checkpoint SET created_at = created_at - interval '1 hour'"
               if connection.vendor == "postgresql" else
               "UPDATE trail_checkpoint SET created_at = datetime(created_at, '-1 hour')")
    second = checkpoints.make_checkpoint()
    assert second.seq == first.seq + 1
    attack.sql("UPDATE trail_auditentry SET object_repr = %s WHERE seq = %s", ["forged", second.seq])
    attack.rehash_from(second.seq)
    result = verify_against_checkpoints()
    assert (result.ok, result.broken_seq) == (False, second.seq)
    assert f"between entries #{second.seq} and #{second.seq}" in result.message


def test_entries_deleted_at_the_end_with_the_head_adjusted_are_detected(checkpointed):
    attack.sql("DELETE FROM trail_auditentry WHERE seq >= %s", [checkpointed.seq - 1])
    attack.adjust_head()
    assert verify().ok  # the chain walk alone is fooled
    result = verify_against_checkpoints()
    kept = checkpointed.seq - 2
    assert (result.ok, result.problem, result.broken_seq) == (False, "checkpoint_removed", kept + 1)
    assert f"entries after #{kept} were removed" in result.message


def test_reordered_entries_with_recomputed_hashes_are_detected(checkpointed):
    attack.sql("UPDATE trail_auditentry SET seq = 10000 WHERE seq = 2")
    attack.sql("UPDATE trail_auditentry SET seq = 2 WHERE seq = 3")
    attack.sql("UPDATE trail_auditentry SET seq = 3 WHERE seq = 10000")
    attack.rehash_from(2)
    result = verify_against_checkpoints()
    assert (result.ok, result.problem) == (False, "checkpoint_rewritten")


def test_deleting_the_stored_checkpoint_rows_does_not_help(checkpointed):
    attack.sql("DELETE FROM trail_checkpoint")
    attack.sql("UPDATE trail_auditentry SET object_repr = %s WHERE seq = 2", ["forged"])
    attack.rehash_from(2)
    assert verify_against_checkpoints().problem == "checkpoint_rewritten"  # the storage's copy remains


def test_an_auditors_checkpoint_file_is_the_reference(checkpointed, tmp_path):
    copy = tmp_path / "auditor.json"
    copy.write_text(checkpointed.document)
    # The attacker removes every stored copy, then rewrites.
    attack.sql("DELETE FROM trail_checkpoint")
    default_storage.delete(f"audit-checkpoints/{checkpoints.file_name(checkpointed)}")
    attack.sql("UPDATE trail_auditentry SET object_repr = %s WHERE seq = 2", ["forged"])
    attack.rehash_from(2)
    assert verify_against_checkpoints().ok  # nothing stored is left to compare with
    with pytest.raises(CommandError, match="auditor.json"):
        call_command("verify_audit", "--checkpoint", str(copy))


def test_a_forged_stored_checkpoint_fails_verification(checkpointed):
    document = json.loads(checkpointed.document)
    document["head_hash"] = "f" * 64
    default_storage.save("audit-checkpoints/forged.json", __import__("io").BytesIO(json.dumps(document).encode()))
    result = verify_against_checkpoints()
    assert (result.ok, result.problem) == (False, "checkpoint_invalid")
    assert "forged.json" in result.message


@pytest.mark.parametrize("statement", [
    "UPDATE trail_auditentry SET object_repr = 'forged' WHERE seq = 1",
    "UPDATE trail_checkpoint SET seq = 1",
])
def test_the_database_refuses_updates_of_the_trail(checkpointed, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get(seq=1).object_repr != "forged"
    assert Checkpoint.objects.get().seq == checkpointed.seq


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for flush")
@pytest.mark.parametrize("table", ["trail_auditentry", "trail_checkpoint"])
def test_postgresql_refuses_deletes_of_the_trail(checkpointed, table):
    count = AuditEntry.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    assert AuditEntry.objects.count() == count and Checkpoint.objects.count() == 1


def test_the_chain_head_stays_updatable(checkpointed, org_a):
    before = ChainHead.objects.get(pk=1).seq
    SystemFactory(organisation=org_a, name="One more")
    assert ChainHead.objects.get(pk=1).seq == before + 1
