"""Every write in the mediation network. One transaction each; each writes its event.

Like the petition services: keyword-only, typed; a write checks the actor may
see the dispute (else 404), may act (else 403), that the action fits the state
(else 409) and its own input (else 400), then changes the rows and appends one
DisputeEvent, all or nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Level, Unit, UnitKind
from xinfang.petitions.models import NumberSequence

from .models import (
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeState,
    DisputeType,
    PartyRole,
    Risk,
    ScreeningReport,
    Source,
)


def _today() -> dt.date:
    return timezone.localdate()


def next_number(kind: str, territory: Unit, year: int) -> str:
    """Gap-free numbers per kind (e.g. "TJ" dispute, "AJ" case), territory and year;
    the same locked-sequence scheme as petition numbers."""
    prefix = f"{kind}-{territory.code}-{year}"
    rows = NumberSequence.objects.filter(prefix=prefix)
    if not rows.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, last=0)
        except IntegrityError:
            pass  # created by a concurrent transaction just now
        rows.update(last=F("last") + 1)
    return f"{prefix}-{rows.values_list('last', flat=True).get():05d}"


def township_of(place: Unit) -> Unit | None:
    """The township at or above a territorial place (None for the city itself)."""
    return (
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL,
            level=Level.TOWNSHIP,
            descendant_links__descendant=place,
        )
        .order_by("descendant_links__distance")
        .first()
    )


def city_of(place: Unit) -> Unit:
    return (
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL, level=Level.CITY, descendant_links__descendant=place
        )
        .order_by("descendant_links__distance")
        .first()
        or place
    )


def dispute_event(
    dispute: Dispute,
    *,
    action: str,
    actor=None,
    actor_unit: Unit | None = None,
    from_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute=dispute,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_unit=actor_unit,
        action=action,
        from_state=from_state,
        to_state=dispute.state,
        note=note,
        data=data or {},
    )


def _clean_parties(parties: list[dict]) -> list[dict]:
    errors = []
    cleaned = []
    for i, party in enumerate(parties or []):
        name = (party.get("name") or "").strip()
        if not name:
            errors.append(_("Party %(n)d: give the name.") % {"n": i + 1})
            continue
        role = party.get("role") or (PartyRole.APPLICANT if i == 0 else PartyRole.RESPONDENT)
        if role not in PartyRole.values:
            errors.append(_("Party %(n)d: choose applicant or respondent.") % {"n": i + 1})
            continue
        cleaned.append(
            {
                "name": name[:100],
                "role": role,
                "is_organisation": bool(party.get("is_organisation")),
                "id_number": (party.get("id_number") or "").strip(),
                "phone": (party.get("phone") or "").strip(),
                "address": (party.get("address") or "").strip()[:200],
            }
        )
    if errors:
        raise InvalidInput(field_errors={"parties": errors})
    if not cleaned:
        raise InvalidInput(field_errors={"parties": [_("Name at least one party.")]})
    return cleaned


def dispute_create(
    *,
    actor,
    actor_unit: Unit | None = None,
    source: str,
    type: str,
    place: Unit,
    summary: str,
    details: str = "",
    parties: list[dict],
    risk: str = Risk.LOW,
    received_on: dt.date | None = None,
    screening_report: ScreeningReport | None = None,
    petition=None,
    referral_ref: str = "",
    resolved_on_spot: bool = False,
    how_resolved: str = "",
    idempotency_key: str | None = None,
) -> Dispute:
    """Register a dispute in the ledger. The caller checks the actor's rights on
    `place` (screening: the liaison's village; application: the receiving body).

    A dispute resolved on the spot (就地化解) is registered settled, at the level of
    its place, so it counts among those "settled where they arose"."""
    errors: dict[str, list[str]] = {}
    if source not in Source.values:
        errors["source"] = [_("Choose the source.")]
    if type not in DisputeType.values:
        errors["type"] = [_("Choose the type of dispute.")]
    if risk not in Risk.values:
        errors["risk"] = [_("Choose the risk level.")]
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("Describe the dispute in a line.")]
    if place is None or place.kind != UnitKind.TERRITORIAL:
        errors["place"] = [_("Choose the village or township where it arose.")]
    if resolved_on_spot and not (how_resolved or "").strip():
        errors["how_resolved"] = [_("Say how it was resolved on the spot.")]
    try:
        clean_parties = _clean_parties(parties)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if errors:
        raise InvalidInput(field_errors=errors)

    today = _today()
    received_on = received_on or today
    township = township_of(place)
    dispute = Dispute(
        number=next_number("TJ", city_of(place), received_on.year),
        source=source,
        type=type,
        risk=risk,
        summary=summary[:200],
        details=details or "",
        place=place,
        arose_level=place.level,
        township=township,
        received_on=received_on,
        registered_by=actor if getattr(actor, "pk", None) else None,
        screening_report=screening_report,
        petition=petition,
        referral_ref=referral_ref or "",
        current_level=place.level,
        idempotency_key=idempotency_key or None,
    )
    if resolved_on_spot:
        dispute.state = DisputeState.SETTLED
        dispute.resolved_on_spot = True
        dispute.how_resolved = how_resolved.strip()
        dispute.settled_on = received_on
        dispute.settled_level = place.level
        dispute.closed_on = received_on
    dispute.save()
    DisputeParty.objects.bulk_create(
        DisputeParty(dispute=dispute, sort_order=i, **p) for i, p in enumerate(clean_parties)
    )
    dispute_event(
        dispute,
        action="register",
        actor=actor,
        actor_unit=actor_unit,
        data={"source": source, "resolved_on_spot": resolved_on_spot},
    )
    return dispute
