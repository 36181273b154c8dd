"""The session store: Django's database sessions, without the look-up of a new
key before it is written, and without a transaction around one statement.

Django draws a new session key and asks the database whether it exists (a
SELECT) before inserting it; the INSERT is made with `must_create`, which fails
on a clash and makes `create()` draw again anyway. Every citizen's first form
(a submission, a look-up by query code) starts a session, so the SELECT was one
round trip of each (bench/profile_public.py). A clash of two random 32-character
keys (about 2^165 of them) is handled as before, by the INSERT.

Django also wraps the session's one INSERT or UPDATE in `transaction.atomic()`
(BEGIN, the statement, COMMIT: three round trips), so that a failed INSERT
inside an outer transaction can be rolled back to a savepoint. Outside any
transaction (autocommit, as the session middleware runs after a view) the one
statement is its own transaction and a failure leaves nothing to roll back:
it is sent alone. Inside one, Django's way is kept."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        using = router.db_for_write(self.model)
        if connections[using].in_atomic_block:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session(no_load=must_create))
        try:
            obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        return None
