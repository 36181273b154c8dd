"""core.exports: the one way exports write cells, and a guard that every export uses it."""

import io
import pathlib
import re

from openpyxl import Workbook, load_workbook

from xinfang.core import exports

XINFANG = pathlib.Path(__file__).resolve().parents[2]


def test_csv_cells_starting_like_a_formula_get_a_quote():
    assert exports.csv_cell("=1+1") == "'=1+1"
    assert exports.csv_cell("@x") == "'@x"
    assert exports.csv_cell("\rx") == "'\rx"
    assert exports.csv_cell("a=1") == "a=1"
    assert exports.csv_cell(-5) == -5  # our own numbers stay numbers


def test_xlsx_text_cells_are_strings_and_illegal_characters_do_not_break_the_file():
    wb = Workbook()
    exports.xlsx_append(wb.active, ["=1+1", "bell\x07", 3])
    out = io.BytesIO()
    wb.save(out)

    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [(c.value, c.data_type) for c in row] == [("=1+1", "s"), ("bell", "s"), (3, "n")]


def test_every_export_writes_through_core_exports():
    """No module builds a CSV or fills an .xlsx itself, so a new export cannot forget."""
    offenders = []
    for path in XINFANG.rglob("*.py"):
        rel = path.relative_to(XINFANG).as_posix()
        if "/tests/" in f"/{rel}" or rel == "core/exports.py":
            continue
        text = path.read_text(encoding="utf-8")
        # (Reading a CSV, as the ledger import does, is not an export.)
        if re.search(r"csv\.writer|csv\.DictWriter", text):
            offenders.append(f"{rel}: csv")
        if "openpyxl" in text and re.search(r"\bws\.append\(|\.value\s*=", text):
            offenders.append(f"{rel}: openpyxl cells")
    assert offenders == []
