"""挂牌督办 on the kernel: list a matter (a petition, or a dispute on a township's
ledger), chase it (催办 / 督办, a numbered letter), record what came back, list it
in another colour, delist it (摘牌).

A petition's own fields and timeline stay true: listing, recolouring and
delisting run petitions' `list` transition (the matter's `listing` colour, its
event, the red notice), and a chase runs its `chase` transition (its event, the
notice to the responsible unit), inside this area's transaction. A dispute has
no listing of its own: its listing lives here only, and its people are told
through petitions' notification service."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, idempotency, numbering
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.mediation.models import OPEN_DISPUTE_STATES, Dispute
from xinfang.orgs.models import Role, Unit
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import CLOSED_STATES, Petition

from .. import permissions
from ..models import (
    Chase,
    ChaseKind,
    Escalation,
    EscalationStep,
    Listing,
    ListingColour,
    ListingEvent,
    ListingState,
)
from ..workflow import FRAME, unit_now_id

# How soon the unit reports, by colour (DOMAIN.md section 5): red the same day,
# yellow within 2 days, blue within 3.
REPORT_DAYS = {"red": 0, "yellow": 2, "blue": 3}


def default_report_by(colour: str, today: dt.date | None = None) -> dt.date:
    today = today or calendar.today()
    return calendar.add_calendar_days(today, REPORT_DAYS.get(colour, 3)).due


def _clean_colour(colour: str, errors: dict) -> str:
    if colour not in ListingColour.values:
        errors["colour"] = [_("Choose red, yellow or blue.")]
    return colour


def _clean_report_by(report_by, colour: str, errors: dict, today: dt.date) -> dt.date:
    if report_by in (None, ""):
        return default_report_by(colour, today)
    if not isinstance(report_by, dt.date):
        errors["report_by"] = [_("Give a date.")]
        return today
    if report_by < today:
        errors["report_by"] = [_("The report cannot be due before today.")]
    elif report_by > today + dt.timedelta(days=90):
        errors["report_by"] = [_("At most 90 days ahead.")]
    return report_by


def _number(prefix: str, year: int) -> str:
    return numbering.next_number(f"{prefix}{year}", width=4)


def letter_number(kind: str, year: int) -> str:
    """催〔2026〕3号 / 督〔2026〕3号: one gap-free sequence per kind and year."""
    word = "督" if kind == ChaseKind.PRESS else "催"
    n = numbering.sequence_next(f"supervision-{kind}-{year}")
    return f"{word}〔{year}〕{n}号"


def _lock_target(actor, petition_id, dispute_id):
    """The matter, locked (one listing at a time per matter: two supervisors
    racing get one listing and one 409); 404 when the actor may not see it."""
    if bool(petition_id) == bool(dispute_id):
        raise InvalidInput(field_errors={"petition": [_("Name one petition or one dispute.")]})
    try:
        if petition_id:
            target = Petition.objects.select_for_update().filter(pk=int(petition_id)).first()
            seen = target is not None and permissions.may_see_petition(actor, target)
        else:
            target = Dispute.objects.select_for_update().filter(pk=int(dispute_id)).first()
            seen = target is not None and permissions.may_see_dispute(actor, target)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not seen:
        raise NotFound()
    return target


def _replay(actor, key: str | None, fingerprint: str) -> Listing | None:
    if not key:
        return None
    existing = Listing.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if not idempotency.in_force(existing.listed_at):
        Listing.objects.filter(pk=existing.pk, idempotency_key=key).update(idempotency_key=None)
        return None
    idempotency.check_replay(
        stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
    )
    if not permissions.may_see(actor, existing):
        raise NotFound()
    return existing


def listing_create(
    *,
    actor,
    colour: str,
    reason: str,
    petition_id: int | None = None,
    dispute_id: int | None = None,
    demand: str = "",
    report_by: dt.date | None = None,
    idempotency_key: str | None = None,
) -> tuple[Listing, bool]:
    """挂牌督办: list a matter in a colour, with why and the report demanded by
    when. Checks in the kernel's order: the matter seen (404), open and not
    listed already (409), the actor a supervisor of it (403), then the fields
    (400). A retry with the same key and content answers the first listing
    (created False); the same key with other content is a 409."""
    fingerprint = (
        idempotency.fingerprint(
            {
                "petition": petition_id,
                "dispute": dispute_id,
                "colour": colour,
                "reason": reason,
                "demand": demand,
                "report_by": report_by,
            }
        )
        if idempotency_key
        else ""
    )
    with transaction.atomic():
        existing = _replay(actor, idempotency_key, fingerprint)
        if existing is not None:
            return existing, False
        today = calendar.today()
        target = _lock_target(actor, petition_id, dispute_id)
        is_petition = isinstance(target, Petition)
        open_ = (
            target.state not in CLOSED_STATES
            if is_petition
            else target.state in OPEN_DISPUTE_STATES
        )
        if not open_:
            raise Conflict(_("This matter is closed; there is nothing to supervise."))
        if is_petition:
            listed = Listing.objects.filter(petition=target, state=ListingState.LISTED)
        else:
            listed = Listing.objects.filter(dispute=target, state=ListingState.LISTED)
            if target.township_id is None:
                raise Conflict(_("Only a dispute on a township's ledger is listed."))
        if listed.exists():
            raise Conflict(
                _("This matter is listed already; chase it or list it in another colour.")
            )
        may = (
            permissions.may_list_petition(actor, target)
            if is_petition
            else permissions.may_list_dispute(actor, target)
        )
        if not may:
            raise PermissionDenied(_("Only a supervisor of this matter lists it."))
        errors: dict[str, list] = {}
        _clean_colour(colour, errors)
        reason = (reason or "").strip()
        if not reason:
            errors["reason"] = [_("Say why the matter is listed.")]
        report_by = _clean_report_by(report_by, colour, errors, today)
        if errors:
            raise InvalidInput(field_errors=errors)
        listing = Listing(
            petition=target if is_petition else None,
            dispute=None if is_petition else target,
            colour=colour,
            reason=reason,
            demand=(demand or "").strip(),
            report_by=report_by,
            listed_by=actor,
            listed_on=today,
            idempotency_key=idempotency_key or None,
            idempotency_fingerprint=fingerprint if idempotency_key else "",
        )
        office = _office_for(actor, target, is_petition)
        listing.office = office
        if is_petition:
            # The matter's own listing, event and red notice (petitions' `list`).
            petition_services.petition_list(
                actor=actor, petition_id=target.pk, colour=colour, note=reason
            )
            target.refresh_from_db()
            listing.petition = target
        listing.unit_id = unit_now_id(listing)
        listing.number = _number("GP", today.year)
        listing.save()
        if is_petition and colour == ListingColour.RED:
            _red_told_by_petitions(listing, today)
        ListingEvent.record(
            listing,
            action="listed",
            actor=actor,
            actor_unit=office,
            note=reason,
            data={
                "colour": colour,
                "report_by": report_by.isoformat(),
                "matter": target.number,
                "kind": listing.kind,
            },
        )
    return listing, True


def _office_for(actor, target, is_petition: bool) -> Unit:
    """The supervising unit: a petition's office; for a dispute, the unit of the
    supervisor's membership (the office that listed it)."""
    if is_petition:
        return target.office
    for m in actor.memberships.select_related("unit").order_by("-is_primary", "pk"):
        if m.role == Role.SUPERVISOR:
            return m.unit
    return target.township


def _red_told_by_petitions(listing: Listing, today: dt.date) -> None:
    """Petitions' `list` red has just told the office, the owning leader and the
    unit (its escalate_red): the red step is taken, on the record, and the tick
    does not tell them again."""
    Escalation.objects.get_or_create(
        listing=listing,
        step=EscalationStep.RED,
        defaults={"on": today, "unit_id": listing.unit_id, "notified": []},
    )


# --- the transitions -------------------------------------------------------------------


def _dispute_people(d: Dispute) -> list:
    users = [d.responsible_user, d.responsible_leader]
    units = [u for u in (d.township_id, d.body_id) if u]
    users += petition_services.users_with(Role.UNIT_HEAD, units)
    users += petition_services.users_with(Role.HANDLER, units)
    return users


@FRAME.action("chase")
def chase(listing: Listing, actor, *, demand: str, kind: str = ChaseKind.CHASE, report_by=None):
    """催办 (or 督办, a firmer letter): what is demanded and by when, a numbered
    letter, the unit told (a petition's through its own `chase`)."""
    today = calendar.today()
    errors: dict[str, list] = {}
    demand = (demand or "").strip()
    if not demand:
        errors["demand"] = [_("Say what is demanded.")]
    if kind not in ChaseKind.values:
        errors["kind"] = [_("Choose a chasing or a supervision letter.")]
    report_by = _clean_report_by(report_by, listing.colour, errors, today)
    if errors:
        raise InvalidInput(field_errors=errors)
    if listing.petition_id:
        petition_services.petition_chase(actor=actor, petition_id=listing.petition_id, note=demand)
    else:
        d = listing.dispute
        petition_services.notify_users(
            _dispute_people(d),
            petition=None,
            kind="chase",
            message=_("Chased: %(number)s %(note)s") % {"number": d.number, "note": demand},
        )
    letter = Chase.objects.create(
        listing=listing,
        number=letter_number(kind, today.year),
        kind=kind,
        demand=demand,
        report_by=report_by,
        issued_by=actor,
        issued_unit=listing.office,
        issued_on=today,
    )
    return {
        "note": demand,
        "actor_unit": listing.office,
        "data": {
            "chase": letter.pk,
            "number": letter.number,
            "kind": kind,
            "report_by": report_by.isoformat(),
        },
    }


@FRAME.action("report")
def report(listing: Listing, actor, *, text: str):
    """What came back: the unit's report (measures taken, progress), on the
    listing and on the chase it answers."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(field_errors={"text": [_("Say what the unit did.")]})
    today = calendar.today()
    pending = listing.chases.filter(reported_on__isnull=True).order_by("-issued_on", "-id").first()
    if pending is not None:
        pending.report = text
        pending.reported_on = today
        pending.reported_by = actor
        pending.save(update_fields=["report", "reported_on", "reported_by"])
    listing.report = text
    listing.reported_on = today
    return {
        "note": text,
        "actor_unit": Unit.objects.filter(pk=unit_now_id(listing)).first(),
        "data": {"chase": pending.pk if pending else None},
    }


@FRAME.action("recolour")
def recolour(listing: Listing, actor, *, colour: str, note: str = ""):
    """List the matter in another colour (the petition's own listing follows)."""
    errors: dict[str, list] = {}
    _clean_colour(colour, errors)
    if not errors and colour == listing.colour:
        errors["colour"] = [_("The matter is listed in this colour already.")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Say why.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    previous = listing.colour
    if listing.petition_id:
        petition_services.petition_list(
            actor=actor, petition_id=listing.petition_id, colour=colour, note=note
        )
        if colour == ListingColour.RED:
            _red_told_by_petitions(listing, calendar.today())
    listing.colour = colour
    return {
        "note": note,
        "actor_unit": listing.office,
        "data": {"colour": colour, "previous": previous},
    }


@FRAME.action("delist")
def delist(listing: Listing, actor, *, note: str):
    """摘牌: the supervisor takes the listing down (the matter resolved, or the
    measures reported enough); the petition's listing is cleared with it."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput(field_errors={"note": [_("Say why the listing ends.")]})
    if listing.petition_id and listing.petition.state not in CLOSED_STATES:
        petition_services.petition_list(
            actor=actor, petition_id=listing.petition_id, colour="", note=note
        )
    listing.delisted_on = calendar.today()
    listing.delisted_by = actor
    listing.delist_note = note
    return {"note": note, "actor_unit": listing.office, "data": {}}


listing_chase = chase
listing_report = report
listing_recolour = recolour
listing_delist = delist


def listing_act(*, actor, listing_id: int, action: str, version: int | None = None, **fields):
    """Take the named action (the API's and the page's): the frame's `run`."""
    return FRAME.run(action, actor=actor, listing_id=listing_id, version=version, **fields)
