"""The staff worklist on a phone (issue 11): each matter a card, nothing wider than
the screen; the tabs "waiting for me" and "all I can see" within a thumb's reach."""

from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from xinfang.orgs.demo import CITY_RECEPTION, TOWNSHIP_A
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category


def test_the_handlers_worklist_is_a_stack_of_cards_on_a_phone(
    phone_page, base_url, demo_tree, login, save_screenshot
):
    seed_categories(Category)
    users = {u.username: u for u in get_user_model().objects.all()}
    township = Unit.objects.get(code=TOWNSHIP_A)
    for i, summary in enumerate(
        ["拖欠工资三个月", "村口道路塌陷，雨天积水严重", "邻里宅基地边界争议"]
    ):
        p = services.petition_register(
            actor=users["clerk"],
            registering_unit=Unit.objects.get(code=CITY_RECEPTION[0]),
            channel="visit",
            purpose="appeal",
            category=Category.objects.get(code="0401"),
            place=Unit.objects.get(code=TOWNSHIP_A + "001"),
            summary=summary,
            content=summary + "，请求处理。",
            petitioners=[{"name": f"张{i}", "id_number": "", "phone": ""}],
            people_count=1,
        )
        services.petition_act(
            actor=users["dispatcher"], petition_id=p.pk, action="forward", responsible_unit=township
        )
        if i == 0:
            services.petition_act(
                actor=users["supervisor"], petition_id=p.pk, action="list", colour="red"
            )

    page = phone_page
    login(page, base_url, "handler", settings.DEMO_PASSWORD)
    page.goto(f"{base_url}/petitions/")
    rows = page.locator("table.matters tbody tr")
    expect(rows).to_have_count(3)
    save_screenshot(page, "phone-worklist")

    # Cards: every row is a block as wide as the screen allows, none scrolls sideways.
    assert rows.first.evaluate("tr => getComputedStyle(tr).display") == "block"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert rows.first.bounding_box()["width"] <= 390
    expect(rows.first.locator(".badge")).to_be_visible()
    expect(page.locator("table.matters thead")).not_to_be_in_viewport()
    # The red one (listed red) comes first; the colours are explained below.
    expect(rows.first).to_have_class("row-red")
    expect(page.locator(".colour-legend")).to_be_visible()
    page.locator(".list-tab").last.click()
    expect(page.locator("table.matters tbody tr")).to_have_count(3)
    assert "scope=all" in page.url
