"""Who may do what in the leadership area. The roles of each action are in
orgs.permissions.ACTIONS (`own_case`: leaders; `supervise`: supervisors); here is
which units the actor must reach.

- See a plan (and a hearing): whoever may see its matter
  (petitions.permissions.may_see); anyone else gets 404, never a hint.
- Own a matter with a plan: a leader (`own_case`) or a supervisor (`supervise`,
  the backlog campaign names owners) whose unit reaches the matter; the owner
  named must be a leader who may own it (the matter's own `own` transition checks).
- Act on a plan (progress, revise, hand over, resolve, reopen): its owner, or a
  leader whose unit reaches the plan's responsible unit.
- Statistics: the plans of the matters the user sees.
"""

from __future__ import annotations

from django.db.models import QuerySet

from xinfang.orgs import permissions
from xinfang.orgs.models import Membership, Unit, UnitLink
from xinfang.petitions import permissions as petition_policy

from ..models import OwnershipPlan

OWNING_ACTIONS = ("own_case", "supervise")


def may_see_plan(user, plan: OwnershipPlan) -> bool:
    return petition_policy.may_see(user, plan.petition)


def may_act_on_plan(user, plan: OwnershipPlan) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.pk == plan.owner_id:
        return True
    return permissions.reaches(user, [plan.unit_id], "own_case")


def may_assign_owner(user, petition) -> bool:
    """May `user` give this matter an owner with a plan (their own or another leader)?"""
    units = list(petition.scope_unit_ids())
    return any(permissions.reaches(user, units, a) for a in OWNING_ACTIONS)


def visible_plans(user) -> QuerySet[OwnershipPlan]:
    """The plans of the matters the user may see (every list and count reads here)."""
    return OwnershipPlan.objects.filter(petition__in=petition_policy.visible(user))


def acting_unit(user, plan: OwnershipPlan) -> Unit | None:
    """The unit the user acts for on this plan (for the event): their leader's
    membership reaching the plan's unit, else their primary membership."""
    if not getattr(user, "pk", None):
        return None
    ms = list(Membership.objects.filter(user=user).select_related("unit"))
    for m in ms:
        if UnitLink.objects.filter(ancestor=m.unit, descendant_id=plan.unit_id).exists():
            return m.unit
    primary = [m for m in ms if m.is_primary] or ms
    return primary[0].unit if primary else None
