"""Backing up and restoring the database and the stored files (docs/deploy.md, "Backups").

A backup is a directory:

    manifest.json      format, time, database vendor, the trail's head and newest checkpoint,
                       and the SHA-256 and size of every file below
    database.sqlite3   SQLite: an online, consistent copy made with SQLite's backup API
    database.dump      PostgreSQL: `pg_dump --format=custom`
    files/…            every file of the file storage (uploads, evidence, checkpoints)

A restore checks every checksum before it touches anything.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

FORMAT = "tillit-backup/1"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _storage_files(directory: str = "") -> list[str]:
    try:
        dirs, files = default_storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{directory}/{f}" if directory else f for f in files]
    for sub in dirs:
        names += _storage_files(f"{directory}/{sub}" if directory else sub)
    return sorted(names)


def backup(target: Path, *, using: str = "default") -> dict:
    """Write a backup of the database `using` and of the file storage into `target` (new or empty)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty.")
    target.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    vendor = connection.vendor
    if vendor == "sqlite":
        database = target / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(database)
        try:
            # Online and consistent: pages are copied under SQLite's own locking, writers may continue.
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif vendor == "postgresql":
        database = target / "database.dump"
        args, env = _pg_env(connection.settings_dict)
        completed = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(database), *args,
             connection.settings_dict["NAME"]],
            env=env, capture_output=True, text=True,
        )
        if completed.returncode != 0:
            raise BackupError(f"pg_dump failed: {completed.stderr.strip()}")
    else:
        raise BackupError(f"No backup for the {vendor} database.")
    for name in _storage_files():
        path = target / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, path.open("wb") as out:
            shutil.copyfileobj(source, out)

    from trail.models import ChainHead, Checkpoint

    head = ChainHead.objects.using(using).filter(pk=1).first()
    newest = Checkpoint.objects.using(using).order_by("-created_at", "-pk").first()
    files = {
        str(path.relative_to(target)): {"sha256": _sha256(path), "size": path.stat().st_size}
        for path in sorted(target.rglob("*")) if path.is_file() and path.name != MANIFEST
    }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": vendor,
        "trail_head": {"seq": head.seq, "hash": head.hash} if head else None,
        "newest_checkpoint": json.loads(newest.document) if newest else None,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


@dataclass
class RestoreResult:
    manifest: dict
    files: int


def read_manifest(source: Path) -> dict:
    """The manifest, after checking every file's checksum (BackupError on any mismatch)."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} has no readable {MANIFEST}.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is not a Tillit backup.")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum in the manifest.")
    return manifest


def restore(source: Path, *, settings_dict: dict, restore_files: bool = True) -> RestoreResult:
    """Restore the backup in `source` into the database described by `settings_dict` and the storage.

    The target database is replaced: a SQLite file is overwritten, a PostgreSQL database gets
    `pg_restore --clean`. Run it against a fresh database (and migrate afterwards if the backup
    is older than the code).
    """
    source = Path(source)
    manifest = read_manifest(source)
    engine = settings_dict["ENGINE"].rsplit(".", 1)[-1]
    vendor = {"sqlite3": "sqlite", "postgresql": "postgresql"}.get(engine, engine)
    if vendor != manifest["database"]:
        raise BackupError(f"The backup is of a {manifest['database']} database, the target is {vendor}.")
    if vendor == "sqlite":
        backup_db = sqlite3.connect(source / "database.sqlite3")
        target = sqlite3.connect(settings_dict["NAME"])
        try:
            backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
    else:
        args, env = _pg_env(settings_dict)
        completed = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--dbname", settings_dict["NAME"], *args, str(source / "database.dump")],
            env=env, capture_output=True, text=True,
        )
        if completed.returncode != 0:
            raise BackupError(f"pg_restore failed: {completed.stderr.strip()}")
    count = 0
    if restore_files:
        base = source / "files"
        for name in manifest["files"]:
            if not name.startswith("files/"):
                continue
            stored = name.removeprefix("files/")
            if default_storage.exists(stored):
                default_storage.delete(stored)
            with (base / stored).open("rb") as handle:
                default_storage.save(stored, File(handle))
            count += 1
    return RestoreResult(manifest, count)
