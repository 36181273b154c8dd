"""Outbound: every event the system above must know becomes a message in the
outbox, written in the event's own transaction; a background task delivers it.

`on_event` receives post_save of PetitionEvent (connected in the exchange's
AppConfig.ready(), as search does: petitions knows nothing of the exchange).
Every step of a matter runs `PetitionEvent.record` inside the transition's
transaction, so the outbox row commits or rolls back with the step. For each
active peer above us, the kinds in KINDS are written; for a peer below us, a
forward to a unit inside the territory it serves is written as an assignment
(交办). Only the delivery task is enqueued after the commit (core.tasks.enqueue:
on the database queue in the same transaction).

`deliver` sends one message, once: exactly-once for the receiver rests on the
stable message id (the row's UUID) it deduplicates on; a worker killed between
sending and recording sends it again with the same id. A message of a matter is
not sent before the earlier ones of that matter to that peer are delivered
(`seq`); when one is delivered, the next is enqueued. Retries back off as core's
notifications do (core.tasks.backoff), XINFANG_EXCHANGE_MAX_ATTEMPTS in all,
then the message is failed for good until the administrator retries it."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.tasks import task
from django.utils import timezone

from xinfang.core import tasks
from xinfang.core.memo import memoized
from xinfang.core.notify import mask_secrets
from xinfang.core.pii import mask_name
from xinfang.orgs.models import UnitLink
from xinfang.petitions.models import Petition, PetitionEvent

from ..models import ExchangeMessage, Peer
from . import transport as transports

logger = logging.getLogger("xinfang.exchange.upstream")

FORMAT = "xinfang-upstream/1"
Kind = ExchangeMessage.Kind
State = ExchangeMessage.State

# The events the system above must know, by the message kind they travel as.
KINDS = {
    "register": Kind.REGISTRATION,
    "forward": Kind.FORWARD,
    "accept": Kind.ACCEPTANCE,
    "decline": Kind.ACCEPTANCE,
    "decline_intake": Kind.ACCEPTANCE,
    "report_back": Kind.REPLY,
    "reply": Kind.REPLY,
    "request_review": Kind.REVIEW,
    "review_reply": Kind.REVIEW,
    "request_re_review": Kind.REVIEW,
    "re_review_reply": Kind.REVIEW,
    "conclude": Kind.CONCLUSION,
    "window_lapsed": Kind.CONCLUSION,
    "no_longer_accepted": Kind.CONCLUSION,
}


# --- written with the event ------------------------------------------------------


def on_event(sender, instance: PetitionEvent, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of PetitionEvent: the outbox rows of this event (same transaction)."""
    if raw or not created:
        return
    record(instance)


def record(event: PetitionEvent) -> list[ExchangeMessage]:
    kind = KINDS.get(event.action)
    written = []
    for peer in active_peers():
        if peer.direction == Peer.Direction.UP and kind:
            written.append(_write(peer, event, kind))
        elif peer.direction == Peer.Direction.DOWN and _assigned_below(peer, event):
            written.append(_write(peer, event, Kind.ASSIGNMENT))
    return written


@memoized()
def active_peers() -> list[Peer]:
    """The active peers (every event of every matter asks): kept (core.memo),
    forgotten when a peer is saved or deleted (exchange.apps)."""
    return list(Peer.objects.filter(is_active=True).order_by("name"))


def _assigned_below(peer: Peer, event: PetitionEvent) -> bool:
    unit_id = (event.data or {}).get("responsible_unit")
    if not (
        event.action == "forward"
        and peer.unit_id
        and unit_id
        and UnitLink.objects.filter(ancestor_id=peer.unit_id, descendant_id=unit_id).exists()
    ):
        return False
    if _accused_below(peer, event.petition):
        logger.warning(
            "Accusation %s not sent down to %s: the unit it accuses is on that side.",
            event.petition.number,
            peer,
        )
        return False
    return True


def _accused_below(peer: Peer, p: Petition) -> bool:
    """An accusation whose accused unit (or accused person's post) is the lower
    peer's territory, inside it or above it: that instance serves the accused
    (信访工作条例 Art. 30), so the accusation never goes down to it."""
    if not p.accusation:
        return False
    sides = Q(pk__in=[])
    if p.accused_unit_id:
        sides |= Q(ancestor_id=p.accused_unit_id, descendant_id=peer.unit_id)
        sides |= Q(ancestor_id=peer.unit_id, descendant_id=p.accused_unit_id)
    if p.accused_user_id:
        # The accused person holds a post in that territory, or above it.
        sides |= Q(ancestor_id=peer.unit_id, descendant__memberships__user_id=p.accused_user_id)
        sides |= Q(ancestor__memberships__user_id=p.accused_user_id, descendant_id=peer.unit_id)
    return UnitLink.objects.filter(sides).exists()


def _write(peer: Peer, event: PetitionEvent, kind: str) -> ExchangeMessage:
    # The transition holds the matter's row lock, so two events of one matter do
    # not race for the same seq (and the unique constraint would refuse it).
    last = ExchangeMessage.objects.filter(peer=peer, petition_id=event.petition_id).aggregate(
        n=Max("seq")
    )["n"]
    message = ExchangeMessage.objects.create(
        peer=peer, petition_id=event.petition_id, event=event, kind=kind, seq=(last or 0) + 1
    )
    if peer.transport != transports.BATCH:
        tasks.enqueue(deliver, str(message.pk))
    return message


# --- what a message says -----------------------------------------------------------


def _day(value) -> str | None:
    return value.isoformat() if value else None


def matter_fields(p: Petition, *, identity: bool = True) -> dict:
    """The matter's required fields as the receiver registers or updates it.
    Without `identity` (an accusation sent down whose accuser the office did not
    release to that side) the petitioners go as masked names only."""
    return {
        "number": p.number,
        "upstream_number": p.upstream_number,
        "channel": p.channel,
        "purpose": p.purpose,
        "category": p.category.code,
        "category_name": p.category.name,
        "place": p.place.code,
        "place_name": p.place.name,
        "summary": p.summary,
        "content": p.content,
        "request": p.request,
        "people_count": p.people_count,
        "collective": p.collective,
        "repeat": p.repeat,
        "accusation": p.accusation,
        "received_on": _day(p.received_on),
        "state": p.state,
        "office": p.office.code,
        "responsible_unit": p.responsible_unit.code if p.responsible_unit_id else "",
        "due_date": _day(p.due_date),
        "forward_kind": p.forward_kind,
        "handling_requirement": p.handling_requirement,
        "report_back_due": _day(p.report_back_due),
        "accused_unit": p.accused_unit.code if p.accused_unit_id else "",
        "accused_name": p.accused_name,
        "petitioners": [
            {
                "name": x.name,
                "id_number": x.id_number,
                "phone": x.phone,
                "address": x.address,
                "is_representative": x.is_representative,
            }
            if identity
            else {"name": mask_name(x.name), "is_representative": x.is_representative}
            for x in p.petitioners.order_by("position")
        ],
    }


def _identity_goes(peer: Peer, p: Petition) -> bool:
    """May the petitioners' identity go to this peer? Up: always. Down: but for an
    accusation, only when the office released it to a unit inside that side."""
    if peer.direction == Peer.Direction.UP or not p.accusation:
        return True
    return bool(
        p.identity_shared_with_id
        and peer.unit_id
        and UnitLink.objects.filter(
            ancestor_id=peer.unit_id, descendant_id=p.identity_shared_with_id
        ).exists()
    )


def build_payload(message: ExchangeMessage) -> dict:
    event = message.event
    p = Petition.objects.select_related(
        "category", "place", "office", "responsible_unit", "accused_unit"
    ).get(pk=message.petition_id)
    return {
        "format": FORMAT,
        "message_id": str(message.pk),
        "kind": message.kind,
        "seq": message.seq,
        "from": message.peer.identity,
        "written_at": message.created_at.isoformat(),
        "event": {
            "action": event.action,
            "at": event.at.isoformat(),
            "from_state": event.from_state,
            "to_state": event.to_state,
            "data": event.data or {},
        },
        "matter": matter_fields(p, identity=_identity_goes(message.peer, p)),
    }


def body_of(message: ExchangeMessage) -> bytes:
    """The message's JSON, built at its first send and kept (every retry and a
    batch file exported again carry the same bytes)."""
    if not message.payload:
        message.payload = json.dumps(build_payload(message), ensure_ascii=False, sort_keys=True)
        ExchangeMessage.objects.filter(pk=message.pk).update(payload=message.payload)
    return message.payload.encode("utf-8")


# --- delivery ----------------------------------------------------------------------


def waiting_for_earlier(message: ExchangeMessage) -> bool:
    """An earlier message of the same matter to the same peer is not delivered."""
    return (
        ExchangeMessage.objects.filter(
            peer_id=message.peer_id, petition_id=message.petition_id, seq__lt=message.seq
        )
        .exclude(state=State.DELIVERED)
        .exists()
    )


@task()
def deliver(message_id: str) -> str:
    """Send one outbox message, once. Safe to run again: a message delivered,
    failed for good, waiting for an earlier one or being sent by a live worker
    is left alone."""
    now = timezone.now()
    with transaction.atomic():
        m = (
            ExchangeMessage.objects.select_for_update()
            .select_related("peer")
            .filter(pk=message_id)
            .first()
        )
        if m is None:
            return "missing"
        busy = tasks.left_alone(m, ExchangeMessage.OPEN_STATES, now)
        if busy:
            return busy
        if not m.peer.is_active or m.peer.transport == transports.BATCH:
            return "held"  # a batch file carries it; an inactive peer gets nothing
        if waiting_for_earlier(m):
            return "waiting"  # the earlier one's delivery enqueues this one
        body = body_of(m)
        m.state, m.claimed_at, m.attempts = State.SENDING, now, m.attempts + 1
        m.save(update_fields=["state", "claimed_at", "attempts"])
    envelope = transports.Envelope(message_id=str(m.pk), kind=m.kind, body=body)
    try:
        transport = transports.get_transport(m.peer.transport)
        transport.deliver(m.peer, envelope)
    except Exception as exc:
        return _failed(m, exc)
    with transaction.atomic():
        m.state, m.delivered_at, m.claimed_at = State.DELIVERED, timezone.now(), None
        m.last_error = ""
        m.save(update_fields=["state", "delivered_at", "claimed_at", "last_error"])
        _enqueue_next(m)
    return m.state


def _failed(m: ExchangeMessage, exc: Exception) -> str:
    error = mask_secrets(f"{type(exc).__name__}: {exc}")[:300]
    return tasks.record_failure(
        m,
        deliver,
        error,
        max_attempts=settings.XINFANG_EXCHANGE_MAX_ATTEMPTS,
        for_good=isinstance(exc, transports.Refused),
        log=logger,
    )


def _enqueue_next(m: ExchangeMessage) -> None:
    following = (
        ExchangeMessage.objects.filter(
            peer_id=m.peer_id,
            petition_id=m.petition_id,
            seq__gt=m.seq,
            state__in=[State.PENDING, State.RETRYING],
        )
        .order_by("seq")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        tasks.enqueue(deliver, str(following))


def sweep(now: dt.datetime | None = None, grace_seconds: int = 120) -> int:
    """Enqueue again the messages that should have gone by now and have no task
    that will send them (a backend that could not wait for a retry, a task lost
    outside the database queue). Running `deliver` twice is harmless."""
    now = now or timezone.now()
    late = now - dt.timedelta(seconds=grace_seconds)
    stale = now - dt.timedelta(seconds=settings.XINFANG_WORKER_STALE_SECONDS)
    ids = (
        ExchangeMessage.objects.filter(peer__is_active=True)
        .exclude(peer__transport=transports.BATCH)
        .filter(
            Q(state=State.PENDING, created_at__lt=late)
            | Q(state=State.RETRYING, next_attempt_at__lt=late)
            | Q(state=State.SENDING, claimed_at__lt=min(late, stale))
        )
        .order_by("petition_id", "seq")
        .values_list("pk", flat=True)[:1000]
    )
    ids = [str(pk) for pk in ids]
    with transaction.atomic():
        for pk in ids:
            tasks.enqueue(deliver, pk)
    return len(ids)


def retry(message: ExchangeMessage) -> None:
    """The administrator sends a failed message again (from the first try)."""
    with transaction.atomic():
        ExchangeMessage.objects.filter(pk=message.pk, state=State.FAILED).update(
            state=State.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
        )
        if message.peer.transport != transports.BATCH:
            tasks.enqueue(deliver, str(message.pk))
