"""Historical disputes from an office's earlier ledgers (台账导入, issue 15).

The exchange area reads and checks the ledger and calls
`dispute_import_historical` for each good row. The dispute was handled before
this system: it is registered with its own dates (`received_on` is the ledger's
date, so it counts in its year's figures) and closed at once as the ledger says
(settled, failed or withdrawn). No case is opened, no deadline runs, nobody is
notified; its one event says where it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Unit, UnitKind

from ..models import Dispute, DisputeEvent, DisputeParty, DisputeState, DisputeType, Source
from .common import city_of, next_number, today, township_of
from .disputes import _clean_parties

CLOSING = {
    "settled": DisputeState.SETTLED,
    "failed": DisputeState.FAILED,
    "withdrawn": DisputeState.WITHDRAWN,
}


@dataclass
class HistoricalDispute:
    received_on: dt.date
    type: str
    place: Unit
    details: str
    parties: list[dict] = field(default_factory=list)
    summary: str = ""
    outcome: str = "settled"  # settled, failed or withdrawn
    result: str = ""
    concluded_on: dt.date | None = None
    ledger_number: str = ""


@transaction.atomic
def dispute_import_historical(*, actor, dispute: HistoricalDispute, source: str) -> Dispute:
    """Register one closed historical dispute from a ledger, with its own dates."""
    h = dispute
    errors: dict[str, list] = {}
    if h.type not in DisputeType.values:
        errors["type"] = [_("Choose the type of dispute.")]
    if h.place.kind != UnitKind.TERRITORIAL:
        errors["place"] = [_("Choose the village or township where it arose.")]
    if not h.details.strip():
        errors["details"] = [_("Describe the dispute in a line.")]
    if h.received_on > today():
        errors["received_on"] = [_("The date of receipt cannot be in the future.")]
    if h.concluded_on is not None and h.concluded_on < h.received_on:
        errors["concluded_on"] = [_("The matter cannot be concluded before it was received.")]
    if h.outcome not in CLOSING:
        errors["outcome"] = [_("Choose the result.")]
    try:
        parties = _clean_parties(h.parties)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    closed_on = h.concluded_on or h.received_on
    state = CLOSING[h.outcome]
    d = Dispute(
        number=next_number("TJ", city_of(h.place), h.received_on.year),
        source=Source.APPLICATION,
        type=h.type,
        summary=(h.summary or h.details).strip()[:200],
        details=h.details.strip(),
        place=h.place,
        arose_level=h.place.level,
        township=township_of(h.place),
        received_on=h.received_on,
        registered_by=actor if getattr(actor, "pk", None) else None,
        current_level=h.place.level,
        state=state,
        how_resolved=h.result.strip() if state == DisputeState.SETTLED else "",
        settled_on=closed_on if state == DisputeState.SETTLED else None,
        settled_level=h.place.level if state == DisputeState.SETTLED else "",
        closed_on=closed_on,
        data={"imported": {"source": source, "ledger_number": h.ledger_number}},
    )
    d.save()
    registered_at = timezone.make_aware(dt.datetime.combine(h.received_on, dt.time(9)))
    # registered_at is auto_now_add: the ledger's day is set after the insert.
    Dispute.objects.filter(pk=d.pk).update(registered_at=registered_at)
    d.registered_at = registered_at
    DisputeParty.objects.bulk_create(
        DisputeParty(dispute=d, sort_order=i, **p) for i, p in enumerate(parties)
    )
    DisputeEvent.record(
        d,
        action="imported",
        actor=actor,
        data={
            "source": source,
            "ledger_number": h.ledger_number,
            "received_on": h.received_on.isoformat(),
            "closed_on": closed_on.isoformat(),
            "result": h.result[:500],
        },
    )
    return d
