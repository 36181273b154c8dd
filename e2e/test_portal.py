"""The citizen's side in Chromium at phone size: submit with a photo, keep the code,
track the matter, see the acceptance notice, evaluate, ask for review; the query
terminal's reset; and the screenshots under docs/screenshots/."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import expect

from xinfang.orgs.demo import TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition, State

from .conftest import DOC_SCREENSHOTS, PDF_MS, _page

DOCS = DOC_SCREENSHOTS
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
VALID_ID = "11010519491231002X"


def zh(text) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


@pytest.fixture
def shot_page(browser, request):
    """A phone at 1x for the committed screenshots (small files, same layout)."""
    yield from _page(
        browser,
        request,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=1,
        locale="zh-CN",
    )


def staff(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def fill_submit_form(page, tmp_path, *, with_file=True):
    page.locator("#id_p-0-name").fill("张三")
    page.locator("#id_p-0-id_number").fill(VALID_ID)
    page.locator("#id_p-0-phone").fill("13812345678")
    page.locator("#id_purpose").select_option("appeal")
    page.locator("#id_category").select_option(str(Category.objects.get(code="0401").pk))
    village = Unit.objects.get(code=TOWNSHIP_A + "001")
    page.locator("[data-place-search]").fill(village.name)
    page.locator("#id_place").select_option(str(village.pk))
    page.locator("#id_summary").fill("某公司拖欠工资三个月")
    page.locator("#id_content").fill("某公司拖欠我们三个月工资，多次讨要未果。")
    page.locator("#id_request").fill("请求督促支付工资")
    photo = tmp_path / "欠条.png"
    photo.write_bytes(PNG)
    if with_file:
        page.locator("#id_attachments").set_input_files(str(photo))
    page.locator("#id_consent").check()


def test_submit_track_notice_evaluate_review_at_phone_size(
    phone_page, shot_page, base_url, demo_tree, tmp_path
):
    seed_categories(Category)
    page = phone_page
    page.goto(f"{base_url}/public/submit/")
    expect(page.locator("h1")).to_have_text(zh("Submit a matter"))

    # A mistake first: nothing typed is lost, the error sits next to the field.
    fill_submit_form(page, tmp_path)
    page.locator("#id_summary").fill("")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#id_summary_error")).to_be_visible()
    expect(page.locator("#id_content")).to_have_value("某公司拖欠我们三个月工资，多次讨要未果。")
    expect(page.locator("#id_p-0-phone")).to_have_value("13812345678")
    assert Petition.objects.count() == 0

    # A reload keeps the draft too (this device only).
    page.reload()
    expect(page.locator("#id_content")).to_have_value("某公司拖欠我们三个月工资，多次讨要未果。")

    page.locator("#id_summary").fill("某公司拖欠工资三个月")
    page.locator("#id_attachments").set_input_files(str(tmp_path / "欠条.png"))
    page.locator("#id_consent").check()
    # A double tap on a slow connection: one matter.
    page.locator("main button[type=submit]").dblclick()
    expect(page.locator("h1")).to_have_text(zh("Your matter has been received"))
    assert Petition.objects.count() == 1
    p = Petition.objects.get()
    assert p.attachments.count() == 1
    code = page.locator(".big-print.code").inner_text().strip()
    assert code.replace("-", "") == p.query_code
    expect(page.locator("main")).to_contain_text("138****5678")
    page.goto(f"{base_url}/public/submit/")
    expect(page.locator("#id_content")).to_have_value("")  # the draft is gone after success

    # The office forwards, the township signs and accepts.
    act(staff("dispatcher"), p, "forward", responsible_unit=Unit.objects.get(code=TOWNSHIP_A))
    handler = staff("handler")
    act(handler, p, "sign")
    act(handler, p, "accept")

    # Track with the code typed loosely.
    page.goto(f"{base_url}/public/track/")
    page.locator("#id_code").fill(" " + code.lower().replace("-", " ") + " ")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(zh("My matter"))
    assert p.query_code not in page.url
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(zh("Accept"))
    expect(timeline.locator(".tag").first).to_be_visible()  # a written notice
    p.refresh_from_db()
    expect(page.locator("main")).to_contain_text(p.due_date.isoformat())
    notices = page.locator(".notices a")
    if notices.count():  # the written notices' PDF
        with page.expect_download(timeout=PDF_MS) as download:
            notices.first.click(timeout=PDF_MS)
        assert download.value.suggested_filename.endswith(".pdf")

    # The answer comes (签发: the unit head approved it); the petitioner rates it and
    # asks for review.
    services.opinion_sign_off(
        author=handler,
        approver=staff("unit_head"),
        petition_id=p.pk,
        outcome="explain",
        text="经核查，已督促公司制定支付计划。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    page.reload()
    page.locator("label[for=id_unit_rating_1]").click()
    page.locator("label[for=id_office_rating_0]").click()
    page.locator("#id_comment").fill("希望尽快落实")
    page.get_by_role("button", name=zh("Send my rating")).click()
    expect(page.locator(".messages")).to_contain_text(
        zh("Thank you. Your evaluation has been recorded.")
    )
    assert p.evaluations.get().unit_rating == "basically_satisfied"

    page.locator("#id_reasons").fill("公司至今未支付任何工资。")
    page.get_by_role("button", name=zh("Ask for review")).click()
    expect(page.locator("main")).to_contain_text(zh(State.UNDER_REVIEW.label))
    p.refresh_from_db()
    assert p.state == State.UNDER_REVIEW

    # A wrong code: a clear message.
    page.goto(f"{base_url}/public/track/")
    page.locator("#id_code").fill("ABCD-EFGH-JKMNP")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#id_code_error")).to_contain_text(
        zh(
            "No matter has this query code. Check it and try again: the code has 13 symbols, "
            "the digits 2 to 9 and the letters A to Z without I, L and O."
        )
    )

    # The screenshots linked from the README.
    DOCS.mkdir(parents=True, exist_ok=True)
    shot = shot_page
    shot.goto(f"{base_url}/public/submit/")
    shot.screenshot(path=str(DOCS / "portal-submit.png"))
    shot.goto(f"{base_url}/public/track/")
    shot.locator("#id_code").fill(code)
    shot.locator("main button[type=submit]").click()
    shot.screenshot(path=str(DOCS / "portal-track.png"), full_page=True)


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_THROTTLE_RATES": {"public_lookup": "2/minute", "public_submit": "2/minute"}
    }
)
def test_rate_limiting_answers_politely(phone_page, base_url, demo_tree):
    from django.core.cache import cache

    cache.clear()
    page = phone_page
    for _ in range(3):
        page.goto(f"{base_url}/public/track/")
        page.locator("#id_code").fill("ABCD-EFGH-JKMNP")
        page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(zh("Please wait a moment"))
    expect(page.locator("main")).to_contain_text(
        zh("Nothing you sent has been lost: what you typed is still in the form when you go back.")
    )
    cache.clear()


def test_the_terminal_resets_after_a_minute_idle(browser, request, base_url, demo_tree):
    seed_categories(Category)
    p, _created = services.petition_submit_public(
        idempotency_key=None,
        purpose="appeal",
        category=Category.objects.get(code="0401"),
        place=Unit.objects.get(code=TOWNSHIP_A + "001"),
        summary="村道损坏无人维修",
        content="村里主干道损坏已半年，雨天无法通行。",
        petitioners=[{"name": "王五"}],
    )
    for page in _page(
        browser,
        request,
        viewport={"width": 1080, "height": 1920},
        has_touch=True,
        device_scale_factor=0.5,
        locale="zh-CN",
    ):
        page.clock.install()
        page.goto(f"{base_url}/kiosk/")
        for symbol in p.query_code:
            page.locator(f'[data-key="{symbol}"]').tap()
        page.locator('[data-key="back"]').tap()
        page.locator(f'[data-key="{p.query_code[-1]}"]').tap()
        expect(page.locator("#kiosk-code")).to_have_value(
            f"{p.query_code[:4]}-{p.query_code[4:8]}-{p.query_code[8:]}"
        )
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / "kiosk-keypad.png"))
        page.get_by_role("button", name=zh("Look up")).tap()
        expect(page.locator("main")).to_contain_text(p.number)
        expect(page.locator("main")).to_contain_text(p.summary)
        page.screenshot(path=str(DOCS / "kiosk-matter.png"))

        # A minute without a touch: back to an empty keypad.
        page.clock.run_for(dt.timedelta(seconds=61).total_seconds() * 1000)
        expect(page.locator("#kiosk-code")).to_be_visible()
        expect(page.locator("#kiosk-code")).to_have_value("")
        assert p.number not in page.content() and p.summary not in page.content()
        page.go_back()
        assert p.number not in page.content()

        # Or at once, with "Done".
        page.goto(f"{base_url}/kiosk/")
        page.locator("#kiosk-code").fill(p.query_code)
        page.get_by_role("button", name=zh("Look up")).tap()
        expect(page.locator("main")).to_contain_text(p.number)
        page.locator("[data-kiosk-done]").tap()
        expect(page.locator("#kiosk-code")).to_have_value("")
        assert p.number not in page.content()


def test_a_lost_answer_then_a_reload_and_resubmit_makes_one_matter(
    phone_page, base_url, demo_tree, tmp_path
):
    """The connection drops after the server made the matter but before the phone got
    the receipt; the person reloads and submits again: still one matter."""
    seed_categories(Category)
    page = phone_page
    page.goto(f"{base_url}/public/submit/")
    # (Without a file: Playwright's route.fetch() does not forward a multipart body.)
    fill_submit_form(page, tmp_path, with_file=False)

    def lose_the_answer(route):
        route.fetch()  # the request reaches the server ...
        route.abort("connectionreset")  # ... but its answer never reaches the phone

    page.route("**/public/submit/", lose_the_answer)
    with pytest.raises(Exception):  # noqa: B017 - the navigation fails, as on a real phone
        with page.expect_navigation(timeout=5000):
            page.locator("main button[type=submit]").click()
    page.unroute("**/public/submit/")
    assert Petition.objects.count() == 1

    page.goto(f"{base_url}/public/submit/")
    expect(page.locator("#id_content")).to_have_value("某公司拖欠我们三个月工资，多次讨要未果。")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(zh("Your matter has been received"))
    assert Petition.objects.count() == 1
    p = Petition.objects.get()
    assert page.locator(".big-print.code").inner_text().strip().replace("-", "") == p.query_code
