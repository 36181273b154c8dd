"""The village liaison's daily screening on a phone (390x844) in Chromium: two disputes
(one resolved on the spot, one passed up), a double tap that stores one report, a nil
return on another day, an error that keeps what was typed, a reload that restores
the draft; and the township's ledger on a phone."""

import datetime as dt

from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from xinfang.core import calendar
from xinfang.mediation.models import Dispute, DisputeState, ScreeningReport
from xinfang.orgs.demo import TOWNSHIP_A

from .conftest import shoot, zh

REPORT_URL = "/mediation/screening/report/"


def fill_dispute(page, i: int, *, summary, kind, applicants, respondents, outcome, how=""):
    p = f"#id_disputes-{i}-"
    page.fill(p + "summary", summary)
    page.select_option(p + "type", kind)
    page.fill(p + "applicants", applicants)
    page.fill(p + "respondents", respondents)
    page.locator(f"input[name='disputes-{i}-outcome'][value='{outcome}']").check()
    if how:
        page.fill(p + "how_resolved", how)


def test_liaison_reports_two_disputes_and_a_double_tap_stores_one_report(
    phone_page, base_url, demo_tree, login
):
    page = phone_page
    login(page, base_url, "liaison", settings.DEMO_PASSWORD)
    assert page.url.endswith("/start/liaison/")
    page.locator(f"main a[href='{REPORT_URL}']").first.tap()
    expect(page.locator("h1")).to_have_text(zh("Daily screening report"))
    # Phone-first: the submit button is a big tap target across the screen.
    box = page.locator("[data-submit]").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300

    page.locator("input[name=status][value=found]").check()
    expect(page.locator("#dispute-1")).to_be_visible()
    expect(page.locator("#dispute-2")).to_be_hidden()
    fill_dispute(
        page,
        0,
        summary="两户因宅基地边界发生争执",
        kind="neighbour",
        applicants="王大山",
        respondents="李小河",
        outcome="resolved",
        how="村调解员现场丈量，双方认可原界址",
    )
    page.locator(".add-dispute").tap()
    expect(page.locator("#dispute-2")).to_be_visible()
    fill_dispute(
        page,
        1,
        summary="工地拖欠三名村民工资",
        kind="labor",
        applicants="赵铁柱、孙二",
        respondents="某建筑劳务公司",
        outcome="passed_up",
    )
    page.locator("input[name='disputes-1-risk'][value=medium]").check()
    expect(page.locator("#id_disputes-1-how_resolved")).to_be_hidden()
    shoot(page, "liaison-report-phone", full_page=True)

    # A double tap: the button is disabled after the first, the token does the rest.
    with page.expect_navigation():
        page.locator("[data-submit]").dblclick()

    expect(page.locator(".confirm")).to_be_visible()
    expect(page.locator(".dispute-list > li")).to_have_count(2)
    assert ScreeningReport.objects.count() == 1
    report = ScreeningReport.objects.get()
    assert report.report_date == calendar.today() and not report.nil
    resolved = Dispute.objects.get(resolved_on_spot=True)
    passed = Dispute.objects.get(resolved_on_spot=False)
    assert resolved.state == DisputeState.SETTLED
    assert passed.state == DisputeState.REPORTED and passed.township == demo_tree[TOWNSHIP_A]
    assert [p.name for p in passed.parties.all()] == ["赵铁柱", "孙二", "某建筑劳务公司"]
    assert passed.events.filter(action="pass_up").count() == 1
    # The draft kept on the phone is gone once the township has the report.
    key = f"screening-draft:{report.liaison_id}:{report.village_id}"
    assert page.evaluate(f"window.localStorage.getItem('{key}')") is None


def test_nil_return_on_another_day(phone_page, base_url, demo_tree, login):
    page = phone_page
    login(page, base_url, "liaison", settings.DEMO_PASSWORD)
    yesterday = calendar.today() - dt.timedelta(days=1)
    page.goto(base_url + REPORT_URL)

    page.fill("#id_report_date", yesterday.isoformat())
    page.locator("input[name=status][value=nil]").check()
    expect(page.locator("[data-disputes]")).to_be_hidden()
    with page.expect_navigation():
        page.locator("[data-submit]").tap()

    expect(page.locator(".confirm")).to_be_visible()
    report = ScreeningReport.objects.get()
    assert report.nil and report.report_date == yesterday
    assert not Dispute.objects.exists()


def test_an_error_keeps_what_was_typed_and_a_reload_restores_the_draft(
    phone_page, base_url, demo_tree, login
):
    page = phone_page
    login(page, base_url, "liaison", settings.DEMO_PASSWORD)
    page.goto(base_url + REPORT_URL)
    page.locator("input[name=status][value=found]").check()
    fill_dispute(
        page,
        0,
        summary="",  # forgotten
        kind="family",
        applicants="刘秀英",
        respondents="刘国强",
        outcome="passed_up",
    )

    with page.expect_navigation() as nav:
        page.locator("[data-submit]").tap()

    assert nav.value.status == 400
    expect(page.get_by_role("alert").first).to_be_visible()
    summary_field = page.locator(".field", has=page.locator("#id_disputes-0-summary"))
    expect(summary_field.locator(".errorlist")).to_be_visible()
    expect(page.locator("#id_disputes-0-applicants")).to_have_value("刘秀英")
    expect(page.locator("#id_disputes-0-respondents")).to_have_value("刘国强")
    expect(page.locator("input[name='disputes-0-outcome'][value=passed_up]")).to_be_checked()
    expect(page.locator("[data-submit]")).to_be_enabled()
    assert not ScreeningReport.objects.exists()
    shoot(page, "liaison-report-error-phone")

    # The connection drops and the liaison opens the page again: the draft is back.
    page.fill("#id_disputes-0-summary", "子女对赡养费用分担有争议")
    page.goto(base_url + REPORT_URL)
    expect(page.locator("[data-draft-note]")).to_be_visible()
    expect(page.locator("#id_disputes-0-summary")).to_have_value("子女对赡养费用分担有争议")
    expect(page.locator("#id_disputes-0-applicants")).to_have_value("刘秀英")
    with page.expect_navigation():
        page.locator("[data-submit]").tap()
    expect(page.locator(".confirm")).to_be_visible()
    assert Dispute.objects.get().summary == "子女对赡养费用分担有争议"


def test_the_townships_ledger_on_a_phone(phone_page, base_url, demo_tree, login):
    call_command("seed_demo_screening", allow_production=True, verbosity=0)
    page = phone_page
    login(page, base_url, "handler", settings.DEMO_PASSWORD)

    page.goto(base_url + "/mediation/ledger/")

    expect(page.locator("h1")).to_contain_text(demo_tree[TOWNSHIP_A].name)
    expect(page.locator("table.ledger tbody tr").first).to_be_visible()
    expect(page.locator(".missing")).to_be_visible()
    # Overdue is said in words with an icon, not by colour alone.
    expect(page.locator(".overdue").first).to_contain_text("⚠")
    # The missed reports and the first (overdue) dispute in one phone screen.
    page.locator(".missing").evaluate("e => e.scrollIntoView()")
    shoot(page, "ledger-phone")
