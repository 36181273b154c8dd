"""Prepared statements for the hot read paths on PostgreSQL.

Django sends a statement's values inside its text (client-side binding), so
PostgreSQL parses and plans every statement again: planning the matter look-up's
six joins cost ten times running it. Inside `prepared()` the connection's cursors
send the values apart (server-side binding) and psycopg prepares a statement the
connection runs again (settings: prepare_threshold); with persistent connections
(CONN_MAX_AGE) the next request finds it planned.

Only where it was measured to help (the citizen's look-up, the worklists, the
API's lists and look-up; docs/benchmarks.md): the dashboards' grouped reads of
the summaries ran slower prepared (their plans depend on the values), and a
statement with more than 65,535 values cannot be sent apart at all, so the rest
of the code keeps client-side binding. Off with DB_PREPARED=0 (e.g. behind a
pooler in transaction mode, which cannot keep a prepared statement).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection


def _enabled() -> bool:
    return connection.vendor == "postgresql" and getattr(settings, "DB_PREPARED", False)


@contextmanager
def prepared() -> Iterator[None]:
    """The block's statements bound on the server (and so prepared when repeated)."""
    if not _enabled():
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    before = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        # The connection may have been closed and replaced inside the block.
        if connection.connection is raw:
            raw.cursor_factory = before


def prepared_view(view):
    """A view whose statements are prepared (see `prepared`)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with prepared():
            return view(*args, **kwargs)

    return wrapper


class PreparedStatementsMiddleware:
    """The requests of settings.DB_PREPARED_PATHS (GET and HEAD; the look-up's POST
    too: DB_PREPARED_POSTS) run `prepared()`, session and user reads included."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = tuple(getattr(settings, "DB_PREPARED_PATHS", ()))
        self.posts = frozenset(getattr(settings, "DB_PREPARED_POSTS", ()))

    def __call__(self, request):
        path = request.path_info
        if (request.method in ("GET", "HEAD") and path.startswith(self.paths)) or (
            request.method == "POST" and path in self.posts
        ):
            with prepared():
                return self.get_response(request)
        return self.get_response(request)
