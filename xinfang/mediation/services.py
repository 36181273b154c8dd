"""Every write in the mediation network. One transaction each; each writes its event.

Like the petition services: keyword-only, typed; a write checks the actor may
see the dispute (else 404), may act (else 403), that the action fits the state
(else 409) and its own input (else 400), then changes the rows and appends one
DisputeEvent, all or nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import calendar, idempotency, law, numbering, pii
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.inputs import date_error
from xinfang.orgs import permissions
from xinfang.orgs.models import Level, Membership, Unit, UnitKind, UnitLink

from . import clocks, selectors
from . import permissions as mperms
from .models import (
    OPEN_DISPUTE_STATES,
    Agreement,
    AgreementForm,
    AgreementTerm,
    CaseState,
    Consent,
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeState,
    DisputeType,
    FailureReason,
    FollowUp,
    JudicialConfirmation,
    MediationCase,
    MediationSession,
    Mediator,
    MediatorAction,
    MediatorEvent,
    PartyRole,
    Risk,
    ScreeningReport,
    Source,
)


def _today() -> dt.date:
    return calendar.today()


def next_number(kind: str, territory: Unit, year: int) -> str:
    """Gap-free numbers per kind (e.g. "TJ" dispute, "AJ" case), territory and year,
    from the same locked sequences as petition numbers."""
    return numbering.next_number(f"{kind}-{territory.code}-{year}", width=5)


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
    dispute_event(
        dispute,
        action="register",
        actor=actor,
        actor_unit=actor_unit,
        data={"source": source, "resolved_on_spot": resolved_on_spot},
    )
    return dispute


# --- the common frame of a write on a dispute or a case ---------------------------

ROUTES_TOLD = ("arbitration", "administrative", "judicial")  # law key mediation_stop
NEXT_LEVEL = {Level.VILLAGE: Level.TOWNSHIP, Level.TOWNSHIP: Level.CITY}


def _lock_dispute(actor, dispute_id) -> Dispute:
    """The dispute's row, locked for the transaction; 404 unless the actor may see it."""
    try:
        d = Dispute.objects.select_for_update().get(pk=int(dispute_id))
    except (Dispute.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not selectors.may_see(actor, d):
        raise NotFound()
    return d


def _lock_case(actor, case_id, version: int | None = None) -> tuple[MediationCase, Dispute]:
    """The case and its dispute, both locked (dispute first: one order everywhere)."""
    try:
        dispute_id = MediationCase.objects.values_list("dispute_id", flat=True).get(pk=int(case_id))
    except (MediationCase.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    d = _lock_dispute(actor, dispute_id)
    case = MediationCase.objects.select_for_update().select_related("body").get(pk=int(case_id))
    _check_version(case, version)
    return case, d


def _check_version(obj, version) -> None:
    if version is not None and int(version) != obj.version:
        raise Conflict(_("Someone else changed this in the meantime; reload it and try again."))


def _case_state(case: MediationCase, *states: str) -> None:
    if case.state not in states:
        raise Conflict(
            _("This case is now “%(state)s”; that no longer applies.")
            % {"state": CaseState(case.state).label}
        )


def _dispute_state(d: Dispute, *states: str) -> None:
    if d.state not in states:
        raise Conflict(
            _("This dispute is now “%(state)s”; that no longer applies.")
            % {"state": DisputeState(d.state).label}
        )


def _acting_unit(actor, unit_ids, actions: tuple[str, ...]) -> Unit | None:
    """The unit the actor acts for (for the event): their first membership whose
    role allows one of `actions` and which reaches one of `unit_ids`."""
    if not getattr(actor, "is_authenticated", False):
        return None
    unit_ids = [u for u in unit_ids if u]
    for m in Membership.objects.filter(user=actor).select_related("unit"):
        if any(m.role in permissions.ACTIONS[a] for a in actions) and (
            UnitLink.objects.filter(ancestor=m.unit, descendant_id__in=unit_ids).exists()
        ):
            return m.unit
    return None


def _may_route(actor, d: Dispute) -> None:
    if not (getattr(actor, "is_superuser", False) or mperms.may_route(actor, d)):
        raise PermissionDenied(_("You may not route this dispute."))


def _may_mediate(actor, case: MediationCase) -> None:
    if not (getattr(actor, "is_superuser", False) or mperms.may_mediate(actor, case)):
        raise PermissionDenied(_("Only a mediator of this body may do this."))


def _save(obj, *fields) -> None:
    if hasattr(obj, "version"):
        obj.version += 1
        fields = (*fields, "version")
    obj.save(update_fields=[*fields, "updated_at"] if hasattr(obj, "updated_at") else fields)


def _event(d: Dispute, action: str, *, actor, from_state: str, unit=None, case=None, **kw):
    data = kw.pop("data", None) or {}
    if case is not None:
        data = {"case": case.pk, "case_number": case.number, **data}
    return dispute_event(
        d,
        action=action,
        actor=actor,
        actor_unit=unit or _acting_unit(actor, d.scope_unit_ids(), ("mediate", "route_dispute")),
        from_state=from_state,
        note=kw.pop("note", ""),
        data=data,
    )


def _required(value, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(field_errors={field: [message]})
    return value


# --- routing -------------------------------------------------------------------------


def centre_at(place: Unit, level: str) -> Unit | None:
    """The mediation centre of `level` over the territory where `place` lies
    (the village's room, the township's centre, the city's centre)."""
    return (
        Unit.objects.filter(
            kind=UnitKind.MEDIATION_CENTRE,
            level=level,
            is_active=True,
            parent__kind=UnitKind.TERRITORIAL,
            parent__level=level,
            parent__descendant_links__descendant=place,
        )
        .order_by("sort_order", "code")
        .first()
    )


def committee_for(place: Unit, dispute_type: str) -> Unit | None:
    """The professional committee (专业调解委员会) of the dispute's type in the city."""
    mtype = DisputeType.committee_type(dispute_type)
    if not mtype:
        return None
    city = city_of(place)
    return (
        Unit.objects.filter(
            kind=UnitKind.MEDIATION_COMMITTEE,
            mediation_type=mtype,
            is_active=True,
            ancestor_links__ancestor=city,
        )
        .order_by("sort_order", "code")
        .first()
    )


def body_for(d: Dispute, *, to: str = "centre") -> Unit:
    """Where a dispute goes by default: the centre of the level where it arose
    (小事不出村、大事不出乡), or the professional committee of its type."""
    if to == "committee":
        body = committee_for(d.place, d.type)
        if body is None:
            raise InvalidInput(
                field_errors={"to": [_("No professional committee handles this type.")]}
            )
        return body
    body = centre_at(d.place, d.current_level or d.arose_level) or centre_at(d.place, d.arose_level)
    if body is None:
        raise InvalidInput(
            field_errors={"body": [_("No mediation centre is set up at this level.")]}
        )
    return body


def _check_body(d: Dispute, body: Unit) -> None:
    if body.pk not in {b.pk for b in selectors.bodies_for(d.place)}:
        raise InvalidInput(
            field_errors={
                "body": [_("Choose a mediation centre or committee over the place of the dispute.")]
            }
        )


def _route(d: Dispute, body: Unit, *, actor, note: str = "") -> None:
    from_state = d.state
    previous = d.body
    d.body = body
    d.current_level = body.level
    d.state = DisputeState.ROUTED
    _save(d, "body", "current_level", "state")
    _event(
        d,
        "route",
        actor=actor,
        from_state=from_state,
        note=note,
        data={
            "body": body.pk,
            "body_name": body.name,
            "level": body.level,
            "previous": previous.pk if previous else None,
        },
    )


@transaction.atomic
def dispute_route(
    *,
    actor,
    dispute_id: int,
    body: Unit | None = None,
    to: str = "centre",
    note: str = "",
    version: int | None = None,
) -> Dispute:
    """分类办理: send the dispute to a mediation body (re-routing is allowed
    while no case is open on it)."""
    d = _lock_dispute(actor, dispute_id)
    _check_version(d, version)
    _dispute_state(d, DisputeState.REPORTED, DisputeState.ROUTED)
    _may_route(actor, d)
    if d.cases.filter(state__in=selectors.OPEN_CASE_STATES).exists():
        raise Conflict(_("A case is open on this dispute; end it or pass it up first."))
    if to not in ("centre", "committee"):
        raise InvalidInput(field_errors={"to": [_("Choose a centre or a committee.")]})
    if body is None:
        body = body_for(d, to=to)
    _check_body(d, body)
    _route(d, body, actor=actor, note=note)
    return d


def _open_case(d: Dispute, *, actor, mediators=(), note: str = "") -> MediationCase:
    body = d.body
    today = _today()
    case = MediationCase.objects.create(
        number=next_number("AJ", mperms.territory_of(body), today.year),
        dispute=d,
        body=body,
        level=body.level,
        opened_on=today,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if mediators:
        case.mediators.set(_roster_pick(case, mediators))
    _event(
        d,
        "case_open",
        actor=actor,
        from_state=d.state,
        case=case,
        note=note,
        data={"body": body.pk, "body_name": body.name, "level": body.level},
    )
    return case


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


@transaction.atomic
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
    d = _lock_dispute(actor, dispute_id)
    _check_version(d, version)
    _dispute_state(d, DisputeState.REPORTED, DisputeState.ROUTED)
    if d.cases.filter(state__in=selectors.OPEN_CASE_STATES).exists():
        raise Conflict(_("A case is already open on this dispute."))
    if d.state == DisputeState.REPORTED or (body is not None and body.pk != d.body_id):
        _may_route(actor, d)
        # The township's weekly meeting may have named the body already.
        body = body or d.body or body_for(d)
        _check_body(d, body)
        _route(d, body, actor=actor)
    elif d.body is None:
        # Routed, yet at no body (an old weekly-meeting decision left some so): say
        # what to do rather than fail inside the numbering.
        raise InvalidInput(
            field_errors={"body": [_("Route this dispute to a mediation body first.")]}
        )
    elif not (mperms.may_route(actor, d) or permissions.may(actor, "mediate", d.body)):
        if not getattr(actor, "is_superuser", False):
            raise PermissionDenied(_("You may not open a case on this dispute."))
    return _open_case(d, actor=actor, mediators=mediators, note=note)


@transaction.atomic
def dispute_escalate(
    *, actor, dispute_id: int, note: str, version: int | None = None
) -> MediationCase:
    """Pass the dispute up a level (village → township → city) when this level
    cannot settle it: the open case ends as passed up, a new case opens at the
    centre above, and the dispute's level follows, so that "settled at the level
    where it arose" counts only what the first level settled."""
    d = _lock_dispute(actor, dispute_id)
    _check_version(d, version)
    _dispute_state(d, DisputeState.ROUTED, DisputeState.MEDIATING, DisputeState.FAILED)
    _may_route(actor, d)
    note = _required(note, "note", _("Say why this level cannot settle it."))
    level = d.current_level or d.arose_level
    if d.body is not None and d.body.kind == UnitKind.MEDIATION_COMMITTEE:
        raise Conflict(_("A professional committee's dispute is not passed up."))
    if level not in NEXT_LEVEL:
        raise Conflict(_("There is no level above the city's centre in this network."))
    target = centre_at(d.place, NEXT_LEVEL[level])
    if target is None:
        raise InvalidInput(
            field_errors={"body": [_("No mediation centre is set up at the level above.")]}
        )
    today = _today()
    for case in d.cases.select_for_update().filter(state__in=selectors.OPEN_CASE_STATES):
        case.state = CaseState.ESCALATED
        case.ended_on = today
        _save(case, "state", "ended_on")
    from_state, from_body, from_level = d.state, d.body, level
    d.body = target
    d.current_level = target.level
    d.state = DisputeState.ROUTED
    d.closed_on = None
    _save(d, "body", "current_level", "state", "closed_on")
    _event(
        d,
        "escalate",
        actor=actor,
        from_state=from_state,
        note=note,
        data={
            "from_body": from_body.pk if from_body else None,
            "from_body_name": from_body.name if from_body else "",
            "from_level": from_level,
            "to_body": target.pk,
            "to_body_name": target.name,
            "to_level": target.level,
        },
    )
    return _open_case(d, actor=actor)


@transaction.atomic
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
    if not selectors.may_see(actor, existing):
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
    superuser = getattr(actor, "is_superuser", False)
    if received_by is not None and not (superuser or permissions.may_see(actor, received_by)):
        raise NotFound()
    allowed = (
        superuser
        or mperms.may_register(actor, place=place, received_by=None)
        or (
            received_by is not None
            and mperms.may_register(actor, place=place, received_by=received_by)
        )
    )
    if not allowed:
        raise PermissionDenied(_("You may not register disputes arising there."))
    if received_by is not None:
        # The receiving unit sees the dispute: it must be the registrar's own (or
        # below it) and hold the place, never another township's centre.
        if not mperms.may_receive(actor, received_by):
            raise InvalidInput(
                field_errors={
                    "received_by": [_("Name the unit you register for as the receiving unit.")]
                }
            )
        if not mperms.covers(mperms.territory_of(received_by), place):
            raise InvalidInput(
                field_errors={
                    "received_by": [
                        _("The receiving unit's territory does not hold the place of the dispute.")
                    ]
                }
            )
    unit = received_by or _acting_unit(actor, [place.pk], ("register_dispute",))
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
        existing = _dispute_replay(actor, idempotency_key, fingerprint)
        if existing is None:
            raise
        return existing, False
    if body is not None:
        _check_body(d, body)
        _route(d, body, actor=actor)
    return d, True


# --- inside a case -------------------------------------------------------------------


@transaction.atomic
def case_assign_mediators(
    *, actor, case_id: int, mediators, version: int | None = None
) -> MediationCase:
    """Assign one or more mediators from the body's roster (replacing the list)."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.AWAITING_CONSENT, CaseState.IN_PROGRESS)
    if not (mperms.may_route(actor, d) or getattr(actor, "is_superuser", False)):
        _may_mediate(actor, case)
    chosen = _roster_pick(case, mediators)
    case.mediators.set(chosen)
    _save(case, "version")
    _event(
        d,
        "mediators",
        actor=actor,
        from_state=d.state,
        case=case,
        data={"mediators": [m.pk for m in chosen], "names": [m.name for m in chosen]},
    )
    return case


def _fail(case: MediationCase, d: Dispute, *, actor, reason: str, note: str = "", **data):
    """调解终止: the case ends without agreement; the parties are told of the
    arbitration, administrative and judicial routes (law key mediation_stop)."""
    today = _today()
    from_state = d.state
    case.state = CaseState.FAILURE
    case.failure_reason = reason
    case.ended_on = today
    case.routes_told = True
    _save(case, "state", "failure_reason", "ended_on", "routes_told")
    d.state = DisputeState.FAILED
    d.closed_on = today
    _save(d, "state", "closed_on")
    _event(
        d,
        "case_failed",
        actor=actor,
        from_state=from_state,
        case=case,
        note=note,
        data={"reason": reason, "routes": list(ROUTES_TOLD), **data},
    )


@transaction.atomic
def case_record_consent(
    *,
    actor,
    case_id: int,
    party_id: int,
    consented: bool,
    how: str = "written",
    note: str = "",
    version: int | None = None,
) -> MediationCase:
    """Record one party's consent or refusal (law key mediation_consent: mediation needs
    the parties' consent; one refusal ends it). When every party has consented
    the mediation starts and its month runs."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.AWAITING_CONSENT)
    _may_mediate(actor, case)
    party = d.parties.filter(pk=party_id).first()
    if party is None:
        raise InvalidInput(field_errors={"party": [_("Choose a party to this dispute.")]})
    if how not in ("written", "oral"):
        raise InvalidInput(field_errors={"how": [_("Choose in writing or orally.")]})
    if Consent.objects.filter(case=case, party=party).exists():
        raise Conflict(_("This party's answer is already recorded."))
    Consent.objects.create(
        case=case,
        party=party,
        consented=bool(consented),
        how=how,
        note=(note or "")[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if not consented:
        _fail(
            case,
            d,
            actor=actor,
            reason=FailureReason.REFUSED,
            note=note,
            party=party.pk,
            party_name=party.name,
        )
        return case
    all_parties = set(d.parties.values_list("pk", flat=True))
    agreed = set(Consent.objects.filter(case=case, consented=True).values_list("party", flat=True))
    if all_parties <= agreed:
        today = _today()
        deadline = clocks.case_deadline(today)
        case.state = CaseState.IN_PROGRESS
        case.started_on = today
        case.deadline = deadline.due
        case.deadline_provisional = deadline.provisional
        _save(case, "state", "started_on", "deadline", "deadline_provisional")
        from_state = d.state
        d.state = DisputeState.MEDIATING
        _save(d, "state")
        _event(
            d,
            "mediation_started",
            actor=actor,
            from_state=from_state,
            case=case,
            data={
                "party": party.pk,
                "party_name": party.name,
                "deadline": deadline.due.isoformat(),
                "provisional": deadline.provisional,
            },
        )
    else:
        _save(case, "version")
        _event(
            d,
            "consent",
            actor=actor,
            from_state=d.state,
            case=case,
            data={"party": party.pk, "party_name": party.name, "how": how},
        )
    return case


def _names(values, field: str) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").split(",")
    names = [str(v).strip() for v in (values or []) if str(v).strip()]
    return list(dict.fromkeys(names))


@transaction.atomic
def case_record_session(
    *,
    actor,
    case_id: int,
    record: str,
    present,
    signed_by,
    held_at: dt.datetime | None = None,
    place: str = "",
    version: int | None = None,
) -> MediationSession:
    """A session with its record (调解笔录), signed by those present."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.IN_PROGRESS)
    _may_mediate(actor, case)
    errors: dict[str, list] = {}
    record = (record or "").strip()
    if not record:
        errors["record"] = [_("Write the record of the session.")]
    present = _names(present, "present")
    signed = _names(signed_by, "signed_by")
    if not present:
        errors["present"] = [_("Name those present.")]
    if not signed:
        errors["signed_by"] = [_("Name those who signed the record.")]
    strangers = [n for n in signed if n not in present]
    if strangers:
        errors["signed_by"] = [
            _("Only those present may sign the record: %(names)s were not present.")
            % {"names": "、".join(strangers)}
        ]
    if errors:
        raise InvalidInput(field_errors=errors)
    session = MediationSession.objects.create(
        case=case,
        held_at=held_at or timezone.now(),
        place=(place or "")[:100],
        present=present,
        record=record,
        signed_by=signed,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    _save(case, "version")
    _event(
        d,
        "session",
        actor=actor,
        from_state=d.state,
        case=case,
        data={"session": session.pk, "present": present, "signed_by": signed},
    )
    return session


@transaction.atomic
def case_extend(
    *, actor, case_id: int, agreed_by, note: str = "", version: int | None = None
) -> MediationCase:
    """Extend the time limit once, by a month, with every party's agreement."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.IN_PROGRESS)
    _may_mediate(actor, case)
    if case.extended:
        raise Conflict(_("This case was already extended once."))
    parties = {p.pk: p.name for p in d.parties.all()}
    agreed = {int(getattr(p, "pk", p)) for p in (agreed_by or [])}
    if not agreed or not set(parties) <= agreed:
        raise InvalidInput(
            field_errors={"agreed_by": [_("An extension needs the agreement of every party.")]}
        )
    deadline = clocks.case_deadline(case.started_on, extended=True)
    previous = case.deadline
    case.deadline = deadline.due
    case.deadline_provisional = deadline.provisional
    case.extended = True
    case.data = {
        **(case.data or {}),
        "extension": {"agreed_by": sorted(agreed), "on": _today().isoformat()},
    }
    _save(case, "deadline", "deadline_provisional", "extended", "data")
    _event(
        d,
        "extend",
        actor=actor,
        from_state=d.state,
        case=case,
        note=note,
        data={
            "previous": previous.isoformat() if previous else None,
            "deadline": deadline.due.isoformat(),
            "agreed_by": [parties[p] for p in sorted(agreed) if p in parties],
        },
    )
    return case


@transaction.atomic
def case_stop(
    *, actor, case_id: int, party_id: int, note: str = "", version: int | None = None
) -> MediationCase:
    """A party stops the mediation (a party's right under the 人民调解法; then as
    law key mediation_stop)."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.AWAITING_CONSENT, CaseState.IN_PROGRESS)
    _may_mediate(actor, case)
    party = d.parties.filter(pk=party_id).first()
    if party is None:
        raise InvalidInput(field_errors={"party": [_("Choose a party to this dispute.")]})
    _fail(
        case,
        d,
        actor=actor,
        reason=FailureReason.STOPPED,
        note=note,
        party=party.pk,
        party_name=party.name,
    )
    return case


@transaction.atomic
def case_fail(
    *,
    actor,
    case_id: int,
    reason: str,
    routes_told: bool,
    note: str = "",
    version: int | None = None,
) -> MediationCase:
    """调解终止 without agreement (no agreement could be reached, or the time ran
    out): only once the parties were told of the other routes."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.AWAITING_CONSENT, CaseState.IN_PROGRESS)
    _may_mediate(actor, case)
    errors: dict[str, list] = {}
    if reason not in FailureReason.values:
        errors["reason"] = [_("Choose why the mediation ended.")]
    if not routes_told:
        errors["routes_told"] = [
            _("Tell the parties of arbitration, administrative and judicial routes first.")
        ]
    if errors:
        raise InvalidInput(field_errors=errors)
    _fail(case, d, actor=actor, reason=reason, note=note)
    return case


def _clean_terms(terms: list[dict]) -> list[dict]:
    cleaned, errors = [], []
    for i, t in enumerate(terms or []):
        text = (t.get("text") or "").strip()
        if not text:
            if any((t.get(k) or "") for k in ("obliged", "how", "due_on")):
                errors.append(_("Term %(n)d: say what is to be done.") % {"n": i + 1})
            continue
        due = t.get("due_on")
        if isinstance(due, str) and due:
            try:
                due = dt.date.fromisoformat(due)
            except ValueError:
                errors.append(_("Term %(n)d: give the date as YYYY-MM-DD.") % {"n": i + 1})
                continue
        if isinstance(due, dt.date) and date_error(due):
            errors.append(_("Term %(n)d: %(error)s") % {"n": i + 1, "error": date_error(due)})
            continue
        cleaned.append(
            {
                "text": text,
                "obliged": (t.get("obliged") or "").strip()[:100],
                "how": (t.get("how") or "").strip()[:200],
                "due_on": due or None,
            }
        )
    if errors:
        raise InvalidInput(field_errors={"terms": errors})
    if not cleaned:
        raise InvalidInput(field_errors={"terms": [_("Give at least one term.")]})
    return cleaned


@transaction.atomic
def agreement_record(
    *,
    actor,
    case_id: int,
    form: str,
    facts: str,
    issues: str,
    terms: list[dict],
    responsibilities: str = "",
    signed_on: dt.date | None = None,
    effective_on: dt.date | None = None,
    version: int | None = None,
) -> Agreement:
    """调成: the agreement (law keys agreement_oral, agreement_written: written, or
    oral and recorded; parties, facts, issues, each side's responsibility where
    stated, the terms with how and by when). The dispute is settled at the case's
    level; a written agreement opens the 30-day window for judicial confirmation
    (judicial_confirmation); an oral one can be put in writing later
    (agreement_put_in_writing)."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.IN_PROGRESS)
    _may_mediate(actor, case)
    errors: dict[str, list] = {}
    if form not in AgreementForm.values:
        errors["form"] = [_("Choose a written or an oral agreement.")]
    if not (facts or "").strip():
        errors["facts"] = [_("State the main facts.")]
    if not (issues or "").strip():
        errors["issues"] = [_("State the issues in dispute.")]
    # Each side's responsibility is stated where the parties state one (law key
    # agreement_written: the agreement *may* state it); never required, so nobody types
    # a "no one is at fault" the parties did not say to get past the form.
    today = _today()
    signed_on = signed_on or today
    effective_on = effective_on or signed_on
    # Signed within the case (never before mediation started: the days to settle
    # would be negative) and by today; in effect from then, within a year (a
    # far date would open a judicial-confirmation window nobody can compute).
    floor = case.started_on or case.opened_on or d.received_on
    if signed_on > today:
        errors["signed_on"] = [_("The agreement cannot be signed in the future.")]
    elif signed_on < floor:
        errors["signed_on"] = [
            _("The agreement cannot be signed before mediation started (%(date)s).")
            % {"date": floor.isoformat()}
        ]
    if effective_on < signed_on:
        errors["effective_on"] = [_("It cannot take effect before it is signed.")]
    elif effective_on > _one_year_after(signed_on):
        errors["effective_on"] = [_("It must take effect within a year of signing.")]
    try:
        clean_terms = _clean_terms(terms)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    agreement = Agreement.objects.create(
        case=case,
        form=form,
        facts=facts.strip(),
        issues=issues.strip(),
        responsibilities=(responsibilities or "").strip(),
        signed_on=signed_on,
        effective_on=effective_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    AgreementTerm.objects.bulk_create(
        AgreementTerm(agreement=agreement, sort_order=i, **t) for i, t in enumerate(clean_terms)
    )
    window = None
    if form == AgreementForm.WRITTEN:
        window = clocks.judicial_window(effective_on)
        JudicialConfirmation.objects.create(
            agreement=agreement, window_ends_on=window.due, window_provisional=window.provisional
        )
    case.state = CaseState.SUCCESS
    case.ended_on = signed_on
    _save(case, "state", "ended_on")
    from_state = d.state
    d.state = DisputeState.SETTLED
    d.settled_on = signed_on
    d.settled_level = case.level
    d.closed_on = signed_on
    _save(d, "state", "settled_on", "settled_level", "closed_on")
    _event(
        d,
        "agreement",
        actor=actor,
        from_state=from_state,
        case=case,
        data={
            "agreement": agreement.pk,
            "form": form,
            "terms": len(clean_terms),
            "level": case.level,
            "window_ends_on": window.due.isoformat() if window else None,
        },
    )
    return agreement


@transaction.atomic
def agreement_put_in_writing(
    *,
    actor,
    case_id: int,
    signed_on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
) -> Agreement:
    """制作书面协议: the recorded oral agreement (agreement_oral) made into the
    written agreement (agreement_written), which judicial confirmation needs
    (judicial_confirmation). The written agreement holds what was recorded, word
    for word: facts, issues, responsibilities and terms are not edited here (a
    different agreement is a new mediation, not a transcription).

    It takes effect when the parties sign it and the committee seals it
    (`signed_on`, default today): the 30-day window for judicial confirmation
    runs from then. The day it was reached orally is kept (reached_orally_on)."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.SUCCESS)
    _may_mediate(actor, case)
    agreement = Agreement.objects.select_for_update().filter(case=case).first()
    if agreement is None:
        raise Conflict(_("This case has no agreement."))
    if agreement.form != AgreementForm.ORAL:
        raise Conflict(_("This agreement is already in writing."))
    signed_on = signed_on or _today()
    _not_before(
        signed_on,
        agreement.signed_on,
        "signed_on",
        _("The written agreement cannot precede the oral one (%(date)s)."),
    )
    oral_on = agreement.signed_on
    agreement.form = AgreementForm.WRITTEN
    agreement.reached_orally_on = oral_on
    agreement.signed_on = signed_on
    agreement.effective_on = signed_on
    agreement.save(update_fields=["form", "reached_orally_on", "signed_on", "effective_on"])
    window = clocks.judicial_window(signed_on)
    JudicialConfirmation.objects.create(agreement=agreement, window_ends_on=window.due)
    _event(
        d,
        "agreement_written",
        actor=actor,
        from_state=d.state,
        case=case,
        note=note,
        data={
            "agreement": agreement.pk,
            "reached_orally_on": oral_on.isoformat(),
            "signed_on": signed_on.isoformat(),
            "window_ends_on": window.due.isoformat(),
        },
    )
    return agreement


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _not_before(value: dt.date, floor: dt.date, field: str, message) -> None:
    """A date of the agreement's afterlife: on or after `floor`, and not in the future."""
    if value > _today():
        raise InvalidInput(field_errors={field: [_("This date is in the future.")]})
    if value < floor:
        raise InvalidInput(field_errors={field: [message % {"date": floor.isoformat()}]})


def _agreement(case: MediationCase) -> Agreement:
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is None:
        raise Conflict(_("This case has no agreement."))
    return agreement


@transaction.atomic
def follow_up_record(
    *,
    actor,
    case_id: int,
    result: str,
    on: dt.date | None = None,
    note: str = "",
    performed_terms=(),
    version: int | None = None,
) -> FollowUp:
    """回访: how the terms are being performed. "Performed" marks every term done;
    "partly" marks the terms named."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.SUCCESS)
    _may_mediate(actor, case)
    agreement = _agreement(case)
    if result not in ("performed", "partly", "not"):
        raise InvalidInput(field_errors={"result": [_("Choose how the terms were performed.")]})
    on = on or _today()
    _not_before(
        on, agreement.signed_on, "on", _("The follow-up cannot precede the agreement (%(date)s).")
    )
    terms = agreement.terms.filter(performed_on__isnull=True)
    if result == "performed":
        done = list(terms.values_list("pk", flat=True))
    elif result == "partly":
        wanted = {int(getattr(t, "pk", t)) for t in performed_terms or []}
        done = list(terms.filter(pk__in=wanted).values_list("pk", flat=True))
        if not wanted:
            raise InvalidInput(
                field_errors={"performed_terms": [_("Tick the terms that were performed.")]}
            )
    else:
        done = []
    if done:
        AgreementTerm.objects.filter(pk__in=done).update(performed_on=on)
    follow_up = FollowUp.objects.create(
        agreement=agreement,
        on=on,
        result=result,
        note=note or "",
        by=actor if getattr(actor, "pk", None) else None,
    )
    _event(
        d,
        "follow_up",
        actor=actor,
        from_state=d.state,
        case=case,
        note=note,
        data={
            "result": result,
            "performed_terms": done,
            "all_performed": not agreement.terms.filter(performed_on__isnull=True).exists(),
        },
    )
    return follow_up


@transaction.atomic
def judicial_apply(
    *,
    actor,
    case_id: int,
    court: str,
    applied_on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
) -> JudicialConfirmation:
    """The parties' joint application for judicial confirmation, within 30 days
    of the written agreement taking effect (law key judicial_confirmation); an oral
    agreement is refused, pointing to agreement_put_in_writing."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.SUCCESS)
    _may_mediate(actor, case)
    agreement = _agreement(case)
    jc = JudicialConfirmation.objects.select_for_update().filter(agreement=agreement).first()
    if jc is None:
        # An oral agreement: a court confirms a written one (judicial_confirmation).
        raise Conflict(
            _(
                "This is an oral agreement; a court confirms only a written one. "
                "Put it in writing first (Make the written agreement), then record "
                "the application."
            )
        )
    if jc.applied_on:
        raise Conflict(_("The application was already recorded."))
    court = _required(court, "court", _("Name the court applied to."))
    applied_on = applied_on or _today()
    _not_before(
        applied_on,
        agreement.effective_on,
        "applied_on",
        _("The agreement had not taken effect then (it took effect on %(date)s)."),
    )
    if applied_on > jc.window_ends_on:
        raise Conflict(
            _(
                "Too late: the parties could apply for judicial confirmation until "
                "%(date)s (30 days after the agreement took effect, %(law)s). "
                "They may still sue on the agreement or make a new one."
            )
            % {"date": jc.window_ends_on.isoformat(), "law": law.cite("judicial_confirmation")}
        )
    jc.applied_on = applied_on
    jc.court = court[:100]
    jc.note = note or ""
    jc.save(update_fields=["applied_on", "court", "note"])
    _event(
        d,
        "judicial_applied",
        actor=actor,
        from_state=d.state,
        case=case,
        note=note,
        data={"court": jc.court, "applied_on": applied_on.isoformat()},
    )
    return jc


@transaction.atomic
def judicial_ruling(
    *,
    actor,
    case_id: int,
    ruling: str,
    ruling_on: dt.date | None = None,
    ruling_number: str = "",
    note: str = "",
    version: int | None = None,
) -> JudicialConfirmation:
    """The court's ruling on the application: confirmed valid or not."""
    case, d = _lock_case(actor, case_id, version)
    _case_state(case, CaseState.SUCCESS)
    _may_mediate(actor, case)
    agreement = _agreement(case)
    jc = JudicialConfirmation.objects.select_for_update().filter(agreement=agreement).first()
    if jc is None or not jc.applied_on:
        raise Conflict(_("Record the application before the ruling."))
    if jc.ruling:
        raise Conflict(_("The ruling was already recorded."))
    if ruling not in ("confirmed", "rejected"):
        raise InvalidInput(field_errors={"ruling": [_("Choose confirmed or not confirmed.")]})
    ruling_on = ruling_on or _today()
    _not_before(
        ruling_on,
        jc.applied_on,
        "ruling_on",
        _("The ruling cannot precede the application (%(date)s)."),
    )
    jc.ruling = ruling
    jc.ruling_on = ruling_on
    jc.ruling_number = (ruling_number or "")[:60]
    if note:
        jc.note = f"{jc.note}\n{note}".strip()
    jc.save(update_fields=["ruling", "ruling_on", "ruling_number", "note"])
    _event(
        d,
        "judicial_ruling",
        actor=actor,
        from_state=d.state,
        case=case,
        note=note,
        data={"ruling": ruling, "ruling_on": ruling_on.isoformat(), "number": jc.ruling_number},
    )
    return jc


# --- a petition diverted to mediation (优先调解) and back ----------------------------


def _petition_unit(actor, petition) -> Unit | None:
    if petition.office_id and permissions.reaches(actor, [petition.office_id], "dispatch_petition"):
        return petition.office
    if petition.responsible_unit_id:
        return petition.responsible_unit
    return None


@transaction.atomic
def petition_divert(
    *,
    actor,
    petition_id: int,
    type: str,
    respondents: list[dict],
    body: Unit | None = None,
    to: str = "centre",
    note: str = "",
) -> Dispute:
    """优先调解: a petition that is a dispute between parties goes to mediation
    first. The petitioners become applicants, `respondents` the other side; the
    dispute is routed at once, and each timeline records the other."""
    from xinfang.petitions import diversion

    p = diversion.lock(actor, petition_id)
    if not (getattr(actor, "is_superuser", False) or mperms.may_act_on_petition(actor, p)):
        raise PermissionDenied(_("Only the matter's dispatcher or handler may divert it."))
    diversion.check_divertible(p)  # never an accusation (law key accusation_confidential)
    if Dispute.objects.filter(petition=p, state__in=OPEN_DISPUTE_STATES).exists():
        raise Conflict(_("This matter is already in mediation."))
    respondents = [r for r in respondents or [] if (r.get("name") or "").strip()]
    if not respondents:
        raise InvalidInput(field_errors={"respondents": [_("Name the other party.")]})
    parties = [
        {
            "role": PartyRole.APPLICANT,
            "name": x.name,
            "id_number": x.id_number,
            "phone": x.phone,
            "address": x.address,
        }
        for x in p.petitioners.all()
    ] + [{**r, "role": PartyRole.RESPONDENT} for r in respondents]
    unit = _petition_unit(actor, p)
    d = dispute_create(
        actor=actor,
        actor_unit=unit,
        source=Source.PETITION,
        type=type,
        place=p.place,
        summary=p.summary,
        details=p.content,
        parties=parties,
        petition=p,
        received_by=unit,
    )
    if body is None:
        body = body_for(d, to=to)
    _check_body(d, body)
    _route(d, body, actor=actor, note=note)
    pe = diversion.record_step(
        p,
        actor=actor,
        actor_unit=unit,
        action="divert_to_mediation",
        note=note,
        data={"dispute": d.pk, "number": d.number, "body": body.name},
    )
    _event(
        d,
        "diverted_from_petition",
        actor=actor,
        unit=unit,
        from_state=d.state,
        data={"petition": p.pk, "number": p.number, "petition_event": pe.pk},
    )
    return d


def _linked_petition(actor, d: Dispute):
    from xinfang.petitions import diversion

    if not d.petition_id:
        raise Conflict(_("This dispute did not come from a petition."))
    # Who may act is asked before the petition's lock: a mediator who sees the
    # dispute but not the petition is told "not yours" (403), not "not found".
    if not (getattr(actor, "is_superuser", False) or mperms.may_act_on_petition(actor, d.petition)):
        raise PermissionDenied(_("Only the matter's dispatcher or handler may do this."))
    return diversion.lock(actor, d.petition_id)


def _petition_step(
    d: Dispute,
    p,
    *,
    actor,
    action: str,
    step: str,
    event: str,
    note: str,
    data: dict,
    conclude: bool = False,
) -> Dispute:
    """The petition's side of the way back from mediation: one PetitionEvent on the
    petition, the step remembered on the dispute, one DisputeEvent naming both."""
    from xinfang.petitions import diversion

    pe = diversion.record_step(
        p,
        actor=actor,
        actor_unit=_petition_unit(actor, p),
        action=action,
        note=note,
        conclude=conclude,
        data={"dispute": d.pk, "number": d.number, **data},
    )
    d.data = {**(d.data or {}), "petition_step": step}
    _save(d, "data")
    _event(
        d,
        event,
        actor=actor,
        from_state=d.state,
        note=note,
        data={"petition": p.pk, "number": p.number, "petition_event": pe.pk},
    )
    return d


@transaction.atomic
def petition_resume(*, actor, dispute_id: int, note: str = "") -> Dispute:
    """Mediation failed: the petition goes on where it stood, and says why."""
    d = _lock_dispute(actor, dispute_id)
    _dispute_state(d, DisputeState.FAILED, DisputeState.WITHDRAWN)
    p = _linked_petition(actor, d)
    if (d.data or {}).get("petition_step"):
        raise Conflict(_("The petition was already taken back from mediation."))
    case = d.cases.order_by("-id").first()
    return _petition_step(
        d,
        p,
        actor=actor,
        action="resume_after_mediation",
        step="resumed",
        event="petition_resumed",
        note=note,
        data={"reason": case.failure_reason if case else ""},
    )


@transaction.atomic
def petition_conclude_by_agreement(*, actor, dispute_id: int, note: str = "") -> Dispute:
    """Mediation succeeded: the petition is concluded, the agreement linked."""
    d = _lock_dispute(actor, dispute_id)
    _dispute_state(d, DisputeState.SETTLED)
    p = _linked_petition(actor, d)
    if (d.data or {}).get("petition_step"):
        raise Conflict(_("The petition was already concluded."))
    case = d.cases.filter(state=CaseState.SUCCESS).order_by("-id").first()
    return _petition_step(
        d,
        p,
        actor=actor,
        action="concluded_by_mediation",
        step="concluded",
        event="petition_concluded",
        note=note,
        conclude=True,
        data={
            "case": case.pk if case else None,
            "case_number": case.number if case else "",
        },
    )


@transaction.atomic
def petition_raise(*, actor, dispute_id: int, registration: dict):
    """Mediation failed, and a party petitions (law key mediation_stop leaves the other
    routes open): the clerk registers the matter from the dispute. The petition's
    register event names the dispute, the dispute gets a `petition_raised` event
    naming the petition, in one transaction. `registration` holds the keyword
    arguments of petitions.services.petition_register."""
    from xinfang.petitions import services as petition_services

    d = _lock_dispute(actor, dispute_id)
    _dispute_state(d, DisputeState.FAILED)
    if d.petition_id:
        raise Conflict(_("This dispute came from a petition: resume that petition instead."))
    if (d.data or {}).get("raised_petition"):
        raise Conflict(_("A petition was already raised from this dispute."))
    p = petition_services.petition_register(
        actor=actor,
        **registration,
        event_data={"from_dispute": d.number, "dispute": d.pk},
    )
    d.data = {**(d.data or {}), "raised_petition": p.pk, "raised_petition_number": p.number}
    _save(d, "data")
    _event(
        d,
        "petition_raised",
        actor=actor,
        unit=registration.get("registering_unit"),
        from_state=d.state,
        data={"petition": p.pk, "number": p.number},
    )
    return p


# --- the roster -----------------------------------------------------------------------
# A mediator is never deleted: cases keep their mediators. A deactivated one cannot
# be assigned to a new case (_roster_pick) but stays on the cases they had.


def _may_manage_roster(actor, body: Unit) -> None:
    if not mperms.may_manage_roster(actor, body):
        raise PermissionDenied(
            _("Only the body's mediators or the staff who route disputes above it may do this.")
        )


def _clean_mediator(*, body: Unit, fields: dict, mediator: Mediator | None = None) -> dict:
    """Check the roster fields given (name, phone, user); raise InvalidInput with
    every error at once."""
    errors: dict[str, list] = {}
    clean = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            errors["name"] = [_("Give the mediator's name.")]
        clean["name"] = name[:60]
    if "full_time" in fields:
        clean["full_time"] = bool(fields["full_time"])
    if "speciality" in fields:
        clean["speciality"] = (fields["speciality"] or "").strip()[:100]
    if "phone" in fields:
        phone = (fields["phone"] or "").strip()
        if phone:
            try:
                phone = pii.validate_phone(phone)
            except ValidationError as exc:
                errors["phone"] = list(exc.messages)
        clean["phone"] = phone
    if "user" in fields:
        user = fields["user"]
        if user is not None:
            if not Membership.objects.filter(user=user, unit=body).exists():
                errors["user"] = [_("Link only a staff member of this body.")]
            elif (
                Mediator.objects.filter(body=body, user=user)
                .exclude(pk=getattr(mediator, "pk", None))
                .exists()
            ):
                errors["user"] = [_("This staff member is already on the roster.")]
        clean["user"] = user
    if errors:
        raise InvalidInput(field_errors=errors)
    return clean


def _lock_mediator(actor, mediator_id, version: int | None = None) -> Mediator:
    """The mediator's row, locked; 404 unless the actor sees the body, 409 when it
    changed since the `version` the actor saw."""
    try:
        m = Mediator.objects.select_for_update().select_related("body").get(pk=int(mediator_id))
    except (Mediator.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not selectors.visible_bodies(actor).filter(pk=m.body_id).exists():
        raise NotFound()
    _check_version(m, version)
    return m


def _roster_value(field: str, value):
    """A roster field as the trail stores it: the phone masked, the account by name."""
    if value is None:
        return None
    if field == "phone":
        return pii.mask_phone(value) or ""
    if field == "user":
        return value.get_username()
    return value


def _mediator_event(m: Mediator, action: str, *, actor, changes: dict) -> MediatorEvent:
    """The roster's trail (one append-only row per change), in the caller's transaction."""
    return MediatorEvent.objects.create(
        mediator=m,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_unit=_acting_unit(actor, [m.body_id], ("mediate", "route_dispute")),
        action=action,
        data={
            f: [_roster_value(f, old), _roster_value(f, new)] for f, (old, new) in changes.items()
        },
    )


@transaction.atomic
def mediator_add(
    *,
    actor,
    body: Unit,
    name: str,
    full_time: bool = False,
    phone: str = "",
    speciality: str = "",
    user=None,
) -> Mediator:
    """Put a mediator (调解员) on a body's roster (the body's mediators, or the
    staff who route disputes above it). `user` links the staff account of a
    member of the body, so that their cases are theirs."""
    if body.kind not in selectors.BODY_KINDS:
        raise InvalidInput(field_errors={"body": [_("Choose a mediation centre or committee.")]})
    if not selectors.visible_bodies(actor).filter(pk=body.pk).exists():
        raise NotFound()
    _may_manage_roster(actor, body)
    clean = _clean_mediator(
        body=body,
        fields={
            "name": name,
            "full_time": full_time,
            "phone": phone,
            "speciality": speciality,
            "user": user,
        },
    )
    try:
        with transaction.atomic():
            m = Mediator.objects.create(body=body, **clean)
    except IntegrityError:  # the same staff member added twice at once
        raise InvalidInput(
            field_errors={"user": [_("This staff member is already on the roster.")]}
        ) from None
    _mediator_event(
        m,
        MediatorAction.ADDED,
        actor=actor,
        changes={f: (None, v) for f, v in clean.items()},
    )
    return m


_UNCHANGED = object()


@transaction.atomic
def mediator_update(
    *,
    actor,
    mediator_id: int,
    name: str | None = None,
    full_time: bool | None = None,
    phone: str | None = None,
    speciality: str | None = None,
    user=_UNCHANGED,
    version: int | None = None,
) -> Mediator:
    """Correct a roster entry. None (or, for `user`, leaving it out) keeps a field;
    phone="" removes the number, user=None unlinks the account."""
    m = _lock_mediator(actor, mediator_id, version)
    _may_manage_roster(actor, m.body)
    given = {
        k: v
        for k, v in {
            "name": name,
            "full_time": full_time,
            "phone": phone,
            "speciality": speciality,
        }.items()
        if v is not None
    }
    if user is not _UNCHANGED:
        given["user"] = user
    clean = _clean_mediator(body=m.body, fields=given, mediator=m)
    changes = {}
    for field, value in clean.items():
        old = m.user if field == "user" else getattr(m, field)
        same = (
            getattr(old, "pk", None) == getattr(value, "pk", None)
            if field == "user"
            else old == value
        )
        if not same:
            changes[field] = (old, value)
            setattr(m, field, value)
    if changes:  # a no-op correction writes nothing and leaves no trail
        _save(m, *changes)
        _mediator_event(m, MediatorAction.UPDATED, actor=actor, changes=changes)
    return m


@transaction.atomic
def mediator_set_active(
    *, actor, mediator_id: int, active: bool, version: int | None = None
) -> Mediator:
    """Take a mediator off the roster (or back on). Inactive: no new case, but
    the cases they had keep them, and their caseload still shows."""
    m = _lock_mediator(actor, mediator_id, version)
    _may_manage_roster(actor, m.body)
    if m.is_active != bool(active):
        m.is_active = bool(active)
        _save(m, "is_active")
        _mediator_event(
            m,
            MediatorAction.REACTIVATED if m.is_active else MediatorAction.DEACTIVATED,
            actor=actor,
            changes={"is_active": (not m.is_active, m.is_active)},
        )
    return m


# --- holiday data ----------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def recompute_deadlines(*, years: frozenset[int], reason: str) -> int:
    """Registered with core.calendar.register_recompute: when the holiday data of
    `years` changed (a year published, a library upgrade), re-derive the running
    deadlines of mediation that the calendar computes, the open case's time limit
    and the judicial-confirmation window not yet used, where they may depend on
    those years or are provisional; each that moved goes on the dispute's
    timeline, from which date to which and why. The weekly meeting's deadlines are
    dates a person chose, not computed, and stay as they are."""
    window_q = Q()
    deadline_q = Q()
    for start, end in calendar.years_window(years):
        deadline_q |= Q(deadline__range=(start, end))
        window_q |= Q(window_ends_on__range=(start, end))
    changed = 0
    cases = (
        MediationCase.objects.select_for_update()
        .filter(state=CaseState.IN_PROGRESS, started_on__isnull=False)
        .filter(deadline_q | Q(deadline_provisional=True))
        .select_related("dispute")
        .order_by("pk")
    )
    for case in cases:
        deadline = clocks.case_deadline(case.started_on, extended=case.extended)
        before = (case.deadline, case.deadline_provisional)
        if (deadline.due, deadline.provisional) == before:
            continue
        case.deadline, case.deadline_provisional = deadline.due, deadline.provisional
        _save(case, "deadline", "deadline_provisional")
        _recomputed_event(case, "case", before, deadline, years, reason)
        changed += 1
    windows = (
        JudicialConfirmation.objects.select_for_update()
        .filter(applied_on__isnull=True, ruling="")
        .filter(window_q | Q(window_provisional=True))
        .select_related("agreement__case__dispute")
        .order_by("pk")
    )
    for jc in windows:
        window = clocks.judicial_window(jc.agreement.effective_on)
        before = (jc.window_ends_on, jc.window_provisional)
        if (window.due, window.provisional) == before:
            continue
        jc.window_ends_on, jc.window_provisional = window.due, window.provisional
        jc.save(update_fields=["window_ends_on", "window_provisional"])
        _recomputed_event(jc.agreement.case, "judicial_window", before, window, years, reason)
        changed += 1
    return changed


def _recomputed_event(case, which, before, deadline, years, reason) -> None:
    d = case.dispute
    dispute_event(
        d,
        action="deadline_recomputed",
        from_state=d.state,
        data={
            "case": case.pk,
            "case_number": case.number,
            "which": which,
            "years": sorted(years),
            "reason": str(reason),
            "previous": _iso(before[0]),
            "due": _iso(deadline.due),
            "provisional": deadline.provisional,
        },
    )
