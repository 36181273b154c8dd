"""The allowed moves of a listing (挂牌督办), in a table (core.transitions), and
its frame: lock → state and version (409) → permission (403) → guard → write →
event, in one transaction.

- chase: 催办 or 督办, a letter with its number, what is demanded and by when;
- report: what came back, the responsible unit's report;
- recolour: listed in another colour (the matter's own listing follows);
- delist: 摘牌, the supervisor's, when the matter is resolved.
Events that are no one's move: `listed` (the listing's creation), the two steps
of the escalation ladder (the tick's) and `resolved` (the tick delists a listing
whose matter was concluded or whose dispute closed).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xinfang.core.transitions import Frame, Table, Transition, row

from . import permissions
from .models import Listing, ListingEvent, ListingState

L = ListingState

LISTING = Table(
    "listing",
    [
        row("chase", _("Chased"), {L.LISTED}, None, "supervise", "office"),
        row("report", _("The unit reported"), {L.LISTED}, None, "handle_petition", "unit"),
        row("recolour", _("Listed in another colour"), {L.LISTED}, None, "supervise", "office"),
        row("delist", _("Delisted"), {L.LISTED}, L.DELISTED, "supervise", "office"),
    ],
    events={
        "listed": _("Listed for supervision"),
        "escalated_yellow": _("Escalated (yellow): the unit's head told"),
        "escalated_red": _("Escalated (red): the owning leader and the petition office told"),
        "resolved": _("Delisted: the matter was resolved"),
    },
)


def unit_now_id(listing: Listing) -> int:
    """The unit that must act on the listed matter now: a petition's reviewing
    organ in review, else its responsible unit, else its office; a dispute's
    body, else its township. The listing's own `unit` when nothing else."""
    p = listing.petition if listing.petition_id else None
    if p is not None:
        if p.state in ("under_re_review", "re_review_issued") and p.re_review_unit_id:
            return p.re_review_unit_id
        if p.state in ("under_review", "review_issued") and p.review_unit_id:
            return p.review_unit_id
        return p.responsible_unit_id or p.office_id or listing.unit_id
    d = listing.dispute
    return d.body_id or d.township_id or listing.unit_id


class ListingFrame(Frame):
    model = Listing
    table = LISTING
    id_field = "listing_id"
    noun = _("This listing")

    def visible(self, actor, obj) -> bool:
        return permissions.may_see(actor, obj)

    def may(self, actor, obj, t: Transition) -> bool:
        if t.via == "unit":
            return permissions.may_report(actor, obj, unit_now_id(obj))
        return permissions.may_supervise(actor, obj)

    def state_label(self, state: str) -> str:
        return str(ListingState(state).label) if state in ListingState.values else state

    def record(self, obj, t: Transition, *, actor, from_state: str, **result):
        return ListingEvent.record(
            obj,
            action=t.name,
            actor=actor,
            actor_unit=result.get("actor_unit"),
            note=result.get("note", ""),
            data=result.get("data", {}),
        )


FRAME = ListingFrame()
