"""Signed requests between peers: HMAC-SHA256 with the peer's shared key over
the method, the path, the timestamp, the nonce and the SHA-256 of the body.

    X-Xinfang-Peer:       the sender's name as the receiver knows it
    X-Xinfang-Timestamp:  seconds since the epoch (UTC)
    X-Xinfang-Nonce:      a fresh random value per request
    X-Xinfang-Signature:  hex HMAC-SHA256(key, METHOD \\n PATH \\n QUERY \\n PEER \\n
                          TIMESTAMP \\n NONCE \\n SHA256(BODY))

The query string (empty when none) and the peer's name are signed too: a request
cannot be given another query, nor be passed off as another peer's that happens
to hold the same key. The timestamp is 1 to 12 decimal digits, the nonce 16 to 64
letters, digits, "-" or "_", the signature 64 hex digits; anything else is
refused before any key is used.

A request outside the replay window (XINFANG_EXCHANGE_REPLAY_SECONDS either
side of the receiver's clock) or with a nonce already seen from that peer is
refused, so a captured request cannot be played again; a retry of a message is a
new request (new timestamp and nonce) carrying the same message id, which the
receiver deduplicates on (inbound.receive)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import InboundNonce, Peer

PEER = "X-Xinfang-Peer"
TIMESTAMP = "X-Xinfang-Timestamp"
NONCE = "X-Xinfang-Nonce"
SIGNATURE = "X-Xinfang-Signature"


class Refused(Exception):
    """A request that is not authentic: answered 401 and nothing is changed."""

    def __init__(self, code: str, message):
        self.code, self.message = code, message
        super().__init__(str(message))


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
NONCE_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
SIGNATURE_RE = re.compile(r"[0-9a-fA-F]{64}")


def canonical(
    method: str, path: str, timestamp: str, nonce: str, body: bytes, *, query: str = "", peer: str
) -> bytes:
    fields = [method.upper(), path, query, peer, timestamp, nonce, digest(body)]
    return "\n".join(fields).encode("utf-8")


def sign(key: str, data: bytes) -> str:
    return hmac.new(key.encode("utf-8"), data, hashlib.sha256).hexdigest()


def headers(
    peer: Peer, *, method: str, path: str, body: bytes, query: str = "", now: float | None = None
) -> dict:
    """The headers that sign one request from us to `peer`."""
    timestamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    data = canonical(method, path, timestamp, nonce, body, query=query, peer=peer.identity)
    return {
        PEER: peer.identity,
        TIMESTAMP: timestamp,
        NONCE: nonce,
        SIGNATURE: sign(peer.key, data),
    }


@dataclass(frozen=True)
class Signed:
    peer: Peer
    nonce: str


# Signs the request of a peer we do not know, so that its answer takes as long.
_NO_KEY = secrets.token_urlsafe(32)


def verify(
    *, method: str, path: str, body: bytes, meta: dict, query: str = "", now: float | None = None
) -> Signed:
    """The peer that signed this request, or Refused. Does not yet remember the
    nonce (`remember` does, in the transaction that acts on the request)."""
    name = meta.get(PEER, "")
    timestamp = meta.get(TIMESTAMP, "")
    nonce = meta.get(NONCE, "")
    signature = meta.get(SIGNATURE, "")
    if not (name and timestamp and nonce and signature):
        raise Refused("unsigned", _("The request is not signed."))
    if not TIMESTAMP_RE.fullmatch(timestamp):
        raise Refused("bad_timestamp", _("The request's time is not valid."))
    if not (NONCE_RE.fullmatch(nonce) and SIGNATURE_RE.fullmatch(signature)):
        raise Refused("bad_signature", _("The signature is not valid."))
    peer = Peer.objects.filter(name=name, is_active=True).first()
    if peer is not None and len(peer.key or "") < 32:
        peer = None  # a peer made without a key (in a shell, a fixture) signs nothing
    data = canonical(method, path, timestamp, nonce, body, query=query, peer=name)
    # An unknown peer gets the same answer, after the same work, as a bad
    # signature: an outsider learns no peer's name.
    expected = sign(peer.key if peer is not None else _NO_KEY, data)
    if not hmac.compare_digest(expected, signature.lower()) or peer is None:
        raise Refused("bad_signature", _("The signature is not valid."))
    now = now if now is not None else time.time()
    if abs(now - int(timestamp)) > settings.XINFANG_EXCHANGE_REPLAY_SECONDS:
        raise Refused(
            "stale", _("The request's time is outside the accepted window; check the clocks.")
        )
    if InboundNonce.objects.filter(peer=peer, nonce=nonce).exists():
        raise Refused("replayed", _("This request was received before."))
    return Signed(peer=peer, nonce=nonce)


def remember(signed: Signed) -> None:
    """Keep the nonce (in the caller's transaction); a second request with it
    racing this one fails here. Nonces older than twice the window are let go."""
    now = timezone.now()
    window = dt.timedelta(seconds=2 * settings.XINFANG_EXCHANGE_REPLAY_SECONDS)
    InboundNonce.objects.filter(seen_at__lt=now - window).delete()
    try:
        with transaction.atomic():
            InboundNonce.objects.create(peer=signed.peer, nonce=signed.nonce, seen_at=now)
    except IntegrityError:
        raise Refused("replayed", _("This request was received before.")) from None
