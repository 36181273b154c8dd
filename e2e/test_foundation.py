"""The foundation in a real browser: language, phone menu, login per role, scoping, lock-out."""

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from xinfang.orgs.demo import DEMO_USERS
from xinfang.orgs.models import Role, Unit

ROLES = [
    "clerk",
    "dispatcher",
    "handler",
    "unit_head",
    "supervisor",
    "leader",
    "liaison",
    "mediator",
    "analyst",
]
UNIT_OF = {username: code for username, _name, code, _role in DEMO_USERS}
ZAOLIN = "410481101"  # 枣林镇, township B: outside handler's 八台镇


def test_home_page_is_chinese_and_the_phone_menu_opens_on_tap(
    phone_page, base_url, save_screenshot
):
    page = phone_page
    page.goto(base_url + "/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_contain_text("信访")
    nav = page.locator("#site-nav")
    toggle = page.locator(".menu-toggle")
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    save_screenshot(page, "phone-home")

    toggle.tap()

    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="工作人员登录")).to_be_visible()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_and_lands_on_its_start_page(
    phone_page, base_url, demo_tree, login, save_screenshot, role
):
    page = phone_page
    if role == "handler":
        page.goto(base_url + "/accounts/login/")
        save_screenshot(page, "phone-login")

    response = login(page, base_url, role, settings.DEMO_PASSWORD)

    assert response.status == 200
    assert page.url == f"{base_url}/start/{role}/"
    unit = demo_tree[UNIT_OF[role]]
    with translation.override("zh-hans"):
        chip = f"{unit.name} · {Role(role).label}"
    expect(page.locator(".unitbar .chip")).to_have_text([chip])
    if role == "handler":
        save_screenshot(page, "phone-start-handler")


def test_handler_gets_404_for_another_township_and_leader_sees_it(
    desktop_page, base_url, demo_tree, login
):
    page = desktop_page
    zaolin = Unit.objects.get(code=ZAOLIN)
    url = f"{base_url}/units/{zaolin.pk}/"

    login(page, base_url, "handler", settings.DEMO_PASSWORD)
    response = page.goto(url)

    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator("main")).not_to_contain_text("枣林镇")

    page.context.clear_cookies()
    login(page, base_url, "leader", settings.DEMO_PASSWORD)
    response = page.goto(url)

    assert response.status == 200
    expect(page.locator("h1")).to_have_text("枣林镇")


def test_language_switch_goes_to_english_and_back(desktop_page, base_url):
    page = desktop_page
    page.goto(base_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Petition and dispute-mediation platform")
    assert page.url == base_url + "/"

    page.get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_contain_text("信访")


def test_five_wrong_passwords_lock_the_account(phone_page, base_url, demo_tree, login):
    page = phone_page
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login(page, base_url, "handler", "wrong-Passw0rd")
        # (The login page's own help text mentions 锁定, so the alert is what is checked.)
        expect(page.locator("h1")).to_have_text("工作人员登录")
        expect(page.get_by_role("alert")).not_to_contain_text("锁定")

    response = login(page, base_url, "handler", "wrong-Passw0rd")

    assert response.status == 429
    expect(page.locator("h1")).to_have_text("账号已锁定")
    expect(page.get_by_role("alert")).to_contain_text("锁定")

    # Locked means locked: the right password does not get in either.
    login(page, base_url, "handler", settings.DEMO_PASSWORD)
    expect(page.locator("h1")).to_have_text("账号已锁定")
    assert "/start/" not in page.url
