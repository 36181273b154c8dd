"""The monthly report (月度信访形势分析): its figures equal report() and hand counts
for a small generated month; the PDF and the .xlsx read back; the commentary is
edited, the report issued and frozen; a double submit makes one report; a
township reads only its own, an outsider gets 404; an accusation is never
counted in the accused unit's report."""

import datetime as dt
import io

import pypdfium2
import pytest
from openpyxl import load_workbook

from xinfang.analytics import indicators, monthly, monthly_documents, selectors, services
from xinfang.analytics.models import MonthlyReport
from xinfang.analytics.periods import bounds
from xinfang.core.documents import cjk_font
from xinfang.mediation.models import Dispute
from xinfang.orgs import services as org_services

MARCH = dt.date(2025, 3, 1)


@pytest.fixture
def month(make_matters, township_a, township_b, village_b, cat_air, make_dispute):
    """March 2025: 4 matters in township A (1 group, 1 repeat, 1 skipped-level, 1
    of them on air pollution), 2 in township B; the March before: 2 in A."""
    make_matters(1, responsible_unit=township_a, received_on=dt.date(2025, 3, 3), people_count=6)
    make_matters(1, responsible_unit=township_a, received_on=dt.date(2025, 3, 10), repeat=True)
    make_matters(1, responsible_unit=township_a, received_on=dt.date(2025, 3, 20), cross_level=True)
    make_matters(1, responsible_unit=township_a, received_on=dt.date(2025, 3, 31), category=cat_air)
    make_matters(2, place=village_b, responsible_unit=township_b, received_on=dt.date(2025, 3, 5))
    make_matters(2, responsible_unit=township_a, received_on=dt.date(2024, 3, 15))
    make_matters(1, responsible_unit=township_a, received_on=dt.date(2025, 4, 1))  # April
    make_dispute("settled", received_on=dt.date(2025, 3, 12))
    make_dispute("failed", received_on=dt.date(2025, 3, 13))
    make_dispute("mediating", received_on=dt.date(2025, 3, 14))


def test_the_figures_equal_report_and_the_hand_counts(month, city_leader, city, township_a):
    f = monthly.figures(city_leader, township_a, MARCH, today=dt.date(2025, 4, 5))
    assert f["month"] == "2025-03"
    assert f["period"] == {"kind": "month", "from": "2025-03-01", "to": "2025-03-31"}
    # By hand: four matters in A in March, one each group, repeat, skipped-level.
    assert f["counts"] == {"total": 4, "group": 1, "cross_level": 1, "repeat": 1}
    declines = {d["key"]: d for d in f["declines"]}
    assert declines["total"]["previous"] == 2
    assert declines["total"]["change_percent"] == "100.0"
    assert declines["total"]["direction"] == "up"
    cats = {r["label"]: r["count"] for r in f["top_categories"]}
    assert sum(cats.values()) == 4 and len(cats) == 2
    assert f["mediation"]["received"] == 3
    assert f["mediation"]["settled"] == 1 and f["mediation"]["failed"] == 1
    assert f["mediation"]["open"] == 1 and f["mediation"]["success_percent"] == "50.0"
    # The trend: twelve months ending with March; March counts its four.
    assert len(f["trend"]) == 12 and f["trend"][-1] == {"month": "2025-03", "count": 4}
    assert f["trend"][0]["month"] == "2024-04"
    # Everything equals what the dashboard's report() says for the same query.
    r = indicators.report(city_leader, selectors.Query(township_a, bounds("month", MARCH)))
    assert f["counts"] == r.counts
    assert f["rates"] == [x.as_dict() for x in r.rates]
    assert f["leadership"] == r.leadership
    assert [(d["key"], d["current"], d["previous"]) for d in f["declines"]] == [
        (d.key, d.current, d.previous) for d in r.declines
    ]
    # The city counts both townships.
    assert monthly.figures(city_leader, city, MARCH)["counts"]["total"] == 6


def test_red_matters_are_counted_as_of_the_month_end(make_matters, city_leader, township_a):
    late = make_matters(
        1,
        responsible_unit=township_a,
        received_on=dt.date(2025, 3, 2),
        state="accepted",
        due_date=dt.date(2025, 3, 20),
    )[0]
    make_matters(
        1,
        responsible_unit=township_a,
        received_on=dt.date(2025, 3, 2),
        state="accepted",
        due_date=dt.date(2025, 4, 20),
    )
    f = monthly.figures(city_leader, township_a, MARCH, today=dt.date(2025, 5, 1))
    o = f["overdue"]
    assert o["as_of"] == "2025-03-31"
    assert o["open"] == 2 and o["red"] == 1
    assert [m["number"] for m in o["red_matters"]] == [late.number]
    assert o["red_matters"][0]["days_over"] == 11


def test_an_accusation_is_never_counted_in_the_accused_units_report(
    make_matters, city_leader, city, township_a
):
    make_matters(2, responsible_unit=township_a, received_on=dt.date(2025, 3, 3))
    make_matters(
        1,
        purpose="accusation",
        accusation=True,
        accused_unit=township_a,
        responsible_unit=city,
        summary="举报八台镇干部",
        received_on=dt.date(2025, 3, 4),
    )
    query = selectors.Query(township_a, bounds("month", MARCH))
    # The city leader's dashboard counts it (the city handles it)...
    assert indicators.report(city_leader, query).counts["total"] == 3
    # ...the township's monthly report, which the township reads, does not,
    # whoever draws it up; the city's own report does.
    assert monthly.figures(city_leader, township_a, MARCH)["counts"]["total"] == 2
    assert monthly.figures(city_leader, city, MARCH)["counts"]["total"] == 3
    # The user object is left as it was.
    assert indicators.report(city_leader, query).counts["total"] == 3


def _generate(client, unit, month="2025-03", key="tok-1"):
    return client.post(
        "/analytics/reports/", {"unit": unit.pk, "month": month, "idempotency_key": key}
    )


def test_draw_up_edit_issue_and_frozen(month, city_leader, township_a, client, make_matters):
    client.force_login(city_leader)
    page = client.get("/analytics/reports/")
    assert page.status_code == 200 and 'id="monthly-generate"' in page.content.decode()
    response = _generate(client, township_a)
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert response["Location"] == f"/analytics/reports/{report.pk}/"
    assert report.state == "draft" and report.number == "" and report.figures == {}
    html = client.get(response["Location"]).content.decode()
    assert 'id="monthly-commentary"' in html and 'data-state="draft"' in html

    edit = {
        "overview": "本月信访总量上升，主要集中在劳动社保领域。",
        "problems": "重复信访仍较突出。",
        "measures": "加强矛盾纠纷排查化解。\n落实领导包案。",
        "version": report.version,
    }
    assert client.post(f"/analytics/reports/{report.pk}/", edit).status_code == 302
    report.refresh_from_db()
    assert report.measures == "加强矛盾纠纷排查化解。\n落实领导包案。"
    # A stale version (the page read before someone saved) is a 409, nothing changed.
    stale = client.post(
        f"/analytics/reports/{report.pk}/", {**edit, "overview": "旧", "version": 1}
    )
    assert stale.status_code == 409
    report.refresh_from_db()
    assert report.overview.startswith("本月信访总量上升")

    issued = client.post(f"/analytics/reports/{report.pk}/issue/", {"version": report.version})
    assert issued.status_code == 302
    report.refresh_from_db()
    assert report.state == "issued" and report.issued_on is not None
    assert report.number.startswith("八台镇") and "〔" in report.number
    assert report.figures["counts"] == {"total": 4, "group": 1, "cross_level": 1, "repeat": 1}

    # Frozen: a new matter of March changes nothing; an edit or a second issue is a 409.
    make_matters(3, responsible_unit=township_a, received_on=dt.date(2025, 3, 9))
    html = client.get(f"/analytics/reports/{report.pk}/").content.decode()
    assert 'id="monthly-commentary"' not in html and 'data-state="issued"' in html
    before = dict(report.figures)
    again = client.post(f"/analytics/reports/{report.pk}/", {**edit, "version": report.version})
    assert again.status_code == 409
    assert (
        client.post(
            f"/analytics/reports/{report.pk}/issue/", {"version": report.version}
        ).status_code
        == 409
    )
    report.refresh_from_db()
    assert report.figures == before and report.overview.startswith("本月")
    wb = load_workbook(
        io.BytesIO(client.get(f"/analytics/reports/{report.pk}/report.xlsx").content)
    )
    counts = {row[0]: row[1] for row in wb["件数"].iter_rows(min_row=2, values_only=True)}
    assert counts["受理登记件数"] == 4  # the frozen figure, not the 7 of today


def test_issue_needs_commentary_and_a_writer(month, city_leader, township_a, make_person, client):
    client.force_login(city_leader)
    _generate(client, township_a)
    report = MonthlyReport.objects.get()
    MonthlyReport.objects.filter(pk=report.pk).update(overview="")
    refused = client.post(f"/analytics/reports/{report.pk}/issue/", {"version": report.version})
    assert refused.status_code == 400
    assert MonthlyReport.objects.get().state == "draft"
    # An analyst reads the report but may neither edit nor issue it.
    analyst = make_person("analyst", township_a)
    client.force_login(analyst)
    html = client.get(f"/analytics/reports/{report.pk}/").content.decode()
    assert 'id="monthly-commentary"' not in html
    denied = client.post(f"/analytics/reports/{report.pk}/issue/", {"version": report.version})
    assert denied.status_code == 403


def test_a_double_submit_makes_one_report(month, city_leader, township_a, client):
    client.force_login(city_leader)
    first = _generate(client, township_a, key="same-token")
    second = _generate(client, township_a, key="same-token")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    # Another token for the same unit and month: still the one report.
    assert _generate(client, township_a, key="other")["Location"] == first["Location"]
    assert MonthlyReport.objects.count() == 1
    # The same token with other content: 409, said in words, nothing made.
    other = _generate(client, township_a, month="2025-02", key="same-token")
    assert other.status_code == 409
    assert MonthlyReport.objects.count() == 1


def test_bad_input_is_a_clear_error(city_leader, township_a, client, demo_tree):
    client.force_login(city_leader)
    for month in ("2025-13", "March", "2099-01"):
        response = _generate(client, township_a, month=month)
        assert response.status_code == 400, month
    assert MonthlyReport.objects.count() == 0


def test_a_township_reads_only_its_own_and_an_outsider_gets_404(
    month, city_leader, township_leader, township_b_leader, township_a, city, people, client
):
    a = services.report_generate(actor=city_leader, unit=township_a, month=MARCH)
    c = services.report_generate(actor=city_leader, unit=city, month=MARCH)
    client.force_login(township_leader)
    listing = client.get("/analytics/reports/").content.decode()
    assert f'data-report="{a.pk}"' in listing and f'data-report="{c.pk}"' not in listing
    assert client.get(f"/analytics/reports/{a.pk}/").status_code == 200
    for suffix in ("", "report.pdf", "report.xlsx"):
        assert client.get(f"/analytics/reports/{c.pk}/{suffix}").status_code == 404
    # Township B's leader, and a handler without the right, see neither.
    for outsider in (township_b_leader, people["handler"]):
        client.force_login(outsider)
        for pk in (a.pk, c.pk):
            assert client.get(f"/analytics/reports/{pk}/").status_code == 404
            assert client.get(f"/analytics/reports/{pk}/report.pdf").status_code == 404
    client.force_login(township_b_leader)
    assert _generate(client, township_a).status_code == 400  # not among its choices
    assert MonthlyReport.objects.count() == 2


def test_the_xlsx_has_one_sheet_per_table(month, city_leader, township_a):
    r = services.report_generate(actor=city_leader, unit=township_a, month=MARCH)
    r.overview = "总体平稳。"
    f = monthly.figures(city_leader, township_a, MARCH)
    wb = load_workbook(io.BytesIO(monthly_documents.xlsx(r, f)))
    assert wb.sheetnames == [
        "报告",
        "件数",
        "三下降",
        "比率",
        "主要类别",
        "热点",
        "按乡镇",
        "超期和红色事项",
        "红色事项",
        "领导接访包案",
        "调解",
        "近十二个月",
    ]
    declines = list(wb["三下降"].iter_rows(min_row=2, values_only=True))
    assert declines[0][1:4] == (4, 2, 100.0)
    rates = {row[0]: row[1:] for row in wb["比率"].iter_rows(min_row=2, values_only=True)}
    assert len(rates) == len(f["rates"])
    mediation = dict(wb["调解"].iter_rows(min_row=2, values_only=True))
    assert mediation["调成率"] == 50.0 and mediation["受理纠纷"] == 3
    months = list(wb["近十二个月"].iter_rows(min_row=2, values_only=True))
    assert months[-1] == ("2025-03", 4)


def _pdf_text(content: bytes) -> tuple[int, str]:
    doc = pypdfium2.PdfDocument(content)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return len(doc), text


def test_the_pdf_reads_back_in_chinese(
    month, city_leader, township_a, client, django_capture_on_commit_callbacks, monkeypatch
):
    try:
        cjk_font()
    except Exception:  # noqa: BLE001
        pytest.skip("no Chinese font installed")
    client.force_login(city_leader)
    _generate(client, township_a)
    report = MonthlyReport.objects.get()
    client.post(
        f"/analytics/reports/{report.pk}/",
        {"overview": "总体平稳。", "problems": "", "measures": "", "version": report.version},
    )
    response = client.get(f"/analytics/reports/{report.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages, text = _pdf_text(response.content)
    assert pages >= 2
    for expected in ("月度信访形势分析", "八台镇", "2025年3月", "三下降", "草稿", "总体平稳"):
        assert expected in text, expected
    # A figure: the month's total, in the summary and beside the chart.
    assert "受理信访事项4件" in text.replace(" ", "").replace("\r\n", "")
    report.refresh_from_db()
    # Issued: the PDF is drawn by the background task (run at the commit here)
    # and kept; the page serves the kept file and draws nothing itself.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/analytics/reports/{report.pk}/issue/", {"version": report.version})
    report.refresh_from_db()
    assert report.pdf.name.endswith(".pdf")
    with report.pdf.open("rb") as stored:
        kept = stored.read()

    def not_in_the_request(*_args, **_kwargs):
        raise AssertionError("the issued report's PDF was drawn in the request")

    monkeypatch.setattr(monthly_documents, "pdf", not_in_the_request)
    served = client.get(f"/analytics/reports/{report.pk}/report.pdf").content
    assert served == kept
    _pages, text = _pdf_text(served)
    assert report.number in text.replace("\r\n", "") and "草稿" not in text
    assert Dispute.objects.count() == 3


def test_an_administrator_reads_but_does_not_draw_up(month, city_leader, township_a, client):
    admin = org_services.user_create(
        username="an-admin", password="x-Long-Passw0rd!", full_name="管理员", administrator=True
    )
    report = services.report_generate(actor=city_leader, unit=township_a, month=MARCH)
    client.force_login(admin)
    assert client.get(f"/analytics/reports/{report.pk}/").status_code == 200
    assert 'id="monthly-generate"' not in client.get("/analytics/reports/").content.decode()
    denied = client.post(f"/analytics/reports/{report.pk}/issue/", {"version": report.version})
    assert denied.status_code == 403
