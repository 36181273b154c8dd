"""Historical matters from an office's earlier ledgers (台账导入, issue 15).

The exchange area reads the ledger, checks every row and calls
`petition_import_historical` once per good row. A ledger row is a matter the
office already handled outside this system: it is registered with its own dates
(`received_on` is the ledger's date, so it counts in the statistics of its year:
analytics keys every figure on `received_on`) and concluded at once. No clock
starts, no deadline is computed, no SMS or notice goes out: the only event on
its timeline says where it came from.

A row that fails is refused with `InvalidInput` (field errors) and nothing is
written; the caller turns the messages into the row's reason."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import querycode
from xinfang.core.exceptions import InvalidInput
from xinfang.core.pii import validate_id_number, validate_phone
from xinfang.orgs.models import Unit, UnitKind

from ..models import Category, Channel, Outcome, Petition, Petitioner, PetitionEvent, Purpose, State
from .frame import today as _today
from .registration import COLLECTIVE_FROM, _next_number, office_for

IMPORTED = "ledger_import"  # Petition.concluded_reason of an imported matter


@dataclass
class HistoricalMatter:
    """One checked ledger row, in the petition's own terms."""

    received_on: dt.date
    category: Category
    place: Unit
    summary: str
    content: str
    channel: str = Channel.VISIT
    purpose: str = Purpose.APPEAL
    responsible_unit: Unit | None = None
    people_count: int = 1
    petitioners: list[dict] = field(default_factory=list)
    outcome: str = ""
    result: str = ""
    concluded_on: dt.date | None = None
    ledger_number: str = ""


def check_historical(m: HistoricalMatter) -> None:
    """Raise InvalidInput naming every field of the row that is wrong."""
    errors: dict[str, list] = {}
    if m.received_on > _today():
        errors["received_on"] = [_("The date of receipt cannot be in the future.")]
    if m.concluded_on is not None and m.concluded_on < m.received_on:
        errors["concluded_on"] = [_("The matter cannot be concluded before it was received.")]
    if not m.category.is_active:
        errors["category"] = [_("Choose a category.")]
    elif m.category.parent_id is None and m.category.children.exists():
        errors["category"] = [_("Choose a category of the second level.")]
    if m.place.kind != UnitKind.TERRITORIAL:
        errors["place"] = [_("Choose the township or village where the problem is.")]
    if not m.content.strip():
        errors["content"] = [_("Describe what happened.")]
    if m.channel not in Channel.values:
        errors["channel"] = [_("Choose the channel.")]
    if m.purpose not in Purpose.values:
        errors["purpose"] = [_("Choose the purpose.")]
    if m.people_count < 1:
        errors["people_count"] = [_("At least one person.")]
    if not m.petitioners:
        errors["petitioners"] = [_("Name at least one petitioner.")]
    for person in m.petitioners:
        if not (person.get("name") or "").strip():
            errors["name"] = [_("Give the petitioner's name.")]
        for key, check in (("id_number", validate_id_number), ("phone", validate_phone)):
            if person.get(key):
                try:
                    person[key] = check(person[key])
                except ValidationError as exc:
                    errors[key] = list(exc.messages)
    if errors:
        raise InvalidInput(field_errors=errors)


@transaction.atomic
def petition_import_historical(
    *, actor, matter: HistoricalMatter, source: str, office_cache: dict | None = None
) -> Petition:
    """Register one historical matter from a ledger, concluded, with its own dates.

    `office_cache` (place id → petition office) spares the lookup of the same
    place's office for every row of a large ledger."""
    check_historical(matter)
    cache = office_cache if office_cache is not None else {}
    office = cache.get(matter.place.pk)
    if office is None:
        office = cache[matter.place.pk] = office_for(matter.place)
    is_accusation = matter.purpose == Purpose.ACCUSATION
    concluded_on = matter.concluded_on or matter.received_on
    p = Petition(
        number=f"pending-{uuid.uuid4().hex}",
        query_code=querycode.new_query_code(),
        channel=matter.channel,
        purpose=matter.purpose,
        category=matter.category,
        place=matter.place,
        summary=(matter.summary or matter.content).strip()[:200],
        content=matter.content.strip(),
        people_count=matter.people_count,
        collective=matter.people_count >= COLLECTIVE_FROM,
        accusation=is_accusation,
        received_on=matter.received_on,
        registering_unit=office,
        registered_by=actor,
        office=office,
        responsible_unit=matter.responsible_unit,
        # Closed history: no clock runs, nothing turns yellow or red.
        state=State.CONCLUDED,
        clock="",
        concluded_reason=IMPORTED,
        opinion_outcome=matter.outcome if matter.outcome in Outcome.values else "",
        opinion_issued_on=concluded_on if matter.outcome in Outcome.values else None,
    )
    p.save()
    Petitioner.objects.bulk_create(
        Petitioner(
            petition=p,
            position=i,
            name=(x.get("name") or "").strip()[:60],
            id_number=x.get("id_number") or "",
            phone=x.get("phone") or "",
            address=(x.get("address") or "").strip()[:200],
        )
        for i, x in enumerate(matter.petitioners)
    )
    registered_at = timezone.make_aware(dt.datetime.combine(matter.received_on, dt.time(9)))
    p.number = _next_number(office, matter.received_on.year)
    # registered_at is auto_now_add: the ledger's day is set after the insert, so
    # lists sorted by registration put the matter in its year, not today.
    Petition.objects.filter(pk=p.pk).update(number=p.number, registered_at=registered_at)
    p.registered_at = registered_at
    PetitionEvent.record(
        p,
        action="imported",
        actor=actor,
        from_state="",
        data={
            "source": source,
            "ledger_number": matter.ledger_number,
            "received_on": matter.received_on.isoformat(),
            "concluded_on": concluded_on.isoformat(),
            "result": matter.result[:500],
        },
    )
    return p
