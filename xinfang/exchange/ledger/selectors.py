"""The reads of the import pages (the views check the administrator first)."""

from __future__ import annotations

from collections.abc import Iterator

from ..models.ledger import LedgerImport, LedgerMapping, LedgerRejection

RECENT = 50
SHOWN_REJECTIONS = 20


def recent_imports() -> list[LedgerImport]:
    return list(LedgerImport.objects.select_related("created_by")[:RECENT])


def saved_sources() -> list[str]:
    return list(
        LedgerMapping.objects.order_by("source").values_list("source", flat=True).distinct()
    )


def first_rejections(imp: LedgerImport) -> list[LedgerRejection]:
    return list(
        LedgerRejection.objects.filter(ledger_import=imp).order_by("row_number")[:SHOWN_REJECTIONS]
    )


def rejections_of(imp: LedgerImport) -> Iterator[LedgerRejection]:
    """The rejected rows in row order, streamed."""
    return (
        LedgerRejection.objects.filter(ledger_import=imp)
        .order_by("row_number")
        .iterator(chunk_size=1000)
    )
