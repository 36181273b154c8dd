"""core.crypto: keys from the environment, rotation, and the data migration that
encrypts rows stored in clear before it (issue 9, item 7)."""

import importlib
import io
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from xinfang.core.crypto import blind_index
from xinfang.petitions.models import Petitioner
from xinfang.petitions.tests.fixtures import VALID_ID_2

from .helpers import run_manage

PHONE = "13987654321"
PERSON = {"name": "刘备", "id_number": VALID_ID_2, "phone": PHONE, "address": "清水村七组"}


def raw_row() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, address, id_number_hash, phone_hash FROM petitions_petitioner"
        )
        return cursor.fetchone()


def read_back() -> tuple:
    p = Petitioner.objects.get()
    return (p.id_number, p.phone, p.address)


@pytest.mark.django_db
def test_a_new_key_put_first_and_the_command_retire_the_old_key(register, travel, settings):
    travel("2026-11-02")
    register(petitioners=[PERSON])
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    before = raw_row()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert read_back() == (VALID_ID_2, PHONE, "清水村七组")  # both keys decrypt
    with pytest.raises(CommandError):
        call_command("rotate_field_keys", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "petitions.Petitioner: 1 rows re-encrypted" in out.getvalue()
    call_command("rotate_field_keys", "--check", stdout=io.StringIO())

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone
    assert read_back() == (VALID_ID_2, PHONE, "清水村七组")
    after = raw_row()
    assert after[:3] != before[:3] and after[3:] == before[3:]  # same hashes


@pytest.mark.django_db
def test_without_the_key_the_data_is_not_readable_and_says_why(register, travel, settings):
    travel("2026-11-02")
    register(petitioners=[PERSON])

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        read_back()


@pytest.mark.django_db
def test_a_new_hash_key_is_applied_by_the_command(register, travel, settings):
    travel("2026-11-02")
    register(petitioners=[PERSON])
    settings.FIELD_HASH_KEY = "another-hash-key-of-at-least-thirty-two-chars"

    call_command("rotate_field_keys", stdout=io.StringIO())

    assert Petitioner.objects.filter(id_number_hash=blind_index("id_number", VALID_ID_2)).exists()
    assert Petitioner.objects.filter(phone_hash=blind_index("phone", "138-9876-5432")).count() == 0
    assert Petitioner.objects.filter(phone_hash=blind_index("phone", "139 8765 4321")).exists()


@pytest.mark.django_db
def test_the_data_migration_encrypts_rows_stored_in_clear(register, travel):
    travel("2026-11-02")
    register(petitioners=[PERSON])
    # As the row was before the migration: clear values, no hashes.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE petitions_petitioner SET id_number = %s, phone = %s, address = %s, "
            "id_number_hash = '', phone_hash = ''",
            [VALID_ID_2, PHONE, "清水村七组"],
        )
    migration = importlib.import_module(
        "xinfang.petitions.migrations.0007_encrypt_existing_petitioners"
    )

    # The migration uses only the editor's connection (SQLite cannot open a
    # schema editor inside the test's transaction).
    editor = SimpleNamespace(connection=connection)
    migration.forward(None, editor)
    migration.forward(None, editor)  # twice changes nothing more

    row = raw_row()
    assert VALID_ID_2 not in row[0] and PHONE not in row[1] and "清水村" not in row[2]
    assert row[3] == blind_index("id_number", VALID_ID_2)
    assert read_back() == (VALID_ID_2, PHONE, "清水村七组")

    migration.backward(None, editor)
    assert raw_row()[:3] == (VALID_ID_2, PHONE, "清水村七组")


PRODUCTION = dict(
    DEBUG="0",
    SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
    ALLOWED_HOSTS="xinfang.example.gov.cn",
)


@pytest.mark.parametrize(
    "keys, hash_key, message",
    [
        ("", "h" * 40, "FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set"),
        (
            Fernet.generate_key().decode(),
            "",
            "FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set",
        ),
        ("not-a-key", "h" * 40, "not a Fernet key"),
        (Fernet.generate_key().decode(), "short", "at least 32 characters"),
    ],
)
def test_production_refuses_to_start_without_good_keys(tmp_path, keys, hash_key, message):
    result = run_manage(
        "check",
        **PRODUCTION,
        DATA_DIR=str(tmp_path),
        FIELD_ENCRYPTION_KEYS=keys,
        FIELD_HASH_KEY=hash_key,
    )
    assert result.returncode != 0
    assert message in result.stderr
