"""The escalation ladder (DOMAIN.md section 5), run by the periodic tick
(`manage.py supervision_tick`, in settings.XINFANG_PERIODIC_COMMANDS):

- a listed matter turning yellow: the responsible unit's head is told;
- turning red: the owning leader (a petition's `owner_leader`, a dispute's
  responsible leader) and the petition office (its supervisors and dispatchers)
  are told, and the step is on the record (`Escalation`, which the weekly
  bulletin reads by unit);
- a listed matter that was resolved (concluded, the dispute closed) is delisted.

Each step is taken once: the listing row is locked, and the step is a row unique
per listing and step, inserted before anyone is told; two ticks running at the
same moment insert one row, and only the tick that inserted it notifies (the
other's insert fails, on PostgreSQL after waiting for the first's commit)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.orgs.models import Role
from xinfang.petitions import services as petition_services

from .. import selectors
from ..models import Escalation, EscalationStep, Listing, ListingEvent, ListingState
from ..workflow import unit_now_id


def _recipients(listing: Listing, step: str, unit_id: int) -> list:
    if step == EscalationStep.YELLOW:
        return petition_services.users_with(Role.UNIT_HEAD, [unit_id])
    office = listing.office_id
    users = petition_services.users_with(Role.SUPERVISOR, [office])
    users += petition_services.users_with(Role.DISPATCHER, [office])
    if listing.petition_id and listing.petition.owner_leader_id:
        users.append(listing.petition.owner_leader)
    if listing.dispute_id and listing.dispute.responsible_leader_id:
        users.append(listing.dispute.responsible_leader)
    return users


def _red_told_by_petitions(listing: Listing, step: str) -> bool:
    """petitions_tick has told this red already (to a superset of the ladder's
    people: the office, the owner and the acting unit): the step goes on the
    record without telling them twice."""
    p = listing.petition if listing.petition_id else None
    return (
        step == EscalationStep.RED
        and p is not None
        and p.red_notified_on is not None
        and p.clock_started_on is not None
        and p.red_notified_on >= p.clock_started_on
    )


def _message(listing: Listing, step: str) -> str:
    target = listing.target
    if step == EscalationStep.YELLOW:
        text = _("Listed matter turned yellow: %(number)s %(summary)s; report by %(day)s.")
    else:
        text = _("Listed matter is red: %(number)s %(summary)s; the unit reports measures today.")
    return text % {
        "number": target.number,
        "summary": target.summary[:60],
        "day": listing.report_by.isoformat(),
    }


def take_step(listing: Listing, step: str, today: dt.date) -> bool:
    """Insert the step's row (unique per listing and step), then tell its people
    and put it on the timeline, all in the caller's transaction. False when the
    step was taken already (by this tick before, or by another one now)."""
    if Escalation.objects.filter(listing=listing, step=step).exists():
        return False
    unit_id = unit_now_id(listing)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                listing=listing, step=step, on=today, unit_id=unit_id
            )
    except IntegrityError:
        return False
    users = [] if _red_told_by_petitions(listing, step) else _recipients(listing, step, unit_id)
    petition_services.notify_users(
        users,
        petition=listing.petition if listing.petition_id else None,
        kind=f"escalated_{step}",
        message=_message(listing, step),
    )
    escalation.notified = sorted({u.pk for u in users if u is not None})
    escalation.save(update_fields=["notified"])
    ListingEvent.record(
        listing,
        action=f"escalated_{step}",
        data={"unit": unit_id, "notified": escalation.notified, "on": today.isoformat()},
    )
    return True


def supervision_tick(*, today: dt.date | None = None) -> dict[str, int]:
    """One pass over the listed matters: resolved ones delisted, each yellow or red
    step taken once. Each listing in its own transaction."""
    today = today or calendar.today()
    counts = {"yellow": 0, "red": 0, "resolved": 0}
    ids = list(Listing.objects.filter(state=ListingState.LISTED).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            listing = (
                Listing.objects.select_for_update(of=("self",))
                .select_related("petition", "dispute")
                .filter(pk=pk, state=ListingState.LISTED)
                .first()
            )
            if listing is None:
                continue
            if selectors.is_resolved(listing):
                listing.state = ListingState.DELISTED
                listing.delisted_on = today
                listing.version += 1
                listing.save()
                ListingEvent.record(listing, action="resolved", data={"on": today.isoformat()})
                counts["resolved"] += 1
                continue
            colour = selectors.colour_of(listing, today)
            if colour in ("yellow", "red") and take_step(listing, colour, today):
                counts[colour] += 1
    return counts
