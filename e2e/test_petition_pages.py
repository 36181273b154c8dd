"""A matter's way through the staff pages in Chromium: the clerk registers it on a
laptop, the dispatcher forwards it, the handler signs, accepts and replies on a tablet."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from xinfang.core.calendar import Colour
from xinfang.orgs.demo import TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition, State

from .conftest import _page

VALID_ID = "11010519491231002X"


@pytest.fixture
def tablet_page(browser, request):
    """A tablet (820x1180, touch) in a fresh context."""
    yield from _page(
        browser,
        request,
        viewport={"width": 820, "height": 1180},
        has_touch=True,
        locale="zh-CN",
    )


def zh(text) -> str:
    """The Chinese of a source string or a lazy label, as the pages show it."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def test_register_forward_sign_accept_reply(
    desktop_page, tablet_page, base_url, demo_tree, login, save_screenshot
):
    page = desktop_page
    # A live-server test empties the database after each test, seeded rows included.
    seed_categories(Category)
    village = Unit.objects.get(code=TOWNSHIP_A + "001")
    category = Category.objects.get(code="0401")

    # The clerk registers a visit on a laptop.
    login(page, base_url, "clerk", settings.DEMO_PASSWORD)
    page.locator("#site-nav").get_by_role("link", name=zh("Register"), exact=True).click()
    expect(page.locator("h1")).to_have_text(zh("Register a matter"))
    page.locator("input[name=channel][value=visit]").check()
    page.locator("input[name=purpose][value=appeal]").check()
    page.select_option("#id_category", str(category.pk))
    page.select_option("#id_place", str(village.pk))
    page.fill("#id_summary", "某公司拖欠工资三个月")
    page.fill("#id_content", "某建筑公司拖欠我们十几名工人工资三个月，多次讨要未果。")
    page.fill("#id_request", "请求督促公司支付拖欠的工资。")
    page.fill("#id_petitioners-0-name", "张三")
    page.fill("#id_petitioners-0-id_number", VALID_ID)
    page.fill("#id_petitioners-0-phone", "138 1234 5678")
    save_screenshot(page, "laptop-register-form")
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Register"), exact=True).click()

    p = Petition.objects.get()
    expect(page.locator("[data-number]")).to_have_text(p.number)
    code = page.locator("[data-query-code]").inner_text()
    assert code.replace("-", "") == p.query_code
    save_screenshot(page, "laptop-registered")

    # The dispatcher forwards it to 八台镇.
    page.context.clear_cookies()
    login(page, base_url, "dispatcher", settings.DEMO_PASSWORD)
    page.goto(f"{base_url}/petitions/")
    page.get_by_role("link", name=p.number).click()
    page.locator("details.action", has=page.locator("form[action$='/forward/']")).locator(
        "summary"
    ).click()
    page.select_option("#id_forward-responsible_unit", str(demo_tree[TOWNSHIP_A].pk))
    save_screenshot(page, "laptop-forward-form")
    with page.expect_navigation():
        page.locator("form[action$='/forward/'] button[type=submit]").click()
    expect(page.locator(".status-line .state")).to_have_text(zh(State.FORWARDED.label))

    # The handler, on a tablet, finds it on the worklist and answers it.
    tab = tablet_page
    login(tab, base_url, "handler", settings.DEMO_PASSWORD)
    tab.locator("#site-nav").get_by_role("link", name=zh("Worklist"), exact=True).click()
    row = tab.locator("table.matters tbody tr", has_text=p.number)
    expect(row).to_be_visible()
    expect(row.locator(".badge")).to_be_visible()
    save_screenshot(tab, "tablet-worklist")
    row.get_by_role("link", name=p.number).click()

    for action in ("sign", "accept"):
        if action == "accept":  # one step, confirmed
            tab.locator("#id_accept-confirm").check()
        with tab.expect_navigation():
            tab.locator(f"form[action$='/{action}/'] button[type=submit]").click()
        expect(tab.locator(".messages")).to_be_visible()
    expect(tab.locator(".status-line .state")).to_have_text(zh(State.ACCEPTED.label))
    expect(tab.locator("td.pii").first).to_contain_text("*")

    # 签发: the handler drafts and submits, the unit head approves, the handler issues.
    tab.locator("[data-new-draft] summary").click()
    tab.select_option("#id_draft-outcome", "support")
    tab.fill("#id_draft-facts", "经调查核实，该公司拖欠工资三个月属实。")
    tab.fill("#id_draft-text", "经核实，已责令该公司于30日内足额支付拖欠工资。")
    tab.fill("#id_draft-legal_basis", "《保障农民工工资支付条例》第三条")
    with tab.expect_navigation():
        tab.locator("[data-new-draft] button[type=submit]").click()
    with tab.expect_navigation():
        tab.get_by_role("button", name=zh("Submit for approval")).click()
    draft = p.opinion_drafts.get()
    head = get_user_model().objects.get(username="unit_head")
    services.opinion_draft_approve(actor=head, draft_id=draft.pk)
    tab.reload()
    with tab.expect_navigation():
        tab.locator("[data-issue] button[type=submit]").click()

    expect(tab.locator(".status-line .state")).to_have_text(zh(State.OPINION_ISSUED.label))
    expect(tab.locator(".timeline")).to_contain_text("已责令该公司于30日内足额支付拖欠工资")
    save_screenshot(tab, "tablet-matter")
    p.refresh_from_db()
    assert p.state == State.OPINION_ISSUED

    # The matter page on a laptop, as the dispatcher now sees it.
    page.goto(f"{base_url}/petitions/{p.pk}/")
    save_screenshot(page, "laptop-matter")
    page.goto(f"{base_url}/petitions/")
    save_screenshot(page, "laptop-worklist")

    # The supervisor lists it yellow: from the board to the open matters by colour,
    # to the listing form with the matter's number filled in.
    page.context.clear_cookies()
    login(page, base_url, "supervisor", settings.DEMO_PASSWORD)
    page.locator("#site-nav").get_by_role("link", name=zh("Supervision"), exact=True).click()
    page.locator("[data-by-colour]").click()
    row = page.locator("table.matters tbody tr", has_text=p.number)
    with page.expect_navigation():
        row.get_by_role("link", name=zh("List for supervision")).click()
    expect(page.locator("#id_matter")).to_have_value(p.number)
    page.select_option("#id_colour", "yellow")
    page.fill("#id_reason", "群众反映强烈，需加快办理。")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(f"{base_url}/petitions/supervision/")
    expect(row.locator(".badge")).to_have_text(zh(Colour.YELLOW.label))
    save_screenshot(page, "laptop-supervision")
