import json
import shutil
import uuid

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.utils import translation

from core.backups import BackupError, read_manifest
from tests.factories import SystemFactory
from trail import checkpoints
from trail.chain import verify_against_checkpoints
from trail.capture import connect_all  # noqa: F401  (the trail is connected at start-up)
from trail.models import AuditedModel, AuditEntry, ChainHead, Checkpoint
from django.apps import apps

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TILLIT_AUDIT_CHECKPOINT_RECIPIENTS = []


@pytest.fixture
def fresh_database(tmp_path):
    """A second, empty database of the same kind, reachable as the alias "restored"."""
    settings_dict = {**connection.settings_dict}
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": settings_dict["NAME"]}
        created = None
    else:
        created = f"tillit_restore_{uuid.uuid4().hex[:10]}"
        admin = psycopg.connect(dbname="postgres", host=settings_dict["HOST"] or None,
                                port=settings_dict["PORT"] or None, user=settings_dict["USER"] or None,
                                password=settings_dict["PASSWORD"] or None, autocommit=True)
        admin.execute(f'CREATE DATABASE "{created}"')
        settings_dict["NAME"] = created
    # Registered as a connection only (not a configured database), as a restore drill's tool would.
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="restored")
    connections["restored"] = wrapper
    yield settings_dict
    wrapper.close()
    del connections["restored"]
    if created:
        admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
        admin.close()


def _tables(alias):
    rows = {}
    for model in [m for m in apps.get_models() if issubclass(m, AuditedModel)] + [AuditEntry, ChainHead, Checkpoint]:
        names = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._base_manager.using(alias).order_by("pk").values_list(*names))
    return rows


def test_backup_and_restore_to_a_fresh_database_keeps_records_files_and_a_verifiable_chain(
        org_a, tmp_path, fresh_database, capsys):
    for i in range(4):
        SystemFactory(organisation=org_a, name=f"System {i}")
    default_storage.save("evidence/rapport.pdf", ContentFile(b"%PDF-1.4 bevis"))
    made = checkpoints.make_checkpoint()
    target = tmp_path / "backup"

    call_command("backup", str(target))
    manifest = read_manifest(target)
    assert manifest["trail_head"]["seq"] == made.seq
    assert manifest["newest_checkpoint"]["head_hash"] == made.head_hash
    assert any(name.endswith("rapport.pdf") for name in manifest["files"])

    shutil.rmtree(tmp_path / "media")  # the stored files are lost with the server
    url = ("sqlite:///" + fresh_database["NAME"]) if connection.vendor == "sqlite" else (
        f"postgres://{fresh_database['USER']}@{fresh_database['HOST']}:{fresh_database['PORT']}/{fresh_database['NAME']}")
    call_command("restore", str(target), "--database-url", url, "--yes")

    assert _tables("restored") == _tables("default")
    with default_storage.open("evidence/rapport.pdf") as restored:
        assert restored.read() == b"%PDF-1.4 bevis"
    auditor_copy = ("the auditor's copy", json.dumps(manifest["newest_checkpoint"]))
    with translation.override("en"):
        result = verify_against_checkpoints(extra=[auditor_copy], using="restored")
    assert result.ok, result.message
    assert result.checkpoints == 1 and result.last_seq == made.seq


def test_a_damaged_backup_is_refused_before_anything_is_restored(org_a, tmp_path, fresh_database):
    SystemFactory(organisation=org_a, name="System")
    target = tmp_path / "backup"
    call_command("backup", str(target))
    database = next(p for p in target.iterdir() if p.name.startswith("database."))
    database.write_bytes(database.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(BackupError, match="checksum"):
        read_manifest(target)
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(target), "--database-url", "sqlite:///" + str(tmp_path / "x.sqlite3")
                     if connection.vendor == "sqlite" else "postgres://unused@127.0.0.1/none", "--yes")


def test_a_backup_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path))
