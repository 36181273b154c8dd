"""Periods of the indicators (docs/indicators.md): a week (Monday to Sunday), a
month, a quarter, a year, or any range; and the same period a year before (for
the three declines)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS = {
    "week": _("Week"),
    "month": _("Month"),
    "quarter": _("Quarter"),
    "year": _("Year"),
    "range": _("Any range"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def year_before(self) -> Period:
        return Period(self.kind, year_before(self.start), year_before(self.end))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "from": self.start.isoformat(), "to": self.end.isoformat()}


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def bounds(kind: str, on: dt.date) -> Period:
    """The week, month, quarter or year that holds `on`."""
    if kind == "week":
        start = on - dt.timedelta(days=on.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    if kind == "month":
        start = on.replace(day=1)
        return Period(kind, start, _next_month(start) - dt.timedelta(days=1))
    if kind == "quarter":
        start = on.replace(month=(on.month - 1) // 3 * 3 + 1, day=1)
        end = start
        for _i in range(3):
            end = _next_month(end)
        return Period(kind, start, end - dt.timedelta(days=1))
    if kind == "year":
        return Period(kind, dt.date(on.year, 1, 1), dt.date(on.year, 12, 31))
    raise ValueError(kind)


def _next_month(first: dt.date) -> dt.date:
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
