"""The supervisor lists a matter red, chases it and downloads the letter; the board
at desktop size (docs/screenshots/supervision-board-desktop.png with
UPDATE_SCREENSHOTS=1) and at phone size (cards, no sideways scrolling)."""

import pypdfium2
import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.orgs.demo import TOWNSHIP_A
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import CLOSED_STATES, Category, Petition
from xinfang.supervision.models import Listing

from .conftest import DOC_SCREENSHOTS, PDF_MS, _page


@pytest.fixture
def demo(demo_tree):
    # A live-server test empties the database after each test: seed inside it.
    seed_categories(Category)
    for name in ("seed_demo_petitions", "seed_demo_screening", "seed_demo_supervision"):
        call_command(name, allow_production=True, verbosity=0)


def _unlisted_matter() -> Petition:
    listed = Listing.objects.filter(petition__isnull=False).values("petition_id")
    return (
        Petition.objects.exclude(state__in=CLOSED_STATES)
        .exclude(pk__in=listed)
        .exclude(purpose="accusation")
        .filter(responsible_unit__code=TOWNSHIP_A)
        .order_by("pk")
        .first()
    )


def test_the_supervisor_lists_red_chases_and_downloads_the_letter(
    browser, request, base_url, demo, login
):
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))
    matter = _unlisted_matter()
    assert matter is not None
    for page in _page(browser, request, locale="zh-CN", viewport={"width": 1280, "height": 800}):
        login(page, base_url, "supervisor", settings.DEMO_PASSWORD)
        page.goto(f"{base_url}/supervision/")
        page.click("[data-list-new]")
        page.fill("#id_matter", matter.number)
        page.select_option("#id_colour", "red")
        page.fill("#id_reason", "涉及群体利益，群众反映强烈")
        page.fill("#id_demand", "当日报告已采取的措施")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.locator("h1")).to_contain_text("GP")
        expect(page.locator("h1 .badge-red")).to_be_visible()

        page.select_option("#id_chase-kind", "chase")
        page.fill("#id_chase-demand", "请于今日内约见信访人并书面报告")
        with page.expect_navigation():
            page.click("section.action-chase button[type=submit]")
        chase = page.locator("[data-chase]").first
        expect(chase).to_contain_text("催〔")
        href = chase.locator("a[data-letter]").get_attribute("href")
        response = page.request.get(base_url + href, timeout=PDF_MS)
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        doc = pypdfium2.PdfDocument(response.body())
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        assert "信访事项催办函" in text and matter.number in text
        assert "请于今日内约见信访人并书面报告" in text

        page.goto(f"{base_url}/supervision/")
        card = page.locator(f'[data-listing] a:text("{matter.number}")')
        expect(card).to_be_visible()
        assert page.locator(".listing-card.card-red").count() >= 2
        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_SCREENSHOTS / "supervision-board-desktop.png"), full_page=True)


def test_the_board_fits_a_phone(browser, request, base_url, demo, login):
    phone = {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    }
    for page in _page(browser, request, locale="zh-CN", **phone):
        login(page, base_url, "supervisor", settings.DEMO_PASSWORD)
        page.goto(f"{base_url}/supervision/")
        expect(page.locator(".listing-card").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, f"the board is {width}px wide on a phone"
