"""What the administrator's page reads: the peers with their messages' states,
the outbox, the receipts, and the delivery lag."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ExchangeMessage, InboundMessage, Peer

State = ExchangeMessage.State


def peers() -> list[Peer]:
    counts = {s: Count("outbox", filter=Q(outbox__state=s)) for s in State.values}
    return list(Peer.objects.select_related("unit").annotate(**counts).order_by("name"))


def outbox(*, state: str = "", peer_id: int | None = None, limit: int = 200):
    qs = ExchangeMessage.objects.select_related("peer", "petition").order_by("-created_at")
    if state in State.values:
        qs = qs.filter(state=state)
    if peer_id:
        qs = qs.filter(peer_id=peer_id)
    return qs[:limit]


def inbox(*, limit: int = 100):
    return InboundMessage.objects.select_related("peer", "petition").order_by("-received_at")[
        :limit
    ]


def span(value: dt.timedelta | None) -> str:
    """A lag as a reader says it: 0.4 s, 14 s, 3 min, 2 h 5 min, 3 d 4 h ("—" for none)."""
    if value is None:
        return "—"
    total = value.total_seconds()
    if total < 10:
        return _("%(n).1f s") % {"n": total}
    seconds = int(total)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min") % {"m": minutes}
    return _("%(s)d s") % {"s": secs}


@dataclass(frozen=True)
class Lag:
    oldest_waiting: dt.timedelta | None  # the oldest message not yet delivered
    waiting: int
    delivered_day: int  # delivered in the last 24 hours
    median: dt.timedelta | None
    p95: dt.timedelta | None

    # As the page shows them.
    @property
    def oldest_text(self) -> str:
        return span(self.oldest_waiting)

    @property
    def median_text(self) -> str:
        return span(self.median)

    @property
    def p95_text(self) -> str:
        return span(self.p95)


def lag(now: dt.datetime | None = None) -> Lag:
    now = now or timezone.now()
    open_ = ExchangeMessage.objects.filter(state__in=ExchangeMessage.OPEN_STATES)
    oldest = open_.aggregate(at=Min("created_at"))["at"]
    seconds = sorted(
        (d - c).total_seconds()
        for c, d in ExchangeMessage.objects.filter(
            state=State.DELIVERED, delivered_at__gte=now - dt.timedelta(days=1)
        ).values_list("created_at", "delivered_at")[:20000]
    )
    median = p95 = None
    if seconds:
        median = dt.timedelta(seconds=statistics.median(seconds))
        p95 = dt.timedelta(seconds=seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))])
    return Lag(
        oldest_waiting=now - oldest if oldest else None,
        waiting=open_.count(),
        delivered_day=len(seconds),
        median=median,
        p95=p95,
    )
