"""The main pages in Chromium under the Content-Security-Policy (no inline script,
no inline style, nothing from elsewhere): each answers with the policy, the
Permissions-Policy and no-store where it shows personal data, and nothing on them
is blocked (the conftest fails a test on any CSP message in the console)."""

from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from xinfang.orgs.demo import CITY_RECEPTION, TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category

VALID_ID = "11010519491231002X"


def assert_headers(response, *, private: bool):
    headers = response.all_headers()
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "camera=()" in headers["permissions-policy"]
    if private:
        assert "no-store" in headers["cache-control"]


def a_matter():
    from django.contrib.auth import get_user_model

    seed_categories(Category)
    return services.petition_register(
        actor=get_user_model().objects.get(username="clerk"),
        registering_unit=Unit.objects.get(code=CITY_RECEPTION[0]),
        channel="visit",
        purpose="appeal",
        category=Category.objects.get(code="0401"),
        place=Unit.objects.get(code=TOWNSHIP_A + "001"),
        summary="某公司拖欠工资三个月",
        content="某公司拖欠我们三个月工资，多次讨要未果。",
        petitioners=[{"name": "张三", "id_number": VALID_ID, "phone": "13812345678"}],
    )


def test_the_public_pages_run_under_the_policy(phone_page, base_url, demo_tree):
    page = phone_page
    p = a_matter()

    assert_headers(page.goto(f"{base_url}/public/submit/"), private=True)
    # portal.js runs: the place search filters the list (no inline handler needed).
    page.locator("[data-place-search]").fill(Unit.objects.get(code=TOWNSHIP_A + "001").name)
    expect(page.locator("#id_place")).to_be_visible()

    assert_headers(page.goto(f"{base_url}/public/track/"), private=True)
    page.locator("#id_code").fill(p.query_code)
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(p.number)
    assert "no-store" in navigation.value.all_headers()["cache-control"]

    assert_headers(page.goto(f"{base_url}/kiosk/"), private=True)
    page.locator(f'[data-key="{p.query_code[0]}"]').tap()
    expect(page.locator("#kiosk-code")).to_have_value(p.query_code[0])
    assert page.csp_violations == []


def test_the_staff_pages_run_under_the_policy(desktop_page, base_url, demo_tree, login):
    page = desktop_page
    p = a_matter()
    call_command("seed_demo_screening", allow_production=True, verbosity=0)

    login(page, base_url, "dispatcher", settings.DEMO_PASSWORD)
    assert_headers(page.goto(f"{base_url}/petitions/{p.pk}/"), private=True)
    expect(page.locator("main")).to_contain_text(p.number)
    assert_headers(page.goto(f"{base_url}/units/"), private=True)
    # The kind filter applies on change (app.js; it was an inline onchange).
    with page.expect_navigation():
        page.select_option("#kind", "territorial")
    assert "kind=territorial" in page.url

    page.context.clear_cookies()
    login(page, base_url, "handler", settings.DEMO_PASSWORD)
    assert_headers(page.goto(f"{base_url}/mediation/ledger/"), private=True)
    expect(page.locator("table.ledger tbody tr").first).to_be_visible()
    assert page.csp_violations == []


def test_an_inline_script_would_be_blocked_and_reported(phone_page, base_url, demo_tree):
    # The control: the policy is enforced and the console watch sees a violation.
    page = phone_page
    page.goto(f"{base_url}/public/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert any("script-src" in v for v in page.csp_violations)
    page.csp_violations.clear()
