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
- Read a township's ledger, run its weekly meeting: see township_ids_for.
- See: any member whose unit reaches one of Dispute.scope_unit_ids().

`may(user, action, obj)` is the one question the frames (workflow.py), pages
and API ask; `visible(user, kind)` the one answer to "which may they see". A
superuser is answered here (sees_all) and nowhere else in the area.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from xinfang.orgs import permissions
from xinfang.orgs.models import Level, Membership, Unit, UnitKind, UnitLink
from xinfang.orgs.selectors import unit_above

from .models import Dispute, DisputeState, MediationCase, Meeting


def sees_all(user) -> bool:
    """A superuser sees (and may do) everything a member may; nobody's liaison."""
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def territory_of(unit: Unit) -> Unit:
    """The nearest territorial unit at or above `unit` (a centre's township)."""
    return unit_above(unit, kind=UnitKind.TERRITORIAL) or unit


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
    return permissions.may(user, "register_dispute", received_by)


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
    return permissions.may(user, "mediate", body) or permissions.may(user, "route_dispute", body)


def may_act_on_petition(user, petition) -> bool:
    """The petition's dispatcher or handler (diversion, resumption, conclusion)."""
    if petition.office_id and permissions.reaches(user, [petition.office_id], "dispatch_petition"):
        return True
    return bool(petition.responsible_unit_id) and permissions.reaches(
        user, [petition.responsible_unit_id], "handle_petition"
    )


def may_assign(user, case: MediationCase) -> bool:
    """Assign a case's mediators: who routes its dispute, or a mediator of its body."""
    return may_route(user, case.dispute) or may_mediate(user, case)


def may_open_case(user, dispute: Dispute) -> bool:
    """Open a case: who routes the dispute; once it is routed, a mediator of its body too."""
    if may_route(user, dispute):
        return True
    return (
        dispute.state != DisputeState.REPORTED
        and bool(dispute.body_id)
        and (permissions.may(user, "mediate", dispute.body))
    )


def may_raise_petition(user) -> bool:
    """A clerk who registers petitions somewhere (petitions' services check where)."""
    return sees_all(user) or bool(permissions.member_unit_ids(user, "register_petition"))


def may_see(user, dispute: Dispute) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return permissions.reaches(user, dispute.scope_unit_ids())


# The question each row of workflow.py asks through its `via`.
_BY_VIA = {
    "route": lambda user, d: may_route(user, d),
    "open": lambda user, d: may_open_case(user, d),
    "township": lambda user, meeting: may_run_meeting(user, meeting.township),
    "petition": lambda user, d: not d.petition_id or may_act_on_petition(user, d.petition),
    "petition_clerk": lambda user, d: may_raise_petition(user),
    "assign": lambda user, case: may_assign(user, case),
    "body": lambda user, case: may_mediate(user, case),
    "roster": lambda user, body: may_manage_roster(user, body),
}


def may(user, action: str, obj) -> bool:
    """May `user` take `action` on `obj` (a dispute, a case, a meeting, a body's
    roster)? `action` is a row's `via` in workflow.py, or "roster"."""
    if action in ("case", "meeting"):  # moves another action makes: no user takes them
        return False
    return _BY_VIA[action](user, obj)


def visible(user, kind: str):
    """Which objects of `kind` the user may see: "dispute", "case", "meeting",
    "body" (the mediation bodies whose rosters they see)."""
    from_kind = {
        "dispute": _visible_disputes,
        "case": lambda u: MediationCase.objects.filter(dispute__in=_visible_disputes(u)),
        "meeting": lambda u: Meeting.objects.filter(
            township_id__in=township_ids_for(u, "read_ledger")
        ),
        "body": _visible_bodies,
    }
    return from_kind[kind](user)


def _reach(user, units) -> Q:
    had_case = MediationCase.objects.filter(
        permissions.among(user, "body_id", units), dispute=OuterRef("pk")
    )
    return (
        permissions.among(user, "place_id", units)
        | permissions.among(user, "body_id", units)
        | permissions.among(user, "received_by_id", units)
        | Q(Exists(had_case))
    )


def _visible_disputes(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Dispute.objects.none()
    if sees_all(user):
        return Dispute.objects.all()
    units = permissions.reached_unit_ids(user)
    if not units:
        return Dispute.objects.none()
    return Dispute.objects.filter(_reach(user, units))


BODY_KINDS = (UnitKind.MEDIATION_CENTRE, UnitKind.MEDIATION_COMMITTEE)


def _visible_bodies(user):
    return (
        permissions.visible_units(user)
        .filter(kind__in=BODY_KINDS, is_active=True)
        .order_by("depth", "sort_order", "code")
    )


def acting_unit(actor, unit_ids, actions: tuple[str, ...]) -> Unit | None:
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


# --- the township's ledger and weekly meeting -------------------------------------------------------------------
#
# Reading a township's ledger is the work of the township's staff: the petition
# roles that handle and watch matters there, and the mediators of its centre. Running
# the weekly meeting is for those who can commit the township: its handlers,
# dispatchers, unit heads and leaders. Both reach down from the city (a city leader
# or supervisor reads every township's ledger). The liaison reports for a village
# and does not read the township's ledger (other villages' disputes are not theirs).
# Both actions sit in the one table of orgs.permissions (read_ledger, run_meeting).
LEDGER_ROLES = permissions.ACTIONS["read_ledger"]
MEETING_ROLES = permissions.ACTIONS["run_meeting"]

# Functional units act for the territory they sit in (a township's mediation
# centre for its township, the city's petition office for the city). Departments
# do not: a city bureau's handler has no business with the villages' disputes.
_ACTS_FOR_TERRITORY = (
    UnitKind.TERRITORIAL,
    UnitKind.MEDIATION_CENTRE,
    UnitKind.MEDIATION_COMMITTEE,
    UnitKind.PETITION_OFFICE,
    UnitKind.RECEPTION_CENTRE,
)

# A liaison may report a day late without explaining; older days need a note
# (补报说明) and at most a week back, so that the day-by-day record stays true.
BACKDATE_DAYS = 7


def _memo(user) -> dict:
    return user.__dict__.setdefault("_xinfang_screening", {})


def township_ids_for(user, action: str) -> list[int]:
    """Ids of the townships whose ledger `user` reaches for `action` (read_ledger or
    run_meeting): townships at or below the territory of a membership allowing it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    memo = _memo(user)
    if action in memo:
        return memo[action]
    townships = Unit.objects.filter(kind=UnitKind.TERRITORIAL, level=Level.TOWNSHIP)
    if not sees_all(user):
        roots = permissions.member_unit_ids(user, action)
        if not roots:
            memo[action] = []
            return []
        # The nearest territorial unit at or above each membership's unit.
        territory: dict[int, int] = {}
        for descendant_id, ancestor_id in (
            UnitLink.objects.filter(
                descendant_id__in=roots,
                descendant__kind__in=_ACTS_FOR_TERRITORY,
                ancestor__kind=UnitKind.TERRITORIAL,
            )
            .order_by("descendant_id", "distance")
            .values_list("descendant_id", "ancestor_id")
        ):
            territory.setdefault(descendant_id, ancestor_id)
        townships = townships.filter(ancestor_links__ancestor_id__in=set(territory.values()))
    memo[action] = sorted(set(townships.values_list("pk", flat=True)))
    return memo[action]


def may_read_ledger(user, township: Unit) -> bool:
    return township.pk in township_ids_for(user, "read_ledger")


def may_run_meeting(user, township: Unit) -> bool:
    return township.pk in township_ids_for(user, "run_meeting")
