"""Re-encrypt every encrypted personal field with the first key of
FIELD_ENCRYPTION_KEYS and recompute the keyed hashes with FIELD_HASH_KEY.

Run after putting a new key first (the old ones still decrypt), or after
changing FIELD_HASH_KEY; `--check` then says whether an old key may go."""

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from xinfang.core.crypto import BlindIndexField, EncryptedTextField

BATCH = 500


def encrypted_models():
    """(model, encrypted field names, hash fields) of every model that has them."""
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        encrypted = [f.name for f in fields if isinstance(f, EncryptedTextField)]
        hashes = [f for f in fields if isinstance(f, BlindIndexField)]
        if encrypted:
            yield model, encrypted, hashes


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail if any value is not encrypted with the first key.",
        )

    def handle(self, *args, check=False, **options):
        if check:
            return self.check_first_key()
        for model, encrypted, hashes in encrypted_models():
            done = 0
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    objs = list(
                        model.objects.select_for_update().filter(pk__in=pks[start : start + BATCH])
                    )
                    for obj in objs:
                        for field in hashes:
                            field.pre_save(obj, add=False)  # sets the hash from the value
                    # Saving an EncryptedTextField encrypts with the first key.
                    model.objects.bulk_update(objs, [*encrypted, *(f.name for f in hashes)])
                done += len(objs)
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")

    def check_first_key(self):
        first = Fernet(settings.FIELD_ENCRYPTION_KEYS[0])
        stale = 0
        q = connection.ops.quote_name
        for model, encrypted, _hashes in encrypted_models():
            columns = ", ".join(q(model._meta.get_field(name).column) for name in encrypted)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {columns} FROM {q(model._meta.db_table)}")
                for row in cursor.fetchall():
                    for token in row:
                        if not token:
                            continue
                        try:
                            first.decrypt(token.encode("ascii"))
                        except InvalidToken:
                            stale += 1
        if stale:
            raise CommandError(
                f"{stale} values are not encrypted with the first key: run rotate_field_keys."
            )
        self.stdout.write("Every value is encrypted with the first key.")
