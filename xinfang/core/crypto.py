"""Personal data at rest: encrypted fields and the keyed hashes that find them.

ID numbers, phones and addresses are stored as Fernet tokens (AES-128-CBC with
HMAC-SHA256, from `cryptography`), so a copy of the database or of a backup
is useless without the keys, which live in the environment, never in the
database (`FIELD_ENCRYPTION_KEYS`). Rotation: the first key encrypts, every
key decrypts (MultiFernet); put a new key first, run `manage.py
rotate_field_keys`, then drop the old one (docs/deployment.md).

A Fernet token differs each time the same value is encrypted, so a database
cannot compare them. Repeat detection and search compare a keyed hash kept
beside the field instead (`BlindIndexField`: HMAC-SHA256 with its own key,
`FIELD_HASH_KEY`, of the normalised value): equal values give equal hashes,
and without the key nobody can hash the ~10^10 possible ID numbers to find one.
"""

import hashlib
import hmac
import re
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

_HASH_NOISE = re.compile(r"[\s\-()]+")


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc


def fernet() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return _fernet(keys)


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        # Loud, not a blank: a missing key must not look like missing data.
        raise ImproperlyConfigured(
            "A stored personal field cannot be decrypted with FIELD_ENCRYPTION_KEYS: "
            "is the key that encrypted it still in the list?"
        ) from None


def is_token(value: str) -> bool:
    """Whether `value` is a token one of our keys made (and not clear text)."""
    try:
        fernet().decrypt(value.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def blind_index(kind: str, value: str | None) -> str:
    """The keyed hash of an ID number or phone ("" for no value).

    Normalised first (full-width folded, spaces, dashes and brackets dropped,
    upper case), so "010-62345678" and "01062345678" meet; `kind` keeps an ID
    number and a phone with the same digits apart."""
    text = _HASH_NOISE.sub("", unicodedata.normalize("NFKC", str(value or ""))).upper()
    if not text:
        return ""
    key = settings.FIELD_HASH_KEY.encode("utf-8")
    return hmac.new(key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


class _EmptyOnlyExact(Exact):
    """`field=""` still works (blank or not); a comparison with a value cannot."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: filter on its keyed hash "
                "(core.crypto.blind_index) instead."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A str stored as a Fernet token and read back in clear; "" stays "".

    `max_length` is checked by forms and `full_clean`, not by the database
    (a token is about 4/3 of the UTF-8 bytes plus 76 characters). Only `=""`
    and `isnull` may be filtered on: anything else would silently compare
    tokens, so it raises."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None


class BlindIndexField(models.CharField):
    """`blind_index(source, value of the source field)`, set on every save and
    bulk_create, so it cannot drift from the value it stands for. (A queryset
    `update()` of the source field must set it too: none does.)"""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(self.source, getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def encrypt_columns(
    schema_editor, *, table: str, encrypted: list[str], hashed: dict[str, str], reverse=False
) -> None:
    """For data migrations: encrypt the clear values of `encrypted` columns of
    `table` in place and fill the hash columns (`hashed`: hash column -> source
    column); with `reverse`, decrypt them back. Raw SQL, because the model's
    field would try to decrypt the clear values it reads. Tokens already there
    are left alone, so running it twice changes nothing."""
    conn = schema_editor.connection
    q = conn.ops.quote_name
    columns = ["id", *encrypted]
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)}")
        rows = cursor.fetchall()
        for pk, *values in rows:
            clear = {
                c: (decrypt(v) if v and is_token(v) else (v or ""))
                for c, v in zip(encrypted, values, strict=True)
            }
            if reverse:
                new = dict(clear)
            else:
                new = {c: (encrypt(v) if v else v) for c, v in clear.items()}
                new.update({h: blind_index(src, clear[src]) for h, src in hashed.items()})
            sets = ", ".join(f"{q(c)} = %s" for c in new)
            cursor.execute(
                f"UPDATE {q(table)} SET {sets} WHERE {q('id')} = %s", [*new.values(), pk]
            )
