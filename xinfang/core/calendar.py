"""The statutory calendar: every deadline of a petition matter is computed here.

Legal basis: the 信访工作条例 (2022), cited through core.law (CLOCKS names the key):
- Art. 22: the petition office forwards or assigns (转送/交办) within 15 days.
- Art. 23(3): the unit it was sent to tells the petitioner within 15 days of
  receiving it whether it takes the matter (受理), or objects within 5 working
  days with detailed reasons.
- Art. 34: handled (办结) within 60 days of acceptance; a complex matter may be
  extended once, by at most 30 days, with the head's approval.
- Art. 35: review (复查) may be asked within 30 days of receiving the written
  answer; decided in 30 days.
- Art. 36: re-review (复核) likewise; the time a public hearing (听证) takes is
  not counted.

How days are counted (the general rule on periods, 民法典 Art. 201 and 203):
the day the period starts is not counted; a period that ends on a rest day
(a public holiday or a weekend day off) ends on the next working day instead;
a make-up working day (调休上班) on a weekend is a working day. "Working days"
follow the same calendar.

Where a day's status comes from, first match wins:
1. a day an administrator entered in a published CalendarYear (a correction);
2. the chinese_calendar library (official schedules, 2004 up to its last year);
3. a published CalendarYear without an entry for that day: Saturday/Sunday rule;
4. otherwise Saturday/Sunday are rest days and the result is *provisional*:
   the State Council publishes each year's schedule late in the year before, so
   a deadline in a year nobody has entered yet may still move.

Inputs are dates in Beijing time; turn a moment into a date with to_local_date().
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import holidays as _library_holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import law
from .exceptions import InvalidInput

# Statutory dates are Beijing dates whatever timezone a user has activated.
CHINA_TZ = ZoneInfo("Asia/Shanghai")

# The published schedule is re-read at most this often by processes that did not
# publish it themselves (the publishing process drops its cache at once).
CACHE_SECONDS = 300

# Years the installed chinese_calendar has data for; outside them it raises
# NotImplementedError, which we never let reach a caller.
LIBRARY_FIRST_YEAR = min(_library_holidays).year
LIBRARY_LAST_YEAR = max(_library_holidays).year

# A safety stop for rolling forward: no real schedule has a month of rest days.
_MAX_ROLL_DAYS = 60


@dataclass(frozen=True)
class Deadline:
    """A computed due date (the last day on which the act is on time).

    provisional: some day used in the computation lies in a year whose holiday
    schedule is not known yet, so the date may still move when it is published.
    basis: an audit trace (clock, legal article, arithmetic) for logs and event
    records; screens render from the fields, translated, not from this string.
    moved_from: the date the period ended on before it was moved off rest days.
    """

    due: date
    provisional: bool
    basis: str
    moved_from: date | None = None


@dataclass(frozen=True)
class DayStatus:
    working: bool
    provisional: bool
    name: str = ""


@dataclass(frozen=True)
class CalendarEntry:
    """One day of a published schedule, as given to services.calendar_year_publish."""

    date: date
    is_working_day: bool
    name: str = ""


class Colour(models.TextChoices):
    """Four-colour listed supervision (红黄蓝绿四色挂牌督办), DOMAIN.md section 5."""

    RED = "red", _("Red")
    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")
    GREEN = "green", _("Green")


class Clock(StrEnum):
    FORWARD = "forward"
    SIGN = "sign"
    RETURN_OBJECTION = "return_objection"
    ACCEPT = "accept"
    HANDLE = "handle"
    EXTENSION_MAX = "extension_max"
    REVIEW_REQUEST = "review_request"
    REVIEW = "review"
    RE_REVIEW_REQUEST = "re_review_request"
    RE_REVIEW = "re_review"


@dataclass(frozen=True)
class ClockSpec:
    """One statutory period. `setting` names a Django setting that overrides
    `days`; `extendable` clocks accept an extension up to Clock.EXTENSION_MAX."""

    days: int
    kind: Literal["calendar", "working"]
    label: str
    basis: str  # a key of core.law.BASES, or the name of a local rule
    setting: str | None = None
    extendable: bool = False

    @property
    def citation(self) -> str:
        """The legal basis as cited: 《信访工作条例》第二十二条第一款 (or the local rule)."""
        return law.cite(self.basis) if self.basis in law.BASES else self.basis

    @property
    def period(self) -> int:
        if self.setting is None:
            return self.days
        value = getattr(settings, self.setting, self.days)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ImproperlyConfigured(f"{self.setting} must be a whole number of days >= 0.")
        return value


CLOCKS: dict[str, ClockSpec] = {
    Clock.FORWARD: ClockSpec(15, "calendar", _("forward"), "forward"),
    # Signing for an assigned matter (签收) is set by local rules, not by the
    # regulation, hence the setting.
    Clock.SIGN: ClockSpec(
        1, "working", _("sign"), "本地交办规定", setting="XINFANG_SIGN_WORKING_DAYS"
    ),
    # The receiving unit objects to a forwarded matter (and returns it) within 5
    # working days, with detailed reasons (statutory: 信访工作条例 Art. 23(3)).
    Clock.RETURN_OBJECTION: ClockSpec(5, "working", _("object to a return"), "return_objection"),
    Clock.ACCEPT: ClockSpec(15, "calendar", _("accept"), "accept_forwarded"),
    Clock.HANDLE: ClockSpec(60, "calendar", _("handle"), "handle_period", extendable=True),
    # Not a clock of its own: the cap on the one extension of "handle".
    Clock.EXTENSION_MAX: ClockSpec(30, "calendar", _("extension"), "handle_period"),
    Clock.REVIEW_REQUEST: ClockSpec(30, "calendar", _("ask for review"), "review"),
    Clock.REVIEW: ClockSpec(30, "calendar", _("review"), "review"),
    Clock.RE_REVIEW_REQUEST: ClockSpec(30, "calendar", _("ask for re-review"), "re_review"),
    Clock.RE_REVIEW: ClockSpec(30, "calendar", _("re-review"), "re_review"),
}


# --- today ---------------------------------------------------------------------


def today() -> date:
    """Today's date in Beijing (tests travel time with time-machine)."""
    return timezone.localdate(timezone=CHINA_TZ)


# Functions below take a `today` argument that shadows the helper.
_today = today


def to_local_date(moment: datetime) -> date:
    """The Beijing date of an aware moment: a letter received at 01:00 Beijing
    time is received that day, though it is still the day before in UTC."""
    if timezone.is_naive(moment):
        raise ValueError("to_local_date() needs an aware datetime.")
    return timezone.localtime(moment, CHINA_TZ).date()


# --- the published schedule, cached per process ---------------------------------


@dataclass(frozen=True)
class _Published:
    years: frozenset[int]
    days: dict[date, tuple[bool, str]]
    loaded_at: float


_published_cache: _Published | None = None


def _published() -> _Published:
    """All published years and their days: two small queries, then cached.

    The table holds a few dozen rows a year, so loading all of it is cheaper than
    asking per date. A published year changes the answer for other processes
    after CACHE_SECONDS at most; the publishing process sees it at once."""
    global _published_cache
    cached = _published_cache
    if cached is not None and time.monotonic() - cached.loaded_at < CACHE_SECONDS:
        return cached
    from .models import CalendarDay, CalendarYear

    years = frozenset(CalendarYear.objects.filter(published=True).values_list("year", flat=True))
    days = {
        day: (working, name)
        for day, working, name in CalendarDay.objects.filter(year__published=True).values_list(
            "date", "is_working_day", "name"
        )
    }
    cached = _Published(years=years, days=days, loaded_at=time.monotonic())
    _published_cache = cached
    return cached


def invalidate_cache() -> None:
    """Forget the published schedule; the next lookup reads it again."""
    global _published_cache
    _published_cache = None


# --- days ------------------------------------------------------------------------


def _check_date(value: date) -> None:
    # datetime is a subclass of date; letting one through would compute from the
    # UTC date or carry a time of day into the due date.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError("Pass a date; turn a datetime into one with to_local_date().")


def day_status(day: date) -> DayStatus:
    """Whether `day` is a working day, whether that is provisional, and the
    holiday's name if any (see the module docstring for the order of sources)."""
    _check_date(day)
    published = _published()
    if day in published.days:
        working, name = published.days[day]
        return DayStatus(working, False, name)
    if LIBRARY_FIRST_YEAR <= day.year <= LIBRARY_LAST_YEAR:
        try:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            pass  # a library with a different range than it claimed: fall back below
        else:
            return DayStatus(not is_holiday, False, name or "")
    weekday = day.weekday() < 5
    return DayStatus(weekday, provisional=day.year not in published.years)


def is_working_day(day: date) -> tuple[bool, bool]:
    """(is it a working day, is that answer provisional)."""
    status = day_status(day)
    return status.working, status.provisional


def _roll_forward(day: date) -> tuple[date, bool, list[str]]:
    """The first working day on or after `day`, whether any day looked at was
    provisional, and a note on each rest day skipped."""
    provisional = False
    skipped: list[str] = []
    for _step in range(_MAX_ROLL_DAYS):
        status = day_status(day)
        provisional = provisional or status.provisional
        if status.working:
            return day, provisional, skipped
        skipped.append(f"{day:%Y-%m-%d} rest day{f' ({status.name})' if status.name else ''}")
        day += timedelta(days=1)
    raise ImproperlyConfigured(f"No working day within {_MAX_ROLL_DAYS} days; check the calendar.")


def add_calendar_days(start: date, days: int) -> Deadline:
    """The end of a period of `days` calendar days from `start` (the start day
    not counted), moved to the next working day if it ends on a rest day."""
    _check_date(start)
    if days < 0:
        raise ValueError("days must be >= 0.")
    end = start + timedelta(days=days)
    due, provisional, skipped = _roll_forward(end)
    basis = f"{days} calendar days from {start:%Y-%m-%d} = {end:%Y-%m-%d}"
    if skipped:
        basis += f"; {', '.join(skipped)}; moved to {due:%Y-%m-%d}"
    return Deadline(due, provisional, basis, moved_from=end if due != end else None)


def add_working_days(start: date, n: int) -> Deadline:
    """The n-th working day after `start` (make-up working days count; n = 0
    means `start` itself, or the next working day if it is a rest day)."""
    _check_date(start)
    if n < 0:
        raise ValueError("n must be >= 0.")
    if n == 0:
        due, provisional, _skipped = _roll_forward(start)
        return Deadline(due, provisional, f"0 working days from {start:%Y-%m-%d}")
    day, counted, provisional = start, 0, False
    while counted < n:
        day += timedelta(days=1)
        status = day_status(day)
        # Every day in the span decides the count, so any unknown one makes it provisional.
        provisional = provisional or status.provisional
        if status.working:
            counted += 1
    return Deadline(day, provisional, f"{n} working days from {start:%Y-%m-%d}")


# --- clocks ------------------------------------------------------------------------


def clock_spec(clock: str) -> ClockSpec:
    try:
        return CLOCKS[clock]
    except KeyError:
        raise ValueError(f"Unknown clock {clock!r}; known: {', '.join(CLOCKS)}.") from None


def deadline_for(
    clock: str, start: date, paused_days: int = 0, *, extension_days: int = 0
) -> Deadline:
    """The due date of `clock` started on `start` (the day of receipt, acceptance,
    reply, ... as the clock's article says).

    paused_days: calendar days the clock did not run, e.g. a public hearing
    (听证, Art. 35: its time is not counted); they push the end of the period.
    A working-day clock starts counting that many days later.
    extension_days: the one approved extension of an extendable clock (Art. 33,
    at most 30 days), added to the period before it is moved off rest days, so
    the matter gets the statutory 60 + 30 days and a holiday on day 60 does not
    stretch it further.
    """
    spec = clock_spec(clock)
    if clock == Clock.EXTENSION_MAX:
        raise ValueError("extension_max is a cap: pass extension_days to the extended clock.")
    if paused_days < 0 or extension_days < 0:
        raise ValueError("paused_days and extension_days must be >= 0.")
    if extension_days:
        if not spec.extendable:
            raise ValueError(f"The {clock} clock cannot be extended.")
        cap = CLOCKS[Clock.EXTENSION_MAX].period
        if extension_days > cap:
            raise InvalidInput(
                _("An extension may not exceed %(days)d days.") % {"days": cap},
                field_errors={"extension_days": [_("At most %(days)d days.") % {"days": cap}]},
            )
    if spec.kind == "working":
        deadline = add_working_days(start + timedelta(days=paused_days), spec.period)
    else:
        deadline = add_calendar_days(start, spec.period + extension_days + paused_days)
    notes = [f"{clock}: {spec.citation}"]
    if extension_days:
        notes.append(f"extended by {extension_days} days")
    if paused_days:
        notes.append(f"{paused_days} days paused (hearing)")
    return replace(deadline, basis=f"{'; '.join(notes)}; {deadline.basis}")


def days_left(due: date, today: date | None = None) -> int:
    """Calendar days from `today` to `due`: 0 on the due day, negative when overdue."""
    current = today if today is not None else _today()
    return (due - current).days


def yellow_from(start: date, due: date) -> date:
    """The first day on which a clock running from `start` to `due` shows yellow.

    "Due soon" is "3 days or 20% of its period left, whichever comes first": as
    time passes, the larger of the two amounts is reached first, so yellow starts
    at max(3, ceil(20% of the period)) days left; the due day itself is yellow.
    Both figures can be set (XINFANG_YELLOW_DAYS, XINFANG_YELLOW_PERCENT). Stored
    beside the due date, it lets a list filter and sort by colour in SQL."""
    period = max((due - start).days, 0)
    floor_days = getattr(settings, "XINFANG_YELLOW_DAYS", 3)
    percent = getattr(settings, "XINFANG_YELLOW_PERCENT", 20)
    share = -(-period * percent // 100)  # ceil without floats
    return due - timedelta(days=max(floor_days, share))


def clock_colour(start: date, due: date, today: date | None = None) -> Colour:
    """Red when overdue, yellow when due soon (see yellow_from), else blue
    (DOMAIN.md section 5)."""
    current = today if today is not None else _today()
    if current > due:
        return Colour.RED
    if current >= yellow_from(start, due):
        return Colour.YELLOW
    return Colour.BLUE


# --- recompute registry -------------------------------------------------------------

RecomputeCallback = Callable[..., None]

# Areas that store deadlines (petitions, supervision) register a callback here in
# their AppConfig.ready(); it is called as callback(year=...) inside the publish
# transaction, so a failing recompute rolls the publication back with it.
RECOMPUTE_CALLBACKS: list[RecomputeCallback] = []


def register_recompute(callback: RecomputeCallback) -> RecomputeCallback:
    """Register a callback to recompute open deadlines when a year's schedule is
    published. Idempotent (ready() may run more than once); usable as a decorator."""
    if callback not in RECOMPUTE_CALLBACKS:
        RECOMPUTE_CALLBACKS.append(callback)
    return callback


def run_recompute(*, year: int) -> None:
    for callback in list(RECOMPUTE_CALLBACKS):
        callback(year=year)
