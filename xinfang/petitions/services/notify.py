"""Who hears of a matter: in-app notices, and their e-mail copies queued with them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from xinfang.core import notify
from xinfang.orgs.models import Role

from .. import selectors
from ..models import Notification, Petition

User = get_user_model()


def notify_users(users, *, petition: Petition | None, kind: str, message: str) -> None:
    """In-app notice now, and an e-mail copy to those with an address, queued in
    the same transaction (core.notify).
    `petition` None: a notice about something else (a listed dispute, for the
    supervision area), whose caller has chosen who may hear of it."""
    users = [u for u in {u.pk: u for u in users if u is not None}.values()]
    # Only those who may see the matter hear of it: never the accused of an
    # accusation, nor anyone its confidentiality keeps out (信访工作条例 Art. 30).
    if petition is not None:
        users = [u for u in users if selectors.may_see(u, petition)]
    users = [u for u in users if u.is_active]
    Notification.objects.bulk_create(
        Notification(user=u, petition=petition, kind=kind, message=message[:300]) for u in users
    )

    topic = f"petition:{petition.pk}" if petition is not None else ""
    # The development log takes the user name where no address is known; a real
    # gateway only the address.
    fallback = not notify.will_deliver("email")
    for u in users:
        to = u.email or (u.get_username() if fallback else "")
        if to:
            notify.send(channel="email", to=to, subject=kind, body=message, topic=topic)


def users_with(role: str, unit_ids) -> list:
    return list(
        User.objects.filter(
            memberships__role=role, memberships__unit_id__in=unit_ids, is_active=True
        ).distinct()
    )


def notify_unit(p: Petition, *, kind: str, message: str) -> None:
    """The responsible unit's handler, handlers and head hear of the office's decision."""
    users = [p.handler] if p.handler_id else []
    users += users_with(Role.HANDLER, [p.responsible_unit_id])
    users += users_with(Role.UNIT_HEAD, [p.responsible_unit_id])
    notify_users(users, petition=p, kind=kind, message=message)


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or those in `ids`)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
