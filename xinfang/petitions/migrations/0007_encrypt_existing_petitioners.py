"""Encrypt the petitioners' ID numbers, phones and addresses stored in clear
before 0003, and fill their keyed hashes (core.crypto)."""

from django.db import migrations

from xinfang.core.crypto import encrypt_columns

SPEC = dict(
    table="petitions_petitioner",
    encrypted=["id_number", "phone", "address"],
    hashed={"id_number_hash": "id_number", "phone_hash": "phone"},
)


def forward(apps, schema_editor):
    encrypt_columns(schema_editor, **SPEC)


def backward(apps, schema_editor):
    encrypt_columns(schema_editor, **SPEC, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0006_encrypt_personal_fields")]

    operations = [migrations.RunPython(forward, backward)]
