"""The rejected rows as a .csv an office opens in Excel: UTF-8 with a BOM (Excel
on a Chinese Windows reads it right), the row number and the reason first, then
the row as it was in the file, so it can be corrected and imported again. Written
through core.exports (a cell Excel would run as a formula is kept as text)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.utils.translation import gettext as _

from xinfang.core.exports import csv_lines

from ..models.ledger import LedgerImport
from .selectors import rejections_of


def rejected_rows_csv(imp: LedgerImport) -> Iterator[str]:
    rows = ([r.row_number, r.reason, *json.loads(r.values or "[]")] for r in rejections_of(imp))
    return csv_lines([_("Row"), _("Reason"), *imp.headers], rows)
