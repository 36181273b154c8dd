import datetime as dt

from xinfang.core import calendar
from xinfang.core.calendar import CalendarEntry
from xinfang.core.services import calendar_year_publish
from xinfang.petitions import services
from xinfang.petitions.models import PetitionEvent


def test_publishing_a_year_recomputes_open_provisional_deadlines(people, register, travel):
    travel("2026-12-28")
    p = register()  # forward clock: 15 days from 28 Dec 2026 -> 12 Jan 2027
    assert p.due_date == dt.date(2027, 1, 12) and p.due_provisional
    try:
        # The State Council's schedule (as an administrator would enter it) makes
        # 11-13 Jan 2027 rest days, for the sake of the test.
        calendar_year_publish(
            year=2027,
            days=[CalendarEntry(dt.date(2027, 1, d), False, "test holiday") for d in (11, 12, 13)],
        )
        p.refresh_from_db()
        assert p.due_date == dt.date(2027, 1, 14) and not p.due_provisional
        assert PetitionEvent.objects.filter(petition=p, action="deadline_recomputed").exists()
    finally:
        calendar.invalidate_cache()


def test_the_recompute_is_registered_with_the_calendar():
    assert services.recompute_provisional_deadlines in calendar.RECOMPUTE_CALLBACKS
