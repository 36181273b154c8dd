"""Who may see a listing and who may act on it (挂牌督办), built on the policies
of the areas below: a listing is seen by whoever may see its matter (a petition
through petitions' policy; a dispute through mediation's, or through the ledger
of its township), so the board and the API show a user only what their units
(and the units below them) reach, and an outsider gets 404.

- list, chase, press, recolour, delist: a supervisor (`supervise`) of the
  matter's petition office (petitions' own `list` row answers), or, for a
  dispute, a supervisor whose territory holds the dispute's township;
- report (what came back): the responsible unit's handlers and head; for a
  dispute, the township's staff who run its meeting or route the dispute.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.mediation import permissions as mediation_policy
from xinfang.orgs import permissions as org_permissions
from xinfang.petitions import permissions as petition_policy
from xinfang.petitions import workflow as petition_workflow

from .models import Listing

REPORT_ACTIONS = ("handle_petition", "approve_extension")


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_see_petition(user, petition) -> bool:
    return petition_policy.may_see(user, petition)


def may_see_dispute(user, dispute) -> bool:
    if not _active(user):
        return False
    return mediation_policy.may_see(user, dispute) or (
        dispute.township_id is not None
        and dispute.township_id in mediation_policy.township_ids_for(user, "read_ledger")
    )


def may_see(user, listing: Listing) -> bool:
    if listing.petition_id:
        return may_see_petition(user, listing.petition)
    return may_see_dispute(user, listing.dispute)


def may_list_petition(user, petition) -> bool:
    """The matter's own `list` row: a supervisor of its petition office."""
    return petition_policy.may_take(user, petition_workflow.TABLE["list"], petition)


def may_list_dispute(user, dispute) -> bool:
    """A supervisor whose territory holds the township whose ledger holds it."""
    if not _active(user) or dispute.township_id is None:
        return False
    return dispute.township_id in mediation_policy.township_ids_for(user, "supervise")


def may_supervise(user, listing: Listing) -> bool:
    if listing.petition_id:
        return may_list_petition(user, listing.petition)
    return may_list_dispute(user, listing.dispute)


def may_report(user, listing: Listing, unit_id: int | None) -> bool:
    """The unit that must act reports what it did: its handlers and head (a
    dispute: the township staff who route it or run its weekly meeting)."""
    if not _active(user):
        return False
    if listing.petition_id:
        return bool(unit_id) and any(
            org_permissions.reaches(user, [unit_id], a) for a in REPORT_ACTIONS
        )
    d = listing.dispute
    return mediation_policy.may_route(user, d) or (
        d.township_id is not None and mediation_policy.may_run_meeting(user, d.township)
    )


def may_use_board(user) -> bool:
    """Anyone signed in reads the board: it shows only what they may see."""
    return _active(user)


def is_supervisor(user) -> bool:
    return _active(user) and (
        bool(org_permissions.member_unit_ids(user, "supervise"))
        or org_permissions.is_administrator(user)
    )


def visible_listings(user) -> QuerySet[Listing]:
    """The listings whose matter the user may see: one query with the matters'
    visibility as subqueries (petitions' accusation rules included)."""
    if not _active(user):
        return Listing.objects.none()
    townships = mediation_policy.township_ids_for(user, "read_ledger")
    reach = Q(petition__in=petition_policy.visible_petitions(user).values("pk")) | Q(
        dispute__in=mediation_policy.visible(user, "dispute").values("pk")
    )
    if townships:
        reach |= Q(dispute__township_id__in=townships)
    return Listing.objects.filter(reach)
