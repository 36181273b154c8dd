"""Rate limits of the public pages: the public API's rates (settings), counted in
the shared cache per client address, so that guessing query codes or flooding
the register is as slow through the pages as through the API."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PageThrottle(SimpleRateThrottle):
    """A DRF rate throttle for plain Django views: `PageThrottle("public_lookup")`."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_rate(self):
        # Read at call time (not at import), so that a deployment's or a test's
        # settings apply.
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": f"page_{self.scope}", "ident": self.get_ident(request)}


def check(request, scope: str) -> int | None:
    """None when the request may go on; else the seconds to wait."""
    throttle = PageThrottle(scope)
    if throttle.rate is None or throttle.allow_request(request, None):
        return None
    return max(1, int(throttle.wait() or 1))
