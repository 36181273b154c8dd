"""Pages of the leadership area, one topic per module."""

from xinfang.core.exceptions import InvalidInput


def posted_version(request, current: int) -> int:
    """The version a page's form sent back (its optimistic lock), or the row's
    current one when the form sent none. Anything but a whole number is a 400
    page (InvalidInput, shown by core.middleware), never a 500."""
    raw = request.POST.get("version") or ""
    if not raw:
        return current
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput() from None
