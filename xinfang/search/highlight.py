"""The matched words in a result, marked; everything else escaped."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# How many characters of a long text a result shows around the first match.
SNIPPET_CHARS = 120


def _pattern(words: list[str]) -> re.Pattern | None:
    words = [w for w in words if w]
    if not words:
        return None
    words.sort(key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def mark(text: str, words: list[str]) -> SafeString:
    """`text` escaped, each occurrence of one of `words` inside <mark>."""
    pattern = _pattern(list(words))
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped just here
    out, at = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[at : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        at = m.end()
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def snippet(text: str, words: list[str], size: int = SNIPPET_CHARS) -> SafeString:
    """A window of `text` around its first match, marked (… where cut)."""
    text = " ".join((text or "").split())
    pattern = _pattern(list(words))
    first = pattern.search(text) if pattern else None
    start = max(0, (first.start() if first else 0) - size // 4)
    piece = text[start : start + size]
    marked = mark(piece, words)
    before = "…" if start > 0 else ""
    after = "…" if start + size < len(text) else ""
    return mark_safe(f"{before}{marked}{after}")  # noqa: S308 - `marked` is escaped
