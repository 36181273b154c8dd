"""Backup and restore: the database, the uploaded files and a manifest in one archive.

`manage.py backup` writes a .tar.gz holding
- `manifest.json`: when, which database kind, the last migration of each app,
  the row count of every table, and every media file with its size and SHA-256;
- `database.sqlite3` (SQLite: SQLite's online backup, consistent while the
  service runs, WAL included) or `database.dump` (PostgreSQL: `pg_dump -Fc`);
- `media/...`: the attachments, as stored.

`manage.py restore ARCHIVE` checks every file against the manifest first, then
replaces the database and the media files, and checks the row counts against
the manifest. The keys (SECRET_KEY and any encryption key in the environment)
are deliberately not in the archive: they are kept apart from it
(docs/deployment.md), so that a stolen backup is not readable on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be carried out; nothing was changed."""


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts(alias: str = "default") -> dict[str, int]:
    """Rows per table of every installed model (what a restore must find again)."""
    return {
        model._meta.label: model._base_manager.using(alias).count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _migrations(alias: str) -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        last[app] = max(last.get(app, ""), name)
    return dict(sorted(last.items()))


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore."""
    db = connections[alias].settings_dict
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return [*args, "-d", db["NAME"]], env


def pg_tool(name: str) -> str | None:
    """The path of pg_dump / pg_restore (PG_BIN_DIR first, then the PATH)."""
    bin_dir = os.environ.get("PG_BIN_DIR")
    if bin_dir and (Path(bin_dir) / name).is_file():
        return str(Path(bin_dir) / name)
    return shutil.which(name)


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[:2000]}")


def _dump_database(alias: str, target: Path) -> str:
    """Write the database to `target`; returns the member's name in the archive."""
    vendor = _vendor(alias)
    if vendor == "sqlite":
        # SQLite's online backup API: a consistent copy while others write.
        path = target / "database.sqlite3"
        source = sqlite3.connect(connections[alias].settings_dict["NAME"])
        copy = sqlite3.connect(path)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return path.name
    if vendor == "postgresql":
        tool = pg_tool("pg_dump")
        if tool is None:
            raise BackupError("pg_dump was not found (install postgresql-client).")
        path = target / "database.dump"
        args, env = _pg_args(alias)
        _run(
            [tool, "--format=custom", "--no-owner", "--no-privileges", "-f", str(path), *args], env
        )
        return path.name
    raise BackupError(f"Backups of a {vendor} database are not supported.")


def backup(output: Path, *, alias: str = "default") -> dict:
    """Write the archive to `output` (a .tar.gz); returns its manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="xinfang-backup-") as tmp:
        work = Path(tmp)
        # Counts first, then the dump: a row written in between is in the dump
        # but not counted, and the restore's check reports it rather than hide it.
        counts = row_counts(alias)
        database = _dump_database(alias, work)
        files = [
            {
                "path": path.relative_to(media_root).as_posix(),
                "size": path.stat().st_size,
                "sha256": _sha256(path),
            }
            for path in _media_files(media_root)
        ]
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": _vendor(alias),
            "database": database,
            "database_sha256": _sha256(work / database),
            "migrations": _migrations(alias),
            "counts": counts,
            "media": files,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(dt.datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / database, arcname=database)
            for entry in files:
                tar.add(media_root / entry["path"], arcname=f"media/{entry['path']}")
        os.chmod(partial, 0o600)  # personal data: readable by the service's user only
        partial.replace(output)  # never a half-written archive under the final name
    return manifest


def _safe_members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members = {}
    for m in tar.getmembers():
        name = PurePosixPath(m.name)
        if name.is_absolute() or ".." in name.parts or not (m.isfile() or m.isdir()):
            raise BackupError(f"The archive holds an unsafe entry: {m.name}")
        if m.isfile():
            members[m.name] = m
    return members


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        members = _safe_members(tar)
        if MANIFEST not in members:
            raise BackupError("The archive has no manifest.json: not a Xinfang backup.")
        return json.loads(tar.extractfile(members[MANIFEST]).read().decode("utf-8"))


def _extract_checked(archive: Path, target: Path) -> dict:
    """Unpack into `target` and check every file against the manifest."""
    with tarfile.open(archive, "r:gz") as tar:
        members = _safe_members(tar)
        if MANIFEST not in members:
            raise BackupError("The archive has no manifest.json: not a Xinfang backup.")
        manifest = json.loads(tar.extractfile(members[MANIFEST]).read().decode("utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        tar.extractall(target, members=list(members.values()), filter="data")
    if _sha256(target / manifest["database"]) != manifest["database_sha256"]:
        raise BackupError("The database dump does not match the manifest (damaged archive).")
    for entry in manifest["media"]:
        path = target / "media" / entry["path"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"The file {entry['path']} is missing or damaged in the archive.")
    return manifest


def _restore_database(alias: str, manifest: dict, work: Path) -> None:
    vendor = _vendor(alias)
    if vendor != manifest["vendor"]:
        raise BackupError(
            f"The backup is of a {manifest['vendor']} database; this one is {vendor}."
        )
    connection = connections[alias]
    connection.close()  # nothing of ours may hold the database while it is replaced
    if vendor == "sqlite":
        source = sqlite3.connect(work / manifest["database"])
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            with target:
                source.backup(target)  # replaces every page of the target
        finally:
            target.close()
            source.close()
        return
    tool = pg_tool("pg_restore")
    if tool is None:
        raise BackupError("pg_restore was not found (install postgresql-client).")
    args, env = _pg_args(alias)
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(work / manifest["database"]),
        ],
        env,
    )


def restore(archive: Path, *, alias: str = "default") -> dict:
    """Replace the database and the media files by the archive's; returns the
    manifest. Raises BackupError when the archive is damaged (nothing changed)
    or when the restored rows do not match the manifest's counts."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="xinfang-restore-") as tmp:
        work = Path(tmp)
        manifest = _extract_checked(archive, work)
        _restore_database(alias, manifest, work)
        media_root.mkdir(parents=True, exist_ok=True)
        for entry in manifest["media"]:
            target = media_root / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "media" / entry["path"], target)
            os.chmod(target, 0o600)
    counts = row_counts(alias)
    wrong = {
        label: (expected, counts.get(label))
        for label, expected in manifest["counts"].items()
        if counts.get(label) != expected
    }
    if wrong:
        raise BackupError(f"The restored rows do not match the manifest: {wrong}")
    return manifest
