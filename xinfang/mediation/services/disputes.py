"""A dispute: registered, routed to a body, a case opened on it, passed up a level."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from xinfang.core import idempotency
from xinfang.core.exceptions import InvalidInput, NotFound, PermissionDenied
from xinfang.orgs import permissions
from xinfang.orgs.models import Unit, UnitKind

from .. import permissions as policy
from ..models import (
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeState,
    DisputeType,
    MediationCase,
    Mediator,
    PartyRole,
    Risk,
    ScreeningReport,
    Source,
)
from ..workflow import CASE, DISPUTE, NEXT_LEVEL, OPEN_CASE_STATES
from .common import (
    body_for,
    centre_at,
    check_body,
    city_of,
    next_number,
    required,
    today,
    township_of,
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
    idempotency_fingerprint: str = "",
    received_by: Unit | None = None,
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

    received_on = received_on or today()
    dispute = Dispute(
        number=next_number("TJ", city_of(place), received_on.year),
        source=source,
        type=type,
        risk=risk,
        summary=summary[:200],
        details=details or "",
        place=place,
        arose_level=place.level,
        township=township_of(place),
        received_on=received_on,
        registered_by=actor if getattr(actor, "pk", None) else None,
        screening_report=screening_report,
        petition=petition,
        referral_ref=referral_ref or "",
        received_by=received_by,
        current_level=place.level,
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
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
    DisputeEvent.record(
        dispute,
        action="register",
        actor=actor,
        actor_unit=actor_unit,
        data={"source": source, "resolved_on_spot": resolved_on_spot},
    )
    return dispute


def _dispute_replay(actor, key: str | None, fingerprint: str) -> Dispute | None:
    """The dispute an earlier request with this (user-scoped) key registered, if
    the key is in force and the request is the same; an expired key is let go."""
    if not key:
        return None
    existing = Dispute.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if not idempotency.in_force(existing.registered_at):
        Dispute.objects.filter(pk=existing.pk, idempotency_key=key).update(idempotency_key=None)
        return None
    idempotency.check_replay(
        stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
    )
    if not policy.may_see(actor, existing):
        raise NotFound()
    return existing


def dispute_register(
    *,
    actor,
    source: str,
    type: str,
    place: Unit,
    summary: str,
    parties: list[dict],
    received_by: Unit | None = None,
    details: str = "",
    risk: str = Risk.LOW,
    referral_ref: str = "",
    received_on: dt.date | None = None,
    body: Unit | None = None,
    idempotency_key: str | None = None,
) -> tuple[Dispute, bool]:
    """受理: a direct application at a centre, or a court or police referral, as
    registered by staff. With `body` it is routed at once. A retry with the same
    Idempotency-Key and content answers the dispute registered the first time
    (created False); the same key with other content is a 409 (core.idempotency)."""
    fingerprint = (
        idempotency.fingerprint(
            {
                "source": source,
                "type": type,
                "place": place,
                "summary": summary,
                "parties": parties,
                "received_by": received_by,
                "details": details,
                "risk": risk,
                "referral_ref": referral_ref,
                "received_on": received_on,
                "body": body,
            }
        )
        if idempotency_key
        else ""
    )
    with transaction.atomic():
        existing = _dispute_replay(actor, idempotency_key, fingerprint)
    if existing is not None:
        return existing, False
    if source not in (Source.APPLICATION, Source.COURT, Source.POLICE):
        raise InvalidInput(
            field_errors={"source": [_("Choose a direct application or a referral.")]}
        )
    if source in (Source.COURT, Source.POLICE) and not (referral_ref or "").strip():
        raise InvalidInput(
            field_errors={"referral_ref": [_("Give the referring court's or police's reference.")]}
        )
    if place is None or place.kind != UnitKind.TERRITORIAL:
        raise InvalidInput(
            field_errors={"place": [_("Choose the village or township where it arose.")]}
        )
    if received_by is not None and not permissions.may_see(actor, received_by):
        raise NotFound()
    allowed = policy.may_register(actor, place=place, received_by=None) or (
        received_by is not None and policy.may_register(actor, place=place, received_by=received_by)
    )
    if not allowed:
        raise PermissionDenied(_("You may not register disputes arising there."))
    if received_by is not None:
        # The receiving unit sees the dispute: it must be the registrar's own (or
        # below it) and hold the place, never another township's centre.
        if not policy.may_receive(actor, received_by):
            raise InvalidInput(
                field_errors={
                    "received_by": [_("Name the unit you register for as the receiving unit.")]
                }
            )
        if not policy.covers(policy.territory_of(received_by), place):
            raise InvalidInput(
                field_errors={
                    "received_by": [
                        _("The receiving unit's territory does not hold the place of the dispute.")
                    ]
                }
            )
    unit = received_by or policy.acting_unit(actor, [place.pk], ("register_dispute",))
    try:
        with transaction.atomic():
            d = dispute_create(
                actor=actor,
                actor_unit=unit,
                source=source,
                type=type,
                place=place,
                summary=summary,
                details=details,
                parties=parties,
                risk=risk,
                received_on=received_on,
                referral_ref=(referral_ref or "").strip(),
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint,
                received_by=unit,
            )
    except IntegrityError:
        with transaction.atomic():
            existing = _dispute_replay(actor, idempotency_key, fingerprint)
        if existing is None:
            raise
        return existing, False
    if body is not None:
        check_body(d, body)
        route_to(d, body, actor=actor)
    return d, True


# --- routing -------------------------------------------------------------------------


def _routed(d: Dispute, body: Unit) -> dict:
    """Put the dispute at `body` (and its level); the route event's data."""
    previous = d.body
    d.body = body
    d.current_level = body.level
    return {
        "body": body.pk,
        "body_name": body.name,
        "level": body.level,
        "previous": previous.pk if previous else None,
    }


def route_to(d: Dispute, body: Unit, *, actor, note: str = "") -> None:
    """The dispute (locked, the actor's right answered by the enclosing action)
    goes to `body`: the "route" row, its state, version and event."""
    DISPUTE.move(d, "route", actor=actor, note=note, data=_routed(d, body))


@DISPUTE.action("route", service_name="dispute_route")
def dispute_route(
    d: Dispute, actor, *, body: Unit | None = None, to: str = "centre", note: str = ""
) -> dict:
    """分类办理: send the dispute to a mediation body (re-routing is allowed
    while no case is open on it)."""
    if to not in ("centre", "committee"):
        raise InvalidInput(field_errors={"to": [_("Choose a centre or a committee.")]})
    if body is None:
        body = body_for(d, to=to)
    check_body(d, body)
    return {"note": note, "data": _routed(d, body)}


def _roster_pick(case: MediationCase, mediator_ids) -> list[Mediator]:
    """Active mediators of the case's body; one deactivated since stays on a case
    that already had them, but is not put on another."""
    ids = {int(getattr(m, "pk", m)) for m in mediator_ids}
    found = list(
        Mediator.objects.filter(pk__in=ids, body=case.body).filter(
            Q(is_active=True) | Q(pk__in=case.mediators.values("pk"))
        )
    )
    if not ids or len(found) != len(ids):
        raise InvalidInput(
            field_errors={"mediators": [_("Choose mediators from this body's roster.")]}
        )
    return found


def _new_case(d: Dispute, *, actor, mediators=()) -> MediationCase:
    body = d.body
    case = MediationCase.objects.create(
        number=next_number("AJ", policy.territory_of(body), today().year),
        dispute=d,
        body=body,
        level=body.level,
        opened_on=today(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if mediators:
        case.mediators.set(_roster_pick(case, mediators))
    return case


def _case_data(case: MediationCase) -> dict:
    body = case.body
    return {
        "case": case.pk,
        "case_number": case.number,
        "body": body.pk,
        "body_name": body.name,
        "level": body.level,
    }


@DISPUTE.action("case_open", service_name="_case_open")
def _case_open(d: Dispute, actor, *, body: Unit | None = None, mediators=(), note: str = ""):
    if d.state == DisputeState.REPORTED or (body is not None and body.pk != d.body_id):
        DISPUTE.check_may(actor, d, DISPUTE.table["route"])
        # The township's weekly meeting may have named the body already.
        body = body or d.body or body_for(d)
        check_body(d, body)
        route_to(d, body, actor=actor)
    elif d.body is None:
        # Routed, yet at no body (an old weekly-meeting decision left some so): say
        # what to do rather than fail inside the numbering.
        raise InvalidInput(
            field_errors={"body": [_("Route this dispute to a mediation body first.")]}
        )
    case = _new_case(d, actor=actor, mediators=mediators)
    d.opened_case = case
    return {"note": note, "data": _case_data(case), "event_from": d.state}


def case_open(
    *,
    actor,
    dispute_id: int,
    body: Unit | None = None,
    mediators=(),
    note: str = "",
    version: int | None = None,
) -> MediationCase:
    """Open a mediation case at the body the dispute was routed to (routing it
    first, to `body` or its default centre, if it was not routed yet)."""
    d = _case_open(
        actor=actor,
        dispute_id=dispute_id,
        body=body,
        mediators=mediators,
        note=note,
        version=version,
    )
    return d.opened_case


@DISPUTE.action("escalate", service_name="_escalate")
def _escalate(d: Dispute, actor, *, note: str) -> dict:
    note = required(note, "note", _("Say why this level cannot settle it."))
    level = d.current_level or d.arose_level
    target = centre_at(d.place, NEXT_LEVEL[level])
    if target is None:
        raise InvalidInput(
            field_errors={"body": [_("No mediation centre is set up at the level above.")]}
        )
    ended = today()
    for case in d.cases.select_for_update().filter(state__in=OPEN_CASE_STATES):
        case.dispute = d
        case.ended_on = ended
        CASE.move(case, "escalated", actor=actor, record=False)
    from_body = d.body
    d.body = target
    d.current_level = target.level
    d.closed_on = None
    return {
        "note": note,
        "data": {
            "from_body": from_body.pk if from_body else None,
            "from_body_name": from_body.name if from_body else "",
            "from_level": level,
            "to_body": target.pk,
            "to_body_name": target.name,
            "to_level": target.level,
        },
    }


def dispute_escalate(
    *, actor, dispute_id: int, note: str, version: int | None = None
) -> MediationCase:
    """Pass the dispute up a level (village → township → city) when this level
    cannot settle it: the open case ends as passed up, a new case opens at the
    centre above, and the dispute's level follows, so that "settled at the level
    where it arose" counts only what the first level settled."""
    with transaction.atomic():
        d = _escalate(actor=actor, dispute_id=dispute_id, note=note, version=version)
        case = _new_case(d, actor=actor)
        DISPUTE.move(d, "case_open", actor=actor, data=_case_data(case))
    return case
