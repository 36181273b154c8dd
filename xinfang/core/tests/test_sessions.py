"""The session store writes a new session without looking its key up first, and
a clash of keys still makes a new key (the INSERT with must_create)."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.core import sessions


@pytest.mark.django_db
def test_a_new_session_is_one_insert(settings):
    assert settings.SESSION_ENGINE == "xinfang.core.sessions"
    store = sessions.SessionStore()
    store["x"] = 1
    with CaptureQueriesContext(connection) as ctx:
        store.save()
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "INSERT" in sql and "SELECT" not in sql
    assert sessions.SessionStore(session_key=store.session_key)["x"] == 1


def _a_clash_draws_again(monkeypatch):
    first = sessions.SessionStore()
    first["who"] = "first"
    first.save()
    drawn = iter([first.session_key, "k" * 32])
    monkeypatch.setattr(sessions.SessionStore, "_get_new_session_key", lambda self: next(drawn))
    second = sessions.SessionStore()
    second["who"] = "second"
    second.save()
    assert second.session_key == "k" * 32
    assert sessions.SessionStore(session_key=first.session_key)["who"] == "first"
    assert Session.objects.count() == 2


@pytest.mark.django_db
def test_a_clash_of_keys_draws_again(monkeypatch):
    _a_clash_draws_again(monkeypatch)


# Outside a transaction (as the session middleware saves, after the view), the one
# statement goes alone: no BEGIN, no SAVEPOINT, no COMMIT of our own.


def _statements(ctx) -> list[str]:
    return [q["sql"].split()[0].upper() for q in ctx.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_new_and_a_changed_session_are_one_statement_each():
    store = sessions.SessionStore()
    store["x"] = 1
    with CaptureQueriesContext(connection) as ctx:
        store.save()
    assert _statements(ctx) == ["INSERT"]
    store["x"] = 2
    with CaptureQueriesContext(connection) as ctx:
        store.save()
    assert _statements(ctx) == ["UPDATE"]
    assert sessions.SessionStore(session_key=store.session_key)["x"] == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_clash_still_draws_again_and_keeps_the_first(monkeypatch):
    _a_clash_draws_again(monkeypatch)
    # The failed INSERT left no transaction open: the next statement runs.
    assert not connection.in_atomic_block and Session.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_session_gone_meanwhile_is_an_update_error():
    store = sessions.SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).delete()  # expired, cleared
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()


@pytest.mark.django_db
def test_inside_a_transaction_django_s_savepoint_is_kept():
    store = sessions.SessionStore()
    store["x"] = 1
    with CaptureQueriesContext(connection) as ctx:
        store.save()
    assert "SAVEPOINT" in _statements(ctx)
