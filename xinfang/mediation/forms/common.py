"""What the mediation forms share with core.forms: the one-time token."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from xinfang.core import idempotency
from xinfang.core.exceptions import Conflict
from xinfang.core.forms import Outcome, submit


def submit_once(form, call: Callable, *, token_field: str, placer=None) -> Outcome:
    """core.forms.submit for a form with a one-time token (its idempotency key).
    When the token already sent other content (a kept draft, a second tab), the
    form says so and gets a new token, so that this content can be sent as new
    (409); a resend of the same content answers what the first one stored."""

    def once():
        try:
            return call()
        except idempotency.IdempotencyKeyReused:
            form.data = form.data.copy()
            form.data[token_field] = str(uuid.uuid4())
            raise Conflict(idempotency.FORM_SENT_BEFORE) from None

    return submit(form, once, placer=placer)


def errors_text(form) -> str:
    """A form's errors in one line (for a message after a redirect)."""
    return "; ".join(str(m) for messages in form.errors.values() for m in messages)
