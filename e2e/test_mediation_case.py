"""The city centre's mediator takes a dispute to a written agreement in Chromium on a
desktop screen: opens the case, records both parties' consent, a session whose record
those present signed, an agreement with two terms; downloads the agreement (a PDF in
Chinese), sees the judicial-confirmation deadline; the statistics show the settlement."""

import io

import pypdfium2
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from xinfang.core import calendar
from xinfang.mediation import clocks, services
from xinfang.mediation.models import CaseState, DisputeState, Source
from xinfang.orgs.demo import CITY_MEDIATION, TOWNSHIP_A
from xinfang.orgs.models import Unit

# The Chinese of a message, and a screenshot quantized into docs/screenshots/ (with
# UPDATE_SCREENSHOTS=1), as the liaison's test makes them.
from .conftest import shoot, zh


def _dispute_at_the_city_centre():
    call_command("seed_demo", allow_production=True, verbosity=0)
    mediator = get_user_model().objects.get(username="mediator")
    centre = Unit.objects.get(code=CITY_MEDIATION[0])
    services.mediator_add(actor=mediator, body=centre, name="郑秀英", full_time=True, user=mediator)
    dispute, _created = services.dispute_register(
        actor=mediator,
        source=Source.APPLICATION,
        type="neighbour",
        place=Unit.objects.get(code=TOWNSHIP_A + "001"),
        received_by=centre,
        body=centre,
        summary="两户因排水沟渗水发生纠纷",
        details="张大山家院墙因李小河家排水沟长期渗水而开裂，双方多次争吵。",
        parties=[
            {"name": "张大山", "id_number": "11010519491231002X", "phone": "13812345678"},
            {"name": "李小河", "phone": "13987654321"},
        ],
    )
    assert dispute.state == DisputeState.ROUTED and dispute.body == centre
    return dispute


def test_the_mediator_takes_a_dispute_to_a_written_agreement(desktop_page, base_url, login):
    dispute = _dispute_at_the_city_centre()
    page = desktop_page
    login(page, base_url, "mediator", settings.DEMO_PASSWORD)

    page.goto(f"{base_url}/mediation/disputes/?state=open")
    page.get_by_role("link", name=dispute.number).click()
    expect(page.locator("h1")).to_contain_text(dispute.summary)
    page.locator("summary", has_text=zh("Open a case")).click()
    page.get_by_label("郑秀英").check()
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Open a case")).click()
    expect(page.locator(".status-line .tag")).to_have_text(zh("Awaiting the parties' consent"))
    case_url = page.url

    # Each party's consent (人民调解法 Art. 17), one row at a time.
    for _party in ("张大山", "李小河"):
        form = page.locator("form.consent-form").first
        form.locator("input[type=radio][value='1']").check()
        with page.expect_navigation():
            form.get_by_role("button").click()
    expect(page.locator(".status-line .tag")).to_have_text(zh("In mediation"))
    expect(page.locator("[data-deadline]")).to_be_visible()

    page.locator("summary", has_text=zh("Record a session")).click()
    page.fill("#id_session-place", "市群众诉求纠纷调解中心第二调解室")
    page.fill("#id_session-present", "张大山、李小河、郑秀英")
    page.fill("#id_session-signed_by", "张大山、李小河、郑秀英")
    page.fill(
        "#id_session-record", "双方陈述渗水经过；调解员释明相邻关系的法律规定，双方同意协商解决。"
    )
    with page.expect_navigation():
        page.locator("form[action$='/session/'] button[type=submit]").click()
    expect(page.locator(".session")).to_contain_text("双方陈述渗水经过")
    expect(page.locator(".session")).to_contain_text("张大山、李小河、郑秀英")

    form = page.locator("form.agreement-form")
    form.locator("#id_agreement-facts").fill("李小河家排水沟渗水致张大山家院墙开裂。")
    form.locator("#id_agreement-issues").fill("渗水原因及院墙修复费用的承担。")
    form.locator("#id_agreement-responsibilities").fill("李小河对排水沟失修负主要责任。")
    terms = [
        ("李小河改建排水沟并做防渗处理", "李小河", "自行施工", "2026-12-20"),
        ("李小河赔偿张大山院墙修复费用3000元", "李小河", "银行转账", "2026-12-31"),
    ]
    for i, (text, obliged, how, due) in enumerate(terms):
        form.locator(f"#id_agreement-term_{i}_text").fill(text)
        form.locator(f"#id_agreement-term_{i}_obliged").fill(obliged)
        form.locator(f"#id_agreement-term_{i}_how").fill(how)
        form.locator(f"#id_agreement-term_{i}_due_on").fill(due)
    with page.expect_navigation():
        form.get_by_role("button", name=zh("Record the agreement")).click()
    assert page.url == case_url
    expect(page.locator(".status-line .tag")).to_have_text(zh("Agreement reached"))
    expect(page.locator("#agreement-h + p")).to_be_visible()
    expect(page.locator("table.list").last.locator("tbody tr")).to_have_count(2)

    # The agreement as a PDF, in Chinese, with the parties' names.
    href = page.get_by_role("link", name=zh("Every original (PDF)")).get_attribute("href")
    response = page.request.get(base_url + href, timeout=60_000)  # a PDF render on a busy machine
    assert response.ok and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(io.BytesIO(body))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "人民调解协议书" in text and "张大山" in text

    # The 30 days for judicial confirmation (law key judicial_confirmation), from today.
    due = clocks.judicial_window(calendar.today()).due
    expect(page.locator("[data-judicial-window]")).to_have_text(due.isoformat())
    shoot(page, "mediation-case", full_page=True)

    dispute.refresh_from_db()
    case = dispute.cases.get()
    assert case.state == CaseState.SUCCESS and dispute.state == DisputeState.SETTLED
    assert list(case.sessions.get().signed_by) == ["张大山", "李小河", "郑秀英"]

    page.goto(f"{base_url}/mediation/statistics/")
    expect(page.locator("[data-received]")).to_have_text("1")
    expect(page.locator("[data-settled]")).to_have_text("1")
    expect(page.locator("[data-rate]")).to_have_text("100.0%")
