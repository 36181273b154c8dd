"""Inbound: a message a peer sent us (over HTTPS or in a batch file) is kept
once per (peer, message id) and acted on in the same transaction.

- An assignment (交办) from a peer above becomes a registered matter here, with
  the upper system's number (`Petition.upstream_number`), the date it received
  the matter (the clocks run from it) and its requirement and report-back date
  on the register event. The same assignment sent again under another message
  id finds the matter it made instead of making a second.
- Any other kind (a peer below reporting its matters' steps) is kept as
  received; when it is about a matter we assigned (its upstream number is our
  number), the receipt names that matter.

The same message id again answers "duplicate" and changes nothing: that is the
receiver's half of exactly-once delivery."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core.calendar import today
from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Unit
from xinfang.petitions import services as petitions
from xinfang.petitions.models import Category, Channel, Petition, Purpose

from ..models import ExchangeMessage, InboundMessage, Peer

KINDS = frozenset(ExchangeMessage.Kind.values)


@dataclass(frozen=True)
class Outcome:
    status: str  # "accepted" or "duplicate"
    receipt: InboundMessage

    def as_json(self) -> dict:
        p = self.receipt.petition
        return {
            "status": self.status,
            "message_id": str(self.receipt.message_id),
            "number": p.number if p is not None else "",
        }


def _message_id(message: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(message.get("message_id", "")))
    except ValueError:
        raise InvalidInput(field_errors={"message_id": [_("Give the message id.")]}) from None


def _check(message) -> tuple[uuid.UUID, str, dict]:
    if not isinstance(message, dict):
        raise InvalidInput(_("The message is not a JSON object."))
    message_id = _message_id(message)
    kind = message.get("kind")
    if kind not in KINDS:
        raise InvalidInput(field_errors={"kind": [_("Unknown kind of message.")]})
    matter = message.get("matter")
    if not isinstance(matter, dict) or not str(matter.get("number") or "").strip():
        raise InvalidInput(field_errors={"matter": [_("The message names no matter.")]})
    return message_id, kind, matter


def receive(*, peer: Peer, message: dict, via: str) -> Outcome:
    """Keep and act on one message from `peer`, once (see the module's docstring).
    Bad content is InvalidInput and nothing is kept."""
    message_id, kind, matter = _check(message)
    existing = InboundMessage.objects.filter(peer=peer, message_id=message_id).first()
    if existing is not None:
        return Outcome("duplicate", existing)
    try:
        with transaction.atomic():
            receipt = InboundMessage.objects.create(
                peer=peer,
                message_id=message_id,
                kind=kind,
                sender_number=str(matter["number"])[:60],
                payload=json.dumps(message, ensure_ascii=False, sort_keys=True),
                via=via,
            )
            if kind == ExchangeMessage.Kind.ASSIGNMENT:
                receipt.petition = _register_assignment(peer, message_id, message)
            elif matter.get("upstream_number"):
                receipt.petition = Petition.objects.filter(
                    number=str(matter["upstream_number"])
                ).first()
            if receipt.petition is not None:
                receipt.save(update_fields=["petition"])
    except IntegrityError:
        # The same message racing itself (a retry while the first try still ran).
        existing = InboundMessage.objects.filter(peer=peer, message_id=message_id).first()
        if existing is None:
            raise
        return Outcome("duplicate", existing)
    return Outcome("accepted", receipt)


def _date(value, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(field_errors={field: [_("Give a date.")]}) from None


def _register_assignment(peer: Peer, message_id: uuid.UUID, message: dict) -> Petition:
    if peer.direction != Peer.Direction.UP:
        raise InvalidInput(_("Only a peer above us assigns matters."))
    m = message["matter"]
    number = str(m["number"]).strip()[:60]
    already = Petition.objects.filter(upstream_number=number).first()
    if already is not None:
        return already
    category = Category.objects.filter(code=str(m.get("category") or "")).first()
    place = Unit.objects.filter(code=str(m.get("place") or "")).first()
    errors = {}
    if category is None:
        errors["matter.category"] = [_("Unknown category.")]
    if place is None:
        errors["matter.place"] = [_("Unknown place.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    received_on = min(_date(m.get("received_on"), "matter.received_on") or today(), today())
    event = message.get("event") or {}
    data = event.get("data") or {}
    people = m.get("petitioners") or []
    if not isinstance(people, list) or not all(isinstance(x, dict) for x in people):
        raise InvalidInput(field_errors={"matter.petitioners": [_("Name the petitioners.")]})
    try:
        people_count = max(int(m.get("people_count") or 1), 1)
    except (TypeError, ValueError):
        raise InvalidInput(
            field_errors={"matter.people_count": [_("At least one person.")]}
        ) from None
    return petitions.petition_register(
        actor=None,
        registering_unit=None,
        channel=m.get("channel") if m.get("channel") in Channel.values else Channel.LETTER,
        purpose=m.get("purpose") if m.get("purpose") in Purpose.values else Purpose.APPEAL,
        category=category,
        place=place,
        summary=str(m.get("summary") or ""),
        content=str(m.get("content") or ""),
        request=str(m.get("request") or ""),
        petitioners=people,
        people_count=people_count,
        received_on=received_on,
        flags={k: bool(m.get(k)) for k in ("collective", "repeat", "accusation")},
        upstream_number=number,
        event_data={
            "upstream": {
                "peer": peer.name,
                "number": number,
                "message_id": str(message_id),
                "requirement": str(data.get("requirement") or m.get("handling_requirement") or ""),
                "report_back_due": str(
                    data.get("report_back_due") or m.get("report_back_due") or ""
                ),
            }
        },
    )
