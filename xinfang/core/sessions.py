"""The session store: Django's database sessions, without the look-up of a new
key before it is written.

Django draws a new session key and asks the database whether it exists (a
SELECT) before inserting it; the INSERT is made with `must_create`, which fails
on a clash and makes `create()` draw again anyway. Every citizen's first form
(a submission, a look-up by query code) starts a session, so the SELECT was one
round trip of each (bench/profile_public.py). A clash of two random 32-character
keys (about 2^165 of them) is handled as before, by the INSERT."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)
