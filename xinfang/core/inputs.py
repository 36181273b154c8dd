"""Small checks of what a query string, a form or a JSON body hands a view: ids and
dates that must answer 400 with the field named, never a 500.

- `str.isdigit()` is not a test for int(): it accepts "²" and other Unicode
  digits that int() refuses. `optional_id` accepts ASCII digits only.
- Dates near the ends of the calendar overflow as soon as a clock adds a day
  (9999-12-31 + 1); `check_date` keeps a date inside a range the statutory
  clocks and the meeting weeks can compute with.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .exceptions import InvalidInput

# The range of dates the system accepts anywhere: the records it keeps start in
# the 1990s at the earliest, and a clock computed from the last day still fits.
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)

_MAX_ID = 2**63 - 1  # the largest primary key either database stores


def optional_id(value, field: str) -> int | None:
    """A positive id from a parameter: None when blank, else the number; a 400
    naming `field` when it is not plain ASCII digits."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise InvalidInput(field_errors={field: [_("Give a number.")]})
        number = int(text)
    if not 0 < number <= _MAX_ID:
        raise InvalidInput(field_errors={field: [_("Give a number.")]})
    return number


def date_error(value: dt.date) -> str | None:
    """Why `value` is outside the accepted range, or None."""
    if value < EARLIEST_DATE or value > LATEST_DATE:
        return _("Give a date between %(first)s and %(last)s.") % {
            "first": EARLIEST_DATE.isoformat(),
            "last": LATEST_DATE.isoformat(),
        }
    return None


def check_date(value: dt.date | None, field: str) -> dt.date | None:
    """`value` unchanged if it is None or inside the accepted range; else a 400."""
    if value is not None:
        message = date_error(value)
        if message:
            raise InvalidInput(field_errors={field: [message]})
    return value


def optional_date(value, field: str) -> dt.date | None:
    """A YYYY-MM-DD parameter: None when blank, else a date in the accepted range."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput(field_errors={field: [_("Give a date as YYYY-MM-DD.")]}) from None
    return check_date(value, field)
