"""Rate limits of the public API (per client address), set in settings.

The limits are kept in the shared cache (the database by default), so every
app process counts together."""

from rest_framework.throttling import ScopedRateThrottle


class PublicScopedThrottle(ScopedRateThrottle):
    """ScopedRateThrottle for anonymous callers too (keyed by address)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
