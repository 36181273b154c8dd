"""The exchange's own records, one topic per module: the Open311 clients and
their requests (open311); the upstream exchange's peers, outbox and receipts
(upstream)."""

from .open311 import Open311Client, Open311Request, key_digest
from .upstream import ExchangeMessage, InboundMessage, InboundNonce, Peer

__all__ = [
    "ExchangeMessage",
    "InboundMessage",
    "InboundNonce",
    "Open311Client",
    "Open311Request",
    "Peer",
    "key_digest",
]
