"""A leader's reception day in Chromium on a desktop screen: the city reception
centre's clerk records 孙国庆's reception at the centre, two batches (one of six
people), registers a new matter from the first in one step and links an existing
matter to the second; the record shows 2 batches and 7 people, the phone masked.
With UPDATE_SCREENSHOTS=1 the record page goes to docs/screenshots/."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from xinfang.core import calendar
from xinfang.leadership.models import Reception, ReceptionMatter
from xinfang.orgs.demo import CITY_RECEPTION, TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Category

from .conftest import shoot, zh


def _existing_matter():
    call_command("seed_demo", allow_production=True, verbosity=0)
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


def test_a_leaders_reception_day_with_two_batches(desktop_page, base_url, login):
    existing = _existing_matter()
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
