"""On a phone the receipt's query code breaks only between its groups, and the
query terminal's logo is not clipped, on a phone and on the terminal's portrait
screen (issue 11). Screenshots under e2e/artifacts/ to look at."""

from importlib import import_module

import pytest
from django.conf import settings

from xinfang.orgs.demo import TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category

from .conftest import _page, save_screenshot


def submitted():
    seed_categories(Category)
    petition, _created = services.petition_submit_public(
        idempotency_key=None,
        purpose="appeal",
        category=Category.objects.get(code="0401"),
        place=Unit.objects.get(code=TOWNSHIP_A + "001"),
        summary="村道损坏无人维修",
        content="村里主干道损坏已半年，雨天无法通行。",
        petitioners=[{"name": "王五", "phone": "13812345678"}],
    )
    return petition


def receipt_session(petition) -> str:
    """A session that has just submitted `petition`, as the submit view leaves it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["portal_receipt"] = {"id": petition.pk, "sms_to": ["138****5678"]}
    store.save()
    return store.session_key


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("text_size", ["normal", "large"])
def test_the_query_code_breaks_only_between_groups_on_a_phone(
    browser, request, base_url, demo_tree, width, text_size
):
    petition = submitted()
    for page in _page(
        browser, request, viewport={"width": width, "height": 844}, is_mobile=True, locale="zh-CN"
    ):
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": receipt_session(petition),
                    "url": base_url,
                },
                {"name": "xf_text", "value": text_size, "url": base_url},
            ]
        )
        page.goto(f"{base_url}/public/receipt/")
        groups = page.locator(".big-print.code .code-group")
        assert groups.count() == 3
        # One line box per group: no group is cut in two.
        lines = page.evaluate(
            "() => [...document.querySelectorAll('.code-group')].map(g => g.getClientRects().length)"
        )
        assert lines == [1, 1, 1]
        text = page.locator(".big-print.code").inner_text().replace("\n", "")
        assert text.replace("-", "") == petition.query_code
        save_screenshot(page, f"receipt-{width}-{text_size}")


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1080, 1920)])
def test_the_kiosk_logo_is_not_clipped(browser, request, base_url, demo_tree, width, height):
    for page in _page(
        browser,
        request,
        viewport={"width": width, "height": height},
        has_touch=True,
        locale="zh-CN",
    ):
        page.goto(f"{base_url}/kiosk/")
        box, glyph = page.evaluate(
            """() => {
                const logo = document.querySelector('.kiosk-top .logo');
                const range = document.createRange();
                range.selectNodeContents(logo);
                const b = logo.getBoundingClientRect(), g = range.getBoundingClientRect();
                return [[b.left, b.top, b.right, b.bottom], [g.left, g.top, g.right, g.bottom]];
            }"""
        )
        # The character's box lies inside the logo's box, on every side.
        assert glyph[0] >= box[0] and glyph[2] <= box[2], (box, glyph)
        assert glyph[1] >= box[1] - 0.5 and glyph[3] <= box[3] + 0.5, (box, glyph)
        save_screenshot(page, f"kiosk-{width}x{height}")
