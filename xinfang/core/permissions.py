"""The base of every permission policy: who is an administrator.

Core sits below orgs, so the one answer lives here and orgs.permissions (and
through it every area's policy) builds on it; nothing else reads Django's
superuser flag (core/tests/test_permission_policy.py).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

ADMINISTRATOR_FLAG = "is_superuser"


def is_administrator(user) -> bool:
    """An active administrator: sees every unit and may take every action."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "is_superuser", False)
    )


def administrators() -> QuerySet:
    """Every active administrator."""
    return get_user_model().objects.filter(is_superuser=True, is_active=True)


def set_administrator(user, administrator: bool) -> None:
    """Make `user` an administrator or not (not saved): Django's superuser, who
    also enters /admin/ (is_staff)."""
    user.is_superuser = administrator
    user.is_staff = administrator
