"""The exchange's own records, one topic per module: the Open311 clients and
their requests (open311); the import of earlier ledgers (ledger); the upstream
exchange's peers, outbox and receipts (upstream)."""

from .ledger import (
    ImportState,
    LedgerImport,
    LedgerKind,
    LedgerMapping,
    LedgerRecord,
    LedgerRejection,
)
from .open311 import Open311Client, Open311Request, key_digest
from .upstream import ExchangeMessage, InboundMessage, InboundNonce, Peer

__all__ = [
    "ExchangeMessage",
    "ImportState",
    "InboundMessage",
    "InboundNonce",
    "LedgerImport",
    "LedgerKind",
    "LedgerMapping",
    "LedgerRecord",
    "LedgerRejection",
    "Open311Client",
    "Open311Request",
    "Peer",
    "key_digest",
]
