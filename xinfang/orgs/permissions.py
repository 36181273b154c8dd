"""Who may do what, where. Every later list and action asks here.

Two questions, one policy:
- may(user, action, target): may this user do ACTION in/for this unit or object?
- visible_units(user): which units (and so which objects) may this user see?
And who is an administrator (系统管理员), who may see and do everything:
is_administrator(user). No other module reads Django's superuser flag (a test
greps the tree, xinfang/core/tests/test_permission_policy.py); each area's
permissions.py builds on this one.

A membership reaches its own unit and every unit below it (DOMAIN.md section 1).
An object names the units it belongs to through `scope_unit_ids()` (or a `unit`
attribute); the user may act when some membership whose role allows the action
reaches one of them.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from xinfang.core import permissions as core_permissions
from xinfang.core.compiled import CompiledQuery
from xinfang.core.memo import memoized

from .models import Membership, Role, Unit, UnitLink

# action -> roles that may take it. Later areas add their actions here, so that
# the whole table can be read in one place.
ACTIONS: dict[str, frozenset[str]] = {
    "view": frozenset(Role.values),
    "register_petition": frozenset({Role.CLERK}),
    "dispatch_petition": frozenset({Role.DISPATCHER}),
    "handle_petition": frozenset({Role.HANDLER}),
    "approve_extension": frozenset({Role.UNIT_HEAD}),
    # 签发: the answering unit's head approves its written opinions before they go
    # out (petitions.services.signoff); a deputy is given this role at the unit.
    "approve_opinion": frozenset({Role.UNIT_HEAD}),
    "supervise": frozenset({Role.SUPERVISOR}),
    "own_case": frozenset({Role.LEADER}),
    # 信访积案攻坚: the petition office's supervisors and dispatchers run its backlog
    # campaigns (xinfang.leadership.permissions.campaigns).
    "run_campaign": frozenset({Role.SUPERVISOR, Role.DISPATCHER}),
    "report_screening": frozenset({Role.LIAISON}),
    "mediate": frozenset({Role.MEDIATOR}),
    # Mediation network (docs/architecture.md, "Mediation: disputes and cases").
    "register_dispute": frozenset({Role.CLERK, Role.DISPATCHER, Role.HANDLER, Role.MEDIATOR}),
    "route_dispute": frozenset({Role.DISPATCHER, Role.HANDLER, Role.LEADER}),
    # A township's ledger: the roles that handle and watch matters there, and the
    # mediators of its centre; the weekly meeting: those who can commit the township.
    "read_ledger": frozenset(
        {Role.HANDLER, Role.DISPATCHER, Role.UNIT_HEAD, Role.LEADER, Role.SUPERVISOR, Role.MEDIATOR}
    ),
    "run_meeting": frozenset({Role.HANDLER, Role.DISPATCHER, Role.UNIT_HEAD, Role.LEADER}),
    "read_analytics": frozenset({Role.ANALYST, Role.LEADER, Role.SUPERVISOR}),
    # Leaders' receptions (领导接访下访约访): the leader, the reception centre's
    # clerk and the petition office put them on the calendar and record them.
    "record_reception": frozenset({Role.LEADER, Role.CLERK, Role.DISPATCHER}),
    "view_personal_data": frozenset(
        {Role.CLERK, Role.DISPATCHER, Role.HANDLER, Role.UNIT_HEAD, Role.LEADER, Role.MEDIATOR}
    ),
}


# Django's superuser is this system's administrator. The name of the flag, for
# the few places that must name the column itself (the admin's user list, the
# API's "me"), so that the flag is still read here only.
# The base policy is core's (core.permissions); orgs answers with it.
ADMINISTRATOR_FLAG = core_permissions.ADMINISTRATOR_FLAG
is_administrator = core_permissions.is_administrator
set_administrator = core_permissions.set_administrator


def memberships(user) -> list[Membership]:
    """The user's memberships with their units, primary first (the model's
    order), read once and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_xinfang_memberships", None)
    if cache is None:
        cache = user._xinfang_memberships = _memberships(user.pk)
    return cache


# Read on every staff page: compiled once per connection (core.compiled).
_memberships = CompiledQuery(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id)
        .select_related("unit")
        .order_by("-is_primary", "id")
    ),
    (int,),
)


def roles_of(user) -> list[str]:
    seen: list[str] = []
    for m in memberships(user):
        if m.role not in seen:
            seen.append(m.role)
    return seen


def member_unit_ids(user, action: str | None = None) -> set[int]:
    """Units where the user holds a membership (allowing `action`, if given)."""
    allowed = ACTIONS.get(action) if action else None
    if action and allowed is None:
        raise KeyError(f"unknown action {action!r}")
    return {m.unit_id for m in memberships(user) if allowed is None or m.role in allowed}


def visible_units(user, action: str | None = None) -> QuerySet[Unit]:
    """The units the user may see (or act in, for `action`): one indexed query."""
    if is_administrator(user):
        return Unit.objects.all()
    roots = member_unit_ids(user, action)
    if not roots:
        return Unit.objects.none()
    return Unit.objects.filter(
        pk__in=UnitLink.objects.filter(ancestor_id__in=roots).values("descendant_id")
    )


def reached_unit_ids(user, action: str | None = None) -> list[int]:
    """Ids of the units the user's memberships (for `action`) reach, as a sorted
    list, memoised on the user object for the request. Lists filter by these literal
    ids: PostgreSQL then reads `unit_id = ANY(...)` through the composite indexes,
    where a subquery inside an OR made it read every open row."""
    memo = user.__dict__.setdefault("_xinfang_unit_ids", {})
    roots = tuple(sorted(member_unit_ids(user, action)))  # actions with the same roots share
    if roots not in memo:
        memo[roots] = descendant_ids(roots) if roots else []
    return memo[roots]


# --- the unit tree's answers, kept (core.memo) ----------------------------------------
# Functions of the tree alone, keyed by unit ids: every staff page asks them
# (the reach, the accusation rules), and the tree changes a few times a year. A
# unit saved or deleted forgets them (orgs.apps), in every server process once it
# commits; the links change only with a unit's save, in its transaction.


@memoized()
def descendant_ids(roots: tuple[int, ...]) -> list[int]:
    """The units at or below `roots`, sorted."""
    return sorted(
        set(UnitLink.objects.filter(ancestor_id__in=roots).values_list("descendant_id", flat=True))
    )


@memoized()
def ancestor_ids(units: tuple[int, ...]) -> list[int]:
    """The units at or above `units`, sorted."""
    return sorted(
        set(UnitLink.objects.filter(descendant_id__in=units).values_list("ancestor_id", flat=True))
    )


@memoized()
def child_ids(units: tuple[int, ...]) -> list[int]:
    """The units one step below `units`, sorted."""
    return sorted(Unit.objects.filter(parent__in=units).values_list("pk", flat=True))


@memoized()
def unit_count() -> int:
    return Unit.objects.count()


@memoized()
def unit_ids_of_kind(kind: str) -> frozenset[int]:
    return frozenset(Unit.objects.filter(kind=kind).values_list("pk", flat=True))


def every_unit(user, units) -> bool:
    """Do `units` (a reach of this user's) hold every unit (the city's leader)?"""
    return bool(units) and len(units) == unit_count()


def among(user, field: str, units) -> Q:
    """Rows whose unit field `field` is one of `units` (a reach of this user's):
    "the field is set" when they hold every unit, the same rows without a list of
    every unit in the statement (building, sending and planning those lists cost
    the city's pages milliseconds a condition)."""
    if every_unit(user, units):
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__in": units})


def _target_unit_ids(target) -> set[int]:
    if isinstance(target, Unit):
        return {target.pk}
    if hasattr(target, "scope_unit_ids"):
        return set(target.scope_unit_ids())
    unit_id = getattr(target, "unit_id", None)
    if unit_id is None:
        raise TypeError(f"{target!r} names no unit")
    return {unit_id}


def may(user, action: str, target) -> bool:
    """May `user` take `action` in or for `target` (a Unit or an object with units)?"""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_administrator(user):
        return True
    roots = member_unit_ids(user, action)
    if not roots:
        return False
    return UnitLink.objects.filter(
        ancestor_id__in=roots, descendant_id__in=_target_unit_ids(target)
    ).exists()


def may_see(user, target) -> bool:
    return may(user, "view", target)


def reaches(user, unit_ids: Iterable[int], action: str | None = None) -> bool:
    """Does any of the user's memberships (for `action`) reach one of `unit_ids`?"""
    return may(user, action or "view", _UnitIds(unit_ids))


class _UnitIds:
    def __init__(self, ids: Iterable[int]):
        self._ids = set(ids)

    def scope_unit_ids(self) -> set[int]:
        return self._ids
