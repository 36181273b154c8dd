"""The rejected rows as a .csv an office opens in Excel: UTF-8 with a BOM (Excel
on a Chinese Windows reads it right), the row number and the reason first, then
the row as it was in the file, so it can be corrected and imported again."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.utils.translation import gettext as _

from ..models.ledger import LedgerImport
from .selectors import rejections_of


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """A cell Excel would run as a formula is written as text (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def rejected_rows_csv(imp: LedgerImport) -> Iterator[str]:
    out = csv.writer(_Echo())
    yield "\ufeff"
    yield out.writerow([_("Row"), _("Reason"), *imp.headers])
    for r in rejections_of(imp):
        values = json.loads(r.values or "[]")
        yield out.writerow([r.row_number, _safe(r.reason), *(_safe(v) for v in values)])
