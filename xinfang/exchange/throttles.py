"""Rate limits of the public API: the buckets of xinfang.core.ratelimit, which the
public pages share (per client and purpose, the view's `throttle_scope`)."""

from xinfang.core.ratelimit import BucketThrottle


class PublicScopedThrottle(BucketThrottle):
    """Per client address (xinfang.core.clients), for anonymous callers too."""
