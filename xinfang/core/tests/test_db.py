"""Prepared statements on the hot read paths (core.db): inside `prepared()` the
statements a connection runs again are prepared on PostgreSQL; outside it, and
on paths not listed, Django's client-side binding stays; SQLite is untouched."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from xinfang.core import db
from xinfang.orgs.models import Unit

pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_names() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cur.fetchall()}


def _cursor_class() -> str:
    connection.ensure_connection()
    return connection.connection.cursor_factory.__name__


def _factory() -> str:
    """The connection's cursor class (SQLite's connection has none to switch)."""
    connection.ensure_connection()
    return getattr(connection.connection, "cursor_factory", type(None)).__name__


@pg_only
@override_settings(DB_PREPARED=True)
def test_a_statement_run_again_inside_the_block_is_prepared(city):
    before = _prepared_names()
    for _i in range(3):  # the same statement, other values
        assert Unit.objects.filter(code=f"nope-{_i}").first() is None
    assert _prepared_names() == before  # client-side binding: nothing prepared
    with db.prepared():
        assert _cursor_class() == "ServerBindingCursor"
        for _i in range(3):
            assert Unit.objects.filter(code=f"none-{_i}").first() is None
        assert Unit.objects.filter(code=city.code).first() == city  # the same, bound apart
    assert len(_prepared_names() - before) >= 1
    assert _cursor_class() == "Cursor"


@pg_only
@override_settings(DB_PREPARED=False)
def test_db_prepared_off_keeps_client_side_binding(city):
    with db.prepared():
        assert _cursor_class() == "Cursor"


@override_settings(
    DB_PREPARED=True, DB_PREPARED_PATHS=("/public/track/",), DB_PREPARED_POSTS=("/public/track/",)
)
@pytest.mark.django_db
def test_the_middleware_binds_on_the_server_only_on_the_listed_paths():
    seen = {}

    def view(request):
        connection.ensure_connection()
        seen[request.method, request.path] = _factory()
        return HttpResponse("ok")

    middleware = db.PreparedStatementsMiddleware(view)
    rf = RequestFactory()
    for request in (
        rf.get("/public/track/matter/"),
        rf.post("/public/track/"),
        rf.post("/public/track/matter/evaluate/"),  # a POST not listed
        rf.get("/analytics/"),  # a path not listed
    ):
        assert middleware(request).status_code == 200
    assert len(seen) == 4
    outside = seen["GET", "/analytics/"]
    assert seen["POST", "/public/track/matter/evaluate/"] == outside
    if connection.vendor == "postgresql":
        assert seen["GET", "/public/track/matter/"] == "ServerBindingCursor"
        assert seen["POST", "/public/track/"] == "ServerBindingCursor"
        assert outside == "Cursor"
    else:  # SQLite: nothing to switch
        assert seen["GET", "/public/track/matter/"] == outside
    # The connection is left as it was found.
    assert _factory() == outside
