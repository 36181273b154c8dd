"""Every read of listings a user sees, through the policy's visibility
(permissions.visible_listings): the board (每一挂牌事项 by colour and unit, with
who listed it, why, when it was chased and what came back), one listing, its
timeline, and the counts of the supervisor's start panel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from xinfang.core import calendar
from xinfang.core.inputs import optional_id
from xinfang.mediation.models import OPEN_DISPUTE_STATES, Dispute
from xinfang.orgs.models import Unit
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.models import CLOSED_STATES

from . import permissions
from .models import Chase, Escalation, EscalationStep, Listing, ListingEvent, ListingState
from .workflow import unit_now_id

COLOURS = ("red", "yellow", "blue", "green")
FILTERS = ("colour", "unit", "kind", "state")
KINDS = ("petition", "dispute")
# A dispute is yellow when its deadline is this close (the petition office's
# default for matters, DOMAIN.md section 5).
DISPUTE_YELLOW_DAYS = 3


def read_filters(params) -> dict:
    """The board's filters from a query string (page and API): an unknown value is
    ignored, a malformed unit id is a 400 naming the field (core.inputs)."""
    colour = params.get("colour")
    kind = params.get("kind")
    return {
        "colour": colour if colour in COLOURS else "",
        "unit": optional_id(params.get("unit"), "unit"),
        "kind": kind if kind in KINDS else "",
        "state": "delisted" if params.get("state") == "delisted" else "",
    }


def dispute_colour(dispute, listed: str, today: dt.date) -> str:
    """A listed dispute's colour: green when closed; red past its deadline or
    listed red; yellow when its deadline is near or listed yellow; else blue."""
    if dispute.state not in OPEN_DISPUTE_STATES:
        return "green"
    deadline = dispute.deadline
    if listed == "red" or (deadline and deadline < today):
        return "red"
    if listed == "yellow" or (deadline and (deadline - today).days <= DISPUTE_YELLOW_DAYS):
        return "yellow"
    return "blue"


def colour_of(listing: Listing, today: dt.date | None = None) -> str:
    """The shown colour: the more severe of the matter's clock and the listing
    (a petition's through petitions' own rule, whose `listing` is this one's)."""
    today = today or calendar.today()
    if listing.petition_id:
        return petition_selectors.colour_of(listing.petition, today)
    return dispute_colour(listing.dispute, listing.colour, today)


def is_resolved(listing: Listing) -> bool:
    if listing.petition_id:
        return listing.petition.state in CLOSED_STATES
    return listing.dispute.state not in OPEN_DISPUTE_STATES


def awaiting_report(listing: Listing, chases: list[Chase]) -> bool:
    """No report came back since the last demand (the listing, or its last chase)."""
    demanded_on = chases[-1].issued_on if chases else listing.listed_on
    return not listing.reported_on or listing.reported_on < demanded_on


def _base(user) -> QuerySet[Listing]:
    return permissions.visible_listings(user).select_related(
        "petition",
        "dispute",
        "dispute__township",
        "unit",
        "office",
        "listed_by",
    )


def listing_get(*, user, pk) -> Listing:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    listing = _base(user).filter(pk=pk).first()
    if listing is None:
        raise Http404
    return listing


def open_listing_of_petition(*, user, petition_id: int) -> Listing | None:
    """The matter's listing still in force, if the user may see it."""
    return (
        _base(user)
        .filter(petition_id=petition_id, state=ListingState.LISTED)
        .order_by("-id")
        .first()
    )


def chases_of(listing: Listing) -> list[Chase]:
    return list(listing.chases.select_related("issued_by", "issued_unit", "reported_by"))


def chase_get(*, user, listing_pk, pk) -> Chase:
    listing = listing_get(user=user, pk=listing_pk)
    chase = listing.chases.select_related("issued_by", "issued_unit").filter(pk=pk).first()
    if chase is None:
        raise Http404
    return chase


def timeline(listing: Listing) -> QuerySet[ListingEvent]:
    return listing.events.select_related("actor", "actor_unit").order_by("at", "id")


@dataclass
class Card:
    """One listed matter on the board."""

    listing: Listing
    colour: str
    unit: Unit
    matter_number: str
    summary: str
    kind: str
    last_chase: Chase | None
    chase_count: int
    overdue_report: bool


@dataclass
class Board:
    cards: list[Card]
    # {unit name: {colour: n}} and the totals per colour, before the colour filter.
    by_unit: list[tuple[Unit, dict[str, int]]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)


def board(*, user, filters: dict | None = None, today: dt.date | None = None) -> Board:
    """Every listed matter the user may see (listed now; `state=delisted` for the
    delisted ones), its colour and the unit that must act, filtered by colour,
    unit and kind (petition/dispute); the counts per colour per unit are of the
    listings before the colour filter. A fixed number of queries whatever the
    number of listings."""
    today = today or calendar.today()
    f = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    state = ListingState.DELISTED if f.get("state") == "delisted" else ListingState.LISTED
    qs = (
        _base(user)
        .filter(state=state)
        .prefetch_related(Prefetch("chases", queryset=Chase.objects.order_by("issued_on", "id")))
    )
    if f.get("kind") == "petition":
        qs = qs.filter(petition__isnull=False)
    elif f.get("kind") == "dispute":
        qs = qs.filter(dispute__isnull=False)
    listings = list(qs.order_by("report_by", "id"))
    unit_ids = {unit_now_id(x) for x in listings}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    cards = []
    for x in listings:
        chases = list(x.chases.all())
        target = x.target
        cards.append(
            Card(
                listing=x,
                colour=colour_of(x, today) if state == ListingState.LISTED else "green",
                unit=units.get(unit_now_id(x)) or x.unit,
                matter_number=target.number,
                summary=target.summary,
                kind=x.kind,
                last_chase=chases[-1] if chases else None,
                chase_count=len(chases),
                overdue_report=state == ListingState.LISTED
                and awaiting_report(x, chases)
                and (chases[-1].report_by if chases else x.report_by) < today,
            )
        )
    unit_filter = f.get("unit")
    if unit_filter:
        try:
            unit_pk = int(unit_filter)
        except (TypeError, ValueError):
            raise Http404 from None
        cards = [c for c in cards if c.unit.pk == unit_pk]
    per_unit: dict[int, dict[str, int]] = {}
    totals = dict.fromkeys(COLOURS, 0)
    for c in cards:
        row = per_unit.setdefault(c.unit.pk, dict.fromkeys(COLOURS, 0))
        row[c.colour] += 1
        totals[c.colour] += 1
    unit_list = sorted({c.unit.pk: c.unit for c in cards}.values(), key=lambda u: u.code)
    if f.get("colour") in COLOURS:
        cards = [c for c in cards if c.colour == f["colour"]]
    order = {colour: i for i, colour in enumerate(COLOURS)}
    cards.sort(key=lambda c: (order[c.colour], c.listing.report_by, c.listing.pk))
    return Board(
        cards=cards,
        by_unit=[(u, per_unit[u.pk]) for u in unit_list],
        totals=totals,
        units=sorted(units.values(), key=lambda u: u.code),
    )


def counts(*, user, today: dt.date | None = None) -> dict[str, int]:
    """Listed matters per colour (the start panel)."""
    return board(user=user, today=today).totals


def petition_number(*, user, petition_id: int) -> str | None:
    """The number of a matter the user may see; None otherwise."""
    return (
        petition_selectors.visible_petitions(user)
        .filter(pk=petition_id)
        .values_list("number", flat=True)
        .first()
    )


def matter_by_number(*, user, number: str) -> tuple[str, int] | None:
    """("petition", id) or ("dispute", id) of the matter with this number that the
    user may see; None otherwise (no hint that it exists)."""
    number = (number or "").strip()
    if not number:
        return None
    p = (
        petition_selectors.visible_petitions(user)
        .filter(number=number)
        .values_list("pk", flat=True)
        .first()
    )
    if p:
        return "petition", p
    d = Dispute.objects.filter(number=number).first()
    if d is not None and permissions.may_see_dispute(user, d):
        return "dispute", d.pk
    return None


def escalated_red_units(*, office, start: dt.date, end: dt.date) -> list[str]:
    """The names of the units whose listings supervised by `office` (or a unit below
    it) took the red step of the escalation ladder in the week, by name."""
    names = (
        Escalation.objects.filter(
            step=EscalationStep.RED,
            at__date__gte=start,  # Beijing dates (TIME_ZONE)
            at__date__lte=end,
            listing__office__in=Unit.objects.filter(ancestor_links__ancestor=office),
        )
        .values_list("unit__name", flat=True)
        .distinct()
    )
    return sorted(set(names))
