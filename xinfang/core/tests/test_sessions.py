"""The session store writes a new session without looking its key up first, and
a clash of keys still makes a new key (the INSERT with must_create)."""

import pytest
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


@pytest.mark.django_db
def test_a_clash_of_keys_draws_again(monkeypatch):
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
