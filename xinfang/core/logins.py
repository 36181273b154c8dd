"""Logins: failures slowed down per address, lock-outs answered (JSON under /api/),
locks lifted by an administrator.

django-axes locks a user name *from one address* after five failures
(settings.AXES_LOCKOUT_PARAMETERS), so nobody can lock a colleague out from
elsewhere. What axes does not see is one address trying many names: that is
counted here, in the rate-limit bucket `auth` of the address (AUTH_RATE). Each
attempt takes a slot before the password is checked, so parallel guesses cannot
overshoot; a successful login gives its slot back, so only failures count and a
reception centre behind one NAT address is not slowed down by its own logins.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import ratelimit
from .clients import client_address, rate_identity
from .models import SecurityRecord
from .services import record_security_event

PURPOSE = "auth"
_SLOT_ATTRIBUTE = "_xinfang_login_slot"
WAIT_ATTRIBUTE = "xinfang_login_wait"


class AddressThrottleBackend:
    """An authentication backend that authenticates nobody: placed before the one
    that checks passwords, it refuses the attempt (PermissionDenied, which ends
    django.contrib.auth.authenticate) when the address has failed too often."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        request = getattr(request, "_request", request)
        ident = rate_identity(client_address(request))
        wait = ratelimit.hit(purpose=PURPOSE, ident=ident)
        if wait is None:
            setattr(request, _SLOT_ATTRIBUTE, ident)
            return None
        setattr(request, WAIT_ATTRIBUTE, wait)
        record_security_event(
            kind=SecurityRecord.Kind.LOGIN_THROTTLED,
            request=request,
            username=str(username or "")[:150],
            detail={"retry_after": wait},
        )
        raise PermissionDenied

    # No get_user(): it never logs anybody in, so no session names it as its backend.


def give_back_slot(request) -> None:
    """A login succeeded: its attempt does not count as a failure."""
    request = getattr(request, "_request", request)
    ident = getattr(request, _SLOT_ATTRIBUTE, None)
    if ident is not None:
        ratelimit.refund(purpose=PURPOSE, ident=ident)
        delattr(request, _SLOT_ATTRIBUTE)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def refusal_response(request, *, locked: bool, wait: int | None = None) -> HttpResponse:
    """The one 429 of a login refused: a page, or JSON for the API."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if locked:
        wait = int(settings.AXES_COOLOFF_TIME.total_seconds())
        message = _(
            "Too many wrong passwords for this user name from your address: "
            "it is locked for %(minutes)s minutes."
        ) % {"minutes": minutes}
    else:
        message = _("Too many failed logins from your address. Wait %(seconds)s seconds.") % {
            "seconds": wait
        }
    if _wants_json(request):
        response = JsonResponse(
            {"detail": message, "code": "LockedOut" if locked else "Throttled"}, status=429
        )
    else:
        response = render(
            request,
            settings.AXES_LOCKOUT_TEMPLATE,
            {"message": message, "locked": locked},
            status=429,
        )
    response["Retry-After"] = str(max(1, wait or 1))
    return response


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: django-axes' lock-out, answered by us."""
    return refusal_response(request, locked=True)


def is_locked(attempt: AccessAttempt) -> bool:
    return attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


def lock_lift(*, actor: AbstractBaseUser, attempts: QuerySet[AccessAttempt]) -> int:
    """Lift the locks (and forget the failures) of these (user name, address) pairs;
    each lift is on the security record. Returns how many were lifted."""
    lifted = 0
    with transaction.atomic():
        for attempt in attempts.select_for_update():
            record_security_event(
                kind=SecurityRecord.Kind.LOCK_LIFTED,
                user=actor,
                username=attempt.username or "",
                target=attempt.username or "",
                detail={
                    "ip_address": attempt.ip_address,
                    "failures": attempt.failures_since_start,
                },
            )
            attempt.delete()
            lifted += 1
    return lifted
