from . import selectors


def notifications(request):
    """The number of unread notices, for the bell in the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": selectors.unread_count(user)}
