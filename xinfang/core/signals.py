"""Puts authentication events on the record (core.SecurityRecord)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext

from . import notify, pii
from .models import SecurityRecord
from .services import record_security_event


@receiver(user_logged_in, dispatch_uid="xinfang-record-login")
def _on_login(sender, request, user, **kwargs):
    record_security_event(kind=SecurityRecord.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="xinfang-record-logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_security_event(kind=SecurityRecord.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="xinfang-record-login-failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record_security_event(
        kind=SecurityRecord.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out, dispatch_uid="xinfang-record-lockout")
def _on_locked_out(sender, request, username, ip_address, **kwargs):
    record_security_event(
        kind=SecurityRecord.Kind.LOCKED_OUT,
        request=request,
        username=str(username or "")[:150],
        detail={"ip_address": ip_address, "minutes": 15},
    )


@receiver(pii.reveals_refused, dispatch_uid="xinfang-tell-admins-pii-refused")
def _on_reveals_refused(sender, user, reads, minutes, **kwargs):
    """Someone read many people's data in a short time: the administrators hear of it."""
    notify.send_to_administrators(
        subject=gettext("Personal data: reads refused for %(user)s") % {"user": user.username},
        body=gettext(
            "%(user)s showed personal data %(count)d times in %(minutes)d minutes and has "
            "been refused more for now. See the security record in the administration."
        )
        % {"user": user.username, "count": reads, "minutes": minutes},
    )
