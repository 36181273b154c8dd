"""The matter lists' rows, written in Python (views/rows.py): the same cells the
rows' template drew, every value from the matter escaped, in both languages."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from xinfang.orgs.models import Level, Unit
from xinfang.petitions.models import Category, Petition, State
from xinfang.petitions.views.common import days
from xinfang.petitions.views.rows import days_html, with_cells

TODAY = dt.date(2026, 6, 15)


def matter(**kw) -> Petition:
    township = Unit(id=7, name="八台镇", level=Level.TOWNSHIP)
    village = Unit(id=8, name="孙寨村", level=Level.VILLAGE, parent=township)
    village.parent_id = 7
    p = Petition(
        id=42,
        number="410481-2026-000042",
        summary="小区物业<script>alert(1)</script>",
        category=Category(id=3, name="物业管理"),
        place=village,
        responsible_unit=township,
        state=State.ACCEPTED,
        due_date=dt.date(2026, 6, 12),
        clock_colours=True,
    )
    p.colour, p.colour_label = "red", "红"
    p.days = days(p.due_date, TODAY)
    for k, v in kw.items():
        setattr(p, k, v)
    return p


def cells(p) -> str:
    return str(with_cells([p])[0].cells)


def test_a_row_names_the_matter_and_escapes_what_the_petitioner_wrote():
    with translation.override("zh-hans"):
        html = cells(matter())
    assert '<a href="/petitions/42/">410481-2026-000042</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "孙寨村（八台镇）" in html  # a village's name with its township
    assert '<span class="badge badge-red">红</span>' in html
    assert '<td data-label="状态">已受理</td>' in html  # the state, translated
    assert "2026-06-12" in html and "已超期 3 天" in html
    assert html.count("<td") == 7
    assert 'data-label="编号"' in html


def test_a_row_in_english_and_its_flags():
    p = matter(collective=True, accusation=True, due_provisional=True, responsible_unit=None)
    p.responsible_unit_id = None
    with translation.override("en"):
        html = cells(p)
    assert "物业管理 · collective · accusation" in html
    assert ">provisional</abbr>" in html
    assert '<td data-label="Responsible unit">—</td>' in html
    assert "overdue by 3 days" in html


def test_a_row_without_a_clock_shows_the_window_or_the_hearing():
    with translation.override("en"):
        window = cells(matter(due_date=None, window_ends_on=dt.date(2026, 7, 1)))
        hearing = cells(matter(due_date=None, hearing_started_on=TODAY))
        nothing = cells(matter(due_date=None))
        quiet = cells(matter(clock_colours=False))
    assert "petitioner may ask until</span><br>2026-07-01" in window
    assert "paused (hearing)" in hearing
    assert "<div>—</div>" in nothing
    assert "(does not colour)" in quiet


def test_days_left_in_words_and_as_a_tag():
    with translation.override("en"):
        assert (
            str(days_html(days(TODAY, TODAY))) == '<span class="days days-today">due today</span>'
        )
        assert "1 day left" in str(days_html(days(TODAY + dt.timedelta(days=1), TODAY)))
        assert str(days_html(days(None))) == ""
        tag = Template("{% load petitions_tags %}{% days d %}").render(
            Context({"d": days(TODAY - dt.timedelta(days=1), TODAY)})
        )
    assert tag == '<span class="days days-over">overdue by 1 day</span>'
