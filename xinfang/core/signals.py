"""Puts authentication events on the record (core.SecurityRecord); after
migrate, applies a change of the holiday data to the stored deadlines."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.dispatch import receiver

from .models import SecurityRecord
from .services import calendar_data_sync, record_security_event


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
