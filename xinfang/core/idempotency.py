"""Idempotency keys: a retried or double-sent create answers what the first one
made, and nothing else does.

A key belongs to its client and to one request:
- it is stored scoped to who sent it: the staff user for authenticated calls and
  staff forms (`user:<pk>:<key>`). A public, anonymous client has no identity the
  server could check: not its address (a village behind one NAT shares it, a
  phone's retry may come from another network, and forwarded headers can be
  forged), not a cookie (API clients keep none). What it does hold is the key and
  the request itself, so
- beside the key we store a fingerprint of the request (SHA-256 of its fields in
  a canonical form, each file by the SHA-256 of its content). Only the same key
  with the same request replays the stored result; the same key with anything
  else is a 409 that says nothing about the first request. Someone who could
  send the very same body already knows everything in it.
- a key is in force for IDEMPOTENCY_KEY_HOURS (24 by default) after its first
  use; after that it is free again and a request with it makes something new.
"""

import datetime as dt
import decimal
import enum
import hashlib
import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import Conflict, InvalidInput

HEADER = "Idempotency-Key"
KEY_MAX = 64
DEFAULT_HOURS = 24

CONFLICT_MESSAGE = _(
    "This idempotency key was already used for a different request. "
    "Use a new key for each new submission."
)

# What a person is told when a form's one-time token comes back with other content
# (Back, edit, send; or a draft kept on the phone): the form gets a new token.
FORM_SENT_BEFORE = _(
    "This form was already sent once with different content. If this is a new "
    "matter, check the form and send it again."
)


class IdempotencyKeyReused(Conflict):
    """The same key came with a different request: 409, naming nothing of the first."""

    default_message = CONFLICT_MESSAGE


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "IDEMPOTENCY_KEY_HOURS", DEFAULT_HOURS)))


def in_force(first_used_at: dt.datetime) -> bool:
    """Whether a key first used at this moment still answers with its result."""
    return first_used_at > timezone.now() - ttl()


def check_key(key) -> str | None:
    """The key as sent (header or form token), or None when there is none. At most
    64 printable ASCII characters: a longer key is refused rather than cut, since
    two keys cut to the same prefix would meet."""
    key = str(key or "").strip()
    if not key:
        return None
    if len(key) > KEY_MAX or not all("!" <= ch <= "~" for ch in key):
        raise InvalidInput(
            field_errors={
                HEADER: [
                    _("An idempotency key is 1 to 64 printable ASCII characters without spaces.")
                ]
            }
        )
    return key


def header_key(request) -> str | None:
    return check_key(request.headers.get(HEADER))


def scoped(scope: str, key) -> str | None:
    """The key as stored: "<scope>:<key>" ("public", "user:12", ...), or None."""
    key = check_key(key)
    return f"{scope}:{key}" if key else None


def user_scope(user) -> str:
    return f"user:{user.pk}"


def fingerprint(fields: dict) -> str:
    """SHA-256 of the request's fields in a canonical form: keys sorted, model
    instances by primary key, dates in ISO form, files by the SHA-256 of their
    content (so a multipart retry with another boundary is the same request)."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value):
    if isinstance(value, models.Model):
        return [value._meta.label_lower, value.pk]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if hasattr(value, "read") and hasattr(value, "seek"):
        return {"file_sha256": _file_digest(value)}
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def _file_digest(f) -> str:
    digest = hashlib.sha256()
    f.seek(0)
    while chunk := f.read(64 * 1024):
        digest.update(chunk)
    f.seek(0)
    return digest.hexdigest()


def check_replay(*, stored_fingerprint: str, fingerprint: str) -> None:
    """A key in force met again: the same request replays; any other is a 409."""
    if stored_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
