"""What every form page shares: the half of the error boundary that belongs to a form.

core.middleware.DomainErrorPagesMiddleware answers a domain error as a page;
but an error about what the user typed belongs beside the field. `submit()` runs
the service for a valid form and puts InvalidInput and Conflict on the form, so
the page is shown again with them (400 / 409); NotFound and PermissionDenied go
on to the middleware. Views hold no try/except over domain errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages as page_messages

from . import idempotency
from .exceptions import Conflict, InvalidInput


@dataclass
class Outcome:
    """The service's result (ok) or the status the form page is shown again with."""

    result: Any = None
    status: int = 200
    loose: list = field(default_factory=list)  # errors that belong to no field

    @property
    def ok(self) -> bool:
        return self.status < 400


def add_field_errors(form, field_errors: dict, *, placer: Callable | None = None) -> list:
    """Put a service's field errors next to the fields. `placer(key, messages)`
    may take some (e.g. the rows of a formset) and returns True when it did.
    Returns the messages that belong to no field of the form."""
    loose = []
    for key, messages in field_errors.items():
        if placer is not None and placer(key, messages, loose):
            continue
        for m in messages:
            form.add_error(key if key in form.fields else None, m)
    return loose


def submit(form, call: Callable[[], Any], *, placer: Callable | None = None) -> Outcome:
    """Run `call()` (the service); its InvalidInput and Conflict become the form's
    errors. The form must be valid already (bound and cleaned)."""
    try:
        return Outcome(result=call())
    except InvalidInput as exc:
        loose = add_field_errors(form, exc.field_errors, placer=placer)
        if not exc.field_errors:
            form.add_error(None, str(exc.message))
        return Outcome(status=400, loose=loose)
    except Conflict as exc:
        form.add_error(None, str(exc.message))
        return Outcome(status=409)


def submit_once(form, call: Callable[[], Any], *, token_field: str, placer=None) -> Outcome:
    """submit() for a form with a one-time token (its idempotency key). When the
    token already sent other content (a kept draft, a second tab, Back and edit),
    the form says so in a person's words and gets a new token, so that this
    content can be sent as new (409); a resend of the same content answers what
    the first one stored."""

    def once():
        try:
            return call()
        except idempotency.IdempotencyKeyReused:
            form.data = form.data.copy()
            form.data[token_field] = str(uuid.uuid4())
            raise Conflict(idempotency.FORM_SENT_BEFORE) from None

    return submit(form, once, placer=placer)


def say_why_if_hidden(request, bound, shown) -> None:
    """A bound form whose step is no longer offered (someone else acted first: the
    plan was resolved, the listing delisted) is not shown again, and its error would
    be lost with it: its errors go to the page's messages instead. `shown`: the
    prefixes of the forms the page shows."""
    if bound is None or not hasattr(bound, "errors") or bound.prefix in set(shown):
        return
    for error in bound.non_field_errors():
        page_messages.error(request, error)
