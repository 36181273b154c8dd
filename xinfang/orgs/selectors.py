"""Reads of units and people, always through the visibility of permissions.py."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404

from .models import Membership, Unit, UnitKind
from .permissions import visible_units


@dataclass
class TreeNode:
    unit: Unit
    children: list["TreeNode"] = field(default_factory=list)


def unit_list(*, user, kind: str | None = None) -> QuerySet[Unit]:
    units = visible_units(user).filter(is_active=True)
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("depth", "sort_order", "code")


def unit_get(*, user, pk: int) -> Unit:
    """The unit, or 404 when it does not exist or the user may not see it."""
    unit = visible_units(user).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def unit_tree(units) -> list[TreeNode]:
    """Build a forest from a list of units in one pass (no query per node).

    A unit whose parent is not in the list becomes a root: a township user's
    tree starts at their township.
    """
    nodes = {u.pk: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id)
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.unit.sort_order, n.unit.code))
    roots.sort(key=lambda n: (n.unit.depth, n.unit.sort_order, n.unit.code))
    return roots


def unit_members(*, user, unit: Unit) -> QuerySet[Membership]:
    unit_get(user=user, pk=unit.pk)
    return (
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__username")
    )


def scope_summary(*, user) -> dict[str, int]:
    """How many units of each kind the user's scope holds."""
    rows = visible_units(user).filter(is_active=True).values("kind").annotate(n=Count("pk"))
    counts = {row["kind"]: row["n"] for row in rows}
    return {kind: counts.get(kind, 0) for kind in UnitKind.values}


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("unit").order_by("-is_primary", "id")
