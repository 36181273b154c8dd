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
4. otherwise (a year nobody has entered yet) the statutory holidays of the
   全国年节及纪念日放假办法 (2024 amendment, Art. 2) and Saturday/Sunday are rest
   days, and the result is *provisional*: the State Council publishes each year's
   schedule late in the year before, with its make-up working days, so a deadline
   in that year may still move (see statutory_holidays()).

When any of these sources changes (a library upgrade, a year published), the
stored deadlines that depend on it are recomputed: fingerprint() digests the
effective data per year, and core.services.calendar_data_sync compares it with
the digest stored in the database (run by the tick, after migrate and on
publication) and calls the callbacks registered with register_recompute().

Inputs are dates in Beijing time; turn a moment into a date with to_local_date().
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as _library_holidays
from chinese_calendar.constants import workdays as _library_workdays
from chinese_calendar.solar_terms import SolarTerms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lunardate import LunarDate

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


# --- the statutory holidays of a year nobody has entered ------------------------


def _lunar(year: int, month: int, day: int) -> date | None:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:  # lunardate covers lunar years 1900-2099
        return None


def _qingming(year: int) -> date | None:
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    except NotImplementedError:  # the library's solar terms cover 1900-2100
        return None
    return next((day for day, name in terms if name == SolarTerms.pure_brightness.value[1]), None)


def statutory_days(year: int) -> list[tuple[date, str]]:
    """The holidays of all citizens the law itself fixes for `year`
    (全国年节及纪念日放假办法, 2024 amendment, Art. 2): 元旦 1 January; 春节 four
    days, 农历除夕 to 正月初三; 清明 the solar term's day; 劳动节 1-2 May; 端午
    农历五月初五; 中秋 农历八月十五; 国庆节 1-3 October. The lunar dates come from
    lunardate, the solar term from chinese_calendar. Sorted by date; a date may
    appear twice (中秋 on 1 October)."""
    spring = _lunar(year, 1, 1)
    days: list[tuple[date, str]] = [(date(year, 1, 1), Holiday.new_years_day.value)]
    if spring is not None:
        days += [(spring + timedelta(days=i), Holiday.spring_festival.value) for i in (-1, 0, 1, 2)]
    qingming = _qingming(year)
    if qingming is not None:
        days.append((qingming, Holiday.tomb_sweeping_day.value))
    days += [(date(year, 5, day), Holiday.labour_day.value) for day in (1, 2)]
    for month, day, holiday in (
        (5, 5, Holiday.dragon_boat_festival),
        (8, 15, Holiday.mid_autumn_festival),
    ):
        solar = _lunar(year, month, day)
        if solar is not None:
            days.append((solar, holiday.value))
    days += [(date(year, 10, day), Holiday.national_day.value) for day in (1, 2, 3)]
    return sorted(days)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """The rest days of `year` before the State Council's schedule for it is
    known: the statutory_days(), and for each that falls on a Saturday or Sunday,
    or on another holiday (中秋 on 1 October, as in 2020), a day made up (补假,
    the 办法 Art. 6). Which weekday the schedule will choose is not known; we take
    the first weekday after it that is not already a rest day. Every day of such
    a year is provisional all the same: the schedule also moves weekends."""
    rest: dict[date, str] = {}
    made_up: list[tuple[date, str]] = []
    for day, name in statutory_days(year):
        if day.weekday() < 5 and day not in rest:
            rest[day] = name
        else:
            made_up.append((day, name))
    for day, name in made_up:
        day += timedelta(days=1)
        while day.weekday() >= 5 or day in rest:
            day += timedelta(days=1)
        rest[day] = name
    return rest


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
    if day.year in published.years:
        return DayStatus(day.weekday() < 5, False)
    name = statutory_holidays(day.year).get(day)
    if name is not None:
        return DayStatus(False, True, name)
    return DayStatus(day.weekday() < 5, True)


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


def yellow_from(
    start: date, due: date, *, days: int | None = None, percent: int | None = None
) -> date:
    """The first day on which a clock running from `start` to `due` shows yellow.

    "Due soon" is "3 days or 20% of its period left, whichever comes first": as
    time passes, the larger of the two amounts is reached first, so yellow starts
    at max(3, ceil(20% of the period)) days left; the due day itself is yellow.
    Both figures can be set (XINFANG_YELLOW_DAYS, XINFANG_YELLOW_PERCENT), and a
    petition office sets its own (`days`, `percent`: petitions'
    OfficeColourSettings). Stored beside the due date, it lets a list filter and
    sort by colour in SQL."""
    period = max((due - start).days, 0)
    floor_days = getattr(settings, "XINFANG_YELLOW_DAYS", 3) if days is None else days
    if percent is None:
        percent = getattr(settings, "XINFANG_YELLOW_PERCENT", 20)
    share = -(-period * percent // 100)  # ceil without floats
    return due - timedelta(days=max(floor_days, share))


def clock_colour(
    start: date,
    due: date,
    today: date | None = None,
    *,
    days: int | None = None,
    percent: int | None = None,
) -> Colour:
    """Red when overdue, yellow when due soon (see yellow_from, with the office's
    `days` and `percent`), else blue (DOMAIN.md section 5)."""
    current = today if today is not None else _today()
    if current > due:
        return Colour.RED
    if current >= yellow_from(start, due, days=days, percent=percent):
        return Colour.YELLOW
    return Colour.BLUE


# --- fingerprint of the holiday data ---------------------------------------------

# Bump when the rules above change the days they give for the same data (e.g. a
# new statutory holiday): every stored deadline is then checked again.
RULES_VERSION = "2024-statutory-1"

# Years beyond the data tracked for the fallback: deadlines run at most about a
# year ahead (60 + 30 days, a hearing, a month's extension of a mediation case).
FALLBACK_YEARS_AHEAD = 2


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def data_versions() -> dict[str, str]:
    """The versions of the libraries the calendar's data comes from."""
    return {"chinese-calendar": _version("chinese-calendar"), "lunardate": _version("lunardate")}


def _digest(parts: Iterable[object]) -> str:
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()


def fingerprint(*, today: date | None = None) -> dict[int, str]:
    """A digest per year of the data the clocks use for it: the days a published
    CalendarYear lists, the library's holidays and make-up working days, or the
    statutory fallback (with RULES_VERSION) for a year neither knows.

    Years covered: those the library or a published year knows, and those from
    last year to FALLBACK_YEARS_AHEAD years ahead. The published rows are read
    afresh, not from this process's cache."""
    invalidate_cache()
    published = _published()
    library: dict[int, list[str]] = {}
    for table, kind in ((_library_holidays, "rest"), (_library_workdays, "work")):
        for day, name in table.items():
            library.setdefault(day.year, []).append(f"{day:%Y-%m-%d} {kind} {name}")
    by_year: dict[int, list[str]] = {}
    for day, (working, name) in published.days.items():
        by_year.setdefault(day.year, []).append(f"{day:%Y-%m-%d} {working} {name}")
    current = (today or _today()).year
    years = set(library) | set(published.years) | set(by_year)
    years |= set(range(current - 1, current + FALLBACK_YEARS_AHEAD + 1))
    result = {}
    for year in sorted(years):
        parts: list[object] = []
        if year in published.years or year in by_year:
            parts += ["published", year in published.years, *sorted(by_year.get(year, []))]
        if LIBRARY_FIRST_YEAR <= year <= LIBRARY_LAST_YEAR:
            parts += ["library", *sorted(library.get(year, []))]
        elif year not in published.years:
            holidays = sorted(statutory_holidays(year).items())
            parts += ["statutory", RULES_VERSION, *(f"{day:%Y-%m-%d} {n}" for day, n in holidays)]
        result[year] = _digest(parts)
    return result


def fingerprint_digest(years: dict[int, str]) -> str:
    """One digest for the whole table, as stored and shown."""
    return _digest(f"{year} {digest}" for year, digest in sorted(years.items()))


# --- recompute registry -------------------------------------------------------------


class RecomputeCallback(Protocol):
    def __call__(self, *, years: frozenset[int], reason: str) -> int: ...


class RecomputeReason(StrEnum):
    """Why deadlines are recomputed; stored on the events the callbacks write."""

    PUBLISHED = "published"  # an administrator published a year's schedule
    DATA_CHANGED = "data_changed"  # the library's data or the rules changed


# Areas that store deadlines (petitions, mediation) register a callback here in
# their AppConfig.ready(), so core never imports them. It is called as
# callback(years=..., reason=...) inside the transaction that publishes a year or
# records the new fingerprint, so a failing recompute rolls both back; it
# re-derives each open deadline that may touch one of `years`, or is provisional,
# writes an event on the matter's timeline where the date moved, and returns how
# many it changed.
RECOMPUTE_CALLBACKS: list[RecomputeCallback] = []


def register_recompute(callback: RecomputeCallback) -> RecomputeCallback:
    """Register a callback to recompute open deadlines when the holiday data
    changes. Idempotent (ready() may run more than once); usable as a decorator."""
    if callback not in RECOMPUTE_CALLBACKS:
        RECOMPUTE_CALLBACKS.append(callback)
    return callback


def run_recompute(*, years: Iterable[int], reason: str) -> int:
    """Run every registered callback; the number of deadlines they changed."""
    frozen = frozenset(years)
    if not frozen:
        return 0
    return sum(callback(years=frozen, reason=reason) or 0 for callback in list(RECOMPUTE_CALLBACKS))


def years_window(years: frozenset[int]) -> list[tuple[date, date]]:
    """Date ranges for a database filter: the stored due dates that may depend on
    a day of `years` lie in one of them, or early in the year after (a period
    ending late in December that was moved off rest days into January, a count
    of working days across New Year)."""
    return [
        (date(year, 1, 1), date(year + 1, 1, 1) + timedelta(days=_MAX_ROLL_DAYS))
        for year in sorted(years)
    ]
