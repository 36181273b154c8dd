"""每周通报: the weekly bulletin's figures, computed by hand here, equal the page,
the PDF and the .xlsx; an issued bulletin is numbered and never changes."""

import datetime as dt
import io
import re

import openpyxl
import pypdfium2
import pytest

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.exceptions import Conflict, InvalidInput
from xinfang.leadership import services
from xinfang.leadership.models import Bulletin, OwnershipPlan
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions import services as petition_services

from .campaigns_helpers import PLAN_FIELDS, forward, make_campaign, office, the_matters

WEEK_DAY = dt.date(2026, 11, 4)  # a Wednesday of ISO week 2026-W45


@pytest.fixture
def running(travel, register, people, demo_tree):
    """A campaign set up on Monday 2026-10-26 (W44) with four listed matters: two
    sent to 八台镇 and owned there (one target 10-30, one 12-01), two still with the
    office, one of those listed red by the supervisor. On Wednesday of W45 the
    second plan is resolved."""
    travel("2026-10-26")
    m = the_matters(register, received_long_ago=dt.date(2026, 6, 1))
    township = demo_tree["410481102"]
    forward(people["dispatcher"], m["long_open"], township)
    forward(people["dispatcher"], m["group"], township)
    petition_services.petition_act(
        actor=people["supervisor"], petition_id=m["repeat"].pk, action="list", colour="red"
    )
    sup = people["supervisor"]
    c = make_campaign(sup)
    c = services.campaign_propose(actor=sup, campaign_id=c.pk)
    c = services.campaign_confirm(
        actor=sup, campaign_id=c.pk, keep=list(c.matters.values_list("pk", flat=True)),
        confirmed=True,
    )  # fmt: skip
    for key, target in (("long_open", dt.date(2026, 10, 30)), ("group", dt.date(2026, 12, 1))):
        c = services.campaign_assign(
            actor=sup,
            campaign_id=c.pk,
            matter=c.matters.get(petition=m[key]).pk,
            owner=people["leader"],
            unit=township,
            target_date=target,
            **PLAN_FIELDS,
        )
    travel("2026-11-04")
    services.plan_resolve(
        actor=people["leader"],
        plan_id=OwnershipPlan.objects.get(petition=m["group"]).pk,
        resolution="stopped",
    )
    return {"campaign": c, "matters": m, "township": township}


def by_hand(running) -> dict:
    """What the bulletin of 2026-W45 must say, counted here from the story above."""
    m = running["matters"]
    for p in m.values():
        p.refresh_from_db()
    red = {
        key
        for key in ("long_open", "repeat", "group", "cross_level")
        if petition_selectors.colour_of(m[key], WEEK_DAY) == "red"
    }
    # The supervisor listed one of the office's matters red; the others run on time
    # (the matters sent to 八台镇 wait to be signed for: that clock colours nothing).
    assert red == {"repeat"}
    return {
        running["township"].name: {
            "listed": 2, "owned": 2, "resolved_week": 1, "resolved_total": 1, "overdue": 1,
            "red": 0,
        },
        office().name: {
            "listed": 2, "owned": 0, "resolved_week": 0, "resolved_total": 0, "overdue": 0,
            "red": 1,
        },
    }  # fmt: skip


def issue(actor, campaign, year=2026, week=45):
    campaign.refresh_from_db()
    services.campaign_issue_bulletin(actor=actor, campaign_id=campaign.pk, year=year, week=week)
    return Bulletin.objects.get(campaign=campaign, year=year, week=week)


def page_rows(html: str) -> dict:
    """{unit id or "total": {key: number}} from the page's table."""
    rows = {}
    for unit, body in re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', html, re.S):
        rows[unit] = {k: int(v) for k, v in re.findall(r'data-k="(\w+)">(\d+)', body)}
    return rows


def test_the_figures_counted_by_hand_equal_the_stored_bulletin(running, people):
    b = issue(people["supervisor"], running["campaign"])
    expected = by_hand(running)
    stored = {r["name"]: {k: r[k] for k in expected[r["name"]]} for r in b.figures["units"]}
    assert stored == expected
    assert b.figures["totals"] == {
        "listed": 4, "owned": 2, "resolved_week": 1, "resolved_total": 1, "overdue": 1, "red": 1,
    }  # fmt: skip
    assert b.figures["red_units"] == [office().name]
    assert [(p["week"], p["listed"], p["resolved"]) for p in b.figures["progress"]] == [
        (44, 4, 0),
        (45, 4, 1),
    ]
    assert (b.week_start, b.week_end) == (dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert b.number == "舞信督〔2026〕1号" and b.issued_on == WEEK_DAY
    assert b.office == office()


def test_the_page_shows_the_figures_counted_by_hand(running, people, client):
    b = issue(people["supervisor"], running["campaign"])
    expected = by_hand(running)
    client.force_login(people["leader"])  # a leader reads the office's bulletins
    r = client.get(f"/leadership/bulletins/{b.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    rows = page_rows(html)
    assert rows[str(running["township"].pk)] == expected[running["township"].name]
    assert rows[str(office().pk)] == expected[office().name]
    assert rows["total"]["resolved_week"] == 1 and rows["total"]["red"] == 1
    assert b.number in html
    # The chart: drawn by the server, two series, the numbers beside it, no script.
    assert '<svg class="progress-chart"' in html
    assert 'data-series="listed"' in html and 'data-series="resolved"' in html
    assert 'stroke-dasharray="6 4"' in html  # told apart in black and white
    assert 'data-week="2026-W45"><th scope="row">2026-W45' in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_an_issued_bulletin_never_changes(running, people, client):
    b = issue(people["supervisor"], running["campaign"])
    before = dict(b.figures)
    services.plan_resolve(
        actor=people["leader"],
        plan_id=OwnershipPlan.objects.get(petition=running["matters"]["long_open"]).pk,
        resolution="agreement",
    )
    b.refresh_from_db()
    assert b.figures == before
    client.force_login(people["supervisor"])
    rows = page_rows(client.get(f"/leadership/bulletins/{b.pk}/").content.decode())
    assert rows["total"]["resolved_week"] == 1
    # The campaign page's week as it stands has moved on.
    html = client.get(f"/leadership/campaigns/{running['campaign'].pk}/").content.decode()
    assert page_rows(html)["total"]["resolved_week"] == 2


def test_a_week_is_issued_once_and_numbers_run_on(running, people):
    sup = people["supervisor"]
    first = issue(sup, running["campaign"])
    with pytest.raises(Conflict):
        issue(sup, running["campaign"])
    second = issue(sup, running["campaign"], week=44)
    assert (first.number, second.number) == ("舞信督〔2026〕1号", "舞信督〔2026〕2号")
    with pytest.raises(InvalidInput):
        issue(sup, running["campaign"], week=46)  # has not begun
    with pytest.raises(InvalidInput):
        issue(sup, running["campaign"], week=54)  # no such week
    with pytest.raises(InvalidInput):
        issue(sup, running["campaign"], week=40)  # before the campaign
    events = [e.action for e in running["campaign"].events.all()]
    assert events.count("issue_bulletin") == 2


def _font_or_skip():
    try:
        cjk_font()
    except FontUnavailable:
        pytest.skip("no CJK font installed")


def test_the_pdf_reads_back_with_the_title_office_number_and_units(running, people, client):
    _font_or_skip()
    b = issue(people["supervisor"], running["campaign"])
    client.force_login(people["supervisor"])
    r = client.get(f"/leadership/bulletins/{b.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    doc = pypdfium2.PdfDocument(r.content)
    assert [round(v) for v in doc[0].get_size()] == [595, 842]  # A4
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    text = text.replace("\r", "").replace("\n", "")
    for needle in (
        "信访积案攻坚每周通报",
        "舞信督〔2026〕1号",
        office().name,
        running["township"].name,
        "2026年11月4日",
        "本周化解",
    ):
        assert needle in text, needle


def test_the_xlsx_reads_back_with_the_table_and_the_weekly_progress(running, people, client):
    b = issue(people["supervisor"], running["campaign"])
    client.force_login(people["supervisor"])
    r = client.get(f"/leadership/bulletins/{b.pk}/xlsx/")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    table, progress = wb.worksheets
    rows = list(table.iter_rows(values_only=True))
    assert rows[1][0] == "舞信督〔2026〕1号"
    body = {row[0]: list(row[1:]) for row in rows[3:]}
    keys = ["listed", "owned", "resolved_week", "resolved_total", "overdue", "red"]
    for name, figures in by_hand(running).items():
        assert body[name] == [figures[k] for k in keys]
    assert list(body.values())[-1] == [4, 2, 1, 1, 1, 1]  # the total
    weeks = list(progress.iter_rows(values_only=True))[1:]
    assert weeks == [
        ("2026-W44", "2026-10-26", "2026-11-01", 4, 0, 0),
        ("2026-W45", "2026-11-02", "2026-11-08", 4, 1, 1),
    ]
