"""Encrypt the parties' ID numbers, phones and addresses and the mediators'
phones stored in clear before 0005, and fill the parties' keyed hashes
(core.crypto)."""

from django.db import migrations

from xinfang.core.crypto import encrypt_columns

SPECS = [
    dict(
        table="mediation_disputeparty",
        encrypted=["id_number", "phone", "address"],
        hashed={"id_number_hash": "id_number", "phone_hash": "phone"},
    ),
    dict(table="mediation_mediator", encrypted=["phone"], hashed={}),
]


def forward(apps, schema_editor):
    for spec in SPECS:
        encrypt_columns(schema_editor, **spec)


def backward(apps, schema_editor):
    for spec in SPECS:
        encrypt_columns(schema_editor, **spec, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("mediation", "0006_encrypt_personal_fields")]

    operations = [migrations.RunPython(forward, backward)]
