"""Work a request leaves for after its answer: what must hold when the request
commits is written in it; what can be worked out from that later (the figures'
summary rows after a matter's save) runs once the answer has gone to the
client, in the same process, before the worker takes its next request.

`after_response(fn)` keeps `fn` (once however often it is asked) for the request
being answered; `AfterResponseMiddleware` runs what was kept when the server
closes the response (Django's response closers, which the WSGI server calls
after the last byte is written, and the test client too). Outside a request
(a management command, a task, a test calling a service) nothing is kept and
the caller's own fallback applies: the work must be safe to leave to a later
run (the summaries' marks are worked off by the next reader or the tick). A
failure is logged and leaves the work to that later run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

log = logging.getLogger(__name__)

_kept: ContextVar[list[Callable[[], object]] | None] = ContextVar("after_response", default=None)


def after_response(fn: Callable[[], object]) -> bool:
    """Run `fn` after the current request's answer; False when there is no request."""
    kept = _kept.get()
    if kept is None:
        return False
    if fn not in kept:
        kept.append(fn)
    return True


def _run(kept: list[Callable[[], object]]) -> None:
    for fn in kept:
        try:
            fn()
        except Exception:
            log.exception("after the response: %s failed; left to a later run", fn)


class AfterResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _kept.set([])
        try:
            response = self.get_response(request)
        finally:
            kept = _kept.get()
            _kept.reset(token)
        if kept:
            # Django's closers run in response.close(), before request_finished
            # (which then closes the connection if CONN_MAX_AGE says so).
            response._resource_closers.append(lambda: _run(kept))
        return response
