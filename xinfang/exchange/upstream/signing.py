"""Signed requests between peers: HMAC-SHA256 with the peer's shared key over
the method, the path, the timestamp, the nonce and the SHA-256 of the body.

    X-Xinfang-Peer:       the sender's name as the receiver knows it
    X-Xinfang-Timestamp:  seconds since the epoch (UTC)
    X-Xinfang-Nonce:      a fresh random value per request
    X-Xinfang-Signature:  hex HMAC-SHA256(key, METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n SHA256(BODY))

A request outside the replay window (XINFANG_EXCHANGE_REPLAY_SECONDS either
side of the receiver's clock) or with a nonce already seen from that peer is
refused, so a captured request cannot be played again; a retry of a message is a
new request (new timestamp and nonce) carrying the same message id, which the
receiver deduplicates on (inbound.receive)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
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


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, digest(body)]).encode("utf-8")


def sign(key: str, data: bytes) -> str:
    return hmac.new(key.encode("utf-8"), data, hashlib.sha256).hexdigest()


def headers(peer: Peer, *, method: str, path: str, body: bytes, now: float | None = None) -> dict:
    """The headers that sign one request from us to `peer`."""
    timestamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    return {
        PEER: peer.identity,
        TIMESTAMP: timestamp,
        NONCE: nonce,
        SIGNATURE: sign(peer.key, canonical(method, path, timestamp, nonce, body)),
    }


@dataclass(frozen=True)
class Signed:
    peer: Peer
    nonce: str


def verify(*, method: str, path: str, body: bytes, meta: dict, now: float | None = None) -> Signed:
    """The peer that signed this request, or Refused. Does not yet remember the
    nonce (`remember` does, in the transaction that acts on the request)."""
    name = meta.get(PEER, "")
    timestamp = meta.get(TIMESTAMP, "")
    nonce = meta.get(NONCE, "")
    signature = meta.get(SIGNATURE, "")
    if not (name and timestamp and nonce and signature):
        raise Refused("unsigned", _("The request is not signed."))
    peer = Peer.objects.filter(name=name, is_active=True).first()
    if peer is None:
        # The same answer as a bad signature: an outsider learns no peer's name.
        raise Refused("bad_signature", _("The signature is not valid."))
    expected = sign(peer.key, canonical(method, path, timestamp, nonce, body))
    if not hmac.compare_digest(expected, signature.lower()):
        raise Refused("bad_signature", _("The signature is not valid."))
    try:
        sent = int(timestamp)
    except ValueError:
        raise Refused("bad_timestamp", _("The request's time is not valid.")) from None
    now = now if now is not None else time.time()
    if abs(now - sent) > settings.XINFANG_EXCHANGE_REPLAY_SECONDS:
        raise Refused(
            "stale", _("The request's time is outside the accepted window; check the clocks.")
        )
    if len(nonce) > 64 or InboundNonce.objects.filter(peer=peer, nonce=nonce).exists():
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
