"""Setting up a peer: its name, direction, transport, address and shared key."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput
from xinfang.core.memo import forget_all
from xinfang.orgs.models import Unit

from ..models import Peer
from ..models.upstream import new_key
from . import transport as transports


@transaction.atomic
def peer_save(
    *,
    name: str,
    identity: str,
    direction: str,
    transport: str = Peer.Transport.HTTPS,
    base_url: str = "",
    unit: Unit | None = None,
    key: str = "",
    new_secret: bool = False,
    activate: bool = False,
) -> tuple[Peer, str]:
    """Create the peer `name`, or change it. A new peer gets a fresh key unless
    one is given (the other side generated it); `new_secret` replaces the key.
    A deactivated peer stays so when changed, unless `activate` (a peer stopped
    because its key leaked is not let back in by a change of its address).
    Answers the peer and the key when it was set now ("" otherwise): shown once."""
    name, identity, base_url = name.strip(), identity.strip(), base_url.strip()
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [_("Give the peer's name.")]
    if not identity:
        errors["identity"] = [_("Give this system's name at the peer.")]
    if direction not in Peer.Direction.values:
        errors["direction"] = [_("Choose up or down.")]
    if transport not in {transports.BATCH, *transports.transports()}:
        errors["transport"] = [_("Unknown transport.")]
    if transport != transports.BATCH and not base_url:
        errors["base_url"] = [_("Give the peer's address.")]
    elif base_url and not (
        base_url.startswith("https://")
        or (base_url.startswith("http://") and settings.XINFANG_EXCHANGE_ALLOW_HTTP)
    ):
        errors["base_url"] = [_("The address must begin with https://.")]
    if key and len(key) < 32:
        errors["key"] = [_("A shared key has at least 32 characters.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    peer = Peer.objects.select_for_update().filter(name=name).first()
    shown = ""
    if peer is None:
        peer = Peer(name=name)
        shown = key or new_key()
        peer.key = shown
    elif key or new_secret:
        shown = key or new_key()
        peer.key = shown
    peer.identity, peer.direction, peer.transport = identity, direction, transport
    peer.base_url, peer.unit = base_url, unit
    if peer.pk is None or activate:
        peer.is_active = True
    peer.save()
    return peer, shown


def peer_deactivate(*, name: str) -> bool:
    done = Peer.objects.filter(name=name).update(is_active=False) > 0
    forget_all()  # the kept active peers (outbound.active_peers): update() sends no signal
    return done
