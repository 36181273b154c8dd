"""Spreadsheets that do not attack their readers: every export writes user text as text.

A summary, a party's name or a note typed by a citizen or a liaison may start
with "=", "+", "-" or "@". Excel and LibreOffice read such a CSV field as a
formula (`=HYPERLINK(...)` sends the reader's data away, `=cmd|' /C calc'!A0`
is DDE and starts a program), and openpyxl writes any str starting with "="
into an .xlsx as a formula. So every export (CSV, .xlsx and those to come)
builds its cells here:

- CSV: a field starting with one of `= + - @`, TAB or CR (OWASP, "CSV
  Injection"), or their full-width forms that Chinese input methods type, gets
  a leading single quote, which the spreadsheet shows as text and never runs.
- .xlsx: every str cell is a string cell (`data_type = "s"`), never a formula;
  one that starts with such a character also gets Excel's quote prefix, so
  that editing the cell does not turn it into a formula. Characters that an
  .xlsx cannot hold (C0 controls) are dropped instead of failing the whole
  export on one row.

Only our own values (numbers, dates) are written as they are."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# OWASP's list, and the full-width forms (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠)
# that a spreadsheet in a Chinese locale may fold to them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _text(value):
    return str(value) if isinstance(value, Promise) else value


def csv_cell(value):
    """One CSV field: user text neutralised with a leading quote, other values as they are."""
    value = _text(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """The whole CSV, with the byte-order mark Excel needs to read UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


class _Echo:
    """A file-like object whose write() hands the line back (streaming CSV)."""

    def write(self, value):
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV line by line (for a StreamingHttpResponse over many rows): the
    byte-order mark, the header, each row; every field through csv_cell."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def xlsx_append(ws, values: Iterable) -> None:
    """Append one row to an openpyxl worksheet, every str as a string cell."""
    cleaned = []
    for value in values:
        value = _text(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cleaned.append(value)
    ws.append(cleaned)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            # openpyxl marks a str starting with "=" as a formula ("f"): undo it.
            cell.data_type = "s"
            if cell.value.startswith(FORMULA_START):
                cell.quotePrefix = True
