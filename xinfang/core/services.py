from django.contrib.auth.models import AbstractBaseUser

from .models import SecurityRecord


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_security_event(
    *,
    kind: str,
    request=None,
    user: AbstractBaseUser | None = None,
    username: str = "",
    target: str = "",
    detail: dict | None = None,
) -> SecurityRecord:
    """Append one security record. Never updates or deletes."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return SecurityRecord.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        ip_address=client_ip(request),
        target=target[:200],
        detail=detail or {},
    )
