"""The desk at desktop and phone size: the worklist, the matter page and the
receipt, as a handler and a clerk see them on the demo data. Each page must fit
the phone's width (no sideways scrolling) and show what it is for; the
screenshots go to docs/screenshots/ with UPDATE_SCREENSHOTS=1 (issue 11,
acceptance 4), else to e2e/artifacts/.
"""

import pypdfium2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.querycode import format_query_code
from xinfang.orgs.demo import TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition

from .conftest import DOC_SCREENSHOTS, PDF_MS, _page

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport + 1, f"{page.url} is {width}px wide on a {viewport}px screen"


def _shot(page, name: str) -> None:
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOC_SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(demo_tree):
    seed_categories(Category)  # a live-server test empties the database after each test
    call_command("seed_demo_petitions", allow_production=True, verbosity=0)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_handlers_worklist_and_matter_page(browser, request, base_url, demo, login, size):
    for page in _page(browser, request, locale="zh-CN", **SIZES[size]):
        login(page, base_url, "handler", settings.DEMO_PASSWORD)
        page.goto(f"{base_url}/petitions/")
        rows = page.locator("table.matters tbody tr")
        expect(rows.first).to_be_visible()
        assert rows.count() >= 1
        _fits(page)
        _shot(page, f"worklist-{size}")

        page.locator("table.matters tbody tr a").first.click()
        expect(page.locator("h1")).to_be_visible()
        assert page.locator("main").inner_text().strip()
        _fits(page)
        _shot(page, f"matter-{size}")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_clerks_receipt(browser, request, base_url, demo, login, size):
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))
    village = Unit.objects.get(code=TOWNSHIP_A + "001")
    category = Category.objects.get(code="0401")
    for page in _page(browser, request, locale="zh-CN", **SIZES[size]):
        login(page, base_url, "clerk", settings.DEMO_PASSWORD)
        page.goto(f"{base_url}/petitions/register/")
        page.locator("input[name=channel][value=visit]").check()
        page.locator("input[name=purpose][value=appeal]").check()
        page.select_option("#id_category", str(category.pk))
        page.select_option("#id_place", str(village.pk))
        page.fill("#id_summary", "养老金停发")
        page.fill("#id_content", "我的养老金从上个月起停发。")
        page.fill("#id_petitioners-0-name", "王秀英")
        with page.expect_navigation():
            page.get_by_role("button", name=zh("Register"), exact=True).click()
        p = Petition.objects.order_by("-pk").first()
        expect(page.locator("[data-query-code]")).to_have_text(format_query_code(p.query_code))
        _fits(page)
        _shot(page, f"registered-{size}")
        if size == "desktop":
            with page.expect_download(timeout=PDF_MS) as a5:
                page.locator("[data-receipt-a5]").click(timeout=PDF_MS)
            pdf = pypdfium2.PdfDocument(str(a5.value.path()))
            assert len(pdf) == 1
            text = pdf[0].get_textpage().get_text_range().replace("\r", "").replace("\n", "")
            assert format_query_code(p.query_code) in text
            DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            pdf[0].render(scale=2).to_pil().save(DOC_SCREENSHOTS / "receipt-a5.png")
