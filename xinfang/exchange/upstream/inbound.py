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

MAX_PETITIONERS = 100
MAX_PEOPLE = 100_000
MAX_TEXT = 20_000
# Characters a peer may not send in any string: NUL and the other control
# characters (PostgreSQL cannot store NUL; the others have no place in a matter)
# and the bidirectional overrides that make a name or a number read as another.
_FORBIDDEN = frozenset(
    [chr(c) for c in range(32) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)]
)


def _bad_string(value: str) -> bool:
    if any(ch in _FORBIDDEN for ch in value):
        return True
    try:
        value.encode("utf-8")  # a lone surrogate ("\ud800") cannot be stored
    except UnicodeEncodeError:
        return True
    return False


def _bad_strings(value, depth: int = 0) -> bool:
    """Does any key or string in the message hold a character it may not?"""
    if depth > 20:
        return True
    if isinstance(value, str):
        return _bad_string(value)
    if isinstance(value, dict):
        return any(_bad_string(str(k)) or _bad_strings(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_strings(v, depth + 1) for v in value)
    return False


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
    value = message.get("message_id")
    try:
        if not isinstance(value, str):
            raise ValueError
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(field_errors={"message_id": [_("Give the message id.")]}) from None


def _check(message) -> tuple[uuid.UUID, str, dict]:
    if not isinstance(message, dict):
        raise InvalidInput(_("The message is not a JSON object."))
    if _bad_strings(message):
        raise InvalidInput(
            _("The message holds a control character or a character that cannot be stored.")
        )
    message_id = _message_id(message)
    kind = message.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise InvalidInput(field_errors={"kind": [_("Unknown kind of message.")]})
    matter = message.get("matter")
    number = matter.get("number") if isinstance(matter, dict) else None
    if not isinstance(number, str) or not number.strip() or len(number.strip()) > 60:
        raise InvalidInput(field_errors={"matter.number": [_("The message names no matter.")]})
    for key in ("event",):
        if message.get(key) is not None and not isinstance(message.get(key), dict):
            raise InvalidInput(field_errors={key: [_("Give a JSON object.")]})
    data = (message.get("event") or {}).get("data")
    if data is not None and not isinstance(data, dict):
        raise InvalidInput(field_errors={"event.data": [_("Give a JSON object.")]})
    return message_id, kind, matter


def receive(*, peer: Peer, message: dict, via: str) -> Outcome:
    """Keep and act on one message from `peer`, once (see the module's docstring).
    Bad content is InvalidInput and nothing is kept."""
    message_id, kind, matter = _check(message)
    try:
        with transaction.atomic():
            # One message of a peer at a time: the same message (or the same
            # assignment under two ids) delivered twice at once waits here for
            # the first and then finds what it made.
            list(Peer.objects.select_for_update().filter(pk=peer.pk).values_list("pk"))
            existing = InboundMessage.objects.filter(peer=peer, message_id=message_id).first()
            if existing is not None:
                return Outcome("duplicate", existing)
            receipt = InboundMessage.objects.create(
                peer=peer,
                message_id=message_id,
                kind=kind,
                sender_number=matter["number"].strip(),
                payload=json.dumps(message, ensure_ascii=False, sort_keys=True),
                via=via,
            )
            if kind == ExchangeMessage.Kind.ASSIGNMENT:
                receipt.petition = _register_assignment(peer, message_id, message)
            else:
                receipt.petition = _sent_to(peer, matter.get("upstream_number"))
            if receipt.petition is not None:
                receipt.save(update_fields=["petition"])
    except IntegrityError:
        # The same message racing itself (a retry while the first try still ran).
        existing = InboundMessage.objects.filter(peer=peer, message_id=message_id).first()
        if existing is None:
            raise
        return Outcome("duplicate", existing)
    return Outcome("accepted", receipt)


def _sent_to(peer: Peer, number) -> Petition | None:
    """Our matter `number`, if we sent it to this peer: a peer cannot tie its
    messages to a matter of ours it was never told of."""
    if not isinstance(number, str) or not number.strip():
        return None
    sent = ExchangeMessage.objects.filter(peer=peer, petition__number=number.strip())
    return Petition.objects.filter(pk__in=sent.values("petition_id")).first()


def _date(value, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field_errors={field: [_("Give a date.")]}) from None


def _text(m: dict, key: str, field: str, limit: int = MAX_TEXT) -> str:
    value = m.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidInput(
            field_errors={field: [_("Give a text of at most %(n)d characters.") % {"n": limit}]}
        )
    return value


def _flag(m: dict, key: str) -> bool:
    value = m.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidInput(field_errors={f"matter.{key}": [_("Give true or false.")]})
    return value


def _choice(m: dict, key: str, values, default: str) -> str:
    value = m.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str) or value not in values:
        raise InvalidInput(field_errors={f"matter.{key}": [_("Unknown value.")]})
    return value


def _petitioners(m: dict) -> list[dict]:
    people = m.get("petitioners") or []
    if not isinstance(people, list) or not 0 < len(people) <= MAX_PETITIONERS:
        raise InvalidInput(field_errors={"matter.petitioners": [_("Name the petitioners.")]})
    rows = []
    for i, x in enumerate(people):
        if not isinstance(x, dict):
            raise InvalidInput(field_errors={"matter.petitioners": [_("Name the petitioners.")]})
        row = {
            k: _text(x, k, f"matter.petitioners[{i}].{k}", 200)
            for k in ("name", "id_number", "phone", "address")
        }
        rep = x.get("is_representative")
        if rep is not None and not isinstance(rep, bool):
            raise InvalidInput(
                field_errors={
                    f"matter.petitioners[{i}].is_representative": [_("Give true or false.")]
                }
            )
        rows.append({**row, "is_representative": bool(rep)})
    return rows


def _register_assignment(peer: Peer, message_id: uuid.UUID, message: dict) -> Petition:
    if peer.direction != Peer.Direction.UP:
        raise InvalidInput(_("Only a peer above us assigns matters."))
    m = message["matter"]
    number = m["number"].strip()
    # The same assignment again under another message id: the matter it made.
    # Only this peer's: another peer's number may be the same string.
    already = (
        InboundMessage.objects.filter(
            peer=peer, kind=ExchangeMessage.Kind.ASSIGNMENT, petition__upstream_number=number
        )
        .values_list("petition_id", flat=True)
        .first()
    )
    if already is not None:
        return Petition.objects.get(pk=already)
    category = Category.objects.filter(code=_text(m, "category", "matter.category", 20)).first()
    place = Unit.objects.filter(code=_text(m, "place", "matter.place", 20), is_active=True).first()
    accused_code = _text(m, "accused_unit", "matter.accused_unit", 20)
    accused_unit = Unit.objects.filter(code=accused_code).first() if accused_code else None
    errors = {}
    if category is None:
        errors["matter.category"] = [_("Unknown category.")]
    if place is None:
        errors["matter.place"] = [_("Unknown place.")]
    if accused_code and accused_unit is None:
        errors["matter.accused_unit"] = [_("Unknown unit.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    received_on = min(_date(m.get("received_on"), "matter.received_on") or today(), today())
    if received_on.year < today().year - 1:
        # A date of year 1 made matter 410481-1-000001, overdue for 2,000 years.
        raise InvalidInput(
            field_errors={"matter.received_on": [_("The date of receipt is too far in the past.")]}
        )
    data = (message.get("event") or {}).get("data") or {}
    requirement = _text(data, "requirement", "event.data.requirement", 2000) or _text(
        m, "handling_requirement", "matter.handling_requirement", 2000
    )
    due = _date(data.get("report_back_due"), "event.data.report_back_due") or _date(
        m.get("report_back_due"), "matter.report_back_due"
    )
    people = _petitioners(m)
    people_count = m.get("people_count")
    if people_count is None:
        people_count = 1
    if (
        isinstance(people_count, bool)
        or not isinstance(people_count, int)
        or not (1 <= people_count <= MAX_PEOPLE)
    ):
        raise InvalidInput(field_errors={"matter.people_count": [_("At least one person.")]})
    flags = {k: _flag(m, k) for k in ("collective", "repeat", "accusation")}
    purpose = _choice(m, "purpose", Purpose.values, Purpose.APPEAL)
    accusation = flags["accusation"] or purpose == Purpose.ACCUSATION
    return petitions.petition_register(
        actor=None,
        registering_unit=None,
        channel=_choice(m, "channel", Channel.values, Channel.LETTER),
        purpose=purpose,
        category=category,
        place=place,
        summary=_text(m, "summary", "matter.summary", 200),
        content=_text(m, "content", "matter.content"),
        request=_text(m, "request", "matter.request"),
        petitioners=people,
        people_count=people_count,
        received_on=received_on,
        flags=flags,
        # An accusation keeps whom it accuses, so that here too the accused unit
        # and everything below it never see it (petitions.permissions).
        accused_unit=accused_unit if accusation else None,
        accused_name=_text(m, "accused_name", "matter.accused_name", 60) if accusation else "",
        upstream_number=number,
        event_data={
            "upstream": {
                "peer": peer.name,
                "number": number,
                "message_id": str(message_id),
                "requirement": requirement,
                "report_back_due": due.isoformat() if due else "",
            }
        },
    )
