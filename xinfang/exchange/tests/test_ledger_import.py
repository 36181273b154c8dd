"""台账导入 (issue 15): an administrator imports an office's earlier ledgers of
petitions and disputes from .xlsx/.csv, in the background, once."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.analytics.models import MatterFact
from xinfang.core.models import OutboxMessage
from xinfang.exchange.ledger import run as ledger_run
from xinfang.exchange.ledger.rows import RowRejected, parse_date
from xinfang.exchange.models import ImportState, LedgerImport, LedgerMapping, LedgerRecord
from xinfang.mediation.models import Dispute, DisputeState
from xinfang.petitions import timeline
from xinfang.petitions.models import Petition, Petitioner, PetitionEvent, State

PASSWORD = "Test-Passw0rd-2026"
VALID_ID = "11010519491231002X"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["编号", "姓名", "身份证号", "联系电话", "信访日期", "信访形式", "问题类别", "问题属地", "责任单位", "诉求内容", "办理结果"]  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("ledger-admin", "", PASSWORD)


@pytest.fixture
def client_admin(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def place(demo_tree):
    village = demo_tree["410481102001"]
    return f"{village.parent.name}/{village.name}"


def good_rows(place, n=3, start=1):
    return [
        [
            f"2016-{i:04d}",
            f"张{i}",
            VALID_ID,
            "13812345678",
            dt.datetime(2016, 3, (i % 27) + 1),
            "来访",
            "劳动和社会保障/劳资纠纷/欠薪",
            place,
            "八台镇",
            f"某公司拖欠工资{i}个月",
            "支持",
        ]
        for i in range(start, start + n)
    ]


def xlsx_file(rows, headers=HEADERS, name="台账.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def csv_file(rows, encoding, headers=HEADERS, name="台账.csv"):
    text = io.StringIO()
    w = csv.writer(text)
    w.writerow(headers)
    for r in rows:
        w.writerow([v.strftime("%Y/%-m/%-d") if isinstance(v, dt.datetime) else v for v in r])
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def run_import(client, django_capture_on_commit_callbacks, f, *, kind="petitions",
               source="舞钢市信访局 2016", columns=None):  # fmt: skip
    """Upload, map (as the form offers it unless `columns`), start; the task runs
    at the commit (the tests' immediate backend)."""
    r = client.post(reverse("ledger:list"), {"file": f, "kind": kind, "source": source})
    assert r.status_code == 302, r.content.decode()[:2000]
    imp = LedgerImport.objects.latest("id")
    page = client.get(reverse("ledger:detail", args=[imp.pk]))
    form = page.context["form"]
    data = (
        columns if columns is not None else {n: fld.initial or "" for n, fld in form.fields.items()}
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("ledger:detail", args=[imp.pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    imp.refresh_from_db()
    return imp


def test_it_imports_an_xlsx_ledger_as_concluded_matters_of_their_year(
    client_admin, place, django_capture_on_commit_callbacks
):
    imp = run_import(client_admin, django_capture_on_commit_callbacks, xlsx_file(good_rows(place)))

    assert imp.state == ImportState.DONE
    assert (imp.created_count, imp.skipped_count, imp.rejected_count) == (3, 0, 0)
    assert imp.done_rows == imp.total_rows == 3
    assert imp.percent == 100
    made = Petition.objects.filter(pk__in=imp.records.values("matter_id")).order_by("received_on")
    assert made.count() == 3
    p = made.first()
    assert p.received_on == dt.date(2016, 3, 2)
    assert p.registered_at.year == 2016
    assert "-2016-" in p.number  # numbered in the year it was received
    assert p.state == State.CONCLUDED and p.clock == "" and p.due_date is None
    assert p.channel == "visit" and p.category.code == "0401"
    assert p.responsible_unit.name == "八台镇" and p.opinion_outcome == "support"
    assert list(p.events.values_list("action", flat=True)) == ["imported"]
    sentence = timeline.describe(p.events.get())
    assert "舞钢市信访局 2016" in sentence and "2016-03-02" in sentence and "2016-0001" in sentence
    # Historical: nobody is told anything.
    assert not OutboxMessage.objects.exists()
    # Personal data encrypted at rest, as every petitioner.
    person = Petitioner.objects.get(petition=p)
    assert person.id_number == VALID_ID
    with connection.cursor() as c:
        c.execute("SELECT id_number FROM petitions_petitioner WHERE id = %s", [person.pk])
        assert VALID_ID not in c.fetchone()[0]
    # Counted in the statistics of 2016.
    facts = MatterFact.objects.filter(petition__in=made)
    assert facts.count() == 3
    assert {f.received_on.year for f in facts} == {2016}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_it_reads_csv_in_utf8_with_bom_and_in_gbk(
    client_admin, place, django_capture_on_commit_callbacks, encoding
):
    imp = run_import(
        client_admin, django_capture_on_commit_callbacks, csv_file(good_rows(place), encoding)
    )
    assert imp.state == ImportState.DONE, imp.error
    assert imp.encoding in ({"utf-8-sig"} if encoding == "utf-8-sig" else {"gb18030"})
    assert imp.created_count == 3
    names = set(
        Petitioner.objects.filter(petition__in=imp.records.values("matter_id")).values_list(
            "name", flat=True
        )
    )
    assert names == {"张1", "张2", "张3"}
    assert set(
        Petition.objects.filter(pk__in=imp.records.values("matter_id")).values_list(
            "received_on", flat=True
        )
    ) == {dt.date(2016, 3, 2), dt.date(2016, 3, 3), dt.date(2016, 3, 4)}


def test_bad_rows_are_rejected_with_their_reason_and_can_be_downloaded(
    client_admin, place, django_capture_on_commit_callbacks
):
    rows = good_rows(place, n=6)
    rows[1][2] = "110105194912310021"  # check digit wrong
    rows[2][4] = "2016年13月5日"  # no such month
    rows[3][7] = "火星村"  # no such unit
    rows[4][6] = "外星问题"  # no such category
    rows[5][1] = ""  # no name
    before = Petition.objects.count()
    imp = run_import(client_admin, django_capture_on_commit_callbacks, xlsx_file(rows))

    assert (imp.created_count, imp.rejected_count) == (1, 5)
    assert Petition.objects.count() == before + 1
    reasons = dict(imp.rejections.values_list("row_number", "reason"))
    assert set(reasons) == {3, 4, 5, 6, 7}  # Excel's row numbers; the header is row 1
    with translation.override(settings.LANGUAGE_CODE):  # the run writes in the office's language
        assert _("This is not a valid ID number: the check digit does not match.") in reasons[3]
        assert _("%(field)s is empty.") % {"field": _("Name")} == reasons[7]
    assert "2016年13月5日" in reasons[4]
    assert "火星村" in reasons[5]
    assert "外星问题" in reasons[6]

    page = client_admin.get(reverse("ledger:detail", args=[imp.pk]))
    assert reverse("ledger:rejected", args=[imp.pk]) in page.content.decode()
    r = client_admin.get(reverse("ledger:rejected", args=[imp.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    body = b"".join(r.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    report = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert report[0][2:] == HEADERS
    assert [int(x[0]) for x in report[1:]] == [3, 4, 5, 6, 7]
    assert report[3][1] == reasons[5] and report[3][2 + 7] == "火星村"


def test_a_second_import_of_the_same_file_adds_nothing(
    client_admin, place, django_capture_on_commit_callbacks
):
    first = run_import(
        client_admin, django_capture_on_commit_callbacks, xlsx_file(good_rows(place))
    )
    count = Petition.objects.count()
    second = run_import(
        client_admin, django_capture_on_commit_callbacks, xlsx_file(good_rows(place))
    )
    assert first.created_count == 3
    assert (second.created_count, second.skipped_count, second.rejected_count) == (0, 3, 0)
    assert Petition.objects.count() == count
    # An overlapping ledger of the same source adds only its new rows.
    third = run_import(
        client_admin, django_capture_on_commit_callbacks, xlsx_file(good_rows(place, n=4))
    )
    assert (third.created_count, third.skipped_count) == (1, 3)
    assert LedgerRecord.objects.count() == 4


def test_rows_without_a_ledger_number_are_keyed_by_their_values(
    client_admin, place, django_capture_on_commit_callbacks
):
    rows = [r[1:] for r in good_rows(place)]
    rows.append(list(rows[0]))  # the same row twice in the file
    headers = HEADERS[1:]
    first = run_import(client_admin, django_capture_on_commit_callbacks, xlsx_file(rows, headers))
    second = run_import(client_admin, django_capture_on_commit_callbacks, xlsx_file(rows, headers))
    assert (first.created_count, first.skipped_count) == (3, 1)
    assert (second.created_count, second.skipped_count) == (0, 4)


def test_the_mapping_is_saved_for_the_source_and_offered_again(
    client_admin, place, django_capture_on_commit_callbacks
):
    headers = ["来访人名字", *HEADERS[2:], "台账号"]  # names no usual header
    rows = [[r[1], *r[2:], r[0]] for r in good_rows(place, n=1)]
    upload = {"file": xlsx_file(rows, headers), "kind": "petitions", "source": "尹集镇信访办"}
    client_admin.post(reverse("ledger:list"), upload)
    imp = LedgerImport.objects.latest("id")
    form = client_admin.get(reverse("ledger:detail", args=[imp.pk])).context["form"]
    assert form.fields["name"].initial in ("", None)  # nothing to guess from
    columns = {n: f.initial or "" for n, f in form.fields.items()}
    columns.update(name="来访人名字", number="台账号")
    with django_capture_on_commit_callbacks(execute=True):
        client_admin.post(reverse("ledger:detail", args=[imp.pk]), columns)
    imp.refresh_from_db()
    assert imp.state == ImportState.DONE and imp.created_count == 1
    saved = LedgerMapping.objects.get(source="尹集镇信访办", kind="petitions")
    assert saved.columns["name"] == "来访人名字" and saved.columns["number"] == "台账号"

    upload["file"] = xlsx_file(rows, headers)
    client_admin.post(reverse("ledger:list"), upload)
    again = LedgerImport.objects.latest("id")
    form = client_admin.get(reverse("ledger:detail", args=[again.pk])).context["form"]
    assert form.fields["name"].initial == "来访人名字"
    assert form.fields["number"].initial == "台账号"


def test_a_mapping_without_a_required_column_is_refused(client_admin, place):
    client_admin.post(
        reverse("ledger:list"),
        {"file": xlsx_file(good_rows(place)), "kind": "petitions", "source": "x"},
    )
    imp = LedgerImport.objects.latest("id")
    r = client_admin.post(reverse("ledger:detail", args=[imp.pk]), {"name": "姓名"})
    assert r.status_code == 400
    imp.refresh_from_db()
    assert imp.state == ImportState.UPLOADED and not LedgerMapping.objects.exists()


def test_a_file_that_is_not_a_ledger_is_refused(client_admin):
    fake = SimpleUploadedFile("ledger.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    r = client_admin.post(
        reverse("ledger:list"), {"file": fake, "kind": "petitions", "source": "x"}
    )
    assert r.status_code == 400
    assert ".xlsx" in r.content.decode() or "xlsx" in r.content.decode()
    assert not LedgerImport.objects.exists()


def test_outsiders_get_404(client, make_person, demo_tree, admin, place):
    imp = LedgerImport.objects.create(
        source="s", kind="petitions", file_name="a.csv", file_format="csv", created_by=admin
    )
    handler = make_person("handler", demo_tree["410481102"])
    client.force_login(handler)
    for url in (
        reverse("ledger:list"),
        reverse("ledger:detail", args=[imp.pk]),
        reverse("ledger:progress", args=[imp.pk]),
        reverse("ledger:rejected", args=[imp.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("ledger:resume", args=[imp.pk])).status_code == 404
    r = client.post(
        reverse("ledger:list"),
        {"file": xlsx_file(good_rows(place)), "kind": "petitions", "source": "s"},
    )
    assert r.status_code == 404
    assert LedgerImport.objects.count() == 1


def test_progress_is_recorded_and_a_crashed_run_resumes_without_doubling(
    client_admin, place, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(ledger_run, "BATCH", 2)
    real = ledger_run._make
    calls = {"n": 0}

    def crash_on_the_fourth(imp, matter, cache):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker lost")
        return real(imp, matter, cache)

    monkeypatch.setattr(ledger_run, "_make", crash_on_the_fourth)
    imp = run_import(
        client_admin, django_capture_on_commit_callbacks, xlsx_file(good_rows(place, n=5))
    )
    assert imp.state == ImportState.FAILED
    assert imp.done_rows == 2 and imp.created_count == 2 and imp.total_rows == 5
    assert imp.percent == 40
    progress = client_admin.get(reverse("ledger:progress", args=[imp.pk])).json()
    assert progress["done"] == 2 and progress["total"] == 5 and progress["state"] == "failed"

    monkeypatch.setattr(ledger_run, "_make", real)
    with django_capture_on_commit_callbacks(execute=True):
        r = client_admin.post(reverse("ledger:resume", args=[imp.pk]))
    assert r.status_code == 302
    imp.refresh_from_db()
    assert imp.state == ImportState.DONE
    assert (imp.done_rows, imp.created_count, imp.skipped_count) == (5, 5, 0)
    assert Petition.objects.filter(pk__in=imp.records.values("matter_id")).count() == 5
    assert PetitionEvent.objects.filter(action="imported").count() == 5


def test_the_page_shows_a_progress_bar_while_the_import_runs(client_admin, admin):
    imp = LedgerImport.objects.create(
        source="s", kind="petitions", file_name="a.csv", file_format="csv", created_by=admin,
        state=ImportState.RUNNING, total_rows=1000, done_rows=250,
    )  # fmt: skip
    html = client_admin.get(reverse("ledger:detail", args=[imp.pk])).content.decode()
    assert '<progress max="1000" value="250"' in html
    assert "js/ledger.js" in html and 'http-equiv="refresh"' in html


def test_it_imports_a_ledger_of_disputes(client_admin, place, django_capture_on_commit_callbacks):
    headers = ["编号", "申请人", "被申请人", "受理日期", "纠纷类型", "发生地", "纠纷内容", "调解结果", "调解日期"]  # fmt: skip
    rows = [
        ["TJ-1", "李四", "王五", "2017年5月6日", "邻里纠纷", place, "宅基地边界争执", "调解成功", "2017-05-20"],
        ["TJ-2", "赵六", "某公司", "2017/6/1", "劳资纠纷", place, "拖欠工资", "调解不成", "2017/6/30"],
        ["TJ-3", "钱七", "", "2017-06-02", "天气", place, "？", "", ""],
    ]  # fmt: skip
    imp = run_import(
        client_admin, django_capture_on_commit_callbacks, xlsx_file(rows, headers), kind="disputes"
    )
    assert (imp.created_count, imp.rejected_count) == (2, 1), imp.error
    made = {d.summary: d for d in Dispute.objects.filter(pk__in=imp.records.values("matter_id"))}
    d = made["宅基地边界争执"]
    assert d.received_on == dt.date(2017, 5, 6) and d.type == "neighbour"
    assert d.state == DisputeState.SETTLED and d.settled_on == dt.date(2017, 5, 20)
    assert made["拖欠工资"].state == DisputeState.FAILED
    assert list(d.events.values_list("action", flat=True)) == ["imported"]
    assert "天气" in imp.rejections.get().reason


@pytest.mark.parametrize(
    "value",
    ["2016/3/5", "2016-03-05", "2016年3月5日", "2016.3.5", "20160305", "2016-03-05 10:30",
     dt.datetime(2016, 3, 5, 8), dt.date(2016, 3, 5), 42434],
)  # fmt: skip
def test_dates_are_read_in_the_usual_forms(value):
    assert parse_date(value, "日期") == dt.date(2016, 3, 5)


@pytest.mark.parametrize("value", ["2016/2/30", "三月五日", "5/3/2016", ""])
def test_a_date_that_is_not_one_is_refused(value):
    with pytest.raises(RowRejected):
        parse_date(value, "日期")
