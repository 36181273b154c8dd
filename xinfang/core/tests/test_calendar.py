"""The statutory calendar. Holidays are the real Chinese schedule (chinese_calendar);
2027 is beyond the library's data, so it stands for "a year not published yet"."""

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
from django.utils import timezone

from xinfang.core import calendar, services
from xinfang.core.calendar import (
    CLOCKS,
    CalendarEntry,
    Colour,
    add_calendar_days,
    add_working_days,
    clock_colour,
    day_status,
    days_left,
    deadline_for,
    is_working_day,
)
from xinfang.core.exceptions import InvalidInput
from xinfang.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

NEW_YEAR_2027 = CalendarEntry(date(2027, 1, 1), False, "元旦")


@pytest.fixture(autouse=True)
def fresh_calendar(monkeypatch, time_machine):
    """No cache or callbacks leak between tests, and the clock never depends on
    the day the suite runs."""
    calendar.invalidate_cache()
    monkeypatch.setattr(calendar, "RECOMPUTE_CALLBACKS", [])
    time_machine.move_to(datetime(2026, 11, 28, 12, 0, tzinfo=calendar.CHINA_TZ), tick=False)
    services.calendar_data_sync()  # the stored fingerprint is today's data
    calendar.invalidate_cache()
    yield
    calendar.invalidate_cache()


@pytest.fixture
def recomputed():
    """Years passed to the recompute registry."""
    years = []
    calendar.register_recompute(lambda **kw: years.extend(sorted(kw["years"])))
    return years


# --- the statutory periods --------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "days", "kind"),
    [
        ("forward", 15, "calendar"),
        ("sign", 1, "working"),
        ("return_objection", 5, "working"),
        ("accept", 15, "calendar"),
        ("handle", 60, "calendar"),
        ("extension_max", 30, "calendar"),
        ("review_request", 30, "calendar"),
        ("review", 30, "calendar"),
        ("re_review_request", 30, "calendar"),
        ("re_review", 30, "calendar"),
    ],
)
def test_it_has_the_statutory_periods(clock, days, kind):
    assert (CLOCKS[clock].period, CLOCKS[clock].kind) == (days, kind)
    assert CLOCKS[clock].basis


def test_it_refuses_an_unknown_clock():
    with pytest.raises(ValueError, match="Unknown clock"):
        deadline_for("appeal", date(2026, 3, 2))


# --- calendar days ----------------------------------------------------------------


def test_it_moves_a_deadline_off_national_day():
    # 2026-09-16 + 15 days = 2026-10-01; the holiday runs to 10-07.
    deadline = deadline_for("forward", date(2026, 9, 16))

    assert deadline.due == date(2026, 10, 8)
    assert deadline.moved_from == date(2026, 10, 1)
    assert deadline.provisional is False
    assert "《信访工作条例》第二十二条第一款" in deadline.basis
    assert "National Day" in deadline.basis


def test_it_leaves_a_deadline_on_a_working_day_alone():
    deadline = deadline_for("accept", date(2026, 3, 2))

    assert deadline.due == date(2026, 3, 17)
    assert deadline.moved_from is None


def test_it_moves_a_deadline_off_a_weekend():
    # 2026-05-29 + 15 = Saturday 2026-06-13.
    assert deadline_for("accept", date(2026, 5, 29)).due == date(2026, 6, 15)


def test_it_keeps_a_deadline_on_a_make_up_saturday():
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday.
    assert add_calendar_days(date(2026, 9, 25), 15).due == date(2026, 10, 10)


def test_it_refuses_a_datetime_for_a_date():
    with pytest.raises(TypeError):
        add_calendar_days(datetime(2026, 3, 2, 1, 0, tzinfo=UTC), 15)


# --- working days -----------------------------------------------------------------


def test_it_counts_a_make_up_saturday_as_a_working_day():
    # Friday 10-09, then Saturday 10-10 (调休上班) is the next working day.
    assert add_working_days(date(2026, 10, 9), 1).due == date(2026, 10, 10)
    # 10-10, 10-12, 10-13, 10-14, 10-15: without the make-up day it would be 10-16.
    assert deadline_for("return_objection", date(2026, 10, 9)).due == date(2026, 10, 15)


def test_it_skips_the_spring_festival_in_working_days():
    # 02-13 Fri, 02-14 Sat (make-up), holiday 02-15..02-23, then 02-24, 25, 26.
    assert deadline_for("return_objection", date(2026, 2, 12)).due == date(2026, 2, 26)


def test_the_sign_clock_is_one_working_day_by_default():
    assert deadline_for("sign", date(2026, 9, 30)).due == date(2026, 10, 8)


def test_the_sign_clock_follows_the_setting(settings):
    settings.XINFANG_SIGN_WORKING_DAYS = 3

    assert deadline_for("sign", date(2026, 9, 30)).due == date(2026, 10, 10)


def test_zero_working_days_is_the_start_or_the_next_working_day():
    assert add_working_days(date(2026, 3, 2), 0).due == date(2026, 3, 2)
    assert add_working_days(date(2026, 10, 1), 0).due == date(2026, 10, 8)


# --- hearings and extensions ----------------------------------------------------------


def test_hearing_time_does_not_count():
    assert deadline_for("re_review", date(2026, 3, 2)).due == date(2026, 4, 1)
    # 10 days of hearing: 2026-04-11 is a Saturday, so Monday 04-13.
    paused = deadline_for("re_review", date(2026, 3, 2), paused_days=10)

    assert paused.due == date(2026, 4, 13)
    assert "10 days paused" in paused.basis


def test_hearing_time_delays_a_working_day_clock():
    # The count starts after the pause: 03-02 + 4 days = Fri 03-06, then Mon 03-09.
    assert deadline_for("sign", date(2026, 3, 2), paused_days=4).due == date(2026, 3, 9)


def test_an_extension_adds_up_to_thirty_days_to_handling():
    # 60 days from 2026-07-01 is Sunday 08-30 -> 08-31; 90 days is Tuesday 09-29.
    assert deadline_for("handle", date(2026, 7, 1)).due == date(2026, 8, 31)
    assert deadline_for("handle", date(2026, 7, 1), extension_days=30).due == date(2026, 9, 29)


def test_an_extension_over_thirty_days_is_refused():
    with pytest.raises(InvalidInput):
        deadline_for("handle", date(2026, 7, 1), extension_days=31)


def test_only_handling_can_be_extended():
    with pytest.raises(ValueError, match="cannot be extended"):
        deadline_for("accept", date(2026, 7, 1), extension_days=5)
    with pytest.raises(ValueError, match="cap"):
        deadline_for("extension_max", date(2026, 7, 1))


# --- years the library does not know -----------------------------------------------


def test_a_2027_deadline_is_provisional_and_new_years_day_is_a_rest_day():
    friday = deadline_for("forward", date(2026, 12, 17))
    saturday = deadline_for("accept", date(2026, 12, 25))

    # 1 January 2027 is a Friday and 元旦 whatever the schedule will say.
    assert (friday.due, friday.moved_from, friday.provisional) == (
        date(2027, 1, 4),
        date(2027, 1, 1),
        True,
    )
    assert (saturday.due, saturday.moved_from) == (date(2027, 1, 11), date(2027, 1, 9))
    assert saturday.provisional is True
    assert is_working_day(date(2027, 1, 1)) == (False, True)
    assert is_working_day(date(2027, 1, 4)) == (True, True)


@pytest.mark.parametrize("clock", ["forward", "accept", "handle", "review_request", "review"])
@pytest.mark.parametrize("year", [2027, 2028, 2031, 2040])
def test_new_years_day_of_an_unknown_year_is_never_a_deadline(clock, year):
    start = date(year, 1, 1) - timedelta(days=CLOCKS[clock].period)

    deadline = deadline_for(clock, start)

    assert year > calendar.LIBRARY_LAST_YEAR
    assert deadline.moved_from == date(year, 1, 1)
    assert deadline.due > date(year, 1, 1) and is_working_day(deadline.due) == (True, True)
    assert deadline.provisional is True


def test_a_deadline_on_new_years_day_2031_moves_to_the_next_working_day():
    # 2031-01-01 is a Wednesday: Thursday the 2nd, provisional.
    deadline = deadline_for("forward", date(2030, 12, 17))

    assert (deadline.due, deadline.provisional) == (date(2031, 1, 2), True)
    assert "New Year's Day" in deadline.basis


def test_the_statutory_holidays_of_an_unknown_year():
    # 2031: 除夕 22 Jan .. 初三 25 Jan (a Saturday, made up on Monday the 27th);
    # 清明 5 April is a Saturday (made up on Monday the 7th); 中秋 falls on
    # 1 October, so National Day's third day is made up on Monday 6 October.
    rest = calendar.statutory_holidays(2031)

    assert sorted(rest) == [
        date(2031, 1, 1),
        date(2031, 1, 22),
        date(2031, 1, 23),
        date(2031, 1, 24),
        date(2031, 1, 27),
        date(2031, 4, 7),
        date(2031, 5, 1),
        date(2031, 5, 2),
        date(2031, 6, 24),
        date(2031, 10, 1),
        date(2031, 10, 2),
        date(2031, 10, 3),
        date(2031, 10, 6),
    ]
    assert day_status(date(2031, 1, 22)) == calendar.DayStatus(False, True, "Spring Festival")
    assert day_status(date(2031, 6, 24)).name == "Dragon Boat Festival"
    assert is_working_day(date(2031, 1, 28)) == (True, True)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_days_agree_with_the_published_schedules(year):
    """The lunar and solar-term dates are checked against the real schedules of the
    years under the 2024 amendment, which the library holds."""
    days = calendar.statutory_days(year)

    assert len(days) == 13
    for day, name in days:
        assert chinese_calendar.get_holiday_detail(day) == (True, name), day


def test_a_working_day_count_into_2027_is_provisional():
    # 12-29, 12-30, 12-31, then 2027-01-01 (元旦) is skipped: 01-04 and 01-05.
    deadline = add_working_days(date(2026, 12, 28), 5)

    assert deadline == calendar.Deadline(
        date(2027, 1, 5), True, "5 working days from 2026-12-28", None
    )


def test_publishing_2027_moves_the_deadline_and_recomputes(recomputed):
    services.calendar_year_publish(year=2027, days=[NEW_YEAR_2027], note="国办发明电〔2026〕")

    deadline = deadline_for("forward", date(2026, 12, 17))
    assert (deadline.due, deadline.moved_from) == (date(2027, 1, 4), date(2027, 1, 1))
    assert deadline.provisional is False
    assert "元旦" in deadline.basis
    assert recomputed == [2027]
    assert is_working_day(date(2027, 3, 6)) == (False, False)  # a plain Saturday


def test_the_recompute_callback_sees_the_new_schedule():
    seen = []
    calendar.register_recompute(
        lambda *, years, reason: seen.append(deadline_for("forward", date(2026, 12, 17)))
    )
    deadline_for("forward", date(2026, 12, 17))  # warm the cache with the old answer

    services.calendar_year_publish(year=2027, days=[NEW_YEAR_2027])

    assert [(d.due, d.provisional) for d in seen] == [(date(2027, 1, 4), False)]


def test_a_failing_recompute_publishes_nothing():
    def fail(*, years, reason):
        deadline_for("forward", date(2026, 12, 17))  # caches the uncommitted schedule
        raise RuntimeError("recompute failed")

    calendar.register_recompute(fail)

    with pytest.raises(RuntimeError):
        services.calendar_year_publish(year=2027, days=[NEW_YEAR_2027])

    assert not CalendarYear.objects.exists()
    deadline = deadline_for("forward", date(2026, 12, 17))
    assert (deadline.due, deadline.provisional) == (date(2027, 1, 4), True)


def test_a_draft_year_does_not_move_deadlines():
    draft = CalendarYear.objects.create(year=2027)
    CalendarDay.objects.create(year=draft, date=date(2027, 1, 4), is_working_day=False)

    deadline = deadline_for("forward", date(2026, 12, 17))

    assert (deadline.due, deadline.provisional) == (date(2027, 1, 4), True)


def test_republishing_replaces_the_days(recomputed):
    services.calendar_year_publish(year=2027, days=[NEW_YEAR_2027])
    services.calendar_year_publish(year=2027, days=[CalendarEntry(date(2027, 1, 4), False, "元旦")])

    assert CalendarDay.objects.count() == 1
    assert deadline_for("forward", date(2026, 12, 17)).due == date(2027, 1, 1)
    assert is_working_day(date(2027, 1, 4)) == (False, False)
    assert recomputed == [2027, 2027]


def test_a_published_day_overrides_the_library():
    services.calendar_year_publish(
        year=2026, days=[CalendarEntry(date(2026, 10, 8), False, "National Day")]
    )

    assert deadline_for("forward", date(2026, 9, 16)).due == date(2026, 10, 9)
    # Days not entered still follow the library, not the weekend rule.
    assert is_working_day(date(2026, 10, 10)) == (True, False)


def test_publishing_refuses_a_day_of_another_year(recomputed):
    with pytest.raises(InvalidInput):
        services.calendar_year_publish(
            year=2027, days=[NEW_YEAR_2027, CalendarEntry(date(2028, 1, 1), False)]
        )

    assert not CalendarYear.objects.exists()
    assert recomputed == []


def test_registering_a_callback_twice_keeps_one():
    def callback(*, years, reason):
        return 0

    calendar.register_recompute(callback)
    calendar.register_recompute(callback)

    assert calendar.RECOMPUTE_CALLBACKS == [callback]


def test_it_reads_the_published_schedule_once(django_assert_num_queries):
    with django_assert_num_queries(2):
        is_working_day(date(2027, 1, 1))
    with django_assert_num_queries(0):
        deadline_for("handle", date(2026, 12, 1))


def test_another_process_publication_is_seen_when_the_cache_expires(monkeypatch):
    assert is_working_day(date(2027, 1, 4)) == (True, True)
    # As if another process published: no invalidation here.
    year = CalendarYear.objects.create(year=2027, published=True)
    CalendarDay.objects.create(year=year, date=date(2027, 1, 4), is_working_day=False)

    assert is_working_day(date(2027, 1, 4)) == (True, True)
    monkeypatch.setattr(calendar, "CACHE_SECONDS", 0)
    assert is_working_day(date(2027, 1, 4)) == (False, False)


def test_an_administrator_publishes_a_draft_year(admin_client, recomputed):
    draft = CalendarYear.objects.create(year=2027)
    CalendarDay.objects.create(year=draft, date=date(2027, 1, 1), is_working_day=False)

    response = admin_client.post(
        "/admin/core/calendaryear/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published and draft.published_by is not None
    assert recomputed == [2027]
    assert deadline_for("forward", date(2026, 12, 17)).due == date(2027, 1, 4)


# --- today, days left, colours ------------------------------------------------------


def test_today_is_the_beijing_date(time_machine):
    time_machine.move_to(datetime(2026, 9, 30, 16, 30, tzinfo=UTC), tick=False)

    with timezone.override("UTC"):
        assert calendar.today() == date(2026, 10, 1)


def test_a_moment_becomes_its_beijing_date():
    assert calendar.to_local_date(datetime(2026, 9, 30, 16, 30, tzinfo=UTC)) == date(2026, 10, 1)
    with pytest.raises(ValueError):
        calendar.to_local_date(datetime(2026, 9, 30, 16, 30))


def test_days_left_counts_to_the_due_day():
    assert days_left(date(2026, 12, 1)) == 3  # frozen on 2026-11-28
    assert days_left(date(2026, 11, 28)) == 0
    assert days_left(date(2026, 11, 20)) == -8


@pytest.mark.parametrize(
    ("period", "left", "colour"),
    [
        # 60 days: 20% (12 days) comes before 3 days.
        (60, 13, Colour.BLUE),
        (60, 12, Colour.YELLOW),
        # 61 days: 20% is 12.2, rounded up to 13.
        (61, 14, Colour.BLUE),
        (61, 13, Colour.YELLOW),
        # 15 days: both thresholds are 3 days.
        (15, 4, Colour.BLUE),
        (15, 3, Colour.YELLOW),
        # 10 days: 3 days (more than 20%) comes first.
        (10, 4, Colour.BLUE),
        (10, 3, Colour.YELLOW),
        # The due day is still on time; the day after is overdue.
        (60, 0, Colour.YELLOW),
        (60, -1, Colour.RED),
    ],
)
def test_colours_at_the_boundaries(period, left, colour):
    start = date(2026, 3, 1)
    due = date.fromordinal(start.toordinal() + period)
    today = date.fromordinal(due.toordinal() - left)

    assert clock_colour(start, due, today) == colour


def test_the_colour_uses_today_by_default(time_machine):
    start, due = date(2026, 9, 1), date(2026, 10, 31)  # 60 days

    time_machine.move_to(datetime(2026, 10, 19, 12, 0, tzinfo=calendar.CHINA_TZ), tick=False)
    assert clock_colour(start, due) == Colour.YELLOW
    time_machine.move_to(datetime(2026, 11, 1, 0, 5, tzinfo=calendar.CHINA_TZ), tick=False)
    assert clock_colour(start, due) == Colour.RED


def test_the_yellow_thresholds_follow_the_settings(settings):
    settings.XINFANG_YELLOW_DAYS = 5
    start, due = date(2026, 3, 1), date(2026, 3, 16)  # 15 days

    assert clock_colour(start, due, date(2026, 3, 11)) == Colour.YELLOW
