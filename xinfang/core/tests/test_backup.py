"""Backup and restore (manage.py backup / restore): every matter, event and
attachment comes back into an empty database, on SQLite and on PostgreSQL."""

import hashlib
import io
import shutil
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from xinfang.core import backup
from xinfang.petitions import services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Attachment, Category, Petition, PetitionEvent

pytestmark = pytest.mark.django_db(transaction=True)

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63646060f80f00010401005f2d6b0f0000000049454e44ae426082"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def categories(transactional_db):
    seed_categories(Category)  # a transactional test starts from empty tables


@pytest.fixture(autouse=True)
def needs_pg_tools():
    if connection.vendor == "postgresql" and not (
        backup.pg_tool("pg_dump") and backup.pg_tool("pg_restore")
    ):
        pytest.skip("pg_dump/pg_restore not found (install postgresql-client)")


def matters(register, people, demo_tree):
    """Three matters, each with an attachment and a few events."""
    made = []
    for i in range(3):
        photo = SimpleUploadedFile(f"现场照片{i}.png", PNG, "image/png")
        p = register(summary=f"拖欠工资第{i}件", attachments=[photo])
        p = services.petition_act(
            actor=people["dispatcher"],
            petition_id=p.pk,
            action="forward",
            version=p.version,
            responsible_unit=demo_tree["410481102"],
        )
        made.append(p)
    return made


def snapshot(media):
    return {
        "matters": sorted(Petition.objects.values_list("number", "state", "version")),
        "events": sorted(
            PetitionEvent.objects.values_list("petition__number", "action", "to_state")
        ),
        "attachments": sorted(
            (a.petition.number, a.name, a.sha256, hashlib.sha256(a.file.read()).hexdigest())
            for a in Attachment.objects.select_related("petition")
        ),
        "counts": backup.row_counts(),
    }


def test_a_backup_restores_every_matter_event_and_attachment_into_an_empty_database(
    register, people, demo_tree, travel, media, tmp_path
):
    travel("2026-11-02")
    matters(register, people, demo_tree)
    before = snapshot(media)
    assert len(before["matters"]) == 3 and len(before["attachments"]) == 3
    assert len(before["events"]) >= 6
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", output=str(archive))

    # An empty database and no files: as on a new server.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    assert Petition.objects.count() == 0 and PetitionEvent.objects.count() == 0

    call_command("restore", str(archive), yes=True)

    after = snapshot(media)
    assert after == before
    # Every file's content is the one uploaded (the hash recorded at upload).
    assert all(a[2] == a[3] for a in after["attachments"])


def test_the_archive_holds_a_manifest_and_is_private(
    register, people, demo_tree, travel, media, tmp_path
):
    travel("2026-11-02")
    matters(register, people, demo_tree)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))

    manifest = backup.read_manifest(archive)
    assert manifest["vendor"] == connection.vendor
    assert manifest["counts"]["petitions.Petition"] == 3
    assert len(manifest["media"]) == 3
    assert archive.stat().st_mode & 0o077 == 0  # personal data: owner only
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {f"media/{m['path']}" for m in manifest["media"]} <= set(names)


def test_a_damaged_archive_is_refused_and_changes_nothing(
    register, people, demo_tree, travel, media, tmp_path
):
    travel("2026-11-02")
    matters(register, people, demo_tree)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    # The same archive with one attachment's last byte changed.
    damaged = tmp_path / "damaged.tar.gz"
    changed = []
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("media/") and not changed:
                data = data[:-1] + bytes([data[-1] ^ 1])
                changed.append(member.name)
            dst.addfile(member, io.BytesIO(data))
    assert changed
    before = snapshot(media)

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), yes=True)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))

    assert snapshot(media) == before
