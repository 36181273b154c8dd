"""The exchange's own records, one topic per module: the Open311 clients and
their requests (open311), the import of earlier ledgers (ledger)."""

from .ledger import (
    ImportState,
    LedgerImport,
    LedgerKind,
    LedgerMapping,
    LedgerRecord,
    LedgerRejection,
)
from .open311 import Open311Client, Open311Request, key_digest

__all__ = [
    "ImportState",
    "LedgerImport",
    "LedgerKind",
    "LedgerMapping",
    "LedgerRecord",
    "LedgerRejection",
    "Open311Client",
    "Open311Request",
    "key_digest",
]
