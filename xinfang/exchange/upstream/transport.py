"""How a message reaches a peer: the one seam a deployment plugs into.

The national system's interface is not public. The domain (the outbox, its
ordering and retries, the inbound registration) knows only this protocol: a
transport takes one Envelope (a message id and its JSON body) for one Peer and
returns a Receipt, or raises. `Refused` means the peer will never take this
message (a bad request): it is failed at once and shown to the administrator;
any other exception is tried again with backoff.

Two transports come with the product:
- "https" (HttpsJsonTransport): POST the JSON to the peer's
  /exchange/upstream/v1/messages/, signed (signing.py);
- "batch": nothing is pushed; the messages wait in the outbox until a clerk
  exports them to a signed file (batch.py) and carries it across the gap.

A deployment adds its own with settings.XINFANG_EXCHANGE_TRANSPORTS
({"national": "myprovince.exchange.NationalTransport"}) and sets a peer's
transport to that name."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from ..models import Peer
from . import signing

ENDPOINT = "/exchange/upstream/v1/messages/"
BATCH = "batch"
DEFAULT_TRANSPORTS = {"https": "xinfang.exchange.upstream.transport.HttpsJsonTransport"}


@dataclass(frozen=True)
class Envelope:
    message_id: str
    kind: str
    body: bytes  # UTF-8 JSON, the same bytes on every try


@dataclass(frozen=True)
class Receipt:
    status: str  # "accepted" or "duplicate"
    number: str = ""  # the matter's number at the receiver, when it made or found one


class Refused(Exception):
    """The peer refuses this message for good (retrying will not help)."""


class Transport(Protocol):
    def deliver(self, peer: Peer, envelope: Envelope) -> Receipt: ...


def transports() -> dict[str, str]:
    return {**DEFAULT_TRANSPORTS, **getattr(settings, "XINFANG_EXCHANGE_TRANSPORTS", {})}


def get_transport(name: str) -> Transport | None:
    """The transport called `name`; None for the batch file (nothing is pushed)."""
    if name == BATCH:
        return None
    return _load(transports()[name])


@cache
def _load(path: str) -> Transport:
    return import_string(path)()


class HttpsJsonTransport:
    """POST the message as JSON to the peer, signed; 200 is a receipt."""

    def deliver(self, peer: Peer, envelope: Envelope) -> Receipt:
        url = peer.base_url.rstrip("/") + ENDPOINT
        parts = urlsplit(url)
        if parts.scheme != "https" and not settings.XINFANG_EXCHANGE_ALLOW_HTTP:
            raise Refused(f"{peer.name}: only https:// addresses are allowed")
        request = urllib.request.Request(
            url,
            data=envelope.body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                **signing.headers(
                    peer, method="POST", path=parts.path, query=parts.query, body=envelope.body
                ),
            },
        )
        context = None
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=settings.XINFANG_EXCHANGE_CA_FILE or None)
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), _NoRedirect()
        )
        try:
            with opener.open(request, timeout=settings.XINFANG_EXCHANGE_TIMEOUT) as response:
                answer = json.loads(response.read(65536) or b"{}")
        except urllib.error.HTTPError as exc:
            detail = exc.read(200).decode("utf-8", "replace")
            if exc.code in (400, 413, 422):
                raise Refused(f"HTTP {exc.code}: {detail}") from None
            raise ConnectionError(f"HTTP {exc.code}: {detail}") from None
        # Only the receiver's own receipt of this message counts as delivered: a
        # proxy's page or any other 200 is tried again.
        if (
            not isinstance(answer, dict)
            or answer.get("status") not in ("accepted", "duplicate")
            or answer.get("message_id") != envelope.message_id
        ):
            raise ConnectionError(f"{peer.name}: the answer is not a receipt of this message")
        return Receipt(status=answer["status"], number=str(answer.get("number", "")))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: urllib would send the signed headers on to
    the new address as a GET without the body, and take its answer."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None
