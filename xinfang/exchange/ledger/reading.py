"""The ledger file, streamed: never the whole file in a list.

- .xlsx: openpyxl in read-only mode (rows parsed as they are read), the first
  sheet, values not formulas (data_only).
- .csv: the csv module over a text stream. Chinese offices' Excel exports are
  often GBK (Excel's "CSV" on a Chinese Windows), newer ones UTF-8 with a BOM:
  the encoding is found once, by a streaming pass that decodes the whole file
  as UTF-8 and falls back to GB18030 (a superset of GBK and GB2312).

The first non-empty row is the header row. Rows are numbered as the office sees
them in Excel (the header row being row 1 when nothing is above it)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager

import openpyxl
from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
CHUNK = 1 << 16


def detect_format(name: str, head: bytes) -> str:
    """ "xlsx" or "csv", from the content (the name only tells a csv from junk)."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise InvalidInput(
            field_errors={
                "file": [_("Old .xls files are not read: save the ledger as .xlsx or .csv.")]
            }
        )
    if name.lower().endswith((".csv", ".txt")) and b"\x00" not in head:
        return "csv"
    raise InvalidInput(field_errors={"file": [_("Upload the ledger as an .xlsx or .csv file.")]})


def detect_encoding(f) -> str:
    """utf-8-sig or gb18030, reading `f` (binary, seekable) in chunks."""
    f.seek(0)
    head = f.read(3)
    if head == codecs.BOM_UTF8:
        f.seek(0)
        return "utf-8-sig"
    f.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := f.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        encoding = "gb18030"
    else:
        encoding = "utf-8"
    f.seek(0)
    return encoding


def _text(value) -> object:
    if isinstance(value, str):
        return value.strip()
    return value


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


class Ledger:
    """An open ledger: `headers`, and `rows()` after the header row, as (row
    number, values) with every row as wide as the header row."""

    def __init__(self, rows_iter: Iterator[tuple[int, tuple]], encoding: str = ""):
        self._rows = rows_iter
        self.encoding = encoding
        self.headers: list[str] = []
        self.header_row = 0
        for number, values in self._rows:
            if not _blank(values):
                self.headers = [str(v).strip() if v is not None else "" for v in values]
                self.header_row = number
                break
        if not any(self.headers):
            raise InvalidInput(field_errors={"file": [_("The file has no header row.")]})

    def rows(self) -> Iterator[tuple[int, list]]:
        width = len(self.headers)
        for number, values in self._rows:
            if _blank(values):
                continue
            values = [_text(v) for v in values[:width]]
            values += [None] * (width - len(values))
            yield number, values


def _load_xlsx(path):
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 -- zip or xml of any kind of damage
        raise InvalidInput(
            field_errors={"file": [_("The .xlsx file cannot be read: is it damaged?")]}
        ) from None


@contextmanager
def open_ledger(path, file_format: str, encoding: str = ""):
    """Yields a Ledger over the file at `path`, streamed."""
    if file_format == "xlsx":
        wb = _load_xlsx(path)
        try:
            ws = wb.worksheets[0]
            rows = ((i, tuple(v)) for i, v in enumerate(ws.iter_rows(values_only=True), 1))
            yield Ledger(rows)
        finally:
            wb.close()
        return
    with open(path, "rb") as f:
        encoding = encoding or detect_encoding(f)
    with open(path, encoding=encoding, newline="", errors="strict") as text:
        reader = csv.reader(text)
        yield Ledger(((reader.line_num, tuple(v)) for v in _decoded(reader)), encoding)


def count_lines(path, file_format: str) -> int:
    """Rows in the file, header included, for the progress bar: the sheet's
    recorded size (an unsized sheet is counted), or the lines of a csv (a quoted
    cell may hold a line break: a ceiling, put right when the run ends)."""
    if file_format == "xlsx":
        wb = _load_xlsx(path)
        try:
            ws = wb.worksheets[0]
            return ws.max_row or sum(1 for _row in ws.iter_rows(values_only=True))
        finally:
            wb.close()
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(CHUNK), b""))


def _decoded(reader):
    try:
        yield from reader
    except UnicodeDecodeError:
        raise InvalidInput(
            field_errors={"file": [_("The .csv file is neither UTF-8 nor GBK text.")]}
        ) from None
    except csv.Error as exc:
        raise InvalidInput(
            field_errors={"file": [_("The .csv file cannot be read: %(error)s") % {"error": exc}]}
        ) from None
