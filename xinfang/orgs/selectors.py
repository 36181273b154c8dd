"""Reads of units and people, always through the visibility of permissions.py."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404

from . import permissions
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


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their units, primary first: read once per
    request (kept on the user, as the permission checks read them)."""
    return list(permissions.memberships(user))


def units_above(
    unit: Unit,
    *,
    kind: str | None = None,
    level: str | None = None,
    include_self: bool = True,
    **filters,
) -> QuerySet[Unit]:
    """The units at or above `unit` in the tree, nearest first, of the given kind
    and level (and any further Unit filters)."""
    # One filter() call: conditions on the closure rows in separate calls would
    # each join the table again, and "strictly above" could then match another row.
    link = {"descendant_links__descendant": unit}
    if not include_self:
        link["descendant_links__distance__gt"] = 0
    if kind is not None:
        filters["kind"] = kind
    if level is not None:
        filters["level"] = level
    return Unit.objects.filter(**link, **filters).order_by("descendant_links__distance")


def unit_above(
    unit: Unit,
    *,
    kind: str | None = None,
    level: str | None = None,
    include_self: bool = True,
    **filters,
) -> Unit | None:
    """The nearest unit at or above `unit` of the given kind and level (None: none),
    e.g. the township of a village: `unit_above(village, kind=TERRITORIAL,
    level=TOWNSHIP)`."""
    return units_above(unit, kind=kind, level=level, include_self=include_self, **filters).first()
