"""Stored deadlines follow the holiday data: a year published by an
administrator, or a library upgrade found by the tick, moves them, and each move
is on the matter's timeline (issue 10, acceptance 6)."""

import datetime as dt

import pytest
from chinese_calendar.constants import holidays as library_holidays
from django.core.management import call_command

from xinfang.core import calendar
from xinfang.core.calendar import CalendarEntry
from xinfang.core.services import calendar_data_sync, calendar_year_publish
from xinfang.petitions import services, timeline
from xinfang.petitions.models import PetitionEvent

from .fixtures import answer, unit


@pytest.fixture(autouse=True)
def fresh_calendar():
    calendar.invalidate_cache()
    yield
    calendar.invalidate_cache()


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def moves(p):
    return list(PetitionEvent.objects.filter(petition=p, action="deadline_recomputed"))


def test_publishing_a_year_recomputes_open_provisional_deadlines(people, register, travel):
    travel("2026-12-28")
    calendar_data_sync()
    p = register()  # forward clock: 15 days from 28 Dec 2026 -> 12 Jan 2027
    assert p.due_date == dt.date(2027, 1, 12) and p.due_provisional
    # The State Council's schedule (as an administrator would enter it) makes
    # 11-13 Jan 2027 rest days, for the sake of the test.
    calendar_year_publish(
        year=2027,
        days=[CalendarEntry(dt.date(2027, 1, d), False, "test holiday") for d in (11, 12, 13)],
    )
    p.refresh_from_db()
    assert p.due_date == dt.date(2027, 1, 14) and not p.due_provisional
    [event] = moves(p)
    assert event.data["previous_due"] == "2027-01-12" and event.data["due"] == "2027-01-14"
    assert event.data["reason"] == "published"
    sentence = timeline.describe(event)
    assert "2027-01-12" in sentence and "2027-01-14" in sentence


def test_new_years_day_of_an_unknown_year_is_never_a_stored_due_date(people, register, travel):
    travel("2026-12-17")
    p = register()  # 15 days -> Friday 1 January 2027, 元旦

    assert (p.due_date, p.due_provisional) == (dt.date(2027, 1, 4), True)


def test_a_library_upgrade_moves_a_stored_deadline_at_the_next_tick(
    people, register, travel, monkeypatch
):
    travel("2026-12-10")
    calendar_data_sync()
    p = register()  # 15 days -> Friday 25 December 2026, a working day
    assert (p.due_date, p.due_provisional) == (dt.date(2026, 12, 25), False)

    # The next chinese-calendar release (simulated) makes 25 December a holiday.
    monkeypatch.setitem(library_holidays, dt.date(2026, 12, 25), "test holiday")
    counts = services.petitions_tick()

    p.refresh_from_db()
    assert counts["holiday_years"] == 1
    assert p.due_date == dt.date(2026, 12, 28)
    assert p.yellow_from == calendar.yellow_from(dt.date(2026, 12, 10), dt.date(2026, 12, 28))
    [event] = moves(p)
    assert event.data["reason"] == "data_changed" and event.data["years"] == [2026]
    assert "2026-12-25" in timeline.describe(event)
    assert services.petitions_tick()["holiday_years"] == 0
    assert len(moves(p)) == 1  # once


def test_the_review_window_moves_in_the_petitioners_view_too(people, register, travel, monkeypatch):
    travel("2026-11-02")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    p = act(people["handler"], p, "sign")
    p = act(people["handler"], p, "accept")
    p = answer(
        people["handler"],
        p,
        "reply",
        outcome="explain",
        text="已解释政策。",
        facts="经核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    p = act(people["handler"], p, "record_service", method="direct", served_on=dt.date(2026, 11, 2))
    window = p.window_ends_on
    assert window == dt.date(2026, 12, 2)
    monkeypatch.setitem(library_holidays, window, "test holiday")

    calendar_data_sync()

    p.refresh_from_db()
    assert p.window_ends_on > window
    [event] = moves(p)
    assert event.public and event.data["previous_window"] == window.isoformat()


def test_migrate_moves_the_stored_deadlines(people, register, travel, monkeypatch):
    travel("2026-12-10")
    calendar_data_sync()
    p = register()
    monkeypatch.setitem(library_holidays, dt.date(2026, 12, 25), "test holiday")

    call_command("migrate", verbosity=0, interactive=False)

    p.refresh_from_db()
    assert p.due_date == dt.date(2026, 12, 28) and len(moves(p)) == 1


def test_a_deadline_outside_the_changed_years_is_left_alone(people, register, travel, monkeypatch):
    travel("2026-12-10")
    calendar_data_sync()
    p = register()
    monkeypatch.setitem(library_holidays, dt.date(2025, 12, 25), "test holiday")

    calendar_data_sync()

    p.refresh_from_db()
    assert p.due_date == dt.date(2026, 12, 25) and moves(p) == []


def test_the_recompute_is_registered_with_the_calendar():
    assert services.recompute_deadlines in calendar.RECOMPUTE_CALLBACKS
