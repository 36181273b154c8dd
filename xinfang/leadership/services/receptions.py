"""Every write of leaders' receptions (领导接访、下访、约访): put on the calendar or
recorded as held, held, cancelled, its batches (批次), and the matters a batch
raises (registered through petitions.services, channel 来访) or speaks of (linked).

Each write is keyword-only, one transaction and one ReceptionEvent; the moves go
through the frame (workflow.RECEPTION: lock → state and version (409) →
permission (403) → guard (409) → write → event). Creates take an idempotency
key: a retry with the same content answers what the first one made."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, idempotency, numbering
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.pii import validate_phone
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Level, Membership, Role, Unit, UnitKind
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Category, Petition

from .. import permissions as policy
from ..models import (
    MatterLink,
    Reception,
    ReceptionBatch,
    ReceptionEvent,
    ReceptionKind,
    ReceptionMatter,
    ReceptionState,
)
from ..workflow import RECEPTION, acting_unit

# Where each kind is held: 接访 at a reception centre (or the petition office),
# 下访 in a township or village; an appointment (约访) wherever it is kept.
PLACE_KINDS = {
    ReceptionKind.RECEPTION: {UnitKind.RECEPTION_CENTRE, UnitKind.PETITION_OFFICE},
    ReceptionKind.VISIT_DOWN: {UnitKind.TERRITORIAL},
}
MAX_PEOPLE = 10_000


def leader_unit_of(leader, *, actor=None) -> Unit | None:
    """The unit the leader receives for: their leader membership (the primary one
    first; one the actor records for when there are several)."""
    units = [
        m.unit
        for m in Membership.objects.filter(user=leader, role=Role.LEADER)
        .select_related("unit")
        .order_by("-is_primary", "id")
    ]
    if actor is not None:
        for unit in units:
            if policy.may_record_for(actor, unit):
                return unit
    return units[0] if units else None


def _check_times(time_from, time_to) -> None:
    if time_from and time_to and time_to <= time_from:
        raise InvalidInput(field_errors={"time_to": [_("The end is before the start.")]})


def _replay(model, key: str | None, fingerprint: str):
    if not key:
        return None
    existing = model.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if not idempotency.in_force(existing.created_at):
        model.objects.filter(pk=existing.pk, idempotency_key=key).update(idempotency_key=None)
        return None
    idempotency.check_replay(
        stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
    )
    return existing


def reception_schedule(
    *,
    actor,
    leader,
    kind: str,
    on: dt.date,
    unit: Unit,
    place: str = "",
    time_from: dt.time | None = None,
    time_to: dt.time | None = None,
    topic: str = "",
    public: bool | None = None,
    held: bool = False,
    note: str = "",
    idempotency_key: str | None = None,
) -> tuple[Reception, bool]:
    """Put a leader's reception on the calendar (the monthly 领导接访日 schedule),
    or record one already held (held=True; a 约访 kept, a 下访 done). Returns
    (reception, created); a retry with the same key and content answers the first."""
    fields = {
        "leader": getattr(leader, "pk", leader),
        "kind": kind,
        "on": on,
        "unit": getattr(unit, "pk", unit),
        "place": place,
        "time_from": time_from,
        "time_to": time_to,
        "topic": topic,
        "public": public,
        "held": held,
        "note": note,
    }
    fingerprint = idempotency.fingerprint(fields) if idempotency_key else ""
    with transaction.atomic():
        existing = _replay(Reception, idempotency_key, fingerprint)
    if existing is not None:
        if not policy.may_see_reception(actor, existing):
            raise NotFound()
        return existing, False
    if unit is None or not org_permissions.may_see(actor, unit):
        raise NotFound()
    errors: dict[str, list] = {}
    if kind not in ReceptionKind.values:
        errors["kind"] = [_("Choose the kind of reception.")]
    elif kind in PLACE_KINDS and unit.kind not in PLACE_KINDS[kind]:
        errors["unit"] = [
            _("A reception is held at a reception centre.")
            if kind == ReceptionKind.RECEPTION
            else _("A visit down goes to a township or village.")
        ]
    elif kind == ReceptionKind.VISIT_DOWN and unit.level == Level.CITY:
        errors["unit"] = [_("A visit down goes to a township or village.")]
    if on is None:
        errors["on"] = [_("Give the date.")]
    elif held and on > calendar.today():
        errors["on"] = [_("A reception not yet held is put on the calendar, not recorded.")]
    unit_of_leader = leader_unit_of(leader, actor=actor) if leader is not None else None
    if unit_of_leader is None:
        errors["leader"] = [_("Choose a leader (a user with the leader's role).")]
    if errors:
        raise InvalidInput(field_errors=errors)
    _check_times(time_from, time_to)
    if not (policy.may_record_for(actor, unit_of_leader) or policy.may_record_for(actor, unit)):
        raise PermissionDenied(
            _("Only the leader, the reception centre or the petition office records this.")
        )
    if public is None:
        public = kind != ReceptionKind.APPOINTMENT
    try:
        with transaction.atomic():
            r = Reception(
                # A placeholder until the real number is taken, last.
                number=f"pending-{uuid.uuid4().hex}",
                leader=leader,
                leader_unit=unit_of_leader,
                kind=kind,
                state=ReceptionState.HELD if held else ReceptionState.SCHEDULED,
                on=on,
                time_from=time_from,
                time_to=time_to,
                unit=unit,
                place=(place or "").strip()[:120],
                topic=(topic or "").strip()[:200],
                public=bool(public),
                note=(note or "").strip(),
                created_by=actor,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint,
            )
            r.save()
            ReceptionEvent.record(
                r,
                action="recorded" if held else "scheduled",
                actor=actor,
                actor_unit=acting_unit(actor, r),
                data={"kind": kind, "on": on.isoformat(), "unit": unit.pk},
            )
            # The number last: the sequence's lock is held briefly (core.numbering).
            r.number = numbering.next_number(f"JF-{unit_of_leader.code}-{on.year}", width=4)
            Reception.objects.filter(pk=r.pk).update(number=r.number)
    except IntegrityError:
        with transaction.atomic():
            existing = _replay(Reception, idempotency_key, fingerprint)
        if existing is None:
            raise
        return existing, False
    return r, True


@RECEPTION.action("hold")
def reception_hold(r: Reception, actor, *, note: str = "") -> dict:
    """The reception took place (it counts from now: one person-time)."""
    return {"note": (note or "").strip()}


@RECEPTION.action("cancel")
def reception_cancel(r: Reception, actor, *, reason: str) -> dict:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Say why it is cancelled.")]})
    return {"note": reason}


@RECEPTION.action("batch")
def _batch(
    r: Reception,
    actor,
    *,
    people_count: int,
    matters: str,
    name: str = "",
    phone: str = "",
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> dict:
    errors: dict[str, list] = {}
    if not isinstance(people_count, int) or people_count < 1:
        errors["people_count"] = [_("At least one person.")]
    elif people_count > MAX_PEOPLE:
        errors["people_count"] = [
            _("At most %(n)s people in one batch; record a larger group as several.")
            % {"n": MAX_PEOPLE}
        ]
    matters = (matters or "").strip()
    if not matters:
        errors["matters"] = [_("Say what they raised.")]
    phone = (phone or "").strip()
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    if errors:
        raise InvalidInput(field_errors=errors)
    last = r.batches.order_by("-position").values_list("position", flat=True).first() or 0
    batch = ReceptionBatch.objects.create(
        reception=r,
        position=last + 1,
        people_count=people_count,
        name=(name or "").strip()[:60],
        phone=phone,
        matters=matters,
        created_by=actor,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=fingerprint,
    )
    r._batch = batch
    return {"data": {"batch": batch.position, "people": people_count}}


def reception_add_batch(
    *,
    actor,
    reception_id,
    people_count: int,
    matters: str,
    name: str = "",
    phone: str = "",
    version: int | None = None,
    idempotency_key: str | None = None,
) -> tuple[ReceptionBatch, bool]:
    """Record one batch received (批次: the number of people, who speaks for them,
    what they raised). Returns (batch, created)."""
    fingerprint = (
        idempotency.fingerprint(
            {
                "reception": reception_id,
                "people_count": people_count,
                "matters": matters,
                "name": name,
                "phone": phone,
            }
        )
        if idempotency_key
        else ""
    )
    with transaction.atomic():
        existing = _replay(ReceptionBatch, idempotency_key, fingerprint)
        if existing is not None:
            if not policy.may_see_reception(actor, existing.reception):
                raise NotFound()
            return existing, False
        r = _batch(
            actor=actor,
            reception_id=reception_id,
            version=version,
            people_count=people_count,
            matters=matters,
            name=name,
            phone=phone,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
    return r._batch, True


def _batch_of(r: Reception, batch_id) -> ReceptionBatch:
    try:
        return r.batches.select_for_update().get(pk=int(getattr(batch_id, "pk", batch_id)))
    except (ReceptionBatch.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


@RECEPTION.action("batch_register")
def _register(
    r: Reception,
    actor,
    *,
    batch_id,
    category: Category,
    place: Unit,
    summary: str,
    content: str = "",
    purpose: str = "appeal",
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> dict:
    batch = _batch_of(r, batch_id)
    unit = policy.registering_unit(actor, r)
    if unit is None:
        raise PermissionDenied(_("Only a clerk who registers petitions may do this."))
    petitioners = [{"name": batch.name or _("(not given)"), "phone": batch.phone}]
    p = petition_services.petition_register(
        actor=actor,
        registering_unit=unit,
        channel="visit",
        purpose=purpose,
        category=category,
        place=place,
        summary=summary,
        content=(content or batch.matters),
        petitioners=petitioners,
        people_count=batch.people_count,
        received_on=min(r.on, calendar.today()),
        idempotency_key=idempotency_key,
        idempotency_fingerprint=fingerprint,
        event_data={"reception": r.number, "batch": batch.position},
    )
    ReceptionMatter.objects.create(batch=batch, petition=p, how=MatterLink.RAISED)
    r._petition = p
    return {"data": {"batch": batch.position, "petition": p.pk, "number": p.number}}


def reception_register_matter(
    *,
    actor,
    reception_id,
    batch_id,
    category: Category,
    place: Unit,
    summary: str,
    content: str = "",
    purpose: str = "appeal",
    version: int | None = None,
    idempotency_key: str | None = None,
) -> tuple[Petition, bool]:
    """Register a new matter from a batch in one step (channel 来访, the batch's
    people and representative), linked to the batch. Returns (petition, created)."""
    fingerprint = (
        idempotency.fingerprint(
            {
                "reception": reception_id,
                "batch": batch_id,
                "category": category,
                "place": place,
                "summary": summary,
                "content": content,
                "purpose": purpose,
            }
        )
        if idempotency_key
        else ""
    )
    with transaction.atomic():
        existing = petition_services.petition_replay(
            idempotency_key=idempotency_key, fingerprint=fingerprint
        )
        if existing is not None:
            if not petition_selectors.visible_petitions(actor).filter(pk=existing.pk).exists():
                raise NotFound()
            return existing, False
        r = _register(
            actor=actor,
            reception_id=reception_id,
            version=version,
            batch_id=batch_id,
            category=category,
            place=place,
            summary=summary,
            content=content,
            purpose=purpose,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
    return r._petition, True


@RECEPTION.action("batch_link", service_name="reception_link_matter")
def reception_link_matter(r: Reception, actor, *, batch_id, petition_id) -> dict:
    """Link an existing matter the batch spoke of (only one the actor may see: else
    404); the same matter twice on one batch is a conflict."""
    batch = _batch_of(r, batch_id)
    try:
        pk = int(getattr(petition_id, "pk", petition_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    p = petition_selectors.visible_petitions(actor).filter(pk=pk).first()
    if p is None:
        raise NotFound()
    if ReceptionMatter.objects.filter(batch=batch, petition=p).exists():
        raise Conflict(_("This matter is already linked to this batch."))
    ReceptionMatter.objects.create(batch=batch, petition=p, how=MatterLink.LINKED)
    return {"data": {"batch": batch.position, "petition": p.pk, "number": p.number}}
