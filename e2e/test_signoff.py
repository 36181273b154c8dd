"""签发 in Chromium: the handler drafts the written opinion, the unit head sends it
back with a comment, the handler revises it, the unit head approves it (after the
preview), the handler issues it; each worklist shows each step to the one who
acts, and to no one else."""

import importlib

import pypdfium2
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from xinfang.orgs.demo import CITY_RECEPTION, TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, DraftState, OpinionDraft, State

from .conftest import login

VALID_ID = "11010519491231002X"


def zh(text) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


@pytest.fixture
def accepted(demo_tree):
    seed_categories(Category)
    users = {u.username: u for u in get_user_model().objects.all()}
    p = services.petition_register(
        actor=users["clerk"],
        registering_unit=Unit.objects.get(code=CITY_RECEPTION[0]),
        channel="visit",
        purpose="appeal",
        category=Category.objects.get(code="0401"),
        place=Unit.objects.get(code=TOWNSHIP_A + "001"),
        summary="某公司拖欠工资三个月",
        content="某建筑公司拖欠我们工资三个月，多次讨要未果。",
        petitioners=[{"name": "张三", "id_number": VALID_ID, "phone": "13812345678"}],
        people_count=1,
    )
    for who, action, extra in (
        ("dispatcher", "forward", {"responsible_unit": Unit.objects.get(code=TOWNSHIP_A)}),
        ("handler", "sign", {}),
        ("handler", "accept", {}),
    ):
        p = services.petition_act(actor=users[who], petition_id=p.pk, action=action, **extra)
    return p


def as_user(page, base_url, username):
    page.context.clear_cookies()
    login(page, base_url, username, settings.DEMO_PASSWORD)


def worklist_drafts(page, base_url) -> dict[str, str]:
    """The sign-off groups on the user's worklist, by key, with their text."""
    page.goto(f"{base_url}/petitions/")
    groups = page.locator("[data-drafts]")
    return {
        groups.nth(i).get_attribute("data-drafts"): groups.nth(i).inner_text()
        for i in range(groups.count())
    }


def test_draft_send_back_revise_approve_issue(
    desktop_page, base_url, accepted, save_screenshot, tmp_path
):
    page, p = desktop_page, accepted
    matter = f"{base_url}/petitions/{p.pk}/"
    # The preview renders the notice template the migrations seed; an earlier
    # live-server test emptied the database, so write them again (2022 texts).
    importlib.import_module("xinfang.core.migrations.0008_notice_texts_2022").forward(apps, None)

    # The handler drafts the opinion and submits it.
    as_user(page, base_url, "handler")
    page.goto(matter)
    expect(page.locator("form[action$='/reply/']")).to_have_count(0)  # no side door
    page.locator("[data-new-draft] summary").click()
    page.select_option("#id_draft-outcome", "support")
    page.fill("#id_draft-facts", "经调查核实，该公司拖欠工资属实。")
    page.fill("#id_draft-text", "经核实，已责令该公司于30日内足额支付拖欠工资。")
    page.fill("#id_draft-legal_basis", "《保障农民工工资支付条例》第三条")
    with page.expect_navigation():
        page.locator("[data-new-draft] button[type=submit]").click()
    draft = page.locator("[data-draft]")
    expect(draft).to_have_attribute("data-draft-state", "draft")
    with page.expect_navigation():
        draft.get_by_role("button", name=zh("Submit for approval")).click()
    expect(page.locator("[data-draft]")).to_have_attribute("data-draft-state", "submitted")
    assert worklist_drafts(page, base_url) == {}  # nothing for the handler to do now

    # The unit head finds it on the worklist and sends it back with a comment.
    as_user(page, base_url, "unit_head")
    groups = worklist_drafts(page, base_url)
    assert list(groups) == ["awaiting"] and p.number in groups["awaiting"]
    save_screenshot(page, "signoff-unit-head-worklist")
    page.locator("[data-drafts=awaiting] a", has_text=p.number).click()
    page.fill("[data-decision] textarea", "请补充调查笔录的时间和地点。")
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Send back with a comment")).click()
    expect(page.locator("[data-draft]")).to_have_attribute("data-draft-state", "sent_back")
    assert worklist_drafts(page, base_url) == {}

    # The handler sees it sent back, with the comment, and revises it.
    as_user(page, base_url, "handler")
    groups = worklist_drafts(page, base_url)
    assert list(groups) == ["sent_back"] and "请补充调查笔录的时间和地点。" in groups["sent_back"]
    page.locator("[data-drafts=sent_back] a", has_text=p.number).click()
    expect(page.locator("[data-draft-comment]")).to_contain_text("请补充调查笔录的时间和地点。")
    d = OpinionDraft.objects.get(petition=p)
    page.fill(f"#id_draft-{d.pk}-facts", "经2026年11月2日在该公司现场调查核实，拖欠工资属实。")
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Submit for approval")).click()
    expect(page.locator("[data-draft]")).to_have_attribute("data-draft-state", "submitted")

    # The unit head previews the notice (marked as a draft) and approves it.
    as_user(page, base_url, "unit_head")
    page.goto(matter)
    # The preview the link downloads (fetched with the page's session: rendering the
    # PDF with its embedded font may outlast a click's download wait on a busy machine).
    href = page.locator("[data-draft-preview]").get_attribute("href")
    preview = page.request.get(f"{base_url}{href}", timeout=60_000)
    assert preview.ok and preview.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(preview.body())
    words = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    words = "".join(words.split())  # lines break anywhere in Chinese
    assert "草稿" in words and "现场调查核实" in words and "《信访工作条例》" in words
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Approve"), exact=True).click()
    expect(page.locator("[data-draft]")).to_have_attribute("data-draft-state", "approved")
    assert worklist_drafts(page, base_url) == {}

    # The handler issues it: the matter's opinion, with the approved text.
    as_user(page, base_url, "handler")
    groups = worklist_drafts(page, base_url)
    assert list(groups) == ["to_issue"]
    page.locator("[data-drafts=to_issue] a", has_text=p.number).click()
    with page.expect_navigation():
        page.locator("[data-issue] button[type=submit]").click()
    expect(page.locator(".status-line .state").first).to_have_text(zh(State.OPINION_ISSUED.label))
    expect(page.locator(".timeline")).to_contain_text("已责令该公司于30日内足额支付拖欠工资")
    expect(page.locator("[data-notice=reply]")).to_have_count(1)
    save_screenshot(page, "signoff-issued")
    assert worklist_drafts(page, base_url) == {}
    d.refresh_from_db()
    p.refresh_from_db()
    assert d.state == DraftState.ISSUED and d.revision == 2
    assert p.state == State.OPINION_ISSUED and p.opinion_outcome == "support"

    # The township next door never saw any of it.
    as_user(page, base_url, "handler2")
    assert worklist_drafts(page, base_url) == {}
