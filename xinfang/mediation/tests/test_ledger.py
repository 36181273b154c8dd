"""The township's ledger (台账): what it holds, filters, visibility, the printed .xlsx."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.mediation import ledger, screening
from xinfang.mediation.models import Dispute
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

from .screening_fixtures import (
    VILLAGE_A1,
    VILLAGE_A2,
    VILLAGE_B1,
    dispute_input,
    passed_up_input,
)

pytestmark = pytest.mark.django_db

HEADERS = [
    "No.",
    "Number",
    "Received on",
    "Source",
    "Type",
    "Place",
    "Parties",
    "Summary",
    "Risk",
    "Days open",
    "Responsible leader",
    "Responsible person",
    "Deadline",
    "Overdue",
    "State",
    "Mediation body",
]


def zh(msgid: str) -> str:
    """The Chinese the export shows (checked to be Chinese, not the English source)."""
    with translation.override("zh-hans"):
        shown = translation.gettext(msgid)
    assert re.search(r"[\u4e00-\u9fff]", shown), msgid
    return shown


@pytest.fixture
def filled(med, demo_tree, travel):
    """Township A: three open disputes from two villages (one overdue), one settled
    on the spot; township B: one open dispute."""
    travel("2026-03-02")
    screening.screening_report_submit(
        actor=med["liaison_a"],
        village=demo_tree[VILLAGE_A1],
        disputes=[dispute_input(), passed_up_input(summary="老欠薪")],
    )
    travel("2026-03-09")
    screening.screening_report_submit(
        actor=med["liaison_a"],
        village=demo_tree[VILLAGE_A1],
        disputes=[passed_up_input(type="land", risk="high", summary="承包地界")],
    )
    screening.screening_report_submit(
        actor=med["liaison_a2"],
        village=demo_tree[VILLAGE_A2],
        disputes=[passed_up_input(type="family", summary="赡养老人")],
    )
    screening.screening_report_submit(
        actor=med["liaison_b1"],
        village=demo_tree[VILLAGE_B1],
        disputes=[passed_up_input(summary="枣林镇的纠纷")],
    )
    # The old one was given a deadline that has since passed.
    Dispute.objects.filter(summary="老欠薪").update(deadline=dt.date(2026, 3, 6))
    travel("2026-03-10")
    return Dispute.objects


def summaries(qs):
    return sorted(d.summary for d in qs)


def test_the_ledger_holds_the_townships_open_disputes(med, filled):
    rows = ledger.ledger(user=med["handler_a"])

    assert summaries(rows) == ["承包地界", "老欠薪", "赡养老人"]


def test_township_b_does_not_see_township_as_disputes(med, demo_tree, filled):
    assert summaries(ledger.ledger(user=med["handler_b"])) == ["枣林镇的纠纷"]
    with pytest.raises(NotFound):
        ledger.parse_filters(user=med["handler_b"], raw={"township": demo_tree[TOWNSHIP_A].pk})
    with pytest.raises(NotFound):
        ledger.parse_filters(user=med["handler_b"], raw={"village": demo_tree[VILLAGE_A1].pk})
    assert ledger.ledger(user=med["liaison_a"]).count() == 0
    assert ledger.ledger(user=med["analyst"]).count() == 0


def test_the_city_sees_every_township_and_filters_by_one(med, demo_tree, filled):
    everything = ledger.ledger(user=med["city_leader"])
    f = ledger.parse_filters(user=med["city_leader"], raw={"township": demo_tree[TOWNSHIP_B].pk})

    assert everything.count() == 4
    assert summaries(ledger.ledger(user=med["city_leader"], filters=f)) == ["枣林镇的纠纷"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"village": "V2"}, ["赡养老人"]),
        ({"type": "land"}, ["承包地界"]),
        ({"risk": "high"}, ["承包地界"]),
        ({"source": "screening"}, ["承包地界", "老欠薪", "赡养老人"]),
        ({"source": "court"}, []),
        ({"state": "reported"}, ["承包地界", "老欠薪", "赡养老人"]),
        ({"state": "mediating"}, []),
        ({"overdue": "1"}, ["老欠薪"]),
        ({"date_from": "2026-03-09"}, ["承包地界", "赡养老人"]),
        ({"date_to": "2026-03-08"}, ["老欠薪"]),
        ({"date_from": "2026-03-01", "date_to": "2026-03-02"}, ["老欠薪"]),
    ],
)
def test_ledger_filters(med, demo_tree, filled, raw, expected):
    raw = {k: demo_tree[VILLAGE_A2].pk if v == "V2" else v for k, v in raw.items()}
    f = ledger.parse_filters(user=med["handler_a"], raw=raw)

    assert summaries(ledger.ledger(user=med["handler_a"], filters=f)) == expected


def test_bad_filter_values_are_named(med, filled):
    with pytest.raises(InvalidInput) as exc:
        ledger.parse_filters(
            user=med["handler_a"],
            raw={"type": "x", "date_from": "10/03/2026", "village": "abc", "state": "settled"},
        )

    assert set(exc.value.field_errors) == {"type", "date_from", "village", "state"}


def test_a_ledger_row_has_age_deadline_and_overdue(med, filled):
    d = Dispute.objects.get(summary="老欠薪")
    r = ledger.row(ledger.with_parties(Dispute.objects.filter(pk=d.pk)).get(), dt.date(2026, 3, 10))

    assert r["age_days"] == 8
    assert r["overdue"] and r["overdue_days"] == 4
    assert r["applicants"] == ["赵铁柱"] and r["respondents"] == ["钱老板"]
    assert r["place"].endswith("张庄村") or " · " in r["place"]
    assert r["state_label"]


def test_the_ledger_list_makes_the_same_few_queries_for_many_rows(med, demo_tree, filled):
    user = med["handler_a"]

    def run():
        user.__dict__.pop("_xinfang_screening", None)
        user.__dict__.pop("_xinfang_memberships", None)
        with CaptureQueriesContext(connection) as ctx:
            rows = [ledger.row(d, dt.date(2026, 3, 10)) for d in ledger.with_parties(
                ledger.ledger(user=user))]  # fmt: skip
        return len(rows), len(ctx.captured_queries)

    few = run()
    for i in range(6):
        screening.screening_report_submit(
            actor=med["liaison_a2"],
            village=demo_tree[VILLAGE_A2],
            disputes=[passed_up_input(summary=f"更多纠纷{i}")],
            idempotency_key=f"more-{i}",
        )
    many = run()

    assert many[0] == few[0] + 6
    assert many[1] == few[1]


def test_the_xlsx_opens_with_chinese_headers_title_and_rows(med, demo_tree, filled):
    f = ledger.parse_filters(user=med["handler_a"], raw={"date_from": "2026-03-01"})
    data = ledger.export_xlsx(user=med["handler_a"], filters=f, today=dt.date(2026, 3, 10))

    ws = load_workbook(io.BytesIO(data)).active
    title = "%(unit)s dispute screening and resolution ledger"
    assert ws["A1"].value == zh(title) % {"unit": "八台镇"}
    assert zh(title) == "%(unit)s矛盾纠纷排查化解台账"
    assert "2026-03-01" in ws["A2"].value
    headers = [c.value for c in ws[3]]
    assert headers == [zh(m) for m in HEADERS]
    assert [zh(m) for m in ("No.", "Responsible leader", "Responsible person", "Deadline")] == [
        "序号",
        "责任领导",
        "责任人",
        "化解期限",
    ]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert len(rows) == 3
    by_summary = {r[7]: r for r in rows}
    assert set(by_summary) == {"承包地界", "老欠薪", "赡养老人"}
    old = by_summary["老欠薪"]
    assert old[9] == 8  # days open
    assert old[13] == zh("Overdue %(days)d d") % {"days": 4}
    assert old[12].date() == dt.date(2026, 3, 6)
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["H"].width >= 30


def test_the_xlsx_of_township_b_holds_nothing_of_township_a(med, filled):
    data = ledger.export_xlsx(user=med["handler_b"], filters={}, today=dt.date(2026, 3, 10))

    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value.startswith("枣林镇")
    assert [r[7].value for r in ws.iter_rows(min_row=4)] == ["枣林镇的纠纷"]


def test_start_page_counts(med, filled):
    assert ledger.counts(user=med["handler_a"]) == {"open": 3, "overdue": 1}
    assert ledger.counts(user=med["handler_b"]) == {"open": 1, "overdue": 0}
