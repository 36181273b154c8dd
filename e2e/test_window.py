"""Acceptance 1 of issue 11, in Chromium: at the window a visitor born in 1955 in
410481 (a code created in 1990) is registered and gets a printed receipt with the
query code; later the clerk finds them by name and issues the code again; the old
code is refused on the public pages, the new one opens the matter."""

import pypdfium2
import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.models import SecurityRecord
from xinfang.core.querycode import format_query_code
from xinfang.orgs.demo import TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition

from .conftest import PDF_MS

ELDER_ID = "410481195503150027"


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def pdf_text(path) -> str:
    doc = pypdfium2.PdfDocument(str(path))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return text.replace("\r", "").replace("\n", "")


@pytest.fixture
def font():
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))


def test_the_window_registers_prints_finds_and_issues_the_code_again(
    desktop_page, browser, base_url, demo_tree, login, save_screenshot, font
):
    page = desktop_page
    seed_categories(Category)  # a live-server test empties the database after each test
    village = Unit.objects.get(code=TOWNSHIP_A + "001")
    category = Category.objects.get(code="0401")

    # A visitor born in 1955 is registered at the window, and agrees to an SMS.
    login(page, base_url, "clerk", settings.DEMO_PASSWORD)
    page.locator("#site-nav").get_by_role("link", name=zh("Register"), exact=True).click()
    page.locator("input[name=channel][value=visit]").check()
    page.locator("input[name=purpose][value=appeal]").check()
    page.select_option("#id_category", str(category.pk))
    page.select_option("#id_place", str(village.pk))
    page.fill("#id_summary", "养老金停发")
    page.fill("#id_content", "我的养老金从上个月起停发，社保所说要重新认证。")
    page.fill("#id_petitioners-0-name", "王秀英")
    page.fill("#id_petitioners-0-id_number", ELDER_ID)
    page.fill("#id_petitioners-0-phone", "13912345678")
    page.locator("#id_sms_receipt").check()
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Register"), exact=True).click()

    p = Petition.objects.get()
    assert p.petitioners.get().id_number == ELDER_ID  # never refused for the area code
    first_code = format_query_code(p.query_code)
    expect(page.locator("[data-query-code]")).to_have_text(first_code)
    # The development sender only logs: the page does not pretend an SMS left.
    assert "未发送短信至139****5678" in page.content()
    assert "已通过短信发送" not in page.content()
    save_screenshot(page, "window-registered")

    # The receipt is printed: A5 (the receipt) and A4 (with the stub), both PDFs.
    with page.expect_download(timeout=PDF_MS) as a5:
        page.locator("[data-receipt-a5]").click(timeout=PDF_MS)
    text = pdf_text(a5.value.path())
    assert first_code in text and p.number in text
    assert "2026" in text and "查询终端" in text and "15日内" in text
    with page.expect_download(timeout=PDF_MS) as a4:
        page.locator("[data-receipt-a4]").click(timeout=PDF_MS)
    assert first_code in pdf_text(a4.value.path()) and "存根" in pdf_text(a4.value.path())

    # Later (a new session), the visitor is back without the code: found by name.
    page.context.clear_cookies()
    login(page, base_url, "clerk", settings.DEMO_PASSWORD)
    page.locator("#site-nav").get_by_role("link", name=zh("Reception window"), exact=True).click()
    page.fill("#id_name", "王秀英")
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Search"), exact=True).click()
    row = page.locator("[data-window-results] tbody tr", has_text=p.number)
    expect(row).to_contain_text("410***********0027")  # masked
    assert ELDER_ID not in page.content()
    save_screenshot(page, "window-search")

    # The clerk checks the ID card and issues the code again.
    row.get_by_role("link", name=zh("Issue the query code again")).click()
    page.fill("#id_id_number", ELDER_ID)
    page.locator("#id_identity_checked").check()
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Issue a new query code"), exact=True).click()
    p.refresh_from_db()
    new_code = format_query_code(p.query_code)
    assert new_code != first_code
    expect(page.locator("[data-query-code]")).to_have_text(new_code)
    assert SecurityRecord.objects.filter(kind=SecurityRecord.Kind.CODE_REISSUED).count() == 1
    save_screenshot(page, "window-reissued")
    with page.expect_download(timeout=PDF_MS) as again:
        page.locator("[data-receipt-a5]").click(timeout=PDF_MS)
    reprinted = pdf_text(again.value.path())
    assert new_code in reprinted and first_code not in reprinted

    # The public pages refuse the old code and open the matter with the new one.
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base_url}/public/track/")
    public.fill("#id_code", first_code)
    public.get_by_role("button", name=zh("Show my matter")).click()
    expect(public.locator("#id_code_error")).to_be_visible()  # said once, by the field
    assert p.number not in public.content()
    public.fill("#id_code", new_code)
    with public.expect_navigation():
        public.get_by_role("button", name=zh("Show my matter")).click()
    expect(public.locator("main")).to_contain_text(p.number)
    public.context.close()
