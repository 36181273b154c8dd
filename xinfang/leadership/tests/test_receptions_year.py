"""The Wugang year: after `load_wugang_leadership` the statistics page and the API
show 287 person-times, 469 batches and 3,900 people for 2016; and the rule "a
county-level leader visits down one day a month and makes one appointment"."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from xinfang.leadership import selectors


def test_the_wugang_year_shows_287_469_3900(rec, api_for):
    call_command("load_wugang_leadership", year=2016, allow_production=True, verbosity=0)
    c = Client()
    c.force_login(rec["leader"])
    html = c.get("/leadership/receptions/stats/?year=2016").content.decode()
    assert re.search(r"data-person-times>287<", html)
    assert re.search(r"data-batches>469<", html)
    assert re.search(r"data-people>3900<", html)
    stats = api_for(rec["leader"]).get("/api/v1/receptions/stats?year=2016").json()
    assert stats["total"] == {"person_times": 287, "batches": 469, "people": 3900}
    assert sum(row["people"] for row in stats["by_leader"]) == 3900
    # Loading the same year again is refused rather than doubled.
    with pytest.raises(CommandError):
        call_command("load_wugang_leadership", year=2016, allow_production=True, verbosity=0)


def test_an_outsider_counts_none_of_the_citys_receptions(rec, api_for):
    call_command("load_wugang_leadership", year=2016, allow_production=True, verbosity=0)
    stats = api_for(rec["outsider"]).get("/api/v1/receptions/stats?year=2016").json()
    # Township B's handler sees only visits down to township B.
    assert stats["total"]["person_times"] < 287
    assert all(row["label"] != "接访" for row in stats["by_kind"])


def test_a_leader_is_behind_until_a_visit_down_and_an_appointment_are_held(rec, reception):
    def behind():
        found = selectors.behind_this_month(rec["leader"], year=2026, month=11)
        return {row.leader.username: row.missing for row in found["behind"]}

    assert behind()["r-leader"] == ["visit_down", "appointment"]
    # A scheduled visit down is on the calendar, but not yet done.
    reception(held=False, kind="visit_down", unit=rec["village_a"], on="2026-11-20",
              actor=rec["leader"])  # fmt: skip
    assert behind()["r-leader"] == ["visit_down", "appointment"]
    reception(kind="visit_down", unit=rec["village_a"], on="2026-11-02", actor=rec["leader"])
    assert behind()["r-leader"] == ["appointment"]
    reception(kind="appointment", unit=rec["office"], on="2026-11-02", actor=rec["leader"])
    assert "r-leader" not in behind()
    assert "r-leader2" in behind()
    # Township leaders are not county-level owners; last month does not count.
    assert "r-leader-b" not in behind()
    assert "r-leader" in {
        r.leader.username for r in selectors.behind_this_month(rec["leader"], year=2026,
                                                               month=10)["behind"]
    }  # fmt: skip


def test_the_demo_seed_gives_the_demo_leader_a_calendar_and_a_record(rec):
    call_command("seed_demo_leadership", allow_production=True, verbosity=0)
    call_command("seed_demo_leadership", allow_production=True, verbosity=0)  # idempotent
    c = Client()
    c.force_login(get_user_model().objects.get(username="leader"))
    html = c.get("/leadership/receptions/?month=2026-11").content.decode()
    assert "领导接访日" in html and "下访" in html and "约访" in html
    start = c.get("/start/", follow=True).content.decode()
    assert "本月已接访" in start
    held = selectors.reception_stats(
        user=get_user_model().objects.get(username="leader"),
        date_from=dt.date(2026, 11, 1),
        date_to=dt.date(2026, 11, 30),
    )
    assert held["total"] == {"person_times": 1, "batches": 2, "people": 7}
    # The per-unit figures alone (the analytics' leaders' figures) are the same.
    by_unit = selectors.reception_figures_by_unit(
        user=get_user_model().objects.get(username="leader"),
        date_from=dt.date(2026, 11, 1),
        date_to=dt.date(2026, 11, 30),
    )
    assert by_unit == {
        f.key: {"person_times": f.person_times, "batches": f.batches, "people": f.people}
        for f in held["by_unit"]
    }
    assert sum(f["people"] for f in by_unit.values()) == 7
