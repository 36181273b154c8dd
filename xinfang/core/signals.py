"""Puts authentication events on the record (core.SecurityRecord); starts a
session's absolute lifetime; revokes API tokens when credentials change; after
migrate, applies a change of the holiday data to the stored deadlines."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from . import logins, notify, pii, tokens
from .middleware import SESSION_STARTED_KEY
from .models import SecurityRecord
from .services import calendar_data_sync, record_security_event

_REVOKE_ATTRIBUTE = "_xinfang_revoke_tokens"


@receiver(user_logged_in, dispatch_uid="xinfang-record-login")
def _on_login(sender, request, user, **kwargs):
    record_security_event(kind=SecurityRecord.Kind.LOGIN, request=request, user=user)
    if request is not None:
        logins.give_back_slot(request)
        session = getattr(getattr(request, "_request", request), "session", None)
        # A page login (not an API token's, which must not make a session).
        if session is not None and SESSION_KEY in session:
            session[SESSION_STARTED_KEY] = timezone.now().timestamp()


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


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="xinfang-credentials-change")
def _note_credentials_change(sender, instance, update_fields=None, **kwargs):
    """Whether this save changes the password or deactivates the account: then the
    user's API tokens must go (a token is a password that does not change)."""
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login at each login: no query
    old = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    # Django re-hashes a password when its hasher's settings change, with
    # save(update_fields=["password"]) and no new raw password: the same password.
    rehash = getattr(instance, "_password", None) is None and update_fields is not None
    if old["password"] != instance.password and not rehash:
        setattr(instance, _REVOKE_ATTRIBUTE, "password_changed")
    elif old["is_active"] and not instance.is_active:
        setattr(instance, _REVOKE_ATTRIBUTE, "deactivated")


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="xinfang-revoke-tokens")
def _revoke_tokens(sender, instance, **kwargs):
    reason = getattr(instance, _REVOKE_ATTRIBUTE, None)
    if reason is None:
        return
    delattr(instance, _REVOKE_ATTRIBUTE)
    if reason == "password_changed":
        record_security_event(kind=SecurityRecord.Kind.PASSWORD_CHANGED, user=instance)
    tokens.tokens_revoke_all(user=instance, reason=reason)


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


def sync_calendar_after_migrate(sender, *, verbosity=1, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate, connected for the core app only (core.apps): a deployment that
    upgrades chinese-calendar runs migrate, and this moves the stored deadlines
    to the new data at once instead of waiting for the next tick.

    Skipped on another database and after a partial migrate (migrate app 0001):
    the tables the recompute callbacks use may not be there yet."""
    if using != DEFAULT_DB_ALIAS:
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    years = calendar_data_sync()
    if years and verbosity >= 1:
        first, last = min(years), max(years)
        span = str(first) if first == last else f"{first}-{last}"
        print(f"  Holiday data changed ({len(years)} years, {span}): stored deadlines recomputed.")
