"""The city's leader draws up last month's report (月度信访形势分析), writes the
commentary, issues it and downloads the PDF; its pages are rendered to PNG
(docs/screenshots/monthly-report-page-N.png with UPDATE_SCREENSHOTS=1: issue 14's
acceptance item 4). Then the dashboard's map of matters by township at desktop
size (docs/screenshots/dashboard-map-desktop.png)."""

import datetime as dt
import io
import itertools

import pypdfium2
import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from xinfang.analytics.models import MonthlyReport
from xinfang.analytics.monthly import last_month
from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.orgs.demo import PETITION_OFFICE, TOWNSHIPS
from xinfang.orgs.models import Unit
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition

from .conftest import DOC_SCREENSHOTS, PDF_MS, _page

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}


def _a_year_of_matters(month: dt.date) -> None:
    """Matters over the thirteen months up to `month`, spread over the townships
    and categories (rows written directly, as the analytics tests do), so that the
    charts and the map have something to draw."""
    office = Unit.objects.get(code=PETITION_OFFICE[0])
    places = list(
        Unit.objects.filter(code__in=[f"410481{s}001" for s, _n, _k in TOWNSHIPS]).order_by("code")
    )
    cats = list(Category.objects.filter(parent__isnull=False).order_by("code")[:40:5])
    seq = itertools.count(1)
    first = month.replace(year=month.year - 1)
    day = first
    while day <= month + dt.timedelta(days=27):
        for k in range(3 + (day.month * 7) % 5 + (6 if day >= month else 0)):
            n = next(seq)
            Petition.objects.create(
                number=f"E2E-{n:05d}",
                query_code=f"E{n:012d}",
                channel=("visit", "letter", "online", "phone")[n % 4],
                purpose="appeal",
                category=cats[(n * 3 + k) % len(cats)],
                place=places[(n * 5 + day.month) % len(places)],
                summary="演示事项",
                content="演示",
                received_on=day,
                registering_unit=office,
                office=office,
                state="registered",
                repeat=n % 6 == 0,
                cross_level=n % 11 == 0,
                people_count=6 if n % 9 == 0 else 1,
            )
        day += dt.timedelta(days=9)


@pytest.fixture
def demo(demo_tree):
    # A live-server test empties the database after each test: seed inside it.
    seed_categories(Category)
    for name in ("seed_demo_petitions", "seed_demo_mediation", "seed_demo_supervision"):
        call_command(name, allow_production=True, verbosity=0)
    _a_year_of_matters(last_month())


def _render_pages(content: bytes, stem: str) -> list:
    """Each page of the PDF as a PNG (150 dpi, 256 greys: a printed page's look)."""
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    doc = pypdfium2.PdfDocument(content)
    paths = []
    for i in range(len(doc)):
        path = DOC_SCREENSHOTS / f"{stem}-{i + 1}.png"
        image = doc[i].render(scale=150 / 72).to_pil()
        image.convert("L").quantize(colors=64).save(path, optimize=True)
        assert path.stat().st_size < 200_000, f"{path.name} is {path.stat().st_size} bytes"
        paths.append(path)
    return paths


def test_the_leader_draws_up_edits_issues_and_prints_the_monthly_report(
    browser, request, base_url, demo, login
):
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))
    month = last_month()
    for page in _page(browser, request, **DESKTOP):
        login(page, base_url, "leader", settings.DEMO_PASSWORD)
        # The dashboard links the reports (a city's dashboard counts every unit below:
        # slow on a loaded 2-core machine, hence the longer wait).
        page.goto(f"{base_url}/analytics/?period=month", timeout=PDF_MS)
        with page.expect_navigation():
            page.click("a[href='/analytics/reports/']")
        expect(page.locator("h1")).to_have_text("月度形势分析")
        expect(page.locator("#id_month")).to_have_value(f"{month:%Y-%m}")
        with page.expect_navigation():
            page.click("#monthly-generate button[type=submit]")
        expect(page.locator("[data-state]").first).to_have_attribute("data-state", "draft")
        expect(page.locator("[data-unit]")).to_have_text("舞钢市")

        page.fill(
            "#id_overview",
            "本月全市信访形势总体平稳，信访总量与上年同期相比有所上升，"
            "主要集中在劳动社保、城乡建设和生态环境领域。",
        )
        page.fill("#id_problems", "一是重复信访仍较突出；二是个别乡镇超期办理事项较多。")
        page.fill(
            "#id_measures",
            "压实属地责任，对红色事项逐件督办。\n落实领导包案，推动积案化解。",
        )
        with page.expect_navigation():
            page.click("#monthly-commentary button[type=submit]")
        expect(page.locator("#id_problems")).to_have_value(
            "一是重复信访仍较突出；二是个别乡镇超期办理事项较多。"
        )
        with page.expect_navigation():
            page.click("#monthly-issue button[type=submit]")
        expect(page.locator("dd[data-state]")).to_have_attribute("data-state", "issued")
        expect(page.locator("#monthly-commentary")).to_have_count(0)
        report = MonthlyReport.objects.get()
        assert report.number and report.figures["counts"]["total"] > 0
        expect(page.locator("[data-number]")).to_have_text(report.number)
        expect(page.locator("[data-commentary=measures]").first).to_have_text(
            "压实属地责任，对红色事项逐件督办。"
        )

        href = page.locator("#monthly-pdf").get_attribute("href")
        response = page.request.get(base_url + href, timeout=PDF_MS)
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        doc = pypdfium2.PdfDocument(response.body())
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        flat = text.replace("\r\n", "").replace(" ", "")
        assert "月度信访形势分析" in flat and "舞钢市" in flat
        assert f"{month.year}年{month.month}月" in flat
        assert report.number.replace(" ", "") in flat and "草稿" not in flat
        total = report.figures["counts"]["total"]
        assert f"共受理信访事项{total}件" in flat
        pages = _render_pages(response.body(), "monthly-report-page")
        assert len(pages) >= 3

        xlsx = page.request.get(base_url + page.locator("#monthly-xlsx").get_attribute("href"))
        wb = load_workbook(io.BytesIO(xlsx.body()))
        counts = dict(wb["件数"].iter_rows(min_row=2, values_only=True))
        assert counts["受理登记件数"] == total


def test_the_dashboard_map_of_matters_by_township(browser, request, base_url, demo, login):
    month = last_month()
    for page in _page(browser, request, **DESKTOP):
        login(page, base_url, "leader", settings.DEMO_PASSWORD)
        page.goto(f"{base_url}/analytics/?period=month&on={month.isoformat()}", timeout=PDF_MS)
        chart = page.locator("[data-map]")
        chart.scroll_into_view_if_needed()
        expect(chart.locator("canvas").first).to_be_visible()
        rows = page.locator("#map-table tbody tr")
        assert rows.count() == 13
        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = DOC_SCREENSHOTS / "dashboard-map-desktop.png"
        page.locator("#map-title").scroll_into_view_if_needed()
        section = page.locator("#map-title + .chart-pair")
        section.screenshot(path=str(path))
        from PIL import Image

        with Image.open(path) as image:
            image.convert("RGB").quantize(colors=256).save(path, optimize=True)
        assert path.stat().st_size < 200_000
        # A bubble drills down like the other figures: a click on the busiest
        # township's bubble opens that township's own dashboard.
        first = rows.first.locator("th a").inner_text()
        x, y = page.evaluate(
            """() => {
                const el = document.querySelector("[data-map]");
                const m = JSON.parse(document.getElementById("analytics-map").textContent);
                const p = m.points[0];
                const xy = window.echarts.getInstanceByDom(el)
                    .convertToPixel({seriesIndex: 0}, [p.lng, p.lat]);
                const r = el.getBoundingClientRect();
                return [r.left + xy[0], r.top + xy[1]];
            }"""
        )
        with page.expect_navigation(timeout=PDF_MS):
            page.mouse.click(x, y)
        expect(page.locator("h1")).to_contain_text(first)
