"""Rate limits: one atomic bucket per purpose and client, shared by pages and API.

The counters are rows of `RateBucket` in the database, not cache entries: the
database is what every app process shares in every deployment (SQLite embedded,
PostgreSQL in production), and a conditional upsert (`INSERT ... ON CONFLICT DO
UPDATE SET hits = hits + 1 WHERE hits + 1 <= allowance RETURNING hits`, the allowance
read from the previous window in the same statement) is atomic on both (PostgreSQL re-checks the condition
after waiting for the row lock; SQLite has one writer at a time). Django's
database cache is not: its incr() is a read then a write, so parallel requests
all read the same count (88 of 160 parallel look-ups passed a 60/minute limit).

A limit "N/period" is counted in fixed windows of one period, with the previous
window weighted by how much of it still lies within the last period (the
sliding-window estimate): a burst at the end of one window is not followed by a
second full burst at the start of the next, and a burst of any size never
passes more than the limit. Only admitted hits are counted;
`refund` gives one back (a successful login does not count as a failure).

Rates are read at call time from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
(`public_lookup`, `public_submit`, `auth`), so deployments and tests set them there.
"""

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from .clients import client_address, rate_identity
from .models import RateBucket

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# About one hit in this many also deletes the expired buckets of every client.
PURGE_ONE_IN = 200


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


def parse_rate(value: str) -> Rate:
    """'60/minute', '20/m', '5/hour' → Rate; anything else is refused."""
    try:
        count, _slash, unit = value.partition("/")
        limit, period = int(count), PERIODS[unit.strip()[:1].lower()]
    except (KeyError, ValueError) as exc:
        raise ImproperlyConfigured(f"Not a rate: {value!r} (say e.g. 60/minute).") from exc
    if limit < 1:
        raise ImproperlyConfigured(f"Not a rate: {value!r} (at least 1 per period).")
    return Rate(limit, period)


def rate_for(purpose: str) -> Rate | None:
    value = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(purpose)
    return parse_rate(value) if value else None


def _key(purpose: str, ident: str) -> str:
    return f"{purpose}:{ident}"[:200]


def _now_seconds() -> float:
    return timezone.now().timestamp()


def hit(*, purpose: str, ident: str, rate: Rate | None = None) -> int | None:
    """Count one hit for `ident` (a client) towards `purpose`. None when it is
    admitted; else the seconds to wait before one would be."""
    rate = rate or rate_for(purpose)
    if rate is None:
        return None
    key = _key(purpose, ident)
    now = _now_seconds()
    window, elapsed = divmod(now, rate.period)
    window = int(window)
    # The previous window weighs by the share of it still inside the last period.
    share = 1 - elapsed / rate.period
    admitted = _count_one(
        key=key,
        window=window,
        limit=rate.limit,
        share=share,
        expires_at=timezone.now() + timedelta(seconds=2 * rate.period),
    )
    if random.randrange(PURGE_ONE_IN) == 0:
        purge_expired()
    if admitted:
        return None
    # Refused (the rare case): how long until one more would pass.
    previous = (
        RateBucket.objects.filter(key=key, window=window - 1).values_list("hits", flat=True).first()
        or 0
    )
    allowance = math.floor(rate.limit - previous * share)
    current = max(allowance, 0)
    return _wait(rate, previous=previous, current=current, elapsed=elapsed)


def _count_one(*, key: str, window: int, limit: int, share: float, expires_at) -> bool:
    """One statement, on the request's path: the admitted hits of the last period,
    estimated, stay within the limit, i.e. this window's hits + 1 <= limit -
    previous window's hits * share. The window's first hit inserts the bucket
    (with 1, or with 0 when even one is too many); a later one adds 1 while the
    condition holds (an upsert with a condition, atomic on SQLite and PostgreSQL
    alike: a race of first hits meets the unique (key, window) constraint and
    becomes the update). Whether the hit was admitted: a row came back with a
    count of at least 1."""
    table = connection.ops.quote_name(RateBucket._meta.db_table)
    window_col = connection.ops.quote_name("window")
    allowance = (
        f"(%s - COALESCE((SELECT p.hits FROM {table} p "
        f"WHERE p.key = %s AND p.{window_col} = %s), 0) * %s)"
    )
    room = [limit, key, window - 1, share]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, {window_col}, hits, expires_at) "
            f"VALUES (%s, %s, CASE WHEN 1 <= {allowance} THEN 1 ELSE 0 END, %s) "
            f"ON CONFLICT (key, {window_col}) DO UPDATE SET hits = {table}.hits + 1 "
            f"WHERE {table}.hits + 1 <= {allowance} RETURNING hits",
            [
                key,
                window,
                *room,
                connection.ops.adapt_datetimefield_value(expires_at),
                *room,
            ],
        )
        row = cursor.fetchone()
        return row is not None and row[0] >= 1


def _wait(rate: Rate, *, previous: int, current: int, elapsed: float) -> int:
    """Seconds until one more hit would be admitted (at least 1): until
    floor(limit - previous * (1 - f)) > current, f being the part of the window gone."""
    period, limit = rate.period, rate.limit
    if current < limit and previous:
        needed = max(0.0, 1 - (limit - current - 1) / previous) * period
        return max(1, math.ceil(needed - elapsed))
    # Full in this window: in the next one, this window weighs as `previous`.
    needed_next = max(0.0, 1 - (limit - 1) / max(current, 1)) * period
    return max(1, math.ceil(period - elapsed + needed_next))


def refund(*, purpose: str, ident: str) -> None:
    """Give back one hit of the current window (a hit that turned out not to count)."""
    rate = rate_for(purpose)
    if rate is None:
        return
    window = int(_now_seconds() // rate.period)
    RateBucket.objects.filter(key=_key(purpose, ident), window=window, hits__gt=0).update(
        hits=F("hits") - 1
    )


def purge_expired() -> int:
    """Delete the buckets no limit looks at any more; returns how many."""
    deleted, _by_model = RateBucket.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def check_request(request, purpose: str) -> int | None:
    """Count the request's client towards `purpose`: None, or the seconds to wait."""
    return hit(purpose=purpose, ident=rate_identity(client_address(request)))


class BucketThrottle(BaseThrottle):
    """The API's side of the same buckets: the view's `throttle_scope` is the purpose,
    so `GET /api/v1/public/petitions/{code}` and the tracking page count together."""

    def allow_request(self, request, view) -> bool:
        purpose = getattr(view, "throttle_scope", None)
        self._wait = check_request(request, purpose) if purpose else None
        return self._wait is None

    def wait(self) -> int | None:
        return getattr(self, "_wait", None)

    def get_ident(self, request) -> str:
        return rate_identity(client_address(request))
