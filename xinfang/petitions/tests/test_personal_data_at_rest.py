"""Personal data at rest: ID numbers, phones and addresses are encrypted in the
database, repeat detection still finds a person by the keyed hash, attachments
are readable by the service's user only (issue 9, item 7)."""

import base64
import stat
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from xinfang.petitions import services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition, Petitioner

from .fixtures import VALID_ID_2

PHONE = "13987654321"
ADDRESS = "武冈市邓家铺镇清水村七组二十号"
PERSON = {"name": "刘备", "id_number": VALID_ID_2, "phone": PHONE, "address": ADDRESS}
CLEAR = [VALID_ID_2, PHONE, "987654321", ADDRESS]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def raw_petitioner_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, address, id_number_hash, phone_hash FROM petitions_petitioner"
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_the_database_row_holds_no_clear_id_number_phone_or_address(register, travel):
    travel("2026-11-02")
    p = register(petitioners=[PERSON])

    rows = raw_petitioner_rows()
    assert len(rows) == 1
    stored = " ".join(rows[0])
    for clear in CLEAR:
        assert clear not in stored
    # Read through the model, it is the person's data again.
    person = p.petitioners.get()
    assert (person.id_number, person.phone, person.address) == (VALID_ID_2, PHONE, ADDRESS)


@pytest.mark.django_db
def test_repeat_detection_finds_the_same_id_number_through_the_hash(register, travel, category):
    travel("2026-11-02")
    first = register(petitioners=[PERSON])

    flags = services.suggest_flags(
        petitioners=[services.PetitionerData(name="刘备", id_number=VALID_ID_2)],
        purpose="appeal",
        people_count=1,
        category=category,
        place=first.place,
        registering_unit=first.registering_unit,
    )
    other = services.suggest_flags(
        petitioners=[services.PetitionerData(name="张三", id_number="11010519491231002X")],
        purpose="appeal",
        people_count=1,
        category=category,
        place=first.place,
        registering_unit=first.registering_unit,
    )

    assert flags["repeat"] is True and other["repeat"] is False


@pytest.mark.django_db
def test_an_encrypted_field_cannot_be_compared_by_mistake(register, travel):
    travel("2026-11-02")
    register(petitioners=[PERSON])

    with pytest.raises(FieldError):
        list(Petitioner.objects.filter(id_number=VALID_ID_2))
    with pytest.raises(FieldError):
        list(Petition.objects.filter(petitioners__phone__in=[PHONE]))
    assert Petitioner.objects.filter(address="").count() == 0  # "is blank" still works


@pytest.fixture
def categories(transactional_db):
    """A transactional test may start from tables another one emptied."""
    if not Category.objects.exists():
        seed_categories(Category)


@pytest.mark.django_db(transaction=True)
def test_a_copy_of_the_sqlite_file_does_not_hold_the_clear_values(categories, register, travel):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database's file; PostgreSQL is covered by the raw-row test")
    travel("2026-11-02")
    register(petitioners=[PERSON])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(FULL)")

    name = Path(connection.settings_dict["NAME"])
    backup = b"".join(
        f.read_bytes() for f in (name, Path(f"{name}-wal")) if f.exists() and f.is_file()
    )
    assert "刘备".encode() in backup  # the copy is a real one: the clear name is in it
    for clear in CLEAR:
        assert clear.encode() not in backup


@pytest.mark.django_db
def test_attachments_are_stored_readable_by_the_service_only(register, travel, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    travel("2026-11-02")
    photo = SimpleUploadedFile("现场照片.png", PNG, "image/png")

    p = register(attachments=[photo])

    path = Path(p.attachments.get().file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (path.parent, path.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
