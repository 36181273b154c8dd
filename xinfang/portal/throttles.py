"""Rate limits of the public pages: the same buckets as the public API's
(xinfang.core.ratelimit), so that guessing query codes or flooding the register
is as slow through the pages as through the API, and both together no faster."""

from xinfang.core import ratelimit


def check(request, scope: str) -> int | None:
    """None when the request may go on; else the seconds to wait."""
    return ratelimit.check_request(request, scope)
