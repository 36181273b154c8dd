"""Who may do what in the leadership area, built on orgs.permissions.

Receptions (领导接访下访约访): a reception belongs to two units, the leader's
(their leader membership) and the place where it is held (the reception centre,
the township or village visited); `Reception.scope_unit_ids()`.
- See: any member whose unit reaches one of them (another township's staff get
  404, never a hint).
- Put on the calendar, hold, cancel, record batches: "record_reception" (the
  leader, the reception centre's clerk, the petition office) through one of them.
- Register a new matter from a batch: that, and "register_petition" at the unit
  the actor registers for (petitions.services.petition_register asks again).
A superuser is answered in orgs.permissions (is_administrator), not here.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.orgs import permissions
from xinfang.orgs.models import Membership, Role, Unit, UnitLink

from ..models import Reception


def sees_all(user) -> bool:
    return permissions.is_administrator(user) and bool(getattr(user, "is_active", False))


def visible_receptions(user) -> QuerySet[Reception]:
    """The receptions this user may see: one indexed filter on literal unit ids."""
    if not getattr(user, "is_authenticated", False):
        return Reception.objects.none()
    if sees_all(user):
        return Reception.objects.all()
    ids = permissions.reached_unit_ids(user)
    if not ids:
        return Reception.objects.none()
    return Reception.objects.filter(
        permissions.among(user, "leader_unit_id", ids) | permissions.among(user, "unit_id", ids)
    )


def may_see_reception(user, reception: Reception) -> bool:
    if sees_all(user):
        return True
    return permissions.reaches(user, reception.scope_unit_ids())


def may(user, action: str, reception: Reception) -> bool:
    """May `user` take `action` (an orgs.permissions action) on this reception?"""
    return permissions.may(user, action, reception)


def may_record_for(user, unit: Unit) -> bool:
    return permissions.may(user, "record_reception", unit)


def records_somewhere(user) -> bool:
    return sees_all(user) or bool(permissions.member_unit_ids(user, "record_reception"))


def registering_unit(user, reception: Reception) -> Unit | None:
    """The unit the actor registers a matter for at this reception: the reception's
    place when they may register there, else their own unit that registers
    (a clerk of the reception centre at a visit down)."""
    for unit in (reception.unit, reception.leader_unit):
        if permissions.may(user, "register_petition", unit):
            return unit
    own = [
        m.unit for m in Membership.objects.filter(user=user, role=Role.CLERK).select_related("unit")
    ]
    return own[0] if own else None


def leader_memberships(user, *, above: bool = True) -> QuerySet[Membership]:
    """Leader memberships that this user may put on the calendar: of the units they
    reach, and of the units above their own (the city's reception centre receives
    for the city's leaders). Leaders' names are on the public calendar anyway."""
    qs = Membership.objects.filter(role=Role.LEADER, user__is_active=True).select_related(
        "user", "unit"
    )
    if sees_all(user):
        return qs
    if not above:
        return qs.filter(unit_id__in=permissions.reached_unit_ids(user))
    over = UnitLink.objects.filter(descendant_id__in=permissions.member_unit_ids(user)).values_list(
        "ancestor_id", flat=True
    )
    return qs.filter(Q(unit_id__in=permissions.reached_unit_ids(user)) | Q(unit_id__in=over))
