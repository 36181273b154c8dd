"""Query parameters of the pages that fall back instead of refusing."""

from __future__ import annotations

import datetime as dt

from xinfang.core.inputs import date_error


def date_param(value, default: dt.date) -> dt.date:
    """A page's date parameter; a bad one, or one outside the calendar's range
    (9999-12-31 has no next week), falls back to the default."""
    try:
        day = dt.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return default
    if day is None or date_error(day):
        return default
    return day


def id_param(value) -> int | None:
    """A filter's id; one that is no id filters nothing."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**31 else None
