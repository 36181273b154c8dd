"""What the mediation forms share (the one-time token is core.forms.submit_once)."""

from __future__ import annotations

from xinfang.core.forms import submit_once

__all__ = ["errors_text", "submit_once"]


def errors_text(form) -> str:
    """A form's errors in one line (for a message after a redirect)."""
    return "; ".join(str(m) for messages in form.errors.values() for m in messages)
