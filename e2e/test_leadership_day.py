"""A leader's day end to end in Chromium on a desktop screen (领导接访、包案、群众评议).

The city reception centre's clerk records 孙国庆's reception at the centre, two
batches (one of six people), registers a new matter from the first in one step and
links an existing matter to the second; the record shows 2 batches and 7 people,
the phone masked, and the reception counts move. Then the leader: the start page
shows the owned matters; the leader owns the matter raised at the reception with a
plan through the web form; a public evaluation with five participants is held on
it and its minutes PDF is downloaded and read back (Chinese); the plan is
resolved; the ownership counts move. With UPDATE_SCREENSHOTS=1 the reception
record and the leader's start page go to docs/screenshots/ (else e2e/artifacts/)."""

import datetime as dt
import re

import pypdfium2
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from xinfang.core import calendar
from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.leadership.models import Hearing, OwnershipPlan, Reception, ReceptionMatter
from xinfang.orgs.demo import CITY_RECEPTION, TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions import services as petition_services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category

from .conftest import DOC_SCREENSHOTS, PDF_MS, shoot, zh

PEOPLE = [
    ("赵人大", "deputy", "13800001111"),
    ("钱政协", "cppcc", "13800002222"),
    ("孙律师", "lawyer", "0375-6123456"),
    ("李村民", "villager", ""),
    ("张信访", "petitioner", "13812345678"),
]


def _stat(page, url: str, name: str) -> int:
    page.goto(url)
    return int(page.locator(f"[data-{name}]").inner_text())


@pytest.fixture
def demo(demo_tree):
    # A live-server test empties the database after it: seed what this one needs.
    call_command("seed_demo", allow_production=True, verbosity=0)
    seed_categories(Category)
    call_command("seed_demo_petitions", allow_production=True, verbosity=0)
    call_command("seed_demo_ownership", allow_production=True, verbosity=0)


def _existing_matter():
    clerk = get_user_model().objects.get(username="clerk")
    return petition_services.petition_register(
        actor=clerk,
        registering_unit=Unit.objects.get(code=CITY_RECEPTION[0]),
        channel="visit",
        purpose="appeal",
        category=Category.objects.get(code="0401"),
        place=Unit.objects.get(code=TOWNSHIP_A + "001"),
        summary="某建筑劳务公司拖欠工资",
        content="某建筑劳务公司拖欠六名农民工工资三个月。",
        petitioners=[{"name": "王建军", "phone": "13987654321"}],
        people_count=6,
    )


def test_a_leaders_day_reception_ownership_evaluation_resolution(
    desktop_page, base_url, login, demo, tmp_path
):
    existing = _existing_matter()
    page = desktop_page
    year = calendar.today().year
    receptions = f"{base_url}/leadership/receptions/stats/?year={year}"
    login(page, base_url, "leader", settings.DEMO_PASSWORD)
    before = {k: _stat(page, receptions, k) for k in ("person-times", "batches", "people")}
    page.context.clear_cookies()
    page = desktop_page
    login(page, base_url, "clerk", settings.DEMO_PASSWORD)

    # The start page's panel leads to the calendar.
    page.goto(f"{base_url}/start/")
    expect(page.locator(".panel h2", has_text=zh("Leaders' receptions"))).to_be_visible()
    page.goto(f"{base_url}/leadership/receptions/new/")
    page.select_option("#id_leader", label="孙国庆 · 舞钢市")
    page.select_option("#id_kind", "reception")
    page.fill("#id_on", calendar.today().isoformat())
    page.fill("#id_time_from", "08:30")
    page.fill("#id_time_to", "12:00")
    page.select_option("#id_unit", label="舞钢市群众来访接待中心")
    page.fill("#id_place", "一楼接待大厅")
    page.fill("#id_topic", "领导接访日")
    page.check("#id_held")
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Save")).click()
    reception = Reception.objects.get()
    expect(page.locator("h1")).to_contain_text(reception.number)
    expect(page.locator("[data-state]")).to_have_text(zh("Held"))

    for people, name, phone, matters in [
        ("1", "张桂兰", "13812345678", "反映孙寨村宅基地确权纠纷，要求重新测量。"),
        ("6", "王建军", "", "反映某建筑劳务公司拖欠六名农民工工资，已来访过一次。"),
    ]:
        page.fill("#id_batch-people_count", people)
        page.fill("#id_batch-name", name)
        page.fill("#id_batch-phone", phone)
        page.fill("#id_batch-matters", matters)
        with page.expect_navigation():
            page.locator("form[data-batch-form] button[type=submit]").click()
    expect(page.locator("[data-totals]")).to_have_text("2批次，7人")

    first = page.locator("article[data-batch='1']")
    first.locator("summary", has_text=zh("Register a new matter")).click()
    first.locator("select[name$='-category']").select_option(label="劳动和社会保障 / 劳资纠纷/欠薪")
    first.locator("select[name$='-place']").select_option(
        value=str(Unit.objects.get(code=TOWNSHIP_A + "001").pk)
    )
    first.locator("input[name$='-summary']").fill("孙寨村宅基地确权纠纷")
    with page.expect_navigation():
        first.get_by_role("button", name=zh("Register a new matter")).click()
    raised = ReceptionMatter.objects.get(how="raised").petition
    expect(page.locator("article[data-batch='1']")).to_contain_text(raised.number)

    second = page.locator("article[data-batch='2']")
    second.locator("summary", has_text=zh("Link an existing matter")).click()
    second.locator("input[name$='-number']").fill(existing.number)
    with page.expect_navigation():
        second.get_by_role("button", name=zh("Link an existing matter")).click()
    expect(page.locator("article[data-batch='2']")).to_contain_text(existing.number)

    assert raised.channel == "visit" and raised.people_count == 1
    assert {m.how for m in ReceptionMatter.objects.all()} == {"raised", "linked"}
    expect(page.locator("article[data-batch='1'] [data-phone]")).to_have_text("138****5678")
    assert "13812345678" not in page.content()
    shoot(page, "reception-record-desktop", full_page=True)

    # The reception counts move: one person-time, two batches, seven people.
    page.context.clear_cookies()
    login(page, base_url, "leader", settings.DEMO_PASSWORD)
    after = {k: _stat(page, receptions, k) for k in ("person-times", "batches", "people")}
    assert after == {
        "person-times": before["person-times"] + 1,
        "batches": before["batches"] + 2,
        "people": before["people"] + 7,
    }

    ownership = f"{base_url}/leadership/ownership/stats/"
    # The start page: the matters the leader owns.
    page.goto(f"{base_url}/start/leader/")
    expect(page.get_by_text("我包案的事项").first).to_be_visible()
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOC_SCREENSHOTS / "leader-start-desktop.png"), full_page=True)
    page.goto(f"{base_url}/leadership/ownership/")
    expect(page.locator("main")).to_contain_text("建筑公司拖欠28名农民工工资")

    owned = _stat(page, ownership, "owned")
    resolved = _stat(page, ownership, "resolved")

    # The leader owns the matter raised at the reception, with a plan (web form).
    matter = raised
    page.goto(f"{base_url}/petitions/{matter.pk}/")
    page.locator(f"a[href='/leadership/matters/{matter.pk}/own/']").click()
    page.fill("#id_person", "八台镇副镇长 王明")
    page.fill("#id_measures", "包案领导约见信访人，组织群众评议，依法依规解释。")
    page.fill("#id_standard", "信访人认可评议结论，签字息诉。")
    page.fill("#id_target_date", (calendar.today() + dt.timedelta(days=30)).isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/leadership/plans/\d+/$"))
    plan = OwnershipPlan.objects.get(petition=matter)
    assert plan.owner.username == "leader"

    # A public evaluation (群众评议) with five participants, from the matter's page.
    page.goto(f"{base_url}/petitions/{matter.pk}/")
    page.locator("[data-schedule-hearing]").click()
    expect(page.locator("[data-clock-rule]")).to_contain_text("不停止计算")
    page.fill("#id_date", calendar.today().isoformat())
    page.fill("#id_place", "八台镇政府三楼会议室")
    page.fill("#id_host", "孙国庆")
    for i, (name, role, phone) in enumerate(PEOPLE):
        page.fill(f"#id_people-{i}-name", name)
        page.select_option(f"#id_people-{i}-role", role)
        page.fill(f"#id_people-{i}-phone", phone)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/leadership/hearings/\d+/$"))
    hearing = Hearing.objects.get(petition=matter)
    assert hearing.participants.count() == 5
    expect(page.locator("[data-participant]")).to_have_count(5)
    expect(page.locator("main")).to_contain_text("138****1111")
    assert "13800001111" not in page.locator("main").inner_text()

    # Record it: who came, each view, the conclusion.
    page.locator("[data-move=hold] summary").click()
    for person in hearing.participants.all():
        page.fill(f"#id_hold-view_{person.pk}", f"{person.name}认为原处理意见合法合理。")
    page.fill("#id_hold-conclusion", "与会人员一致认为原处理意见适当，建议信访人息诉罢访。")
    page.locator("[data-move=hold] button[type=submit]").click()
    expect(page.locator("[data-state]")).to_have_text("已举行")

    # The minutes PDF, downloaded and read back.
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))
    with page.expect_download(timeout=PDF_MS) as info:
        page.locator("[data-minutes]").click(timeout=PDF_MS)
    path = tmp_path / "minutes.pdf"
    info.value.save_as(path)
    pdf = pypdfium2.PdfDocument(str(path))
    text = "".join("".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    for words in ("群众评议会记录", matter.number, "八台镇政府三楼会议室", "孙国庆", "赵人大",
                  "人大代表", "政协委员", "律师", "村民代表", "信访人", "出席",
                  "孙律师认为原处理意见合法合理", "建议信访人息诉罢访", "主持人"):  # fmt: skip
        assert words in text, words

    # Resolve the plan; the counts move.
    page.goto(f"{base_url}/leadership/plans/{plan.pk}/")
    page.locator("details", has=page.locator("#id_resolve-resolution")).locator("summary").click()
    page.select_option("#id_resolve-resolution", "stopped")
    page.fill("#id_resolve-note", "群众评议后信访人签字息诉。")
    page.locator("form[action$='/resolve/'] button[type=submit]").click()
    expect(page.locator("[data-resolution]")).to_be_visible()
    assert _stat(page, ownership, "owned") == owned + 1
    assert _stat(page, ownership, "resolved") == resolved + 1
