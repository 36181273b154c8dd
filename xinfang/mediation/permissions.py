"""Who may do what in the mediation network. The roles of each action are in
orgs.permissions.ACTIONS; here is which of a dispute's units the actor must reach.

- Register a dispute (direct application, court or police referral): a clerk,
  dispatcher, handler or mediator whose unit reaches the place where it arose, or
  reaches the receiving unit (a centre, a reception centre) whose territory holds
  the place: a citizen may apply at the city's centre about a village matter. A
  receiving unit named must always be one the registrar acts for, over the place.
- Route it or pass it up (escalate): a dispatcher, handler or leader whose unit
  reaches its place or the unit that received it (the township or city staff),
  or a mediator of the body now handling it or of the receiving centre.
- Open a case and assign mediators: the same as routing.
- Everything inside a case (consent, sessions, extension, outcome, agreement,
  follow-up, judicial confirmation): a mediator of the case's body, or of a
  body above it (the city centre over the professional committees).
- Divert a petition to mediation, resume it or conclude it with the agreement:
  the petition's dispatcher (through its petition office) or its handler
  (through its responsible unit).
- Keep a body's roster (add, correct, deactivate mediators): its mediators,
  or the dispatchers, handlers and leaders whose unit reaches it.
- See: any member whose unit reaches one of Dispute.scope_unit_ids().
"""

from __future__ import annotations

from xinfang.orgs import permissions
from xinfang.orgs.models import Unit, UnitKind, UnitLink

from .models import Dispute, MediationCase


def territory_of(unit: Unit) -> Unit:
    """The nearest territorial unit at or above `unit` (a centre's township)."""
    if unit.kind == UnitKind.TERRITORIAL:
        return unit
    return (
        Unit.objects.filter(kind=UnitKind.TERRITORIAL, descendant_links__descendant=unit)
        .order_by("descendant_links__distance")
        .first()
        or unit
    )


def covers(ancestor: Unit, unit: Unit) -> bool:
    return UnitLink.objects.filter(ancestor=ancestor, descendant=unit).exists()


def may_register(user, *, place: Unit, received_by: Unit | None) -> bool:
    """With no receiving unit named, the registrar's unit must reach the place.
    With one named, the registrar must act for it (the receiving unit sees the
    dispute, so naming another unit would hand it sight of the dispute) and its
    territory must hold the place; reaching the place alone is not enough."""
    if received_by is None:
        return permissions.may(user, "register_dispute", place)
    return may_receive(user, received_by) and covers(territory_of(received_by), place)


def may_receive(user, received_by: Unit) -> bool:
    """May `user` register disputes as received by this unit (their own, or below it)?"""
    return getattr(user, "is_superuser", False) or permissions.may(
        user, "register_dispute", received_by
    )


def may_route(user, dispute: Dispute) -> bool:
    staff_units = {i for i in (dispute.place_id, dispute.received_by_id) if i}
    if permissions.reaches(user, staff_units, "route_dispute"):
        return True
    bodies = {i for i in (dispute.body_id, dispute.received_by_id) if i}
    return bool(bodies) and permissions.reaches(user, bodies, "mediate")


def may_mediate(user, case: MediationCase) -> bool:
    return permissions.may(user, "mediate", case.body)


def may_manage_roster(user, body: Unit) -> bool:
    """Add, correct and (de)activate a body's mediators: its own mediators, or the
    staff who route disputes at or above it (a township's handler, the city)."""
    return (
        getattr(user, "is_superuser", False)
        or permissions.may(user, "mediate", body)
        or permissions.may(user, "route_dispute", body)
    )


def may_act_on_petition(user, petition) -> bool:
    """The petition's dispatcher or handler (diversion, resumption, conclusion)."""
    if petition.office_id and permissions.reaches(user, [petition.office_id], "dispatch_petition"):
        return True
    return bool(petition.responsible_unit_id) and permissions.reaches(
        user, [petition.responsible_unit_id], "handle_petition"
    )
