"""The leader's case ownership end to end (领导包案, 一案一策, 群众评议): the start
page shows the owned matters; the leader owns another matter with a plan through
the web form; a public evaluation with five participants is held on it and its
minutes PDF is downloaded and read back (Chinese); the plan is resolved; the counts
on /leadership/ownership/stats/ move. The leader's start page is saved to
docs/screenshots/ with UPDATE_SCREENSHOTS=1 (else e2e/artifacts/)."""

import datetime as dt
import re

import pypdfium2
import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from xinfang.core import calendar
from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.leadership.models import Hearing, OwnershipPlan
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import OPEN_STATES, Category, Petition

from .conftest import DOC_SCREENSHOTS

PEOPLE = [
    ("赵人大", "deputy", "13800001111"),
    ("钱政协", "cppcc", "13800002222"),
    ("孙律师", "lawyer", "0375-6123456"),
    ("李村民", "villager", ""),
    ("张信访", "petitioner", "13812345678"),
]


def _stat(page, base_url, name: str) -> int:
    page.goto(f"{base_url}/leadership/ownership/stats/")
    return int(page.locator(f"[data-{name}]").inner_text())


@pytest.fixture
def demo(demo_tree):
    # A live-server test empties the database after it: seed what this one needs.
    call_command("seed_demo", allow_production=True, verbosity=0)
    seed_categories(Category)
    call_command("seed_demo_petitions", allow_production=True, verbosity=0)
    call_command("seed_demo_ownership", allow_production=True, verbosity=0)


def test_the_leader_owns_a_matter_holds_an_evaluation_and_resolves_it(
    desktop_page, base_url, login, demo, tmp_path
):
    page = desktop_page
    login(page, base_url, "leader", settings.DEMO_PASSWORD)

    # The start page: the matters the leader owns.
    page.goto(f"{base_url}/start/leader/")
    expect(page.get_by_text("我包案的事项").first).to_be_visible()
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOC_SCREENSHOTS / "leader-start-desktop.png"), full_page=True)
    page.goto(f"{base_url}/leadership/ownership/")
    expect(page.locator("main")).to_contain_text("建筑公司拖欠28名农民工工资")

    owned = _stat(page, base_url, "owned")
    resolved = _stat(page, base_url, "resolved")

    # Own another matter with a plan, through the web form.
    matter = (
        Petition.objects.filter(state__in=OPEN_STATES, ownership_plan__isnull=True)
        .order_by("pk")
        .first()
    )
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
    with page.expect_download() as info:
        page.locator("[data-minutes]").click()
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
    assert _stat(page, base_url, "owned") == owned + 1
    assert _stat(page, base_url, "resolved") == resolved + 1
