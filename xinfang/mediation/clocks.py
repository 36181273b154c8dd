"""The two clocks of a mediation case, computed through core.calendar.

- The case's time limit: one calendar month from the day mediation starts
  (both parties consented), extendable once by another month with both parties'
  agreement. 人民调解法 sets no period; the one month is the Ministry of Justice's
  rule for the committees (law key mediation_period).
- The judicial-confirmation window (司法确认): the parties may apply jointly
  within 30 days of the written agreement taking effect (law key
  judicial_confirmation).

Both count as every period does (民法典's rules on counting periods): the first day is not
counted; "a month" ends on the same day of the next month (the last day of that
month when it has no such day); a period that ends on a rest day ends on the
next working day instead.
"""

from __future__ import annotations

import calendar as _months
import datetime as dt

from xinfang.core import calendar
from xinfang.core.calendar import Deadline

JUDICIAL_CONFIRMATION_DAYS = 30  # law key judicial_confirmation


def _same_day_next_month(start: dt.date) -> dt.date:
    year = start.year + start.month // 12
    month = start.month % 12 + 1
    return dt.date(year, month, min(start.day, _months.monthrange(year, month)[1]))


def one_month_after(start: dt.date) -> Deadline:
    """The end of a month counted from `start`, moved off rest days."""
    end = _same_day_next_month(start)
    return calendar.add_calendar_days(start, (end - start).days)


def case_deadline(started_on: dt.date, *, extended: bool = False) -> Deadline:
    """The case's time limit: a month from the start, a second month if extended
    (counted on from the end of the first month before any move off rest days,
    so a holiday at the end of the first month does not stretch the second)."""
    if not extended:
        return one_month_after(started_on)
    first_end = _same_day_next_month(started_on)
    second_end = _same_day_next_month(first_end)
    return calendar.add_calendar_days(started_on, (second_end - started_on).days)


def judicial_window(effective_on: dt.date) -> Deadline:
    """The last day to apply for judicial confirmation."""
    return calendar.add_calendar_days(effective_on, JUDICIAL_CONFIRMATION_DAYS)
